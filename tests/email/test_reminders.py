"""Reminders polled by beat: before the interview, and for overdue feedback, each sent once."""

import importlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings

from hiring.celery import app as celery_app
from hiring.debrief.decisions import excuse
from hiring.email.reminders import ESCALATE_ON_DAYS, REMIND_ON_DAYS, send_due
from hiring.models import Application, Membership, Notification, User, WorkingHours
from hiring.privacy import erasure
from hiring.scheduling import booking
from scorecards import scoring
from scorecards.models import Feedback
from tests.email.helpers import END, MONDAY, START, booked_panel, send_invites
from tests.factories import ApplicationFactory, UserFactory, nine_to_five, team_fit_panel

TUESDAY = MONDAY + timedelta(days=1)


def recipients(mailoutbox):
    return sorted(message.to[0] for message in mailoutbox)


def chased_on(days):
    """The days after the interview on which send_due() sent something."""
    return [day for day in days if send_due(now=END + timedelta(days=day, hours=1))]


def booked_morning(application, skills, team_fit, by, day):
    """A panel of two hour-long sessions, skills then team fit, booked at the first option
    from `day` on."""
    nine_to_five(skills, team_fit)
    panel = booking.create_panel(
        application,
        by,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [skills]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [team_fit]},
        ],
    )
    [option, *_] = booking.find_options(panel, day, day + timedelta(days=1))
    booking.book(panel, option, by)
    return panel


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")


@pytest.fixture
def third(team):
    """A third member of `team`, who takes no part in the interview."""
    user = UserFactory(display_name="Cy Third")
    Membership.objects.create(team=team, user=user)
    return user


# Before the session -------------------------------------------------------------------------


def test_interviewers_are_reminded_within_a_day_of_the_session_once(
    application, member, teammate, recruiter, mailoutbox
):
    booked_panel(application, [member, teammate], recruiter)

    assert send_due(now=START - timedelta(hours=20)) == 3  # the candidate's own too (below)

    interviewers = [m for m in mailoutbox if m.to != [application.candidate.email]]
    assert recipients(interviewers) == sorted([member.email, teammate.email])
    assert all(
        "Reminder: interview with Cora Candidate, Mon 4 Mar, 09:00 London time" in m.subject
        for m in interviewers
    )
    assert send_due(now=START - timedelta(hours=19)) == 0
    assert len(mailoutbox) == 3


def test_no_reminder_more_than_a_day_ahead(application, member, recruiter, mailoutbox):
    booked_panel(application, [member], recruiter)

    assert send_due(now=START - timedelta(hours=25)) == 0

    assert mailoutbox == []


def test_a_rescheduled_session_is_reminded_again(application, member, recruiter, mailoutbox):
    panel = booked_panel(application, [member], recruiter)
    send_due(now=START - timedelta(hours=2))
    later = booking.find_options(panel, MONDAY + timedelta(days=1), MONDAY + timedelta(days=2))[0]
    booking.book(panel, later, recruiter)
    new_start = panel.sessions.get().start

    assert send_due(now=new_start - timedelta(hours=2)) == 2  # its new day, the candidate's too

    candidate = application.candidate.email
    assert recipients(mailoutbox) == sorted([member.email, member.email, candidate, candidate])


def test_whoever_replaces_an_interviewer_reminded_already_is_reminded(
    application, member, teammate, recruiter, mailoutbox
):
    panel = booked_panel(application, [member], recruiter)
    nine_to_five(teammate)
    send_due(now=START - timedelta(hours=20))
    seat = panel.sessions.get().interviewers.get()
    booking.replace_interviewer(seat, teammate, recruiter)
    mailoutbox.clear()

    assert send_due(now=START - timedelta(hours=19)) == 1

    assert recipients(mailoutbox) == [teammate.email]


def test_a_reminder_sent_under_the_key_without_the_person_is_not_sent_again_after_the_deploy(
    application, member, teammate, recruiter, mailoutbox
):
    """The ledger kept each interviewer's reminder under its seat and start until migration
    0064_reminder_keys_name_the_person, which records the last day's under the new key too."""
    migration = importlib.import_module("hiring.migrations.0064_reminder_keys_name_the_person")
    panel = booked_panel(application, [member, teammate], recruiter)
    sent = START - timedelta(hours=20)
    seat = panel.sessions.get().interviewers.get(user=member)
    key = f"reminder:{seat.pk}:{START.isoformat()}"
    Notification.objects.create(key=key, created_at=sent, claimed_at=sent, sent_at=sent)

    migration.name_the_person(apps, None, now=sent + timedelta(hours=1))
    send_due(now=sent + timedelta(hours=2))

    assert recipients(mailoutbox) == sorted([application.candidate.email, teammate.email])


