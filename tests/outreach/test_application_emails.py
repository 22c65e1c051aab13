"""Emails from the application page: written from a template, previewed as they go out, sent
after the undo delay; undone, confirmed or discarded; on the list and the timeline at once,
with htmx or without."""

import re
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate, Notification
from hiring.outreach import editing, messages
from tests.factories import HTMX, ApplicationFactory, field_errors
from tests.pipeline.test_board_cache import rebuilt

Kind = EmailTemplate.Kind
Status = CandidateEmail.Status


def compose_url(application):
    return reverse("candidate_email_compose", args=[application.pk])


def action_url(name, email):
    return reverse(name, args=[email.application_id, email.pk])


def page(client, application):
    return client.get(application.get_absolute_url()).text


def awaiting(application):
    return messages.queue_email(application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True)


def due_now(email):
    CandidateEmail.objects.filter(pk=email.pk).update(
        send_after=timezone.now() - timedelta(seconds=1)
    )


WRITTEN = {
    "start": "kind:message",
    "subject": "Your interview with {team_name}",
    "body": "Hello {first_name},\n\nSee you on Monday & bring a laptop.\n\n{sender_name}",
}


def test_people_who_run_the_pipeline_write_to_the_candidate(
    signed_in, application, recruiter, member, outsider, leadership
):
    for user in (recruiter, member):
        response = signed_in(user).get(compose_url(application))
        assert response.status_code == 200
        assert "Email Nina Park" in response.text
        assert reverse("candidate_email_compose", args=[application.pk]) in page(
            signed_in(user), application
        )
    for user in (outsider, leadership):
        client = signed_in(user)
        assert client.get(compose_url(application)).status_code == 404
        assert (
            client.post(compose_url(application), {**WRITTEN, "action": "send"}).status_code == 404
        )
    assert "Email the candidate" not in page(signed_in(leadership), application)
    assert not CandidateEmail.objects.exists()


def test_a_template_is_the_starting_text(signed_in, application, team, member, recruiter):
    editing.save(
        None, Kind.MESSAGE, recruiter, name="Logistics", subject="Getting here", body="Our address."
    )
    editing.save(team, Kind.REJECTED_AFTER_SCREEN, member, subject="Team says no", body="Sorry.")
    client = signed_in(member)

    response = client.get(compose_url(application))
    assert "Logistics (organisation)" in response.text
    logistics = EmailTemplate.objects.get(name="Logistics")
    text = client.get(compose_url(application), {"start": f"template:{logistics.pk}"}).text
    assert "Getting here" in text
    assert "Our address." in text
    text = client.get(compose_url(application), {"start": "kind:rejected_screen"}).text
    assert "Team says no" in text
    assert "Pick your interview times" not in client.get(compose_url(application)).text


