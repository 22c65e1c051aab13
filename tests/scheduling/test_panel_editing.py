"""Fixing a panel: edit or delete it before it is booked, reschedule or cancel it after; each
destructive action asks first."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from icalendar import Calendar

from hiring.models import AuditEvent, InterviewSession, Panel, SessionInterviewer, SlotOffer
from hiring.scheduling import booking
from tests.email.helpers import send_invites
from tests.factories import field_errors, management, url

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
TUESDAY = MONDAY + timedelta(days=1)


def option_on(panel, day):
    [option, *_] = booking.find_options(panel, day, day + timedelta(days=1))
    return option


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def calendars(mailoutbox):
    """(recipient, METHOD, SEQUENCE) of each email's invite."""
    found = []
    for message in mailoutbox:
        calendar = Calendar.from_ical(message.attachments[0][1])
        [event] = calendar.walk("VEVENT")
        found.append((message.to[0], str(calendar["METHOD"]), int(event["SEQUENCE"])))
    return sorted(found)


@pytest.fixture
def booked(panel, recruiter, mailoutbox):
    """Booked on Monday, its invites sent: its people were told of that time."""
    booking.book(panel, option_on(panel, MONDAY), recruiter)
    send_invites(panel)
    mailoutbox.clear()
    return panel


# Editing before it is booked ------------------------------------------------------------------


def test_the_edit_form_shows_the_panel_as_it_is(panel, application, member, recruiter, signed_in):
    response = signed_in(recruiter).get(url("panel_edit", application))

    assert response.status_code == 200
    assert "Edit the panel" in response.text
    assert '<option value="team_fit" selected>' in response.text
    assert '<option value="60" selected>' in response.text
    assert re.search(rf'value="{member.pk}"[^>]*checked', response.text)
    assert "Save the panel" in response.text


def test_editing_changes_sessions_lengths_and_interviewers(
    panel, application, member, teammate, recruiter, signed_in
):
    old = panel.sessions.get()

    response = signed_in(recruiter).post(
        url("panel_edit", application),
        {
            **management(2),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "90",
            "sessions-0-interviewers": [teammate.pk],
            "sessions-1-focus": "team_fit",
            "sessions-1-duration_minutes": "30",
            "sessions-1-interviewers": [member.pk],
        },
    )

    assert response.status_code == 302
    assert "Panel saved. Times offered before no longer apply: find new ones." in messages_of(
        response
    )
    panel.refresh_from_db()
    assert not panel.back_to_back
    skills, team_fit = panel.sessions.order_by("position")
    assert (skills.focus, skills.duration_minutes) == ("skills", 90)
    assert list(skills.interviewers.values_list("user", flat=True)) == [teammate.pk]
    assert (team_fit.duration_minutes, team_fit.interviewers.get().user) == (30, member)
    assert not InterviewSession.objects.filter(pk=old.pk).exists()
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_CHANGED)
    assert (event.actor, event.application) == (recruiter, application)
    assert event.details == f"Edited: Skills 90 min ({teammate}), Team fit 30 min ({member})"


def test_a_refused_edit_changes_nothing(panel, application, teammate, recruiter, signed_in):
    before = list(SessionInterviewer.objects.values_list("session", "user"))

    response = signed_in(recruiter).post(
        url("panel_edit", application),
        {**management(1), "sessions-0-focus": "skills", "sessions-0-duration_minutes": "45"},
    )

    assert response.status_code == 400
    assert "Name interviewers or take some from the pool." in response.text
    assert "Edit the panel" in response.text
    assert list(SessionInterviewer.objects.values_list("session", "user")) == before


def test_adding_a_session_while_editing_keeps_what_was_typed(
    panel, application, member, recruiter, signed_in
):
    response = signed_in(recruiter).post(
        url("panel_edit", application),
        {
            **management(1),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "90",
            "sessions-0-interviewers": [member.pk],
            "change": "add",
        },
    )

    assert response.status_code == 200
    assert response.text.count("<legend>Session ") == 2
    assert '<option value="90" selected>' in response.text
    assert panel.sessions.get().duration_minutes == 60  # nothing saved yet


