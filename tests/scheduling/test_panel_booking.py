"""Panel pages: find times, book, offer, cancel; who may; the times page's query count."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from hiring.models import (
    AuditEvent,
    CandidateWindow,
    EmailTemplate,
    Membership,
    SessionInterviewer,
    SlotOffer,
)
from hiring.scheduling import booking
from hiring.scheduling.views import OPTION_SALT
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    field_errors,
    management,
    nine_to_five,
    url,
)

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
SEARCH = {"start": "2030-03-04", "days": "5"}
# Measured at 25 queries for both a 1-session and a 3-session, 6-person panel (the times
# offered to the candidate and their answers included); one spare. A query per session or per
# interviewer would take the larger panel past it.
PANEL_TIMES_MAX_QUERIES = 26
# A booking, measured at 28 queries for one session of one seat and 30 for two sessions of six seats
# (was 45 and 98 seat by seat, then 40 and 53 session by session, then 41 and 44, then 39, then 35,
# then 33, then 32 and 34, then 29 and 31): the panel is read once, locked, with its application,
# for the access check and the booking (booking.book_as); its seats with their people, in one query;
# the panel's booked flag goes in the move's UPDATE; each session placed is saved in a plain UPDATE
# and its seats in another (bulk_update() did every session in one and every seat in another, but
# its CASE of a WHEN per row and field cost 7 ms to build for two sessions, these under 1 ms:
# booking._save_placed); the people seated are locked by the read the re-check makes of them; the
# scorecards of every session are assigned together (membership, the newest version's criteria with
# their version, two inserts) with no savepoint of their own, and the people's scorecards read once;
# the booking's audit event goes in with the move to panel's; the reports' days are marked by the
# team in hand, and where its cards now are is read in its transaction, not once it commits
# (hiring/freshness.py); the move to the panel takes back the email an earlier move queued and
# has not sent, and reads the template chosen for the panel (outreach.automation.after_move).
# One more asks whether one of those it asks to score is the candidate (a member who applied:
# access.the_candidates_among reads their addresses, once for them all), and one whether the
# booker is (access.runs_pipeline_of). The re-check reads the times of the panel's interviews
# that stay where they are: the candidate can't be in two at once. Whether a cancelled session is
# still needed, which keeps the panel among those to schedule, and those times are read with the
# sessions to place, each session with its roles (InterviewSession.objects.with_roles()), and
# whether a seat is a trainee's with the seats: 34 and 36 before, then 31 and 33. The addresses of
# the invitations the booker accepted (is the booker the candidate?) are read with those of
# everyone the booking seats (is one of them?), once (access.get_panel_to_place): now 30 and 32.
BOOKING_MAX_QUERIES = 30
MOVED_MEANWHILE = (
    "This panel was booked or moved after these times were found: find times again, from the "
    "panel as it is now."
)
BOOKING_QUERIES_PER_SESSION = 2


def signed_options(text):
    """The signed values of the options listed, in order, once each."""
    return list(dict.fromkeys(re.findall(r'name="option" value="([^"]+)"', text)))


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def invites(mailoutbox):
    """(recipient, METHOD, UID) of each email's attached invite."""
    found = []
    for message in mailoutbox:
        [(name, content, mimetype)] = message.attachments
        calendar = Calendar.from_ical(content)
        [event] = calendar.walk("VEVENT")
        found.append((message.to[0], str(calendar["METHOD"]), str(event["UID"]), mimetype))
    return found