def test_the_preview_is_exactly_what_goes_out_once_the_delay_is_over(
    signed_in, application, member, mailoutbox
):
    client = signed_in(member)

    response = client.post(compose_url(application), {**WRITTEN, "action": "preview"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Your interview with Platform"
    assert "See you on Monday &amp; bring a laptop." in response.text
    assert not CandidateEmail.objects.exists()

    response = client.post(compose_url(application), {**WRITTEN, "action": "send"})
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    email = CandidateEmail.objects.get()
    assert (email.status, email.created_by, email.kind) == (Status.SCHEDULED, member, Kind.MESSAGE)
    assert email.send_after > timezone.now() + timedelta(minutes=5)
    assert messages.send_due() == 0
    assert mailoutbox == []

    due_now(email)
    assert messages.send_due() == 1
    assert messages.send_due() == 0
    [sent] = mailoutbox
    # The preview keeps the candidate's link a placeholder, as Teamfit shows every email.
    assert "{status_link}" in preview.body
    filled = preview.body.replace("{status_link}", messages.status_link(application))
    assert (sent.subject, sent.body) == (preview.subject, filled)
    assert sent.to == ["nina@candidates.example"]
    assert sent.reply_to == [member.email]
    assert Notification.objects.get(key=email.ledger_key).sent_at is not None


def test_an_unknown_placeholder_is_refused_beside_its_field(signed_in, application, member):
    response = signed_in(member).post(
        compose_url(application),
        {**WRITTEN, "body": "Your offer: {offer_link}", "action": "send"},
    )

    assert response.status_code == 400
    assert "Unknown placeholder: {offer_link}" in field_errors(response.text, "body")
    assert not CandidateEmail.objects.exists()


def test_a_sent_email_shows_on_the_list_and_the_timeline(signed_in, application, recruiter):
    client = signed_in(recruiter)
    page(client, application)  # cached
    client.post(compose_url(application), {**WRITTEN, "action": "send"})

    text = page(client, application)
    emails = text[text.index('id="candidate-emails"') : text.index('id="timeline-heading"')]
    assert "Your interview with Platform" in emails
    assert "Scheduled" in emails
    assert "by Rita Recruiter" in emails
    assert "See you on Monday" in emails  # in <details>
    timeline = text[text.index('id="timeline-heading"') :]
    assert re.search(r"Email to the candidate</strong> · Your interview with Platform", timeline)


def test_undo_within_the_delay_and_it_never_goes_out(signed_in, application, member, mailoutbox):
    client = signed_in(member)
    client.post(compose_url(application), {**WRITTEN, "action": "send"})
    email = CandidateEmail.objects.get()
    assert "Undo" in page(client, application)

    response = client.post(action_url("candidate_email_cancel", email))

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == Status.CANCELLED
    text = page(client, application)
    assert "Cancelled" in text
    assert ">Undo<" not in text
    due_now(email)
    assert messages.send_due() == 0
    assert messages.send(email.pk) is False
    assert mailoutbox == []


def test_the_page_shows_what_cancel_confirm_and_send_changed(signed_in, application, recruiter):
    """They update rows without signals: the cached page must still learn of it."""
    client = signed_in(recruiter)
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )
    assert "Confirm and send" in page(client, application)

    messages.confirm(email)
    assert "Goes out" in page(client, application)
    due_now(email)
    messages.send_due()
    assert "Sent " in page(client, application)

    other = messages.queue_email(application, Kind.MESSAGE, delay=timedelta(minutes=5))
    assert "Undo" in page(client, application)
    messages.cancel(other)
    assert page(client, application).count("Cancelled ") == 1


def test_an_emails_progress_leaves_the_board_cached(
    signed_in, application, recruiter, django_capture_on_commit_callbacks
):
    """A card shows nothing of its emails: confirming and sending one rebuilds no column."""
    client = signed_in(recruiter)
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )
    client.get("/pipeline/")

    with django_capture_on_commit_callbacks(execute=True):
        messages.confirm(email)
        due_now(email)
        messages.send_due()

    with CaptureQueriesContext(connection) as queries:
        client.get("/pipeline/")
    assert rebuilt(queries) == set()
    assert "Sent " in page(client, application)


def test_a_recruiter_confirms_an_awaiting_rejection_and_it_goes_once_after_the_delay(
    signed_in, application, recruiter, mailoutbox
):
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )
    client = signed_in(recruiter)

    response = client.post(action_url("candidate_email_confirm", email))

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == Status.SCHEDULED
    assert messages.send_due() == 0
    assert client.post(action_url("candidate_email_confirm", email)).status_code == 302
    due_now(email)
    assert messages.send_due() == 1
    assert messages.send_due() == 0
    assert [sent.subject for sent in mailoutbox] == ["Your application for SRE"]


def test_discarding_an_awaiting_email(signed_in, application, recruiter, mailoutbox):
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )

    signed_in(recruiter).post(action_url("candidate_email_cancel", email))

    email.refresh_from_db()
    assert email.status == Status.CANCELLED
    assert messages.confirm(email) is False
    assert mailoutbox == []


def test_only_those_who_run_the_pipeline_act_on_an_email(
    signed_in, application, outsider, leadership
):
    email = messages.queue_email(
        application, Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )
    for user in (outsider, leadership):
        client = signed_in(user)
        assert client.post(action_url("candidate_email_confirm", email)).status_code == 404
        assert client.post(action_url("candidate_email_cancel", email)).status_code == 404
    email.refresh_from_db()
    assert email.status == Status.AWAITING_CONFIRMATION
    # Leadership reads it on the page, without the buttons.
    text = page(signed_in(leadership), application)
    assert "Your application for SRE" in text
    assert "Confirm and send" not in text


def test_an_email_of_another_application_is_not_found(signed_in, application, team, member):
    other = ApplicationFactory(opening__team=team)
    email = messages.queue_email(other, Kind.MESSAGE, delay=timedelta(minutes=5))
    url = reverse("candidate_email_cancel", args=[application.pk, email.pk])

    assert signed_in(member).post(url).status_code == 404


