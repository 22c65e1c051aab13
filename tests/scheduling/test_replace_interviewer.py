"""Replacing an interviewer (or a shadow) in a booked session still to come: the seat, the
invites, the scorecards and the audit trail follow; who may; what is refused, and why; a
reschedule refused while someone seated can no longer come."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from icalendar import Calendar

from hiring import access
from hiring.models import (
    AuditEvent,
    BusyBlock,
    InterviewCount,
    Membership,
    SessionInterviewer,
    Team,
)
from hiring.reports import figures
from hiring.scheduling import booking
from hiring.teams import membership
from scorecards import scoring
from scorecards.models import Feedback
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    field_errors,
    nine_to_five,
    stored_figures,
    submit,
    url,
)

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
ZEBRA = "ZEBRA-NOTE"


def first_option(panel, start=MONDAY):
    return booking.find_options(panel, start, start + timedelta(days=2), limit=1)[0]


@pytest.fixture
def booked(application, member, teammate, peer, recruiter, mailoutbox, sent):
    """Ana interviews on skills, Ben on team fit, back to back on Monday 4 March 2030; Cai,
    free then too, is on neither. Its invites are sent and forgotten."""
    nine_to_five(member, teammate, peer)
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {"focus": "skills", "duration_minutes": 60, "interviewers": [member]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": [teammate]},
        ],
    )
    with sent():
        booking.book(panel, first_option(panel), recruiter)
    mailoutbox.clear()
    return panel


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """with sent(): what commits in the block sends its emails (the tasks run eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def shadowed(application, lead, shadow, recruiter, sent):
    """A skills session of `lead`, `shadow` shadowing, booked at the first time both are free
    from Monday 4 March 2030, its invites sent."""
    session = {"focus": "skills", "duration_minutes": 60, "interviewers": [lead]}
    panel = booking.create_panel(application, recruiter, [{**session, "shadows": [shadow]}])
    with sent():
        booking.book(panel, first_option(panel), recruiter)
    return panel


def skills(panel):
    return panel.sessions.get(focus="skills")


def replace_url(application, session, person):
    return url("interviewer_replace", application, session.pk, person.pk)


def invites(mailoutbox):
    """{recipient: (METHOD, SEQUENCE, subject, body)} of the emails sent."""
    found = {}
    for message in mailoutbox:
        [(_name, content, _mimetype)] = message.attachments
        calendar = Calendar.from_ical(content)
        [event] = calendar.walk("VEVENT")
        found[message.to[0]] = (
            str(calendar["METHOD"]),
            event["SEQUENCE"],
            message.subject,
            message.body,
        )
    return found


def seated(session):
    return sorted(session.interviewers.values_list("user__display_name", flat=True))


def scorers_listed(client, application):
    """Who the application page's panel table lists, by name."""
    text = client.get(application.get_absolute_url()).text
    rows = re.findall(r"<tr>(.*?)</tr>", text, re.DOTALL)
    return sorted(
        name for name in ("Ana Member", "Ben Teammate", "Cai Peer") if any(name in r for r in rows)
    )


# Replacing --------------------------------------------------------------------------------------


def test_the_new_person_takes_the_seat_and_only_the_two_of_them_are_emailed(
    booked, application, member, peer, recruiter, signed_in, mailoutbox, sent
):
    session = skills(booked)
    client = signed_in(recruiter)

    with sent():
        response = client.post(replace_url(application, session, member), {"replacement": peer.pk})

    assert response.status_code == 302
    assert response["Location"] == url("panel", application)
    assert seated(session) == ["Cai Peer"]
    seat = session.interviewers.get()
    assert (seat.start, seat.end) == (session.start, session.end)
    # The candidate, and Ben on the other session, hear nothing: their invites stand.
    sent_to = invites(mailoutbox)
    assert set(sent_to) == {member.email, peer.email}
    assert sent_to[member.email][:2] == ("CANCEL", session.sequence + 1)
    assert sent_to[peer.email][:2] == ("REQUEST", session.sequence + 1)
    candidate = application.candidate
    assert sent_to[peer.email][2] == f"Interview with {candidate}, Mon 4 Mar, 09:00 London time"
    assert "The interview has changed" not in sent_to[peer.email][3]
    assert (
        "You no longer need to keep Monday 4 March 2030, 09:00 London time free"
        in (sent_to[member.email][3])
    )
    done = client.get(response["Location"]).text
    assert "Cai Peer takes Ana Member&#x27;s place in the skills interview" in done


def test_the_form_posted_twice_replaces_once(
    booked, application, member, peer, recruiter, signed_in, mailoutbox, sent
):
    client = signed_in(recruiter)
    path = replace_url(application, skills(booked), member)

    with sent():
        client.post(path, {"replacement": peer.pk})
        again = client.post(path, {"replacement": peer.pk})

    assert again.status_code == 302
    assert "They are no longer on this session" in client.get(again["Location"]).text
    assert len(mailoutbox) == 2
    assert seated(skills(booked)) == ["Cai Peer"]


def test_the_application_page_and_the_reports_follow(
    booked, application, member, peer, recruiter, signed_in
):
    client = signed_in(recruiter)
    assert scorers_listed(client, application) == ["Ana Member", "Ben Teammate"]  # cached now

    booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)

    assert scorers_listed(client, application) == ["Ben Teammate", "Cai Peer"]
    figures.bring_up_to_date(Team.objects.values("pk"))
    kept = stored_figures()
    figures.rebuild()
    assert kept == stored_figures()
    assert set(InterviewCount.objects.values_list("interviewer__display_name", flat=True)) == {
        "Cai Peer",
        "Ben Teammate",
    }