def options_shown(text):
    """The text of each option listed, tags and spacing dropped."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r'<li class="option">(.*?)<div class="actions">', text, re.DOTALL)
    ]


def listed_options(client, application):
    response = client.get(url("panel_times", application), SEARCH)
    assert response.status_code == 200
    return signed_options(response.text)


# Finding times and booking --------------------------------------------------------------------


def test_the_times_page_lists_options_with_their_reasons(panel, application, recruiter, signed_in):
    response = signed_in(recruiter).get(url("panel_times", application), SEARCH)

    assert response.status_code == 200
    assert len(signed_options(response.text)) == 10
    # In the recruiter's zone (London, on UTC in March), named.
    [first, *_] = options_shown(response.text)
    assert "Monday 4 Mar London time" in first
    assert "09:00–10:00 · Team fit · Ana Member, Ben Teammate" in first
    assert "earliest · least-loaded: 0 interviews that week" in first


def test_the_panel_pages_are_never_stored(panel, application, recruiter, signed_in):
    client = signed_in(recruiter)

    for response in (
        client.get(url("panel", application)),
        client.get(url("panel_times", application), SEARCH),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_times_page_keeps_to_the_candidates_windows(panel, application, recruiter, signed_in):
    CandidateWindow.objects.create(
        panel=panel, start=MONDAY.replace(hour=14), end=MONDAY.replace(hour=15, minute=30)
    )

    response = signed_in(recruiter).get(
        url("panel_times", application), {**SEARCH, "within_candidate_windows": "on"}
    )

    assert response.status_code == 200
    assert "14:00–15:00 · Team fit" in options_shown(response.text)[0]
    assert len(signed_options(response.text)) == 3  # 14:00, 14:15 and 14:30


def test_a_bad_search_is_refused(panel, application, recruiter, signed_in):
    response = signed_in(recruiter).get(
        url("panel_times", application), {"start": "someday", "days": "5"}
    )

    assert response.status_code == 400
    assert "Enter a valid date." in field_errors(response.text, "start")


def test_booking_a_listed_option_sends_invites(
    panel,
    application,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_book", application), {"option": first})

    assert response.status_code == 302
    assert response.url == url("panel", application)
    assert "Booked. Invites are on their way." in messages_of(response)
    session = panel.sessions.get()
    assert (session.start, session.end) == (MONDAY.replace(hour=9), MONDAY.replace(hour=10))
    assert set(session.interviewers.values_list("start", flat=True)) == {session.start}
    assert sorted(invites(mailoutbox)) == sorted(
        (email, "REQUEST", session.uid, "text/calendar; method=REQUEST")
        for email in (member.email, teammate.email, application.candidate.email)
    )
    page = client.get(url("panel", application)).text
    assert "Mon 4 Mar, 09:00–10:00 London time" in page


def test_a_panel_with_someone_who_left_is_marked_and_not_booked_until_edited(
    panel, application, teammate, recruiter, signed_in, mailoutbox
):
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)
    teammate.is_active = False  # left the organisation after the panel was made
    teammate.save(update_fields=["is_active"])

    page = client.get(url("panel", application)).text
    response = client.post(url("panel_book", application), {"option": first})

    assert f'{teammate} <strong class="error">(account deactivated)</strong>' in page
    assert response.status_code == 302
    assert messages_of(response) == [
        f"{teammate}'s account was deactivated: edit the panel to choose someone else before "
        "booking it."
    ]
    assert panel.sessions.get().start is None
    assert mailoutbox == []


def test_edited_without_someone_who_left_the_panel_books(
    panel, application, member, teammate, recruiter, signed_in
):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    client = signed_in(recruiter)

    form = client.get(url("panel_edit", application))
    edited = client.post(
        url("panel_edit", application),
        {
            **management(1),
            "sessions-0-focus": "team_fit",
            "sessions-0-duration_minutes": "60",
            "sessions-0-interviewers": [member.pk],
        },
    )
    [first, *_] = listed_options(client, application)
    booked = client.post(url("panel_book", application), {"option": first})

    assert form.status_code == 200
    # Not offered again, as an interviewer or a shadow (their id, not any value: a duration
    # of 90 minutes read as the user 90).
    assert not re.search(rf'name="sessions-\d+-\w+" value="{teammate.pk}"', form.text)
    assert re.search(rf'name="sessions-0-interviewers" value="{member.pk}"', form.text)
    assert edited.status_code == 302
    assert messages_of(booked) == ["Booked. Invites are on their way."]
    assert list(panel.sessions.get().interviewers.values_list("user", flat=True)) == [member.pk]


@pytest.fixture
def booked(
    panel, application, recruiter, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    """The recruiter's client, and the options it listed, once it booked the first (its
    invites sent, the outbox emptied)."""
    client = signed_in(recruiter)
    options = listed_options(client, application)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("panel_book", application), {"option": options[0]})
    mailoutbox.clear()
    return client, options


def test_booking_the_same_option_again_books_nothing_new(
    booked, panel, application, mailoutbox, django_capture_on_commit_callbacks
):
    client, [first, *_] = booked

    # Back, then Book again: the same form posted a second time.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_book", application), {"option": first})

    assert response.status_code == 302
    assert response.url == url("panel", application)
    assert messages_of(response)[-1] == "Already booked at that time: nobody was invited again."
    session = panel.sessions.get()
    assert (session.start, session.sequence) == (MONDAY.replace(hour=9), 0)
    assert SessionInterviewer.objects.exclude(start=None).count() == 2
    assert mailoutbox == []
    assert application.audit_events.filter(action=AuditEvent.Action.PANEL_BOOKED).count() == 1


def test_book_from_a_page_opened_before_another_booking_moves_nothing(
    booked, panel, application, mailoutbox, django_capture_on_commit_callbacks
):
    """Two tabs: the panel booked in one, "Book" on another option in the other (its page
    still offering to book) is refused, not a reschedule nobody chose."""
    client, [_first, second, *_] = booked

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_book", application), {"option": second})

    assert messages_of(response)[-1] == MOVED_MEANWHILE
    session = panel.sessions.get()
    assert (session.start, session.sequence) == (MONDAY.replace(hour=9), 0)
    assert mailoutbox == []


def test_reschedule_or_offer_from_a_page_opened_before_another_reschedule_moves_nothing(
    panel,
    application,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Two recruiters reschedule at once from pages opened on the same booking: the second
    would move the panel again, over the first's move, and offer the candidate times for it."""
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)
    client.post(url("panel_book", application), {"option": first})
    [_, second, third, *_] = listed_options(client, application)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("panel_reschedule", application), {"option": second})
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(url("panel_reschedule", application), {"option": third})
        offered = client.post(url("panel_offer", application), {"option": [third]})

    assert messages_of(moved)[-1] == MOVED_MEANWHILE
    assert messages_of(offered)[-1] == MOVED_MEANWHILE
    session = panel.sessions.get()
    moved_to = signing.loads(second, salt=OPTION_SALT)["sessions"][0]["start"]
    assert (session.start.isoformat(), session.sequence) == (moved_to, 1)
    assert panel.offers.count() == 0
    assert mailoutbox == []