def test_a_cancelled_session_is_not_reminded(application, member, recruiter, mailoutbox):
    panel = booked_panel(application, [member], recruiter)
    booking.cancel_session(panel.sessions.get(), recruiter)

    assert send_due(now=START - timedelta(hours=2)) == 0

    assert mailoutbox == []


# Overdue feedback ---------------------------------------------------------------------------


def test_overdue_feedback_reminds_daily_and_then_the_team(
    application, member, teammate, third, recruiter, mailoutbox
):
    booked_panel(application, [member], recruiter)

    # Day 0: the interviewer, once however often beat polls.
    assert send_due(now=END + timedelta(hours=1)) == 1
    assert send_due(now=END + timedelta(hours=5)) == 0
    assert recipients(mailoutbox) == [member.email]
    assert mailoutbox[0].subject == "Your feedback on Cora Candidate is waiting"
    mailoutbox.clear()

    # Day 1: the interviewer again.
    assert send_due(now=END + timedelta(days=1, hours=1)) == 1
    assert recipients(mailoutbox) == [member.email]
    mailoutbox.clear()

    # Day 2: the interviewer, and every other member of the team.
    assert send_due(now=END + timedelta(days=2, hours=1)) == 3
    assert recipients(mailoutbox) == sorted([member.email, teammate.email, third.email])
    escalations = [m for m in mailoutbox if m.to != [member.email]]
    assert all(
        m.subject == "Platform: feedback on Cora Candidate is 2 days late" for m in escalations
    )
    assert all("Ana Member has not submitted" in m.body for m in escalations)
    assert send_due(now=END + timedelta(days=2, hours=3)) == 0


def test_a_member_who_applied_is_not_asked_to_chase_their_own_interviewers(
    team, member, teammate, third, recruiter, mailoutbox
):
    """Cy applied to his own team's opening: he runs nothing of his application, and is not
    told who on his panel is late, nor asked to nudge or excuse them."""
    own = ApplicationFactory(
        opening__team=team, candidate__name=str(third), candidate__email=third.email
    )
    booked_panel(own, [member], recruiter)

    send_due(now=END + timedelta(days=2, hours=1))

    assert escalations_to(teammate, mailoutbox)
    assert escalations_to(third, mailoutbox) == []


def test_the_team_hears_once_per_step_of_everyone_still_to_write(
    application, member, teammate, peer, third, recruiter, mailoutbox
):
    """As reported: one email per missing scorecard, three with the same subject to one
    person, again on days 7 and 14."""
    booked_panel(application, [member, teammate, peer], recruiter)

    for day in (2, 7, 14):
        mailoutbox.clear()
        send_due(now=END + timedelta(days=day, hours=1))
        send_due(now=END + timedelta(days=day, hours=3))  # beat polls again

        escalations = {m.to[0]: m for m in mailoutbox if "late" in m.subject}
        assert len(escalations) == len([m for m in mailoutbox if "late" in m.subject]) == 4
        body = escalations[third.email].body
        assert "These interviewers have not submitted their feedback on Cora Candidate" in body
        assert "- Ana Member\n- Ben Teammate\n- Cai Peer\n" in body
        # Each interviewer hears of the other two.
        assert "Ana Member" not in escalations[member.email].body.partition("\n")[2]
        assert "- Ben Teammate\n- Cai Peer\n" in escalations[member.email].body


def escalations_to(person, mailoutbox):
    return [m for m in mailoutbox if m.to == [person.email] and "late" in m.subject]