def test_each_email_reads_in_its_recipients_zone(
    booked, application, member, peer, recruiter, mailoutbox, sent
):
    member.time_zone, peer.time_zone = "America/New_York", "Europe/Berlin"
    member.save(update_fields=["time_zone"])
    peer.save(update_fields=["time_zone"])
    # Berlin is an hour ahead of the 09:00 UTC interview: Cai works 9-17 in Berlin, so is free.
    session = skills(booked)

    with sent():
        booking.replace_interviewer(session.interviewers.get(), peer, recruiter)

    sent_to = invites(mailoutbox)
    candidate = application.candidate
    assert sent_to[peer.email][2] == f"Interview with {candidate}, Mon 4 Mar, 10:00 Berlin time"
    assert "When: Monday 4 March 2030, 10:00 to 11:00 Berlin time" in sent_to[peer.email][3]
    assert "Monday 4 March 2030, 04:00 New York time" in sent_to[member.email][3]


def test_the_replaced_persons_unstarted_scorecard_goes_and_the_new_one_gets_it(
    booked, application, member, peer, recruiter
):
    session = skills(booked)
    assert Feedback.all_objects.filter(session=session, interviewer=member).exists()

    booking.replace_interviewer(session.interviewers.get(), peer, recruiter)

    assert not Feedback.all_objects.filter(application=application, interviewer=member).exists()
    mine = Feedback.all_objects.get(application=application, interviewer=peer)
    assert (mine.session, mine.focus, mine.practice) == (session, "skills", False)


def test_the_audit_trail_says_who_replaced_whom(booked, application, member, peer, recruiter):
    booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)

    event = AuditEvent.objects.filter(
        application=application, action=AuditEvent.Action.PANEL_CHANGED
    ).get()
    assert event.actor == recruiter
    assert event.details.startswith("Replaced Ana Member with Cai Peer: Skills ")