def test_an_outsider_posting_a_real_option_is_answered_404_and_books_nothing(
    panel, application, recruiter, outsider, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    [first, *_] = listed_options(client, application)
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        for name in ("panel_book", "panel_reschedule"):
            assert client.post(url(name, application), {"option": first}).status_code == 404

    assert panel.sessions.get().start is None
    assert mailoutbox == []


def test_a_tampered_option_books_nothing(
    panel, application, recruiter, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)
    tampered = first[:-3] + ("AAA" if not first.endswith("AAA") else "BBB")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("panel_book", application),
            {"option": tampered, "search": "start=2030-03-04&days=5"},
            follow=True,
        )

    assert response.status_code == 200
    assert "That option is not one Teamfit offered: find times again." in response.text
    assert panel.sessions.get().start is None
    assert not SessionInterviewer.objects.exclude(start=None).exists()
    assert mailoutbox == []


def test_an_option_taken_meanwhile_is_refused_with_fresh_options(
    panel, application, member, recruiter, signed_in, team
):
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)
    # Meanwhile someone books member into the same hour for another candidate.
    other = booking.create_panel(
        ApplicationFactory(opening__team=team),
        recruiter,
        [{"focus": "skills", "duration_minutes": 60, "interviewers": [member]}],
    )
    [theirs, *_] = booking.find_options(other, MONDAY, MONDAY + timedelta(days=1))
    booking.book(other, theirs, recruiter)

    response = client.post(
        url("panel_book", application), {"option": first, "search": "start=2030-03-04&days=5"}
    )

    assert response.status_code == 302
    assert response.url == url("panel_times", application) + "?start=2030-03-04&days=5"
    assert "Someone was booked into that time meanwhile. Here are fresh options." in (
        messages_of(response)
    )
    assert panel.sessions.get().start is None
    nine = MONDAY.replace(hour=9)
    assert SessionInterviewer.objects.filter(user=member, start=nine).count() == 1
    # The fresh options no longer offer that hour.
    fresh = client.get(response.url)
    assert not any("09:00–10:00" in option for option in options_shown(fresh.text))


