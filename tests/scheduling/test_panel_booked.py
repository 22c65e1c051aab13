"""Application.panel_booked, by which the recruiter's home finds the panels still to schedule,
stays what the sessions say through every booking, rescheduling, cancelling and deletion."""

import importlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from hiring.accounts import next_steps
from hiring.models import Application, InterviewSession
from hiring.portal import status
from hiring.scheduling import booking
from tests.factories import nine_to_five, url

pytestmark = pytest.mark.django_db

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)


@pytest.fixture
def panel(application, member, teammate, recruiter):
    """Two sessions, so one can be cancelled while the other still holds its time."""
    nine_to_five(member, teammate)
    sessions = [
        {"focus": focus, "duration_minutes": 45, "interviewers": [person]}
        for focus, person in (("skills", member), ("team_fit", teammate))
    ]
    return booking.create_panel(application, recruiter, sessions)


def option(panel, index=0):
    return booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2))[index]


def flag(application):
    """The stored flag, after checking it says what the sessions say: one holds a time, none
    waits for one, and none cancelled from its booking is still needed (no other session of
    its panel has its focus)."""
    sessions = InterviewSession.objects.filter(panel__application=application)
    standing = sessions.filter(cancelled_at=None)
    held = standing.filter(start__isnull=False).exists()
    waiting = standing.filter(start__isnull=True).exists()
    focuses = set(standing.values_list("focus", flat=True))
    cancelled = sessions.filter(cancelled_at__isnull=False, start__isnull=False)
    needed = any(focus not in focuses for focus in cancelled.values_list("focus", flat=True))
    stored = Application.objects.values_list("panel_booked", flat=True).get(pk=application.pk)
    assert stored == (held and not waiting and not needed)
    return stored


def to_schedule(recruiter):
    return [row.pk for row in next_steps.panels_to_schedule(recruiter, timezone.now()).rows]


def test_booking_sets_it_and_the_panel_leaves_the_recruiters_list(panel, application, recruiter):
    application.move_to(Application.Stage.PANEL, recruiter)
    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]

    booking.book(panel, option(panel), recruiter)

    assert flag(application)
    assert to_schedule(recruiter) == []


def test_a_booking_moving_the_application_to_the_panel_stage_sets_it(panel, application, member):
    booking.book(panel, option(panel), member)

    application.refresh_from_db()
    assert application.stage == Application.Stage.PANEL
    assert flag(application)


def test_rescheduling_keeps_it(panel, application, recruiter):
    booking.book(panel, option(panel), recruiter)

    booking.reschedule(panel, option(panel, 1), recruiter)

    assert flag(application)


def home_says(client, application):
    """What the recruiter's home says of the application among the panels to schedule."""
    page = client.get("/").text
    found = re.search(
        rf'href="/applications/{application.pk}/panel/">.*?<span class="muted">(.*?)</span>',
        page,
        re.S,
    )
    return found and " ".join(found.group(1).split())


def test_a_cancelled_session_no_other_session_covers_waits_for_the_recruiter(
    panel, application, recruiter, client
):
    """As reported: a session cancelled beside one holding a time, not booked again, was
    listed nowhere, though the panel had no other of its focus (a hire needs both)."""
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    _first, second = panel.sessions.order_by("position")
    client.force_login(recruiter)

    booking.cancel_session(second, recruiter)

    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]
    assert home_says(client, application) == (
        "a cancelled session still needed: no other covers its focus"
    )
    booking.cancel_session(panel.sessions.get(position=0), recruiter)
    assert not flag(application)
    assert home_says(client, application) == "every session cancelled"


def test_a_cancelled_session_another_of_its_focus_covers_is_not_listed(
    application, member, teammate, recruiter
):
    nine_to_five(member, teammate)
    sessions = [
        {"focus": "skills", "duration_minutes": 45, "interviewers": [person]}
        for person in (member, teammate)
    ]
    panel = booking.create_panel(application, recruiter, sessions)
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)

    booking.cancel_session(panel.sessions.get(position=1), recruiter)

    assert flag(application)
    assert to_schedule(recruiter) == []


def test_a_session_dropped_after_book_again_is_no_longer_needed(panel, application, recruiter):
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    _first, second = panel.sessions.order_by("position")
    booking.cancel_session(second, recruiter)
    booking.reopen_session(second, recruiter)

    booking.cancel_session(second, recruiter)  # not booked again: nobody emailed

    assert flag(application)
    assert to_schedule(recruiter) == []