def test_a_morning_of_interviews_in_sydney_is_escalated_once(
    application, member, teammate, third, recruiter, mailoutbox
):
    """As reported: the team had one email for each UTC date of the morning, same subject."""
    for person in (member, teammate, third):
        person.time_zone = "Australia/Sydney"
        person.save(update_fields=["time_zone"])
    sunday = datetime(2030, 3, 3, 12, tzinfo=UTC)  # 23:00 in Sydney
    panel = booked_morning(application, member, teammate, recruiter, sunday)
    ends = sorted(panel.sessions.values_list("end", flat=True))
    # Monday 09:00 to 11:00 in Sydney (UTC+11): ending on Sunday and on Monday in UTC.
    assert [end.isoformat() for end in ends] == ["2030-03-03T23:00:00+00:00", MONDAY.isoformat()]

    for hour in range(3 * 24):  # as beat polls, through day 2
        send_due(now=ends[-1] + timedelta(hours=hour))

    [escalation] = escalations_to(third, mailoutbox)
    assert "- Ana Member\n- Ben Teammate\n" in escalation.body
    assert len(escalations_to(member, mailoutbox)) == len(escalations_to(teammate, mailoutbox)) == 1


def test_interviews_on_two_days_are_escalated_once_a_step(
    application, member, teammate, third, recruiter, mailoutbox
):
    """One email per application and step: the second day's interviews join the first's."""
    nine_to_five(member)
    WorkingHours.objects.create(user=teammate, weekday=1, start=time(9), end=time(17))  # Tuesdays
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        ],
        back_to_back=False,
    )
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))
    booking.book(panel, option, recruiter)
    assert sorted(panel.sessions.values_list("end", flat=True)) == [END, END + timedelta(days=1)]

    for hour in range(0, 10 * 24, 3):
        send_due(now=END + timedelta(hours=hour))

    subjects = [m.subject for m in escalations_to(third, mailoutbox)]
    assert subjects == [
        "Platform: feedback on Cora Candidate is 2 days late",
        "Platform: feedback on Cora Candidate is 7 days late",
    ]
    assert "- Ana Member\n- Ben Teammate\n" in escalations_to(third, mailoutbox)[0].body


def test_a_step_sent_under_the_keys_by_date_is_not_sent_again_after_the_deploy(
    application, member, teammate, third, recruiter, mailoutbox
):
    """The ledger kept each escalation under the UTC date of its interviews until migration
    0050, which records the recent ones under the keys by step as well."""
    migration = importlib.import_module("hiring.migrations.0050_escalation_keys_by_step")
    booked_panel(application, [member], recruiter)
    sent = END + timedelta(days=2, hours=1)
    for person in (teammate, third):
        key = f"escalated:{application.pk}:{END.date().isoformat()}:2:team:{person.pk}"
        Notification.objects.create(key=key, created_at=sent, claimed_at=sent, sent_at=sent)

    migration.by_step(apps, None, now=sent + timedelta(hours=1))
    send_due(now=sent + timedelta(hours=2))

    assert recipients(mailoutbox) == [member.email]  # their own reminder alone


def test_only_the_interviewers_without_feedback_are_chased(
    application, member, teammate, recruiter, mailoutbox
):
    booked_panel(application, [member, teammate], recruiter)
    item = Feedback.objects.get(interviewer=member)
    ratings = {criterion.pk: {"score": 3} for criterion in item.criteria.all()}
    scoring.save_draft(item, member, ratings=ratings, vote="yes")
    scoring.submit(item, member, revision_number=1)

    assert send_due(now=END + timedelta(hours=1)) == 1

    assert recipients(mailoutbox) == [teammate.email]


def test_nobody_deactivated_is_reminded_but_the_team_hears_of_their_scorecard(
    application, member, teammate, third, recruiter, mailoutbox
):
    booked_panel(application, [member, teammate], recruiter)
    # Both left the organisation after the interview was booked.
    User.objects.filter(pk__in=[member.pk, third.pk]).update(is_active=False)

    before = send_due(now=START - timedelta(hours=20))
    before_to = recipients(mailoutbox)
    mailoutbox.clear()
    send_due(now=END + timedelta(days=2, hours=1))

    assert (before, before_to) == (2, sorted([teammate.email, application.candidate.email]))
    # The teammate's own reminder, and the team told of the member's scorecard: not the third.
    assert recipients(mailoutbox) == sorted([teammate.email, teammate.email])
    assert {m.subject for m in mailoutbox} == {
        "Your feedback on Cora Candidate is waiting",
        "Platform: feedback on Cora Candidate is 2 days late",
    }
    # Told whom not to nudge, and what to do instead.
    opening = application.opening.title
    [escalation] = [m for m in mailoutbox if "late" in m.subject]
    assert (
        f"Ana Member has not submitted their feedback on Cora Candidate ({opening}) and"
        " their account is deactivated: they will not write it. Excuse them on the debrief, so"
        " that the team's decision can go on." in escalation.body
    )
    assert "nudge" not in escalation.body


