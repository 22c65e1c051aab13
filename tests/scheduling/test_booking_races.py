"""Bookings at the same instant keep every promise: overlaps, buffers, weekly caps, one
booking per option posted twice, a recruiter's booking over a candidate's pick.

Each test books from threads released together; on PostgreSQL the booking locks the panel
and then its interviewers, on SQLite the IMMEDIATE transaction serialises.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from hiring.models import AuditEvent, SessionInterviewer
from hiring.scheduling import booking
from tests.factories import ApplicationFactory, at_once, nine_to_five, team_fit_panel

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
HOUR = timedelta(hours=1)

pytestmark = pytest.mark.django_db(transaction=True)


def option_at(panel, start):
    """The panel's option starting exactly at `start`, found before anyone is booked."""
    [option, *_] = booking.find_options(panel, start, start + HOUR)
    assert option["sessions"][0]["start"] == start.isoformat()
    return option


def book_at_once(*bookings):
    def attempt(panel, option):
        try:
            booking.book(panel, option, panel.created_by)
        except booking.SlotTaken:
            return "taken"
        return "booked"

    return at_once(*[lambda pair=pair: attempt(*pair) for pair in bookings])


def panels_sharing(interviewer, by, team, count=2):
    return [
        team_fit_panel(ApplicationFactory(opening__team=team), [interviewer], by)
        for _ in range(count)
    ]


def booked_seats(user):
    return SessionInterviewer.objects.filter(user=user).exclude(start=None).count()


def test_the_same_hour_is_booked_once(member, teammate, team):
    """On PostgreSQL the exclusion constraint is there too, as a last line."""
    nine_to_five(member)
    first, second = panels_sharing(member, teammate, team)
    nine = MONDAY.replace(hour=9)

    results = book_at_once((first, option_at(first, nine)), (second, option_at(second, nine)))

    assert sorted(results) == ["booked", "taken"]
    assert booked_seats(member) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE conname = 'no_overlapping_interviews'"
            )
            assert cursor.fetchone()


def test_back_to_back_hours_keep_the_buffer(member, teammate, team):
    member.buffer_minutes = 15
    member.save(update_fields=["buffer_minutes"])
    nine_to_five(member)
    first, second = panels_sharing(member, teammate, team)
    nine, ten = MONDAY.replace(hour=9), MONDAY.replace(hour=10)

    results = book_at_once((first, option_at(first, nine)), (second, option_at(second, ten)))

    assert sorted(results) == ["booked", "taken"]
    assert booked_seats(member) == 1


def test_two_days_of_one_week_keep_the_weekly_cap(member, teammate, team):
    member.weekly_interview_cap = 1
    member.save(update_fields=["weekly_interview_cap"])
    nine_to_five(member)
    first, second = panels_sharing(member, teammate, team)
    monday, tuesday = MONDAY.replace(hour=9), MONDAY.replace(hour=9) + timedelta(days=1)

    results = book_at_once((first, option_at(first, monday)), (second, option_at(second, tuesday)))

    assert sorted(results) == ["booked", "taken"]
    assert booked_seats(member) == 1


def test_three_panels_over_two_shared_people_never_deadlock(member, teammate, team, recruiter):
    """Each booking locks its people in one order, so crossing bookings wait, never deadlock."""
    member.buffer_minutes = teammate.buffer_minutes = 15
    member.save(update_fields=["buffer_minutes"])
    teammate.save(update_fields=["buffer_minutes"])
    nine_to_five(member, teammate)
    # Listed in opposite orders, so a booking locking in the listed order would deadlock.
    panels = [
        team_fit_panel(ApplicationFactory(opening__team=team), people, recruiter)
        for people in ([member, teammate], [teammate, member], [member, teammate])
    ]
    hours = [MONDAY.replace(hour=hour) for hour in (9, 10, 11)]

    results = book_at_once(
        *[(panel, option_at(panel, hour)) for panel, hour in zip(panels, hours, strict=True)]
    )

    # 09:00 and 11:00 fit together; 10:00 fits alone. Never all three, never a deadlock.
    assert sorted(results) in (["booked", "booked", "taken"], ["booked", "taken", "taken"])
    assert booked_seats(member) == booked_seats(teammate) == results.count("booked")


def test_one_option_booked_twice_at_once_is_booked_once(member, teammate, team):
    nine_to_five(member)
    [panel] = panels_sharing(member, teammate, team, count=1)
    option = option_at(panel, MONDAY.replace(hour=9))

    results = at_once(*[lambda: booking.book(panel, option, teammate)] * 2)

    # The second finds it booked as asked: it places nothing and invites nobody again.
    assert sorted(bool(placed) for placed in results) == [False, True]
    session = panel.sessions.get()
    assert (session.start, session.sequence) == (MONDAY.replace(hour=9), 0)
    assert booked_seats(member) == 1


def test_a_recruiter_booking_while_the_candidate_picks_has_the_last_word(
    member, teammate, team, client
):
    """Either the pick comes first and the recruiter's booking moves it, or the link is gone."""
    nine_to_five(member)
    [panel] = panels_sharing(member, teammate, team, count=1)
    monday, tuesday = MONDAY.replace(hour=9), MONDAY.replace(hour=9) + timedelta(days=1)
    link = booking.offer_to_candidate(panel, [option_at(panel, monday)], teammate)
    link = link.get_absolute_url()
    recruiters = option_at(panel, tuesday)

    picked, _ = at_once(
        lambda: client.post(link, {"pick": "0"}),
        lambda: booking.book(panel, recruiters, teammate),
    )

    session = panel.sessions.get()
    assert session.start == tuesday
    assert (picked.status_code, session.sequence) in ((200, 1), (410, 0))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_a_booking_holding_its_people_lets_other_writes_name_them(member, team):
    """A booking locks the people it seats, yet a write that names one of them meanwhile (an
    audit event's actor: its foreign key shares the person's row at commit) goes on at once:
    with FOR UPDATE it waited, and a report's figures holding their team deadlocked so."""
    held, release = threading.Event(), threading.Event()

    def booking_in_progress():
        try:
            with transaction.atomic():
                booking.interviewers_for([member.pk], MONDAY, MONDAY + timedelta(days=1), True)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=booking_in_progress)
    thread.start()
    try:
        assert held.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            AuditEvent.record(AuditEvent.Action.MEMBERSHIP_CHANGED, member, team)
    finally:
        release.set()
        thread.join(30)
    assert AuditEvent.objects.filter(
        actor=member, action=AuditEvent.Action.MEMBERSHIP_CHANGED
    ).exists()
