"""Panels: booking re-checks availability, never double-books, sends invites once."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from hiring.models import (
    Application,
    BusyBlock,
    InterviewSession,
    PoolMember,
    SessionInterviewer,
    WorkingHours,
)
from hiring.scheduling import booking
from hiring.scheduling.forms import PoolMemberForm, SessionForm
from scorecards.models import Feedback
from tests.factories import ApplicationFactory, UserFactory, team_fit_panel

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)


def nine_to_five(*users):
    for user in users:
        WorkingHours.objects.bulk_create(
            WorkingHours(user=user, weekday=day, start=time(9), end=time(17)) for day in range(5)
        )


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team)


def test_first_option_is_the_earliest_common_hour(application, member, teammate):
    member.time_zone, teammate.time_zone = "Europe/London", "Europe/Berlin"
    member.save()
    teammate.save()
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], member)

    [first, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))

    # 09:00 in London is 10:00 in Berlin: both are at work from 09:00 UTC in March.
    assert first["sessions"][0]["start"] == "2030-03-04T09:00:00+00:00"
    assert first["reasons"]


def test_booking_places_everyone_and_assigns_feedback(
    application, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], member)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, member)

    session = panel.sessions.get()
    assert session.start == datetime(2030, 3, 4, 9, tzinfo=UTC)
    assert set(session.interviewers.values_list("start", flat=True)) == {session.start}
    assert Feedback.objects.filter(session=session).count() == 2
    application.refresh_from_db()
    assert application.stage == Application.Stage.PANEL
    # Two interviewers and the candidate, each with an invite they can import.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [member.email, teammate.email, application.candidate.email]
    )
    ics = Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert ics["METHOD"] == "REQUEST"
    assert str(ics.walk("VEVENT")[0]["UID"]) == session.uid


def test_reschedule_keeps_the_uid_and_raises_the_sequence(
    application, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], member)
    first, second, *_ = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, first, member)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, second, member)

    session = panel.sessions.get()
    event = Calendar.from_ical(mailoutbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) == session.sequence == 1
    assert event.decoded("DTSTART") == session.start


def test_cancelling_sends_a_cancellation(
    application, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], member)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, member)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_session(panel.sessions.get(), member)

    ics = Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert ics["METHOD"] == "CANCEL"
    assert ics.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert not SessionInterviewer.objects.exclude(start=None).exists()


def test_a_time_taken_meanwhile_is_refused(application, member, teammate, team):
    nine_to_five(member, teammate)
    panel = team_fit_panel(application, [member, teammate], member)
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    BusyBlock.objects.create(
        user=teammate, start=MONDAY + timedelta(hours=9), end=MONDAY + timedelta(hours=10)
    )

    with pytest.raises(booking.SlotTaken):
        booking.book(panel, option, member)

    assert panel.sessions.get().start is None


def test_the_pool_gives_the_least_loaded_member(application, member, teammate, team):
    busy_peer, free_peer = UserFactory(), UserFactory()
    for user in (busy_peer, free_peer):
        team.memberships.create(user=user)
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
    nine_to_five(member, busy_peer, free_peer)
    other = booking.create_panel(
        ApplicationFactory(opening=application.opening), member,
        [{"focus": "skills", "duration_minutes": 60, "interviewers": [busy_peer]}],
    )  # fmt: skip
    [option, *_] = booking.find_options(other, MONDAY, MONDAY + timedelta(days=5))
    booking.book(other, option, member)
    panel = booking.create_panel(
        application, member,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member], "pool_count": 1}],
    )  # fmt: skip

    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=5))

    assert free_peer.pk in option["sessions"][0]["interviewers"]
    assert busy_peer.pk not in option["sessions"][0]["interviewers"]


def test_nobody_whose_account_was_deactivated_is_taken_from_the_pool_or_offered(
    application, member, team
):
    gone, free_peer = UserFactory(), UserFactory()
    for user in (gone, free_peer):
        team.memberships.create(user=user)
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
    nine_to_five(member, gone, free_peer)
    gone.is_active = False  # left the organisation
    gone.save(update_fields=["is_active"])
    two_from_the_pool = [
        {"focus": "team_fit", "duration_minutes": 60, "interviewers": [member], "pool_count": 2}
    ]
    with pytest.raises(ValidationError, match="The team fit pool has 1."):
        booking.create_panel(application, member, two_from_the_pool)
    panel = booking.create_panel(
        Application.objects.get(pk=application.pk), member,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member], "pool_count": 1}],
    )  # fmt: skip

    options = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=5))

    assert options
    assert all(
        gone.pk not in session["interviewers"]
        for option in options
        for session in option["sessions"]
    )
    assert SessionForm(team=team).fields["interviewers"].queryset.filter(pk=gone.pk).count() == 0
    assert PoolMemberForm(team=team).fields["user"].queryset.filter(pk=gone.pk).count() == 0


def test_a_panel_needs_team_members(application, member, outsider):
    with pytest.raises(ValidationError, match="not a member"):
        team_fit_panel(application, [outsider], member)
    assert not InterviewSession.objects.exists()


def test_a_pool_member_taken_off_by_a_reschedule_gets_a_cancellation(
    application, member, team, mailoutbox, django_capture_on_commit_callbacks
):
    first_peer, second_peer = UserFactory(), UserFactory()
    for user in (first_peer, second_peer):
        team.memberships.create(user=user)
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
    nine_to_five(member, first_peer, second_peer)
    panel = booking.create_panel(
        application, member,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member], "pool_count": 1}],
    )  # fmt: skip
    [option, *_] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, member)
    [taken] = set(option["sessions"][0]["interviewers"]) - {member.pk}
    replacement = second_peer if taken == first_peer.pk else first_peer
    option["sessions"][0]["interviewers"] = [member.pk, replacement.pk]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option, member)

    session = panel.sessions.get()
    assert set(session.interviewers.values_list("user_id", flat=True)) == {
        member.pk,
        replacement.pk,
    }
    taken_email = next(peer.email for peer in (first_peer, second_peer) if peer.pk == taken)
    [released] = [mail for mail in mailoutbox if mail.to == [taken_email]]
    assert Calendar.from_ical(released.attachments[0][1])["METHOD"] == "CANCEL"
    assert not Feedback.objects.filter(interviewer_id=taken, session=session).exists()