def test_submitted_feedback_is_not_chased(application, member, recruiter, mailoutbox):
    booked_panel(application, [member], recruiter)
    item = Feedback.objects.get(interviewer=member)
    ratings = {criterion.pk: {"score": 3} for criterion in item.criteria.all()}
    scoring.save_draft(item, member, ratings=ratings, vote="yes")
    scoring.submit(item, member, revision_number=1)

    for days in range(4):
        assert send_due(now=END + timedelta(days=days, hours=1)) == 0

    assert mailoutbox == []


def test_feedback_of_a_cancelled_session_is_not_chased(application, member, recruiter, mailoutbox):
    panel = booked_panel(application, [member], recruiter)
    # A draft keeps the feedback when the session is cancelled.
    item = Feedback.objects.get(interviewer=member)
    scoring.save_draft(item, member, takeaways="Started before it was called off")
    booking.cancel_session(panel.sessions.get(), recruiter)
    assert Feedback.objects.filter(pk=item.pk, submitted_at=None).exists()

    for days in range(4):
        assert send_due(now=END + timedelta(days=days, hours=1)) == 0

    assert mailoutbox == []


def test_chasing_follows_the_schedule_and_ends_after_two_weeks(
    application, member, teammate, recruiter, mailoutbox
):
    booked_panel(application, [member], recruiter)

    sent_by_day = {day: send_due(now=END + timedelta(days=day, hours=1)) for day in range(40)}

    assert [day for day, sent in sent_by_day.items() if sent] == [0, 1, 2, 7, 14]
    assert REMIND_ON_DAYS == (0, 1, 2, 7, 14)
    assert ESCALATE_ON_DAYS == (2, 7, 14)
    # The interviewer each of those days; their teammate from day 2.
    assert recipients(mailoutbox) == sorted([member.email] * 5 + [teammate.email] * 3)


def test_an_excused_interviewer_is_not_chased(application, member, teammate, recruiter, mailoutbox):
    booked_panel(application, [member], recruiter)
    excuse(Feedback.objects.get(interviewer=member), teammate, "Off sick for a month")

    assert chased_on(range(40)) == []

    assert mailoutbox == []


@pytest.mark.parametrize("stage", Application.CLOSED_STAGES)
def test_feedback_on_a_closed_application_is_not_chased(
    stage, application, member, recruiter, mailoutbox
):
    booked_panel(application, [member], recruiter)
    application.move_to(stage, recruiter)

    assert chased_on(range(40)) == []

    assert mailoutbox == []


def test_an_excused_interviewer_on_a_withdrawn_application_is_left_alone(
    application, member, teammate, recruiter, mailoutbox
):
    """As reported: chased on days 3, 4 and 33."""
    booked_panel(application, [member], recruiter)
    excuse(Feedback.objects.get(interviewer=member), teammate, "Left the company")
    application.move_to(Application.Stage.WITHDRAWN, recruiter)

    assert chased_on([3, 4, 33]) == []


def test_no_reminder_before_an_interview_on_a_withdrawn_application(
    application, member, recruiter, mailoutbox
):
    booked_panel(application, [member], recruiter)
    application.move_to(Application.Stage.WITHDRAWN, recruiter)

    assert send_due(now=START - timedelta(hours=2)) == 0

    assert mailoutbox == []


# The candidate, before their interviews ----------------------------------------------------


def test_the_candidate_is_reminded_of_a_days_interviews_once_in_their_zone(
    team, member, teammate, recruiter, mailoutbox
):
    application = ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Cora D'Arcy & Co",
        candidate__time_zone="Asia/Tokyo",
    )
    panel = booked_morning(application, member, teammate, recruiter, MONDAY)
    first, second = panel.sessions.order_by("start")
    assert first.start.date() == second.start.date()

    assert send_due(now=first.start - timedelta(hours=23)) == 3  # two interviewers, one candidate

    [email] = [m for m in mailoutbox if m.to == [application.candidate.email]]
    tokyo = ZoneInfo("Asia/Tokyo")
    assert email.subject == (
        f"Reminder: your interview for Platform Engineer, "
        f"{first.start.astimezone(tokyo):%a %-d %b, %H:%M} Tokyo time"
    )
    assert "Hello Cora D'Arcy & Co," in email.body  # plain text: never escaped
    assert "your interviews for Platform Engineer with the Platform team:" in email.body
    for session in (first, second):
        local = session.start.astimezone(tokyo)
        assert f"{local:%A %-d %B %Y, %H:%M} to " in email.body
    assert email.body.count("Tokyo time") == 2
    assert application.status_url() in email.body
    # Once: not again as the day's second interview comes within the day.
    mailoutbox.clear()
    assert send_due(now=second.start - timedelta(hours=23)) == 0
    assert send_due(now=first.start + timedelta(minutes=30)) == 0
    assert mailoutbox == []


