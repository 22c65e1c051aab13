"""Interview invites say when an interview moved: from its first reschedule (SEQUENCE 1) on."""

import importlib
from datetime import timedelta

import icalendar
import pytest
from celery.exceptions import Retry
from django.apps import apps
from django.conf import settings

from hiring.models import BusyBlock, Candidate, InterviewSession, PoolMember, User
from hiring.scheduling import booking
from hiring.tasks import send_session_invites
from tests.email.backends import Meanwhile
from tests.email.helpers import MONDAY, booked_panel, rebook, send_invites
from tests.factories import ApplicationFactory, UserFactory, nine_to_five

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def panel(team, member, recruiter):
    application = ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")
    return booked_panel(application, [member], recruiter)


@pytest.fixture
def application_with_pool(team, member, recruiter):
    """A panel of Ana and one of a team-fit pool of two, not booked yet, and the two."""
    pool = [UserFactory(display_name=name) for name in ("Cai Peer", "Dan Peer")]
    for user in pool:
        team.memberships.create(user=user)
        PoolMember.objects.create(team=team, user=user, focus="team_fit")
    nine_to_five(member, *pool)
    application = ApplicationFactory(opening__team=team, candidate__name="Cora Candidate")
    session = {"focus": "team_fit", "duration_minutes": 60, "interviewers": [member]}
    panel = booking.create_panel(application, recruiter, [{**session, "pool_count": 1}])
    return panel, *pool


def option_on(panel, day):
    [option, *_] = booking.find_options(panel, day, day + timedelta(days=1))
    return option


def booked_on_monday(panel, pool, by, django_capture_on_commit_callbacks):
    """Book the panel on Monday, its invites sent: the pool member it seats, and the other."""
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, MONDAY), by)
    [taken] = panel.sessions.get().interviewers.filter(from_pool=True)
    [other] = [person for person in pool if person != taken.user]
    return taken.user, other


def received(mailoutbox):
    """{address: the METHOD of each message to it, in the order they went}."""
    methods = {}
    for message in mailoutbox:
        method = "CANCEL" if "METHOD:CANCEL" in str(message.attachments[0][1]) else "REQUEST"
        methods.setdefault(message.to[0], []).append(method)
    return methods