def test_an_edit_withdraws_the_times_offered(panel, application, member, recruiter, client):
    link = booking.offer_to_candidate(panel, [option_on(panel, MONDAY)], recruiter)
    link = link.get_absolute_url()
    sessions = [{"focus": "skills", "duration_minutes": 45, "interviewers": [member]}]

    booking.edit_panel(panel, sessions, back_to_back=True, by=recruiter)

    for response in (client.get(link), client.post(link, {"pick": "0"})):
        assert response.status_code == 410
        assert "The team changed your interviews since this link was sent." in response.text
    assert panel.sessions.get().start is None


def test_a_booked_panel_is_not_edited(booked, application, recruiter, signed_in):
    response = signed_in(recruiter).get(url("panel_edit", application))

    assert response.status_code == 302
    assert "This panel is booked: reschedule or cancel it instead." in messages_of(response)
    with pytest.raises(booking.ValidationError):
        booking.edit_panel(booked, [], back_to_back=True, by=recruiter)
    assert booked.sessions.get().is_booked


# Deleting before it is booked ---------------------------------------------------------------


def test_deleting_asks_first(panel, application, recruiter, signed_in):
    response = signed_in(recruiter).get(url("panel_delete", application))

    assert response.status_code == 200
    assert "Delete this panel?" in response.text
    assert '<button type="submit" class="danger">Delete the panel</button>' in response.text
    assert Panel.objects.filter(pk=panel.pk).exists()


def test_deleting_takes_the_panel_its_offers_and_proposals(
    panel, application, recruiter, signed_in, client
):
    offer = booking.offer_to_candidate(panel, [option_on(panel, MONDAY)], recruiter)

    response = signed_in(recruiter).post(url("panel_delete", application))

    assert response.status_code == 302
    assert "Panel deleted." in messages_of(response)
    assert not Panel.objects.exists()
    assert not SlotOffer.objects.exists()
    assert "Build the panel" in signed_in(recruiter).get(url("panel", application)).text
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_CHANGED)
    assert (event.actor, event.details.split(":")[0]) == (recruiter, "Deleted")
    withdrawn = client.get(offer.get_absolute_url())
    assert withdrawn.status_code == 410
    assert "This link was withdrawn." in withdrawn.text


def test_delete_clicked_twice_deletes_once_and_says_so(
    panel, application, recruiter, outsider, signed_in
):
    client = signed_in(recruiter)
    client.post(url("panel_delete", application))

    response = client.post(url("panel_delete", application))

    assert response.status_code == 302
    assert messages_of(response)[-1] == "This panel was deleted already: you can build a new one."
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_CHANGED).count() == 1
    assert signed_in(outsider).post(url("panel_delete", application)).status_code == 404


def test_a_booked_panel_is_not_deleted(booked, application, recruiter, signed_in):
    response = signed_in(recruiter).post(url("panel_delete", application))

    assert "This panel is booked: reschedule or cancel it instead." in messages_of(response)
    assert Panel.objects.filter(pk=booked.pk).exists()


# Rescheduling after --------------------------------------------------------------------------


def signed(client, application, day):
    """The signed value of the first option the times page lists from `day`."""
    search = {"start": day.date().isoformat(), "days": "1"}
    page = client.get(url("panel_times", application), search).text
    return re.search(r'name="option" value="([^"]+)"', page).group(1), page