def test_a_shadow_is_replaced_as_a_shadow(
    application, member, teammate, peer, recruiter, mailoutbox, sent
):
    nine_to_five(member, teammate, peer)
    panel = shadowed(application, member, teammate, recruiter, sent)
    mailoutbox.clear()
    shadow = panel.sessions.get().interviewers.get(user=teammate)

    with sent():
        booking.replace_interviewer(shadow, peer, recruiter)

    shadow.refresh_from_db()
    assert (shadow.user, shadow.shadow) == (peer, True)
    # A full interviewer shadowing writes no scorecard, and Ben had none to lose.
    assert not Feedback.all_objects.filter(interviewer__in=[teammate, peer]).exists()
    assert set(invites(mailoutbox)) == {teammate.email, peer.email}


def test_a_reschedule_after_it_invites_the_new_person_not_the_one_replaced(
    booked, member, teammate, peer, recruiter, mailoutbox, sent
):
    booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)

    with sent():
        booking.reschedule(booked, first_option(booked, MONDAY + timedelta(days=1)), recruiter)

    sent_to = invites(mailoutbox)
    assert member.email not in sent_to
    assert {peer.email, teammate.email} < set(sent_to)


# Refused, and nothing changes -------------------------------------------------------------------


@pytest.mark.parametrize("begun", ["draft", "submitted"])
def test_someone_who_began_their_scorecard_is_not_replaced(
    booked, application, member, peer, recruiter, signed_in, mailoutbox, sent, begun
):
    session = skills(booked)
    theirs = Feedback.all_objects.get(session=session, interviewer=member)
    if begun == "draft":
        notes = {c.pk: {"notes": "So far"} for c in theirs.criteria.all()}
        scoring.save_draft(theirs, member, ratings=notes)
    else:
        submit(theirs)
    client = signed_in(recruiter)

    page = client.get(replace_url(application, session, member))
    with sent():
        response = client.post(replace_url(application, session, member), {"replacement": peer.pk})

    refusal = "Ana Member has begun or submitted their scorecard for this interview"
    assert refusal in page.text
    assert 'name="replacement"' not in page.text
    assert response.status_code == 400
    assert refusal in field_errors(response.text, "replacement")
    assert seated(session) == ["Ana Member"]
    assert Feedback.all_objects.filter(pk=theirs.pk).exists()
    assert not Feedback.all_objects.filter(interviewer=peer).exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("busy", "message"),
    [
        ("calendar", "Cai Peer is busy in their calendar then."),
        ("hours", "Cai Peer is outside their working hours then (Mon 4 Mar, 04:00 New York"),
        ("interview", "Cai Peer has another interview then"),
    ],
)
def test_someone_not_free_then_is_refused_beside_the_field(
    booked, application, member, peer, team, recruiter, signed_in, mailoutbox, busy, message
):
    session = skills(booked)
    if busy == "calendar":
        BusyBlock.objects.create(
            user=peer, start=session.start + timedelta(minutes=30), end=session.end
        )
    elif busy == "hours":  # 9 to 5 in New York, five hours behind
        peer.time_zone = "America/New_York"
        peer.save(update_fields=["time_zone"])
    else:  # seated at the same time on another application's panel
        other = booking.create_panel(
            ApplicationFactory(opening__team=team),
            recruiter,
            [{"focus": "skills", "duration_minutes": 60, "interviewers": [peer]}],
        )
        entry = {
            "session": other.sessions.get().pk,
            "start": session.start.isoformat(),
            "end": session.end.isoformat(),
            "interviewers": [peer.pk],
        }
        booking.book(other, {"sessions": [entry], "reasons": []}, recruiter)

    response = signed_in(recruiter).post(
        replace_url(application, session, member), {"replacement": peer.pk}
    )

    assert response.status_code == 400
    assert message in field_errors(response.text, "replacement")
    assert seated(session) == ["Ana Member"]
    assert mailoutbox == []