def test_the_first_booking_is_not_a_move(panel, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    title = panel.application.opening.title
    assert session.sequence == 0
    assert {m.subject for m in mailoutbox} == {
        "Interview with Cora Candidate, Mon 4 Mar, 09:00 London time",  # the interviewer
        # The candidate, zone unknown, reads of their interview for the job.
        f"Your team fit interview for {title}, Mon 4 Mar, 09:00 UTC",
    }
    assert not any("moved" in m.body for m in mailoutbox)


def test_the_first_reschedule_is_announced_as_a_move(
    panel, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    send_invites(panel)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session = rebook(panel, recruiter)

    assert session.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [member.email, panel.application.candidate.email]
    )
    title = panel.application.opening.title
    assert {m.subject for m in mailoutbox} == {
        "Updated: Interview with Cora Candidate, Tue 5 Mar, 09:00 London time",
        f"Updated: Your team fit interview for {title}, Tue 5 Mar, 09:00 UTC",
    }
    by_person = {message.to[0]: message.body for message in mailoutbox}
    assert by_person[member.email].startswith(
        "Hello Ana Member,\n\nThe interview has moved from Monday 4 March 2030, 09:00 to "
        "Tuesday 5 March 2030, 09:00 London time.\n\nTeam fit interview with Cora Candidate"
    )
    assert (
        "The interview has moved from Monday 4 March 2030, 09:00 to Tuesday 5 March 2030, "
        f"09:00 UTC.\n\nYour team fit interview for {title} with the Platform team."
    ) in by_person[panel.application.candidate.email]


def test_a_second_move_before_the_firsts_invites_went_out_names_the_start_people_were_told(
    panel, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As found: the second move's invites said it moved from the first move's start (Tuesday),
    which nobody was told of: the first move's invites, superseded, never went out."""
    candidate = panel.application.candidate
    Candidate.objects.filter(pk=candidate.pk).update(time_zone="America/New_York")
    send_invites(panel)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks() as queued:
        booking.book(panel, option_on(panel, TUESDAY), recruiter)
        booking.book(panel, option_on(panel, TUESDAY + timedelta(days=1)), recruiter)
    for send in queued:  # in order: the first move's find the session changed, and send none
        send()

    by_person = {message.to[0]: message.body for message in mailoutbox}
    assert sorted(by_person) == sorted([member.email, candidate.email])
    assert (
        "The interview has moved from Monday 4 March 2030, 04:00 to Wednesday 6 March 2030, "
        "04:00 New York time."
    ) in by_person[candidate.email]
    assert (
        "The interview has moved from Monday 4 March 2030, 09:00 to Wednesday 6 March 2030, "
        "09:00 London time."
    ) in by_person[member.email]


def test_a_move_before_the_bookings_invites_went_out_is_everyones_first_invite(
    panel, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Nobody was told of Monday's start: the invite to Tuesday's says nothing of a move."""
    with django_capture_on_commit_callbacks(execute=True):
        rebook(panel, recruiter)
    send_invites(panel)  # the booking's, late: the session changed, none goes

    assert len(mailoutbox) == 2
    assert not any(m.subject.startswith("Updated:") for m in mailoutbox)
    assert not any("moved" in m.body or "changed" in m.body for m in mailoutbox)


def test_a_replacement_after_a_move_nobody_was_told_of_tells_everyone_of_the_move(
    panel, member, teammate, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As found: the move's invites, still queued, found the session changed by the
    replacement, whose went to the newcomer alone: the candidate never heard of the move."""
    nine_to_five(teammate)
    send_invites(panel)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as move:
        session = rebook(panel, recruiter)
    seat = session.interviewers.get(user=member)

    with django_capture_on_commit_callbacks(execute=True):
        booking.replace_interviewer(seat, teammate, recruiter)
    for send in move:
        send()

    by_person = {message.to[0]: message for message in mailoutbox}
    candidate = panel.application.candidate
    assert sorted(by_person) == sorted([member.email, teammate.email, candidate.email])
    assert "The interview has moved from Monday 4 March 2030, 09:00 to Tuesday" in (
        by_person[candidate.email].body
    )
    assert "moved" not in by_person[teammate.email].body
    assert by_person[member.email].subject == (
        "No longer needed: interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    )


def test_a_cancellation_after_a_move_nobody_was_told_of_names_the_start_people_kept(
    panel, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    send_invites(panel)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as move:
        session = rebook(panel, recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_session(session, recruiter)
    for send in move:
        send()

    assert len(mailoutbox) == 2
    assert all(", Mon 4 Mar, 09:00 " in m.subject for m in mailoutbox)
    assert all(m.subject.startswith("Cancelled:") for m in mailoutbox)


def test_a_session_booked_before_the_deploy_moves_from_the_start_it_was_booked_at(
    panel, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Its invites went as it was booked, before it kept their start: the migration fills it."""
    migration = importlib.import_module("hiring.migrations.0074_session_announced_start")
    send_invites(panel)
    InterviewSession.objects.update(announced_start=None)  # as the release before left it
    mailoutbox.clear()

    migration.announced_as_booked(apps, None)
    with django_capture_on_commit_callbacks(execute=True):
        rebook(panel, recruiter)

    assert len(mailoutbox) == 2
    assert all("moved from Monday 4 March 2030, 09:00 to Tuesday" in m.body for m in mailoutbox)


def test_the_candidate_is_not_invited_to_an_interview_with_themselves(panel, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    [message] = [m for m in mailoutbox if m.to == [panel.application.candidate.email]]
    assert "Cora Candidate" not in message.subject
    assert "interview with Cora Candidate" not in message.body
    assert message.body.startswith("Hello Cora Candidate,")
    [event] = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    title = panel.application.opening.title
    assert event["SUMMARY"] == f"Team fit interview: {title} (Platform)"


def test_the_candidates_copy_names_the_interviewers_without_their_addresses(
    panel, member, mailoutbox
):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    candidate = panel.application.candidate
    by_person = {message.to[0]: message for message in mailoutbox}
    to_candidate = by_person[candidate.email]
    assert "Your interviewers: Ana Member\n" in to_candidate.body
    [event] = icalendar.Calendar.from_ical(to_candidate.attachments[0][1]).walk("VEVENT")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(attendee) for attendee in attendees] == [f"mailto:{candidate.email}"]
    ics_text = to_candidate.attachments[0][1]
    ics_text = ics_text.decode() if isinstance(ics_text, bytes) else ics_text
    assert member.email not in ics_text.replace("\r\n ", "")
    assert member.email not in to_candidate.body
    # The interviewer's copy still lists everyone it is with, the candidate among them.
    [event] = icalendar.Calendar.from_ical(by_person[member.email].attachments[0][1]).walk("VEVENT")
    assert sorted(str(attendee) for attendee in event["ATTENDEE"]) == sorted(
        [f"mailto:{member.email}", f"mailto:{candidate.email}"]
    )
    assert "Your interviewers" not in by_person[member.email].body


def test_only_the_candidates_copy_carries_their_status_link(panel, member, mailoutbox):
    session = panel.sessions.get()

    send_session_invites.delay(session.pk, session.sequence)

    by_person = {message.to[0]: message.body for message in mailoutbox}
    link = panel.application.status_url()
    assert by_person[panel.application.candidate.email].endswith(
        f"Where your application stands: {settings.SITE_URL}{link}\n"
    )
    assert "/status/" not in by_person[member.email]


def test_a_reschedule_invites_who_the_pool_adds_and_tells_who_it_releases_when(
    application_with_pool, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: the newcomer read "Updated: ... has moved", the one released not which
    time they no longer keep."""
    panel, *pool = application_with_pool
    goes, stays = booked_on_monday(panel, pool, recruiter, django_capture_on_commit_callbacks)
    # Busy on Tuesday: the other one takes their place.
    BusyBlock.objects.create(user=goes, start=TUESDAY, end=TUESDAY + timedelta(days=1))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, TUESDAY), recruiter)

    by_person = {message.to[0]: message for message in mailoutbox}
    newcomer, released = by_person[stays.email], by_person[goes.email]
    assert newcomer.subject == "Interview with Cora Candidate, Tue 5 Mar, 09:00 London time"
    assert "moved" not in newcomer.body
    assert released.subject == (
        "No longer needed: interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    )
    assert "You no longer need to keep Monday 4 March 2030, 09:00 London time free" in (
        released.body
    )
    assert by_person[member.email].subject.startswith("Updated: ")


def test_a_reschedule_that_only_swaps_the_pool_claims_no_move(
    application_with_pool, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: Ana, who kept her seat, read "moved from 09:00 to 09:00"."""
    panel, first, second = application_with_pool
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, MONDAY), recruiter)
    session = panel.sessions.get()
    [taken] = session.interviewers.filter(from_pool=True)
    goes = taken.user
    stays = second if goes == first else first
    swapped = {
        "sessions": [
            {
                "session": session.pk,
                "start": session.start.isoformat(),
                "end": session.end.isoformat(),
                "interviewers": [member.pk, stays.pk],
            }
        ]
    }
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.reschedule(panel, swapped, recruiter)

    by_person = {message.to[0]: message for message in mailoutbox}
    kept = by_person[member.email]
    assert kept.subject == "Updated: Interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    assert "The interview has changed." in kept.body
    assert "moved" not in kept.body
    [event] = icalendar.Calendar.from_ical(kept.attachments[0][1]).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert "moved" not in by_person[panel.application.candidate.email].body
    newcomer, released = by_person[stays.email], by_person[goes.email]
    assert newcomer.subject == "Interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    assert released.subject == (
        "No longer needed: interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    )
    assert released.body.startswith(
        f"Hello {goes.display_name},\n\nSomeone else takes your place in the "
        "team fit interview with Cora Candidate. You no longer need to keep Monday 4 March "
        "2030, 09:00 London time free"
    )


def test_a_replacement_before_the_bookings_invites_went_out_invites_everyone_seated(
    panel, member, teammate, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """The booking's invites still queued (a busy broker) find the session changed and send
    nothing: the replacement's go to everyone never invited, not to the newcomer alone."""
    nine_to_five(teammate)
    session = panel.sessions.get()  # booked; its invites not sent yet
    seat = session.interviewers.get(user=member)

    with django_capture_on_commit_callbacks(execute=True):
        booking.replace_interviewer(seat, teammate, recruiter)
    send_session_invites.delay(session.pk, 0)  # the booking's, late

    requests = {m.to[0]: m for m in mailoutbox if "METHOD:REQUEST" in str(m.attachments[0][1])}
    candidate = panel.application.candidate
    assert set(requests) == {teammate.email, candidate.email}
    assert not any("moved" in m.body or "changed" in m.body for m in requests.values())
    # Never invited, the one replaced is not told they are released either.
    assert member.email not in received(mailoutbox)


def test_who_a_reschedule_releases_is_told_though_the_session_changed_again_before_it_went(
    application_with_pool, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """The release still queued (a busy broker) when the session moves again: the later
    move's invites go to those on the session, so only the release tells the one it let go."""
    panel, first, second = application_with_pool
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, MONDAY), recruiter)
    [taken] = panel.sessions.get().interviewers.filter(from_pool=True)
    goes = taken.user
    wednesday = TUESDAY + timedelta(days=1)
    BusyBlock.objects.create(user=goes, start=TUESDAY, end=wednesday + timedelta(days=1))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks() as late:
        booking.book(panel, option_on(panel, TUESDAY), recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, wednesday), recruiter)
    for queued in late:
        queued()

    [released] = [message for message in mailoutbox if message.to == [goes.email]]
    assert released.subject == (
        "No longer needed: interview with Cora Candidate, Mon 4 Mar, 09:00 London time"
    )
    [event] = icalendar.Calendar.from_ical(released.attachments[0][1]).walk("VEVENT")
    assert event["SEQUENCE"] == 2
    for queued in late:  # run twice: told once
        queued()
    assert len([message for message in mailoutbox if message.to == [goes.email]]) == 1


@pytest.mark.parametrize("cancelled", [False, True])
def test_the_release_of_a_session_cancelled_since_says_plainly_it_is_cancelled(
    application_with_pool, recruiter, cancelled, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: released from Monday's interview, which moved to Tuesday and was then
    cancelled before the release went, a pool member read that Tuesday's was cancelled, as if
    it had moved without them being told. A release at a reschedule still says it moved."""
    panel, first, second = application_with_pool
    Candidate.objects.filter(applications__panel=panel).update(name="Cora D'Arcy & Co")
    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, MONDAY), recruiter)
    [taken] = panel.sessions.get().interviewers.filter(from_pool=True)
    goes = taken.user
    User.objects.filter(pk=goes.pk).update(time_zone="Asia/Tokyo")  # read in their own zone
    BusyBlock.objects.create(user=goes, start=TUESDAY, end=TUESDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks() as release:
        booking.book(panel, option_on(panel, TUESDAY), recruiter)
    if cancelled:
        booking.cancel_session(panel.sessions.get(), recruiter)
    mailoutbox.clear()

    for queued in release:
        queued()

    [released] = [message for message in mailoutbox if message.to == [goes.email]]
    if cancelled:
        assert released.subject == (
            "Cancelled: interview with Cora D'Arcy & Co, Mon 4 Mar, 18:00 Tokyo time"
        )
        assert (
            "The team fit interview with Cora D'Arcy & Co on Monday 4 March 2030, 18:00 Tokyo "
            "time is cancelled."
        ) in released.body
        assert "moved" not in released.body
    else:
        assert released.subject == (
            "No longer needed: interview with Cora D'Arcy & Co, Mon 4 Mar, 18:00 Tokyo time"
        )
        assert (
            "The team fit interview with Cora D'Arcy & Co has moved, and another member of the "
            "pool takes your place. You no longer need to keep Monday 4 March 2030, 18:00 Tokyo "
            "time free"
        ) in released.body
    assert "Tue" not in released.subject + released.body


def test_a_pool_member_seated_by_a_move_nobody_was_told_of_hears_nothing_of_their_release(
    application_with_pool, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: seated by Tuesday's move, whose invites had not gone out when Wednesday's
    took them off again, a pool member was told they were no longer needed at an interview
    they were never invited to."""
    panel, *pool = application_with_pool
    goes, comes = booked_on_monday(panel, pool, recruiter, django_capture_on_commit_callbacks)
    wednesday = TUESDAY + timedelta(days=1)
    # Busy on Tuesday, `goes` is replaced by `comes`, busy on Wednesday.
    BusyBlock.objects.create(user=goes, start=TUESDAY, end=wednesday)
    BusyBlock.objects.create(user=comes, start=wednesday, end=wednesday + timedelta(days=1))
    with django_capture_on_commit_callbacks() as unsent:
        booking.book(panel, option_on(panel, TUESDAY), recruiter)
    assert panel.sessions.get().interviewers.filter(user=comes).exists()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.book(panel, option_on(panel, wednesday), recruiter)
    for queued in unsent:  # Tuesday's, late: superseded
        queued()

    assert comes.email not in received(mailoutbox)
    assert received(mailoutbox)[goes.email] == ["REQUEST"]  # seated again, invited to Wednesday


@pytest.mark.parametrize(
    "invites_run", ["before the cancellation", "before its task", "after its task"]
)
def test_a_session_cancelled_before_its_invites_went_is_cancelled_to_nobody(
    team, member, recruiter, invites_run, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: cancelled before its booking's invites went out, a session was cancelled
    to everyone, the candidate too, though nobody was invited to it. Whenever the invites'
    task runs, everyone is invited then told of its cancellation, or told nothing."""
    application = ApplicationFactory(opening__team=team)
    with django_capture_on_commit_callbacks() as booked:
        panel = booked_panel(application, [member], recruiter)
    if invites_run == "before the cancellation":
        while booked:
            booked.pop(0)()
    with django_capture_on_commit_callbacks() as cancelled:
        booking.cancel_session(panel.sessions.get(), recruiter)

    late = [*booked, *cancelled] if invites_run == "before its task" else [*cancelled, *booked]
    for queued in late:
        queued()

    everyone = [member.email, application.candidate.email]
    if invites_run == "before the cancellation":
        assert received(mailoutbox) == {address: ["REQUEST", "CANCEL"] for address in everyone}
    else:
        assert mailoutbox == []


@pytest.mark.parametrize("cancellation_runs", ["meanwhile", "after"])
def test_a_session_cancelled_while_its_invites_were_going_out(
    team,
    member,
    recruiter,
    cancellation_runs,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The interviewer's invite went out as the session was cancelled, the candidate's was
    next: the interviewer is told of its cancellation, once their invite went (a cancellation
    that runs meanwhile comes back for it), and the candidate of nothing."""
    application = ApplicationFactory(opening__team=team)
    with django_capture_on_commit_callbacks() as booked:
        panel = booked_panel(application, [member], recruiter)
    cancellation = []

    def cancel():
        Meanwhile.then = None
        with django_capture_on_commit_callbacks() as queued:
            booking.cancel_session(panel.sessions.get(), recruiter)
        cancellation.extend(queued)
        if cancellation_runs == "meanwhile":
            *shown_changed, cancellation_task = queued
            with pytest.raises(Retry):
                cancellation_task()

    settings.EMAIL_BACKEND = "tests.email.backends.Meanwhile"
    Meanwhile.then = cancel
    try:
        for queued in booked:
            queued()
    finally:
        Meanwhile.then = None
    for queued in cancellation:  # as the task, or its retry, runs after the invites'
        queued()

    assert received(mailoutbox) == {member.email: ["REQUEST", "CANCEL"]}


def test_a_cancellation_going_out_as_the_session_is_booked_again_reaches_everyone_told(
    team, member, recruiter, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Unlike an invite, a cancellation is news to whoever had the invite whatever came since:
    made to book again as it went, it still goes to them all."""
    application = ApplicationFactory(opening__team=team)
    with django_capture_on_commit_callbacks(execute=True):
        panel = booked_panel(application, [member], recruiter)
    with django_capture_on_commit_callbacks() as cancelled:
        booking.cancel_session(panel.sessions.get(), recruiter)

    def book_again():
        Meanwhile.then = None
        booking.reopen_session(panel.sessions.get(), recruiter)

    settings.EMAIL_BACKEND = "tests.email.backends.Meanwhile"
    Meanwhile.then = book_again
    try:
        for queued in cancelled:
            queued()
    finally:
        Meanwhile.then = None

    everyone = [member.email, application.candidate.email]
    assert received(mailoutbox) == {address: ["REQUEST", "CANCEL"] for address in everyone}


def test_a_session_booked_again_then_cancelled_before_its_invites_went_tells_nobody(
    team, member, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """Its people had its first cancellation, the last they heard of it: the cancellation of
    its new booking, which nobody was told of, is no news to them."""
    application = ApplicationFactory(opening__team=team)
    with django_capture_on_commit_callbacks(execute=True):
        panel = booked_panel(application, [member], recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_session(panel.sessions.get(), recruiter)
    assert len(received(mailoutbox)) == 2  # the member and the candidate, invited then not
    booking.reopen_session(panel.sessions.get(), recruiter)
    with django_capture_on_commit_callbacks() as unsent:
        booking.book(panel, option_on(panel, TUESDAY), recruiter)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel_session(panel.sessions.get(), recruiter)
    for queued in unsent:  # the new booking's, late
        queued()

    assert mailoutbox == []