def test_rescheduling_in_german_writes_both_times_as_german_does(
    booked,
    application,
    member,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    for person in (member, recruiter):
        person.language = "de"
        person.save(update_fields=["language"])
    client = signed_in(recruiter)
    option, _ = signed(client, application, TUESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_reschedule", application), {"option": option})

    [message] = messages_of(response)
    assert "von Mo, 4. Mär, 09:00 auf Di, 5. Mär, 09:00 Zeit London" in message
    [email] = [sent for sent in mailoutbox if sent.to == [member.email]]
    assert "von Montag, 4. März 2030, 09:00 auf Dienstag, 5. März 2030, 09:00" in email.body


def test_a_booked_panel_offers_to_reschedule(booked, application, recruiter, signed_in):
    _, page = signed(signed_in(recruiter), application, TUESDAY)

    assert "Reschedule to this time" in page
    assert url("panel_reschedule", application) in page
    assert ">Book<" not in page


def test_rescheduling_says_what_moved_and_sends_updated_invites(
    booked,
    application,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = signed_in(recruiter)
    option, _ = signed(client, application, TUESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_reschedule", application), {"option": option})

    assert response.status_code == 302
    # In the recruiter's zone, London: UTC in March.
    assert messages_of(response) == [
        "Rescheduled: the team fit interview from Mon 4 Mar, 09:00 to Tue 5 Mar, 09:00 "
        "London time. Updated invites are on their way."
    ]
    session = booked.sessions.get()
    assert (session.start, session.sequence) == (TUESDAY.replace(hour=9), 1)
    people = [member.email, teammate.email, application.candidate.email]
    assert calendars(mailoutbox) == sorted((email, "REQUEST", 1) for email in people)
    by_person = {message.to[0]: message for message in mailoutbox}
    assert "The interview has moved from Monday 4 March 2030, 09:00 to Tuesday 5 March 2030, " in (
        by_person[member.email].body
    )
    assert by_person[member.email].subject.startswith("Updated: Interview with")
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.PANEL_BOOKED).order_by("-pk")[:1]
    assert event.details.startswith("Rescheduled: Team fit 2030-03-05T09:00Z")
    # Each reader of the timeline reads the moment in their own zone.
    recruiter.time_zone = "Asia/Singapore"
    recruiter.save()
    page = signed_in(recruiter).get(url("application_detail", application)).text
    assert "Rescheduled: Team fit" in page
    assert "Tue 5 Mar, 17:00 Singapore time</time>" in page


def test_a_panel_not_booked_is_booked_not_rescheduled(panel, application, recruiter, signed_in):
    client = signed_in(recruiter)
    option, page = signed(client, application, MONDAY)
    assert "Reschedule to this time" not in page

    response = client.post(url("panel_reschedule", application), {"option": option})

    assert "This panel is not booked yet: book a time instead." in messages_of(response)
    assert panel.sessions.get().start is None


# Cancelling after ---------------------------------------------------------------------------


def test_cancelling_asks_first(booked, application, recruiter, signed_in):
    client = signed_in(recruiter)
    session = booked.sessions.get()

    for path, question in (
        (url("panel_cancel", application), "Cancel every booked session?"),
        (url("session_cancel", application, session.pk), "Cancel the team fit session?"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert question in response.text
    assert booked.sessions.get().is_booked


def test_cancelling_the_panel_cancels_every_session_and_lets_it_be_edited(
    booked,
    application,
    member,
    teammate,
    recruiter,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = signed_in(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("panel_cancel", application))

    assert "Panel cancelled; everyone invited gets a cancellation." in messages_of(response)
    session = booked.sessions.get()
    assert session.cancelled_at is not None
    people = [member.email, teammate.email, application.candidate.email]
    assert calendars(mailoutbox) == sorted((email, "CANCEL", 1) for email in people)
    page = client.get(url("panel", application)).text
    assert "Edit the panel" in page
    assert "Cancel the panel" not in page


def test_cancelling_a_panel_with_nothing_booked_is_refused(
    panel, application, recruiter, signed_in
):
    response = signed_in(recruiter).post(url("panel_cancel", application))

    assert "No session of this panel is booked." in messages_of(response)


def test_the_panel_page_names_its_actions_by_state(panel, application, recruiter, signed_in):
    client = signed_in(recruiter)
    before = client.get(url("panel", application)).text
    booking.book(panel, option_on(panel, MONDAY), recruiter)
    after = client.get(url("panel", application)).text

    assert "Edit the panel" in before
    assert "Delete the panel" in before
    assert "Cancel the panel" not in before
    assert "Cancel the panel" in after
    assert "Edit the panel" not in after
    assert "Delete the panel" not in after
    assert url("session_cancel", application, panel.sessions.get().pk) in after


def test_the_find_form_dates_are_iso(panel, application, recruiter, signed_in):
    response = signed_in(recruiter).get(
        url("panel_times", application), {"start": "2030-03-04", "days": "2"}
    )

    assert 'type="date" name="start" value="2030-03-04"' in response.text
    assert field_errors(response.text, "start") == ""


def test_a_session_of_an_application_without_a_panel_is_not_found(
    application, recruiter, signed_in
):
    client = signed_in(recruiter)

    for method in (client.get, client.post):
        assert method(url("session_cancel", application, 1)).status_code == 404