def test_a_session_to_book_again_clears_it_until_booked(panel, application, recruiter, client):
    """As reported: a panel whose session, cancelled, was to be booked again beside one held
    (or booked) was not among the recruiter's panels to schedule; and, once it was, its home
    said it had no time booked or offered."""
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    _first, second = panel.sessions.order_by("position")
    booking.cancel_session(second, recruiter)
    client.force_login(recruiter)

    booking.reopen_session(second, recruiter)

    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]
    assert home_says(client, application) == "a session to book again, the others booked"
    booking.book(panel, option(panel), recruiter)
    assert flag(application)
    assert to_schedule(recruiter) == []
    assert home_says(client, application) is None


def test_cancelling_the_panel_clears_it_and_booking_again_sets_it(
    panel, application, member, teammate, recruiter
):
    booking.book(panel, option(panel), recruiter)

    booking.cancel_panel(panel, recruiter)
    assert not flag(application)
    # Both focuses again: a cancelled one no session covers would still be needed.
    booking.edit_panel(
        panel,
        [
            {"focus": focus, "duration_minutes": 60, "interviewers": [person]}
            for focus, person in (("skills", member), ("team_fit", teammate))
        ],
        back_to_back=True,
        by=recruiter,
    )
    assert not flag(application)
    booking.book(panel, option(panel), recruiter)

    assert flag(application)


def test_cancelling_the_panel_cancels_a_session_waiting_to_be_booked_again_too(
    panel, application, recruiter, client
):
    """As reported: cancelling the panel left a session booked again after its cancellation
    waiting for a time, and the recruiter's home then read that a cancelled session was still
    needed; the page asking first did not say it would go."""
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    _first, second = panel.sessions.order_by("position")
    booking.cancel_session(second, recruiter)
    booking.reopen_session(second, recruiter)
    client.force_login(recruiter)
    question = client.get(url("panel_cancel", application)).text
    assert "The session waiting to be booked again is cancelled too." in question

    client.post(url("panel_cancel", application))

    assert not panel.sessions.filter(cancelled_at=None).exists()
    assert not flag(application)
    assert home_says(client, application) == "every session cancelled"


def test_a_candidate_picking_an_offered_time_sets_it(panel, application, recruiter):
    offer = booking.offer_to_candidate(panel, [option(panel)], recruiter)

    booking.candidate_pick(offer, 0)

    assert flag(application)


def test_a_candidate_withdrawing_clears_it(panel, application, recruiter):
    booking.book(panel, option(panel), recruiter)

    status.withdraw(application)

    assert not flag(application)


def test_a_deleted_panel_leaves_it_clear_and_the_application_waits_for_a_new_one(
    panel, application, recruiter
):
    application.move_to(Application.Stage.PANEL, recruiter)

    booking.delete_panel(panel, recruiter)

    assert not flag(application)
    [row] = next_steps.panels_to_schedule(recruiter, timezone.now()).rows
    assert (row.pk, row.has_panel) == (application.pk, False)


def test_stage_moves_keep_it_and_only_the_panel_stage_is_listed(panel, application, recruiter):
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    booking.cancel_panel(panel, recruiter)
    assert to_schedule(recruiter) == [application.pk]

    application.move_to(Application.Stage.DEBRIEF, recruiter)
    assert to_schedule(recruiter) == []
    application.move_to(Application.Stage.PANEL, recruiter)

    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]


def test_the_migration_clears_the_flag_of_a_panel_with_a_session_to_book_again(
    panel, application, recruiter
):
    """Migration 0067: a panel with a session booked again beside one holding a time, flagged
    booked before the flag said that none waits, is among those to schedule again."""
    migration = importlib.import_module(
        "hiring.migrations.0067_panels_with_a_session_to_book_again"
    )
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    _first, second = panel.sessions.order_by("position")
    booking.cancel_session(second, recruiter)
    booking.reopen_session(second, recruiter)
    Application.objects.filter(pk=application.pk).update(panel_booked=True)  # as it was left

    migration.clear_panel_booked_where_a_session_waits(apps, None)

    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]


def test_the_migration_clears_the_flag_of_a_panel_with_a_cancelled_session_still_needed(
    panel, application, recruiter
):
    migration = importlib.import_module(
        "hiring.migrations.0068_panels_with_a_cancelled_session_still_needed"
    )
    application.move_to(Application.Stage.PANEL, recruiter)
    booking.book(panel, option(panel), recruiter)
    booking.cancel_session(panel.sessions.get(position=1), recruiter)
    Application.objects.filter(pk=application.pk).update(panel_booked=True)  # as it was left

    migration.clear_panel_booked_where_a_cancelled_session_is_needed(apps, None)

    assert not flag(application)
    assert to_schedule(recruiter) == [application.pk]