def test_someone_already_on_the_session_is_neither_offered_nor_accepted(
    application, member, teammate, peer, recruiter, signed_in
):
    nine_to_five(member, teammate, peer)
    panel = booking.create_panel(
        application,
        recruiter,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": [member, teammate]}],
    )
    booking.book(panel, first_option(panel), recruiter)
    session = panel.sessions.get()
    seat = session.interviewers.get(user=member)
    client = signed_in(recruiter)

    page = client.get(replace_url(application, session, member))

    assert f'<option value="{peer.pk}"' in page.text
    assert f'<option value="{teammate.pk}"' not in page.text
    with pytest.raises(booking.ValidationError, match="Ben Teammate is already on this session"):
        booking.replace_interviewer(seat, teammate, recruiter)


def test_someone_out_of_the_team_or_deactivated_is_neither_offered_nor_accepted(
    booked, application, team, member, peer, outsider, recruiter, signed_in
):
    session = skills(booked)
    gone = UserFactory(display_name="Gus Gone", is_active=False)
    Membership.objects.create(team=team, user=gone)
    client = signed_in(recruiter)

    page = client.get(replace_url(application, session, member))
    forged = client.post(replace_url(application, session, member), {"replacement": outsider.pk})

    assert f'<option value="{outsider.pk}"' not in page.text
    assert f'<option value="{gone.pk}"' not in page.text
    assert forged.status_code == 400
    assert field_errors(forged.text, "replacement")
    seat = session.interviewers.get()
    with pytest.raises(booking.ValidationError, match="Eve Outsider is not a member of Platform"):
        booking.replace_interviewer(seat, outsider, recruiter)
    with pytest.raises(booking.ValidationError, match="Gus Gone's account was deactivated"):
        booking.replace_interviewer(seat, gone, recruiter)
    assert seated(session) == ["Ana Member"]


def test_a_trainee_does_not_replace_the_only_full_interviewer(
    booked, team, member, peer, recruiter
):
    booking.join_pool(team, peer, "skills", trainee=True)

    with pytest.raises(booking.ValidationError, match="Only trainees would be on this session"):
        booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)


def test_a_session_that_has_started_is_not_changed(application, member, peer, recruiter, signed_in):
    nine_to_five(member, peer)
    panel = booking.create_panel(
        application,
        recruiter,
        [{"focus": "skills", "duration_minutes": 60, "interviewers": [member]}],
    )
    last_monday = datetime(2025, 3, 3, tzinfo=UTC)
    booking.book(panel, first_option(panel, last_monday), recruiter)
    session = panel.sessions.get()
    client = signed_in(recruiter)

    panel_page = client.get(url("panel", application)).text
    page = client.get(replace_url(application, session, member))
    response = client.post(replace_url(application, session, member), {"replacement": peer.pk})

    assert replace_url(application, session, member) not in panel_page
    assert "This session has started" in page.text
    assert response.status_code == 400
    assert seated(session) == ["Ana Member"]


# The panel page, and who may --------------------------------------------------------------------


def test_the_booked_panel_page_offers_to_replace_each_person_seated(
    booked, application, member, teammate, recruiter, signed_in
):
    page = signed_in(recruiter).get(url("panel", application)).text

    assert replace_url(application, skills(booked), member) in page
    assert replace_url(application, booked.sessions.get(focus="team_fit"), teammate) in page


def test_a_panel_not_booked_offers_no_replacing(panel, application, member, recruiter, signed_in):
    client = signed_in(recruiter)
    session = panel.sessions.get()

    page = client.get(url("panel", application)).text
    replacing = client.get(replace_url(application, session, member))

    assert "/replace/" not in page
    assert "This session is not booked: edit the panel" in replacing.text


@pytest.mark.parametrize("persona", ["recruiter", "member"])
def test_those_who_schedule_the_panel_replace(
    booked, application, member, teammate, peer, signed_in, request, persona
):
    client = signed_in(request.getfixturevalue(persona))
    path = replace_url(application, booked.sessions.get(focus="team_fit"), teammate)

    assert client.get(path).status_code == 200
    assert client.post(path, {"replacement": peer.pk}).status_code == 302
    assert seated(booked.sessions.get(focus="team_fit")) == ["Cai Peer"]


