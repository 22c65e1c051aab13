"""The privacy page's "Send me my links" (hiring/privacy/links.py): a candidate whose status link
expired (a year after their application closed, while their data is kept longer) gets a new link
to each of their applications, at the address they give and only there; the page answers alike
for any address."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hiring.models import Application, Candidate, Notification, SignedAt
from hiring.privacy import erasure, links
from hiring.privacy.inventory import HOLDINGS
from hiring.privacy.tasks import send_status_links
from tests.factories import ApplicationFactory

Stage = Application.Stage
PRIVACY = reverse("careers_privacy")
SAME_ANSWER = "If we hold applications at this address, we have emailed it a link to each."


@pytest.fixture
def closed_long_ago(team):
    """Rejected 400 days ago: its first link expired, its data still kept."""
    application = ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Nina Park",
        candidate__email="Nina.Park@candidates.example",
        candidate__time_zone="Asia/Tokyo",
        stage=Stage.REJECTED,
    )
    Application.objects.filter(pk=application.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=400)
    )
    return application


def ask(client, email, capture, **extra):
    with capture(execute=True):
        return client.post(PRIVACY, {"email": email}, follow=True, **extra)


def emailed_links(message):
    return re.findall(r"http://\S+(/status/\S+/)", message.body)


def test_the_expired_link_points_to_the_privacy_page(client, closed_long_ago):
    response = client.get(closed_long_ago.status_url())

    assert response.status_code == 410
    assert "This link has expired. We can email you a new one." in response.text
    assert f'href="{PRIVACY}#your-links"' in response.text


def test_a_link_to_the_page_of_each_application_at_the_address_goes_to_it(
    client, team, closed_long_ago, django_capture_on_commit_callbacks
):
    candidate = closed_long_ago.candidate
    also_open = ApplicationFactory(
        candidate=candidate, opening__team=team, opening__title="Data Engineer"
    )
    # Another team's record of the same person, the address merged into it in another case.
    elsewhere = ApplicationFactory(
        candidate__email="nina@home.example",
        candidate__other_emails="NINA.PARK@candidates.example",
        opening__title="Designer & Illustrator",
    )
    erased = ApplicationFactory(candidate__email="nina.park@candidates.example")
    Candidate.objects.filter(pk=erased.candidate_id).update(erased_at=timezone.now())
    ApplicationFactory(candidate__email="someone@candidates.example")

    response = ask(client, "nina.park@CANDIDATES.example", django_capture_on_commit_callbacks)

    assert SAME_ANSWER in response.text
    [message] = mail.outbox
    assert message.to == ["nina.park@candidates.example"]
    assert "Platform Engineer" in message.body
    assert "Designer & Illustrator" in message.body  # plain text, never escaped
    # In the zone of the latest record's candidate: UTC, theirs unknown.
    assert re.search(r"work until at least .+ UTC\.", message.body)
    sent = emailed_links(message)
    assert len(sent) == 3
    for link, application in zip(sent, [elsewhere, also_open, closed_long_ago], strict=True):
        page = client.get(link)
        assert page.status_code == 200, application
        assert escape(application.opening.title) in page.text


def test_the_email_is_in_the_candidates_language_and_zone(
    client, closed_long_ago, django_capture_on_commit_callbacks
):
    Candidate.objects.filter(pk=closed_long_ago.candidate_id).update(language="de")

    ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.body.startswith("Guten Tag Nina Park,")
    assert "Tokio" in message.body or "Tokyo" in message.body


def test_an_address_we_do_not_hold_gets_the_same_answer_and_nothing(
    client, closed_long_ago, django_capture_on_commit_callbacks
):
    response = ask(client, "stranger@candidates.example", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert SAME_ANSWER in response.text
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_task_is_queued_whether_we_hold_the_address_or_not(
    client, closed_long_ago, django_capture_on_commit_callbacks
):
    """Its time would otherwise tell: queuing a task is the slowest step the request takes."""
    for address in ["nina.park@candidates.example", "stranger@candidates.example"]:
        with django_capture_on_commit_callbacks() as queued:
            client.post(PRIVACY, {"email": address})

        assert len(queued) == 1


def test_a_bad_address_is_told_beside_the_field(client, db):
    response = client.post(PRIVACY, {"email": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.text


def test_one_email_an_address_a_quarter_of_an_hour(
    client, closed_long_ago, django_capture_on_commit_callbacks
):
    for _ in range(3):
        response = ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)
        assert SAME_ANSWER in response.text
    assert len(mail.outbox) == 1
    # The ledger keeps no address: a keyed digest of it.
    [key] = Notification.objects.values_list("key", flat=True)
    assert key == links.ledger_key("nina.park@candidates.example")
    assert "nina" not in key

    Notification.objects.update(sent_at=timezone.now() - links.EMAIL_EVERY - timedelta(seconds=1))
    ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 1


def test_the_task_run_twice_sends_once(closed_long_ago):
    digest = links.address_digest("nina.park@candidates.example")
    asked_at = timezone.now().timestamp()

    assert send_status_links(digest, [closed_long_ago.candidate_id], asked_at) is True
    assert send_status_links(digest, [closed_long_ago.candidate_id], asked_at) is False

    assert len(mail.outbox) == 1


def test_the_page_takes_ten_requests_an_hour_from_a_network(
    client, closed_long_ago, django_capture_on_commit_callbacks
):
    for number in range(links.ASKED_PER_CLIENT_HOUR):
        ask(client, f"someone{number}@candidates.example", django_capture_on_commit_callbacks)

    refused = ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    assert "Too many requests were sent from your network" in refused.text
    assert mail.outbox == []
    ask(
        client,
        "nina.park@candidates.example",
        django_capture_on_commit_callbacks,
        REMOTE_ADDR="203.0.113.7",
    )
    assert len(mail.outbox) == 1


def test_a_renewed_link_works_for_its_own_days_then_as_the_first_link_does(
    client, settings, closed_long_ago
):
    def renewed(days_ago):
        signer = SignedAt(
            timezone.now() - timedelta(days=days_ago), salt=Application.RENEWED_STATUS_SALT
        )
        return reverse("candidate_status", args=[signer.sign_object(closed_long_ago.pk)])

    days = settings.CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS
    assert client.get(renewed(days - 1)).status_code == 200
    expired = client.get(renewed(days + 1))
    assert expired.status_code == 410
    assert "This link has expired." in expired.text
    # Past its days, it works as long as the first link: while the application is open.
    Application.objects.filter(pk=closed_long_ago.pk).update(stage=Stage.PANEL)
    assert client.get(renewed(days + 1)).status_code == 200


def test_the_ledgers_row_is_the_candidates_data_and_erasure_removes_it(
    client, closed_long_ago, recruiter, django_capture_on_commit_callbacks
):
    candidate = closed_long_ago.candidate
    other = ApplicationFactory(candidate__email="other@candidates.example").candidate
    ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)
    ask(client, "other@candidates.example", django_capture_on_commit_callbacks)
    [ledger] = [holding for holding in HOLDINGS if holding.key == "notification"]
    [row] = ledger.rows(candidate)

    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(candidate, by=recruiter)

    assert not Notification.objects.filter(pk=row.pk).exists()
    # Erased, they get no links; the other record's row stays.
    ask(client, "nina.park@candidates.example", django_capture_on_commit_callbacks)
    assert Notification.objects.get().key == links.ledger_key(other.email)