def test_the_candidate_is_not_reminded_again_of_a_day_their_new_zone_dates_otherwise(
    application, member, recruiter, mailoutbox
):
    booked_panel(application, [member], recruiter)
    send_due(now=START - timedelta(hours=20))
    assert application.candidate.email in recipients(mailoutbox)
    mailoutbox.clear()
    # Monday 09:00 UTC is Sunday evening in Pago Pago.
    application.candidate.time_zone = "Pacific/Pago_Pago"
    application.candidate.save()

    send_due(now=START - timedelta(hours=2))

    assert application.candidate.email not in recipients(mailoutbox)


def candidate_emails(mailoutbox, application):
    return [m for m in mailoutbox if m.to == [application.candidate.email]]


def test_a_day_a_new_zone_cuts_in_two_is_not_reminded_again(
    application, member, teammate, recruiter, mailoutbox
):
    panel = booked_morning(application, member, teammate, recruiter, MONDAY)
    first, second = panel.sessions.order_by("start")
    assert (first.start, second.start) == (START, START + timedelta(hours=1))
    send_due(now=START - timedelta(hours=20))
    assert len(candidate_emails(mailoutbox, application)) == 1
    mailoutbox.clear()
    # 09:00 UTC is 23:00 in Kiritimati, 10:00 UTC midnight: the second now opens a day.
    application.candidate.time_zone = "Pacific/Kiritimati"
    application.candidate.save()

    send_due(now=START - timedelta(hours=1))

    assert candidate_emails(mailoutbox, application) == []


def test_a_day_a_new_zone_joins_to_the_one_before_is_reminded_of_its_interviews(
    team, member, teammate, recruiter, mailoutbox
):
    application = ApplicationFactory(opening__team=team, candidate__time_zone="Pacific/Kiritimati")
    panel = booked_morning(application, member, teammate, recruiter, MONDAY)
    first, second = panel.sessions.order_by("start")
    send_due(now=START - timedelta(hours=23, minutes=30))  # the first's day alone is due
    [email] = candidate_emails(mailoutbox, application)
    assert email.body.count("Kiritimati time") == 1
    mailoutbox.clear()
    application.candidate.time_zone = "UTC"
    application.candidate.save()

    send_due(now=START - timedelta(hours=1))

    [email] = candidate_emails(mailoutbox, application)
    assert email.body.count("UTC (60 minutes)") == 1
    assert f"{second.start:%H:%M} to {second.end:%H:%M} UTC" in email.body
    assert f"{first.start:%H:%M} to" not in email.body


def test_a_session_booked_again_on_a_day_reminded_already_is_reminded(
    application, member, teammate, recruiter, mailoutbox
):
    """Its day's first interview stays as it was: keyed by that, it was never reminded."""
    panel = booked_morning(application, member, teammate, recruiter, MONDAY)
    first, second = panel.sessions.order_by("start")
    send_due(now=START - timedelta(hours=20))
    booking.cancel_session(second, recruiter, now=START - timedelta(hours=20))
    booking.reopen_session(second, recruiter)
    afternoon = MONDAY.replace(hour=14)
    [option, *_] = booking.find_options(panel, afternoon, MONDAY + timedelta(days=1))
    booking.book(panel, option, recruiter)
    second.refresh_from_db()
    assert second.start.date() == first.start.date()
    mailoutbox.clear()

    send_due(now=START - timedelta(hours=1))

    [email] = candidate_emails(mailoutbox, application)
    assert f"{second.start:%H:%M} to {second.end:%H:%M} UTC" in email.body
    assert f"{first.start:%H:%M} to" not in email.body