@pytest.mark.parametrize("persona", ["outsider", "leadership"])
def test_others_get_404_and_change_nothing(
    booked, application, member, peer, signed_in, request, persona
):
    client = signed_in(request.getfixturevalue(persona))
    path = replace_url(application, skills(booked), member)

    assert client.get(path).status_code == 404
    assert client.post(path, {"replacement": peer.pk}).status_code == 404
    assert seated(skills(booked)) == ["Ana Member"]


@pytest.mark.parametrize("persona", ["outsider", "leadership"])
def test_the_seat_is_found_only_for_those_who_schedule_the_panel(
    booked, application, member, recruiter, request, persona
):
    session = skills(booked)
    reader = request.getfixturevalue(persona)

    seat = access.get_seat_for_pipeline(recruiter, application.pk, session.pk, member.pk)
    with pytest.raises(Http404):
        access.get_seat_for_pipeline(reader, application.pk, session.pk, member.pk)

    assert (seat.session, seat.user, seat.session.panel) == (session, member, booked)


def test_a_seat_no_one_holds_any_more_is_none_and_another_panels_session_404(
    booked, application, team, teammate, recruiter
):
    other = ApplicationFactory(opening__team=team)
    session = skills(booked)

    assert access.get_seat_for_pipeline(recruiter, application.pk, session.pk, teammate.pk) is None
    with pytest.raises(Http404):
        access.get_seat_for_pipeline(recruiter, other.pk, session.pk, teammate.pk)


def test_a_seat_of_another_panel_is_404(booked, team, member, recruiter, signed_in):
    other = ApplicationFactory(opening__team=team)

    response = signed_in(recruiter).get(replace_url(other, skills(booked), member))

    assert response.status_code == 404


def test_a_session_id_past_the_largest_is_404(booked, application, member, recruiter, signed_in):
    path = reverse("interviewer_replace", args=[application.pk, 10**23, member.pk])

    assert signed_in(recruiter).get(path).status_code == 404


def test_a_person_id_past_the_largest_is_no_one_on_the_session(
    booked, application, recruiter, signed_in
):
    path = reverse("interviewer_replace", args=[application.pk, skills(booked).pk, 10**23])

    response = signed_in(recruiter).post(path)

    assert response.status_code == 302
    assert response.url == url("panel", application)


# Independence -----------------------------------------------------------------------------------


def test_the_new_interviewer_reads_nothing_of_the_others_feedback_before_their_own(
    booked, application, member, teammate, peer, recruiter, signed_in
):
    bens = Feedback.all_objects.get(application=application, interviewer=teammate)
    submit(bens, vote="strong_yes", score=4, notes=ZEBRA)
    booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)
    client = signed_in(peer)

    pages = [
        client.get(application.get_absolute_url()),
        client.get(reverse("debrief", args=[application.pk])),
    ]

    assert pages[0].status_code == 200
    assert "Submit your own feedback to read your panel" in pages[0].text
    for page in pages:
        assert ZEBRA not in page.text
        assert "Strong yes" not in page.text


# Someone seated can no longer come --------------------------------------------------------------