def test_with_htmx_the_compose_form_and_the_section_swap_in_place(signed_in, application, member):
    client = signed_in(member)

    response = client.get(compose_url(application), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="compose"' in response.text

    response = client.post(compose_url(application), {**WRITTEN, "action": "preview"}, **HTMX)
    assert "<html" not in response.text
    assert "Your interview with Platform" in response.text

    response = client.post(compose_url(application), {**WRITTEN, "subject": ""}, **HTMX)
    assert response.status_code == 400
    assert field_errors(response.text, "subject")

    response = client.post(compose_url(application), {**WRITTEN, "action": "send"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#candidate-emails"
    assert response["HX-Reswap"] == "outerHTML"
    assert 'id="candidate-emails"' in response.text
    assert "goes out in 10 minutes" in response.text
    email = CandidateEmail.objects.get()

    response = client.post(action_url("candidate_email_cancel", email), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "will not be sent" in response.text
    assert "Cancelled" in response.text


def test_times_are_in_the_viewers_zone_and_labelled(signed_in, application, recruiter):
    recruiter.time_zone = "Asia/Tokyo"
    recruiter.save()
    email = messages.queue_email(application, Kind.MESSAGE, delay=timedelta(minutes=5))
    CandidateEmail.objects.filter(pk=email.pk).update(
        send_after=datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    )

    text = page(signed_in(recruiter), application)

    assert 'Goes out <time datetime="2030-01-02T03:04:00Z">2 Jan 2030, 12:04 Tokyo time' in text


def test_the_email_list_runs_a_bounded_number_of_queries(
    signed_in, application, recruiter, member, django_assert_max_num_queries
):
    def queries_for_a_fresh_page(client):
        cache.clear()
        with django_assert_max_num_queries(40) as captured:
            assert client.get(application.get_absolute_url()).status_code == 200
        return len(captured)

    client = signed_in(recruiter)
    messages.queue_email(application, Kind.MESSAGE, by=member, delay=timedelta(minutes=5))
    few = queries_for_a_fresh_page(client)
    for number in range(20):
        by = member if number % 2 else recruiter
        messages.queue_email(application, Kind.MESSAGE, by=by, delay=timedelta(minutes=5))
    assert queries_for_a_fresh_page(client) == few
    with django_assert_max_num_queries(12):
        assert client.get(compose_url(application)).status_code == 200


def test_a_rejected_applications_waiting_email_is_confirmed_from_its_page(
    signed_in, application, recruiter
):
    application.stage = "rejected"
    application.save()
    email = awaiting(application)
    client = signed_in(recruiter)

    assert "Confirm and send" in page(client, application)
    response = client.post(action_url("candidate_email_confirm", email), **HTMX)

    assert response.status_code == 200
    assert "goes out in 10 minutes" in response.text
    assert ">Undo<" in response.text
    assert "Goes out" in page(client, application)


def test_the_form_sent_twice_queues_one_email(signed_in, application, member):
    """A double click, or the back button and Send again: the second finds the first."""
    client = signed_in(member)

    first = client.post(compose_url(application), {**WRITTEN, "action": "send"})
    second = client.post(compose_url(application), {**WRITTEN, "action": "send"})

    assert first.status_code == second.status_code == 302
    assert CandidateEmail.objects.count() == 1
    different = {**WRITTEN, "body": "Another note.", "action": "send"}
    client.post(compose_url(application), different)
    assert CandidateEmail.objects.count() == 2


def test_a_message_sent_from_a_saved_message_deleted_meanwhile_still_goes(
    signed_in, application, recruiter
):
    logistics = editing.save(
        None, Kind.MESSAGE, recruiter, name="Logistics", subject="Getting here", body="Address."
    )
    start = f"template:{logistics.pk}"
    client = signed_in(recruiter)
    assert client.get(compose_url(application), {"start": start}).status_code == 200
    editing.remove(logistics, recruiter)  # in another tab

    sent = {"start": start, "subject": "Getting here", "body": "Our address.", "action": "send"}
    response = client.post(compose_url(application), sent)

    assert response.status_code == 302
    email = CandidateEmail.objects.get()
    assert (email.kind, email.body) == (Kind.MESSAGE, "Our address.")
    assert client.post(compose_url(application), sent).status_code == 302  # a double click
    assert CandidateEmail.objects.count() == 1


def test_a_start_never_offered_is_refused(signed_in, application, recruiter):
    response = signed_in(recruiter).post(
        compose_url(application), {**WRITTEN, "start": "kind:offer", "action": "send"}
    )

    assert response.status_code == 400
    assert "Start from one of the texts offered." in response.text
    assert not CandidateEmail.objects.exists()