@pytest.fixture
def move_to(recruiter, django_capture_on_commit_callbacks):
    """Reschedule a panel of one session to its first option from `start`, its invites sent as
    they are once it commits (the candidate's says from when to when it moved)."""

    def move(panel, start):
        [option, *_] = booking.find_options(panel, start, start + timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            booking.reschedule(panel, option, recruiter)
        return panel.sessions.get()

    return move


def test_an_interview_moved_within_its_day_after_the_candidates_reminder_is_not_reminded_again(
    application, member, recruiter, mailoutbox, move_to
):
    """As found: the new start was a new key, so the candidate was reminded again of a day they
    were reminded of, on top of the invite telling them the new time."""
    panel = booked_panel(application, [member], recruiter)
    send_invites(panel)
    mailoutbox.clear()
    send_due(now=START - timedelta(hours=20))
    assert len(candidate_emails(mailoutbox, application)) == 1
    mailoutbox.clear()

    moved = move_to(panel, MONDAY.replace(hour=14))
    [told] = candidate_emails(mailoutbox, application)
    mailoutbox.clear()
    send_due(now=moved.start - timedelta(hours=2))

    assert moved.start == MONDAY.replace(hour=14)
    assert "09:00" in told.body
    assert mailoutbox == []  # nor the interviewer: their invite told them too (below)


def test_an_interview_moved_to_another_day_of_the_candidates_is_reminded_of_it(
    team, member, recruiter, mailoutbox, move_to
):
    """16:00 UTC on the Monday is 01:00 on Tuesday in Tokyo: another day for the candidate."""
    application = ApplicationFactory(opening__team=team, candidate__time_zone="Asia/Tokyo")
    panel = booked_panel(application, [member], recruiter)
    send_due(now=START - timedelta(hours=20))
    mailoutbox.clear()

    moved = move_to(panel, MONDAY.replace(hour=16))
    mailoutbox.clear()
    send_due(now=moved.start - timedelta(hours=2))

    [reminder] = candidate_emails(mailoutbox, application)
    assert "Tuesday 5 March 2030, 01:00 to 02:00 Tokyo time" in reminder.body


def test_an_interview_moved_within_its_day_before_its_reminder_is_reminded_once(
    application, member, recruiter, mailoutbox, move_to
):
    panel = booked_panel(application, [member], recruiter)
    moved = move_to(panel, MONDAY.replace(hour=14))
    mailoutbox.clear()

    send_due(now=START - timedelta(hours=20))
    send_due(now=moved.start - timedelta(hours=2))

    [reminder] = candidate_emails(mailoutbox, application)
    assert "14:00 to 15:00 UTC" in reminder.body


def test_an_interview_moved_within_the_interviewers_day_after_their_reminder_is_not_reminded_again(
    application, member, recruiter, mailoutbox, move_to
):
    """As found: an interviewer's reminder is keyed by the seat's start, so they were reminded
    again of a day they were reminded of, on top of the invite telling them the new time."""
    panel = booked_panel(application, [member], recruiter)
    send_invites(panel)
    mailoutbox.clear()
    send_due(now=START - timedelta(hours=20))
    assert member.email in recipients(mailoutbox)
    mailoutbox.clear()

    moved = move_to(panel, MONDAY.replace(hour=14))
    [told] = [m for m in mailoutbox if m.to == [member.email]]
    mailoutbox.clear()
    send_due(now=moved.start - timedelta(hours=2))

    assert "09:00" in told.body
    assert mailoutbox == []


def test_an_interview_moved_to_another_day_of_the_interviewers_is_reminded_of_it(
    application, member, recruiter, mailoutbox, move_to
):
    """09:00 UTC on the Monday is 18:00 on Monday in Tokyo, 16:00 UTC is 01:00 on Tuesday:
    another day for the interviewer, the same one for the candidate."""
    member.time_zone = "Asia/Tokyo"
    member.save(update_fields=["time_zone"])
    WorkingHours.objects.create(user=member, weekday=0, start=time(18), end=time(2))
    panel = team_fit_panel(application, [member], recruiter)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    booking.book(panel, option, recruiter)
    send_invites(panel)
    send_due(now=START - timedelta(hours=20))
    mailoutbox.clear()

    moved = move_to(panel, MONDAY.replace(hour=16))
    mailoutbox.clear()
    send_due(now=moved.start - timedelta(hours=2))

    assert moved.start == MONDAY.replace(hour=16)
    [reminder] = mailoutbox
    assert reminder.to == [member.email]
    assert "Tue 5 Mar, 01:00 Tokyo time" in reminder.subject


def test_an_interview_moved_twice_in_its_day_before_any_invite_went_out_is_not_reminded_again(
    application, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As found: the second move's invites said it moved from the first move's start, whose
    reminder nobody was sent (its invites, superseded, never went out), so the candidate was
    reminded again of a day they were reminded of."""
    panel = booked_panel(application, [member], recruiter)
    send_invites(panel)
    send_due(now=START - timedelta(hours=20))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks() as queued:
        for hour in (12, 14):
            [option, *_] = booking.find_options(panel, MONDAY.replace(hour=hour), TUESDAY)
            booking.reschedule(panel, option, recruiter)
    for send in queued:  # the first move's invites find the session changed: none goes
        send()
    moved = panel.sessions.get()
    assert moved.start == MONDAY.replace(hour=14)
    assert recipients(mailoutbox) == sorted([application.candidate.email, member.email])
    mailoutbox.clear()
    send_due(now=moved.start - timedelta(hours=2))

    assert mailoutbox == []


def test_a_candidates_reminder_sent_before_the_deploy_is_not_sent_again(
    application, member, recruiter, mailoutbox
):
    """A reminder keyed by the day in the candidate's zone (before
    0069_candidate_reminder_keys_by_first_interview) is recorded under its new key too, and
    then for its interview (0070_candidate_reminders_by_interview): the deploy runs both."""
    migration = importlib.import_module(
        "hiring.migrations.0069_candidate_reminder_keys_by_first_interview"
    )
    by_interview = importlib.import_module(
        "hiring.migrations.0070_candidate_reminders_by_interview"
    )
    application.candidate.time_zone = "Pacific/Pago_Pago"
    application.candidate.save()
    booked_panel(application, [member], recruiter)
    sent = START - timedelta(hours=20)
    sunday = START.astimezone(ZoneInfo("Pacific/Pago_Pago")).date()
    key = f"reminder:candidate:{application.pk}:{sunday.isoformat()}"
    Notification.objects.create(key=key, created_at=sent, claimed_at=sent, sent_at=sent)

    migration.by_first_interview(apps, None, now=sent + timedelta(hours=1))
    by_interview.by_interview(apps, None, now=sent + timedelta(hours=1))
    send_due(now=sent + timedelta(hours=2))

    assert recipients(mailoutbox) == [member.email]  # their own reminder alone


def test_a_days_reminder_keyed_by_its_first_interview_counts_for_that_days_interviews(
    team, member, teammate, recruiter, mailoutbox
):
    """A reminder sent under the start of its day's first interview (before
    0070_candidate_reminders_by_interview) is recorded for each interview of that day, in the
    candidate's zone; not for one of the next day."""
    migration = importlib.import_module("hiring.migrations.0070_candidate_reminders_by_interview")
    application = ApplicationFactory(opening__team=team, candidate__time_zone="Pacific/Kiritimati")
    panel = booked_morning(application, member, teammate, recruiter, MONDAY)
    first, second = panel.sessions.order_by("start")
    sent = START - timedelta(hours=20)
    key = f"reminder:candidate:{application.pk}:{START.isoformat()}"
    Notification.objects.create(key=key, created_at=sent, claimed_at=sent, sent_at=sent)

    migration.by_interview(apps, None, now=sent + timedelta(hours=1))
    send_due(now=START - timedelta(hours=1))

    # The second, at midnight in Kiritimati, is the next day's there, not reminded yet.
    [email] = candidate_emails(mailoutbox, application)
    assert email.body.count("Kiritimati time") == 1
    assert f"{second.start.astimezone(ZoneInfo('Pacific/Kiritimati')):%A %-d %B}" in email.body


