"""Check-in reminders through beat and the ledger: once when due, once a week before close."""

from datetime import timedelta

from hiring.email.reminders import send_due
from tests.checkins.helpers import first, hired, review


def sent_to(mailoutbox):
    return sorted((message.to[0], message.subject) for message in mailoutbox)


def test_each_rater_still_to_submit_is_reminded_once_when_due(team, member, teammate, mailoutbox):
    check_in = first(hired(team, member, days_ago=90, name="Hana Hire"))
    review(check_in, teammate)

    send_due(now=check_in.due_at + timedelta(hours=1))
    send_due(now=check_in.due_at + timedelta(days=2))

    assert sent_to(mailoutbox) == [("ana@example.com", "Check-in on Hana Hire: day 90")]
    assert f"/check-ins/{check_in.pk}/" in mailoutbox[0].body


def test_a_week_before_it_closes_once_more_then_never(team, member, mailoutbox):
    check_in = first(hired(team, member, days_ago=90, name="Hana Hire"))
    send_due(now=check_in.due_at + timedelta(hours=1))

    for days in (23, 24, 29):
        send_due(now=check_in.due_at + timedelta(days=days, hours=1))
    send_due(now=check_in.closes_at + timedelta(hours=1))

    subjects = [message.subject for message in mailoutbox if message.to == ["ana@example.com"]]
    assert subjects == [
        "Check-in on Hana Hire: day 90",
        "A week left: your check-in on Hana Hire",
    ]


def test_nobody_is_reminded_before_it_falls_due_nor_the_hire(team, teammate, mailoutbox):
    application = hired(team, teammate, email="ana@example.com")  # the hire is Ana herself
    check_in = first(application)

    send_due(now=check_in.due_at - timedelta(hours=1))
    send_due(now=check_in.due_at + timedelta(hours=1))

    assert [m.to[0] for m in mailoutbox] == ["ben@example.com"]


def test_a_rater_whose_account_was_deactivated_is_not_reminded(team, member, teammate, mailoutbox):
    check_in = first(hired(team, member, days_ago=90, name="Hana Hire"))
    teammate.is_active = False  # left the organisation
    teammate.save(update_fields=["is_active"])

    send_due(now=check_in.due_at + timedelta(hours=1))

    assert sent_to(mailoutbox) == [("ana@example.com", "Check-in on Hana Hire: day 90")]