@pytest.mark.parametrize("gone", ["left", "deactivated"])
def test_a_reschedule_is_refused_and_the_page_says_whom_to_replace(
    booked, application, team, teammate, peer, recruiter, signed_in, mailoutbox, sent, gone
):
    if gone == "left":
        membership.leave_team(team, teammate)
        said = "Ben Teammate is no longer in Platform: replace them in the team fit session."
    else:
        teammate.is_active = False
        teammate.save(update_fields=["is_active"])
        said = "Ben Teammate's account was deactivated: replace them in the team fit session."
    before = list(booked.sessions.values_list("pk", "start", "sequence"))
    client = signed_in(recruiter)

    with pytest.raises(booking.ValidationError, match=said):
        booking.reschedule(booked, first_option(booked, MONDAY + timedelta(days=1)), recruiter)
    page = client.get(url("panel", application)).text
    times = client.get(url("panel_times", application), {"start": "2030-03-05", "days": "2"})

    assert list(booked.sessions.values_list("pk", "start", "sequence")) == before
    assert mailoutbox == []
    assert escape(said) in page
    assert escape(said) in times.text
    assert 'name="option"' not in times.text
    # Once replaced, the panel moves again.
    team_fit = booked.sessions.get(focus="team_fit")
    booking.replace_interviewer(team_fit.interviewers.get(), peer, recruiter)
    booking.reschedule(booked, first_option(booked, MONDAY + timedelta(days=1)), recruiter)
    assert escape(said) not in client.get(url("panel", application)).text


def test_the_booked_panel_page_reads_a_fixed_number_of_queries(
    team, member, teammate, peer, recruiter, signed_in
):
    others = [UserFactory() for _ in range(4)]
    for user in others:
        Membership.objects.create(team=team, user=user)
    people = [member, teammate, peer, *others]
    nine_to_five(*people)
    client = signed_in(recruiter)
    client.get(reverse("home"))
    counts = []
    for sessions in (
        [{"focus": "skills", "duration_minutes": 60, "interviewers": [member]}],
        [
            {"focus": "skills", "duration_minutes": 45, "interviewers": people[:3]},
            {"focus": "team_fit", "duration_minutes": 60, "interviewers": people[3:]},
        ],
    ):
        application = ApplicationFactory(opening__team=team)
        panel = booking.create_panel(application, recruiter, sessions)
        booking.book(panel, first_option(panel), recruiter)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("panel", application)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert SessionInterviewer.objects.count() == 8


def test_a_trainee_who_takes_the_lead_makes_the_full_shadow_score(
    application, team, member, teammate, peer, recruiter, sent
):
    nine_to_five(member, teammate, peer)
    panel = shadowed(application, member, teammate, recruiter, sent)
    booking.join_pool(team, peer, "skills", trainee=True)

    with sent():
        booking.replace_interviewer(
            panel.sessions.get().interviewers.get(user=member), peer, recruiter
        )

    # Reverse shadowing, as a booking seats it: the trainee's scorecard is practice, so the
    # full interviewer shadowing them writes the one that counts.
    scorecards = Feedback.all_objects.filter(session__panel=panel)
    assert set(scorecards.values_list("interviewer__display_name", "practice")) == {
        ("Cai Peer", True),
        ("Ben Teammate", False),
    }


def test_a_full_interviewer_who_takes_a_trainees_lead_leaves_the_shadow_nothing_to_score(
    application, team, member, teammate, peer, recruiter, sent
):
    nine_to_five(member, teammate, peer)
    booking.join_pool(team, member, "skills", trainee=True)
    panel = shadowed(application, member, teammate, recruiter, sent)

    with sent():
        booking.replace_interviewer(
            panel.sessions.get().interviewers.get(user=member), peer, recruiter
        )

    scorecards = Feedback.all_objects.filter(session__panel=panel)
    assert list(scorecards.values_list("interviewer__display_name", "practice")) == [
        ("Cai Peer", False)
    ]


def test_each_email_reads_in_its_recipients_language(
    booked, member, peer, recruiter, mailoutbox, sent
):
    member.language = peer.language = "de"
    member.save(update_fields=["language"])
    peer.save(update_fields=["language"])

    with sent():
        booking.replace_interviewer(skills(booked).interviewers.get(), peer, recruiter)

    sent_to = invites(mailoutbox)
    assert sent_to[peer.email][2].startswith("Gespräch mit ")
    assert (
        "Jemand anderes übernimmt Ihren Platz im Gespräch (Fachliches) mit "
        in sent_to[member.email][3]
    )
    assert "Montag, 4. März 2030, 09:00 Zeit London nicht mehr" in sent_to[member.email][3]