def test_the_candidates_reminder_reads_in_their_language(team, member, recruiter, mailoutbox):
    application = ApplicationFactory(
        opening__team=team, opening__title="Plattform", candidate__language="de"
    )
    booked_panel(application, [member], recruiter)

    send_due(now=START - timedelta(hours=2))

    [email] = [m for m in mailoutbox if m.to == [application.candidate.email]]
    assert email.subject == "Erinnerung: Ihr Gespräch für Plattform, Mo, 4. Mär, 09:00 UTC"
    assert "Eine Erinnerung an Ihr Gespräch für Plattform mit dem Team Platform:" in email.body
    assert "bis 10:00 UTC (60 Minuten)" in email.body


def test_no_reminder_to_a_candidate_erased_or_whose_interview_was_cancelled(
    application, member, third, recruiter, mailoutbox
):
    panel = booked_panel(application, [member], recruiter)
    booking.cancel_panel(panel, recruiter)
    other = ApplicationFactory(opening=application.opening, candidate__name="Eli Erased")
    booked_panel(other, [third], recruiter)
    address = other.candidate.email
    erasure.erase(other.candidate)  # its interview cancelled, and its cancellation sent
    mailoutbox.clear()

    send_due(now=START - timedelta(hours=2))

    assert not {application.candidate.email, address} & set(recipients(mailoutbox))
    assert all("Eli Erased" not in m.body for m in mailoutbox)