def test_cancelling_a_session_sends_cancellations(
    booked, panel, application, member, teammate, mailoutbox, django_capture_on_commit_callbacks
):
    client, _options = booked
    session = panel.sessions.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("session_cancel", application, session.pk))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert not SessionInterviewer.objects.exclude(start=None).exists()
    assert sorted(invites(mailoutbox)) == sorted(
        (email, "CANCEL", session.uid, "text/calendar; method=CANCEL")
        for email in (member.email, teammate.email, application.candidate.email)
    )


def test_cancelling_a_session_not_booked_is_refused(
    panel, application, recruiter, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: it was marked cancelled, audited "not booked", then a 500 from the
    invite task, whose cancellation never went out."""
    session = panel.sessions.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(recruiter).post(url("session_cancel", application, session.pk))

    assert response.status_code == 302
    assert response.url == url("panel", application)
    assert messages_of(response) == [
        "This session is not booked: edit the panel to change its sessions."
    ]
    session.refresh_from_db()
    assert (session.cancelled_at, session.sequence) == (None, 0)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_CANCELLED).exists()
    assert mailoutbox == []


def test_offering_times_of_a_panel_deleted_meanwhile_is_a_404(
    panel, application, member, recruiter, signed_in, mailoutbox
):
    client = signed_in(recruiter)
    [first, *_] = listed_options(client, application)
    booking.delete_panel(panel, member)

    response = client.post(url("panel_offer", application), {"option": first})

    assert response.status_code == 404
    assert not SlotOffer.objects.exists()
    assert mailoutbox == []


def test_offering_two_options_emails_the_candidate_a_link(
    panel, application, recruiter, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)
    first, second, *_ = listed_options(client, application)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_offer", application), {"option": [first, second]})

    assert response.status_code == 302
    [offer] = SlotOffer.objects.all()
    assert offer.panel == panel
    assert offer.created_by == recruiter
    assert [o["sessions"][0]["start"] for o in offer.options] == [
        "2030-03-04T09:00:00+00:00",
        "2030-03-04T09:15:00+00:00",
    ]
    [email] = mailoutbox
    assert email.to == [application.candidate.email]
    # The invitation to schedule (hiring/outreach), on the application's timeline.
    assert application.emails.get().kind == EmailTemplate.Kind.INVITATION_TO_SCHEDULE
    [token] = re.findall(r"/schedule/([^/\s]+)/", email.body)
    assert SlotOffer.from_token(token) == offer
    assert panel.sessions.get().start is None


def test_offering_nothing_is_refused(panel, application, recruiter, signed_in, mailoutbox):
    response = signed_in(recruiter).post(url("panel_offer", application), {})

    assert response.status_code == 302
    assert "Choose at least one option to offer." in messages_of(response)
    assert not SlotOffer.objects.exists()


def test_a_team_member_can_book_their_teams_panel(panel, application, member, signed_in):
    client = signed_in(member)
    [first, *_] = listed_options(client, application)

    response = client.post(url("panel_book", application), {"option": first})

    assert response.status_code == 302
    assert panel.sessions.get().start == MONDAY.replace(hour=9)


# Who may ------------------------------------------------------------------------------------


def panel_requests(application, session):
    return [
        ("get", url("panel", application), {}),
        ("post", url("panel", application), management(1)),
        ("get", url("panel_times", application), SEARCH),
        ("post", url("panel_book", application), {"option": "x"}),
        ("post", url("panel_offer", application), {"option": "x"}),
        ("get", url("session_cancel", application, session.pk), {}),
        ("post", url("session_cancel", application, session.pk), {}),
        ("get", url("panel_edit", application), {}),
        ("post", url("panel_edit", application), management(1)),
        ("post", url("panel_reschedule", application), {"option": "x"}),
        ("get", url("panel_cancel", application), {}),
        ("post", url("panel_cancel", application), {}),
        ("get", url("panel_delete", application), {}),
        ("post", url("panel_delete", application), {}),
    ]


@pytest.mark.parametrize("persona", ["leadership", "outsider"])
def test_leadership_and_other_teams_get_404_on_every_panel_url(
    panel, application, request, signed_in, persona
):
    client = signed_in(request.getfixturevalue(persona))

    for method, path, data in panel_requests(application, panel.sessions.get()):
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, (method, path)


def test_a_recruiter_reaches_every_panel_url(panel, application, recruiter, signed_in):
    client = signed_in(recruiter)
    session = panel.sessions.get()

    statuses = {
        (method, path): getattr(client, method)(path, data).status_code
        for method, path, data in panel_requests(application, session)
    }

    # The panel exists, so a second one is refused with the form's message (400), as is an
    # edit without its sessions; destructive actions ask first (GET) and act on the POST.
    assert statuses == {
        ("get", url("panel", application)): 200,
        ("post", url("panel", application)): 400,
        ("get", url("panel_times", application)): 200,
        ("post", url("panel_book", application)): 302,
        ("post", url("panel_offer", application)): 302,
        ("get", url("session_cancel", application, session.pk)): 200,
        ("post", url("session_cancel", application, session.pk)): 302,
        ("get", url("panel_edit", application)): 200,
        ("post", url("panel_edit", application)): 400,
        ("post", url("panel_reschedule", application)): 302,
        ("get", url("panel_cancel", application)): 200,
        ("post", url("panel_cancel", application)): 302,
        ("get", url("panel_delete", application)): 200,
        ("post", url("panel_delete", application)): 302,
    }


# Query count --------------------------------------------------------------------------------


def test_the_times_page_needs_a_fixed_number_of_queries(
    team, member, teammate, recruiter, signed_in, django_assert_max_num_queries
):
    others = [UserFactory() for _ in range(4)]
    for user in others:
        Membership.objects.create(team=team, user=user)
    people = [member, teammate, *others]
    nine_to_five(*people)
    small = ApplicationFactory(opening__team=team)
    booking.create_panel(
        small,
        recruiter,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member]}],
    )
    large = ApplicationFactory(opening__team=team)
    booking.create_panel(
        large,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 45, "interviewers": people[:2]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": people[2:5]},
            {"focus": "skills", "duration_minutes": 30, "interviewers": people[5:]},
        ],
    )
    client = signed_in(recruiter)
    client.get(reverse("home"))  # the session and such, loaded once

    for application in (small, large):
        with django_assert_max_num_queries(PANEL_TIMES_MAX_QUERIES):
            response = client.get(url("panel_times", application), SEARCH)
        assert response.status_code == 200
        assert signed_options(response.text)


def test_a_booking_costs_a_fixed_number_of_queries_and_a_few_for_each_session_none_a_seat(
    team, member, teammate, recruiter, signed_in
):
    others = [UserFactory() for _ in range(4)]
    for user in others:
        Membership.objects.create(team=team, user=user)
    people = [member, teammate, *others]
    nine_to_five(*people)
    small = ApplicationFactory(opening__team=team, stage="screen")
    booking.create_panel(
        small, recruiter, [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member]}]
    )
    large = ApplicationFactory(opening__team=team, stage="screen")
    booking.create_panel(
        large,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 45, "interviewers": people[:3]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": people[3:]},
        ],
    )
    client = signed_in(recruiter)
    client.get(reverse("home"))  # the session and such, loaded once

    counted = {}
    for application, seats in ((small, 1), (large, 6)):
        [option, *_] = listed_options(client, application)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url("panel_book", application), {"option": option})
        assert response.status_code == 302
        assert (
            SessionInterviewer.objects.filter(
                session__panel__application=application, start__isnull=False
            ).count()
            == seats
        )
        counted[seats] = len(queries)
        invitations = [q for q in queries.captured_queries if "hiring_invitation" in q["sql"]]
        assert len(invitations) == 1
    assert counted[1] <= BOOKING_MAX_QUERIES
    # One session and five seats more cost the session's two statements, no more.
    assert counted[6] - counted[1] <= BOOKING_QUERIES_PER_SESSION