# Beat ---------------------------------------------------------------------------------------


def test_beat_polls_the_periodic_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE

    tasks = {entry["task"]: entry["schedule"] for entry in schedule.values()}

    assert set(tasks) == {
        "hiring.tasks.send_due_reminders",
        "hiring.tasks.refresh_calendar_feeds",
        "hiring.tasks.warm_default_reports",
        "hiring.outreach.tasks.send_due_candidate_emails",
        "hiring.offers.tasks.expire_offers",
        "hiring.privacy.tasks.expire_exports",
        "hiring.privacy.tasks.run_retention",
        "hiring.privacy.tasks.sweep_stored_files",
        "hiring.tasks.queue_unqueued",
    }
    # Reminders are polled often enough to go out on time; feeds at least hourly; reports
    # people open first are recomputed within a couple of minutes of a change.
    assert tasks["hiring.tasks.send_due_reminders"] <= 15 * 60
    assert tasks["hiring.tasks.refresh_calendar_feeds"] <= 60 * 60
    assert tasks["hiring.tasks.warm_default_reports"] <= 2 * 60
    # An email goes out within a minute of its undo delay; an offer expires within minutes.
    assert tasks["hiring.outreach.tasks.send_due_candidate_emails"] <= 60
    assert tasks["hiring.offers.tasks.expire_offers"] <= 5 * 60
    # A task the broker did not take goes within a minute or so of its coming back.
    assert tasks["hiring.tasks.queue_unqueued"] <= 60
    # Polled, never delayed: no entry hands beat a countdown or an eta.
    assert not any(
        {"countdown", "eta"} & set(entry.get("options", {})) for entry in schedule.values()
    )
    celery_app.loader.import_default_modules()
    assert set(tasks) <= set(celery_app.tasks)


def test_a_poll_no_worker_took_expires_once_the_next_is_queued():
    """Workers away for a day while beat runs: beat queued every poll meanwhile (1,440 report
    warmings of up to five minutes each, 288 reminder polls...), and the workers back would run
    that backlog for hours. Each poll expires when the next is queued, so they run the latest
    of each once."""
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        every = entry["schedule"]
        if isinstance(every, crontab):
            assert len(every.hour) == len(every.minute) == 1, name  # once a day
            every = 24 * 3600
        assert 0 < entry.get("options", {}).get("expires", 0) <= every, name


def test_who_left_the_team_is_reminded_of_nothing_but_the_team_hears_of_their_scorecard(
    application, member, teammate, third, recruiter, mailoutbox
):
    """They no longer open the team's scorecard (the team excuses them), nor come to its
    interview: a reminder to write or attend asked what they could not do."""
    booked_panel(application, [member, teammate], recruiter)
    Membership.objects.filter(user=member).delete()  # left the team after the booking

    before = send_due(now=START - timedelta(hours=20))
    before_to = recipients(mailoutbox)
    mailoutbox.clear()
    send_due(now=END + timedelta(days=2, hours=1))

    assert (before, before_to) == (2, sorted([teammate.email, application.candidate.email]))
    # The teammate's own reminder; the team (the third too) told of the member's scorecard.
    assert recipients(mailoutbox) == sorted([teammate.email, teammate.email, third.email])
    escalations = {m.to[0]: m.body for m in mailoutbox if "late" in m.subject}
    opening = application.opening.title
    assert (
        f"Ana Member has not submitted their feedback on Cora Candidate ({opening}) and"
        " has left the team: they no longer open their scorecard." in escalations[teammate.email]
    )
    # Among others still to write, the one who left is marked, the rest to nudge as before.
    assert (
        "- Ana Member (left the team: they no longer open their scorecard, excuse them)\n"
        "- Ben Teammate\n" in escalations[third.email]
    )
