"""What probing the offers as a candidate and as a team found: a no written while the offer
expires still counts, a decline that can't be recorded shows its reason back, a form sent twice
is recorded once, and an erased hire is not recorded as not starting."""

import zoneinfo
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from hiring.accounts import zones
from hiring.models import Application, AuditEvent, Offer, User
from hiring.offers import offers
from hiring.privacy import erasure
from tests.factories import UserFactory, fresh
from tests.offers.conftest import offer_fields
from tests.offers.test_did_not_start import REASON, not_starting, post, withdrawn_events
from tests.offers.test_offer_pages import state, token_of

Status = Offer.Status
Stage = Application.Stage
NO = "The commute is too long for me."


def decline_url(offer):
    return reverse("offer_decline", args=[token_of(offer)])


def expired(offer, marked):
    """The offer's expiry passes as its candidate writes; `marked`: beat has marked it so."""
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    if marked:
        offers.expire_due()


def offer_events(application):
    return list(
        AuditEvent.objects.filter(application=application, action=AuditEvent.Action.OFFER)
        .order_by("pk")
        .values_list("details", flat=True)
    )


# The candidate's no


@pytest.mark.parametrize("marked", [False, True], ids=["before beat", "marked expired"])
def test_a_no_sent_after_the_offer_expired_is_recorded_with_its_reason(
    client, sent, application, mailoutbox, django_capture_on_commit_callbacks, marked
):
    assert "Your reason (optional)" in client.get(decline_url(sent)).text  # the page opened
    expired(sent, marked)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decline_url(sent), {"reason": NO})

    assert "Thank you for letting us know" in response.text
    offer = Offer.objects.get()
    assert (offer.status, offer.decline_reason) == (Status.DECLINED, NO)
    assert fresh(application).stage == Stage.WITHDRAWN
    assert offer_events(application)[-2:] == [
        "Expired",
        "Declined by the candidate after its expiry",
    ]
    assert "rita@example.com" in {address for email in mailoutbox for address in email.to}


def test_an_expired_offer_is_still_neither_opened_nor_accepted(client, sent, application):
    expired(sent, marked=False)
    before = state()

    for response in (
        client.get(decline_url(sent)),
        client.post(reverse("offer_accept", args=[token_of(sent)])),
    ):
        assert response.status_code == 410
        assert "This offer expired on" in response.text
    assert state() == before


def test_a_no_to_an_expired_offer_replaced_since_is_shown_back_not_recorded(
    client, sent, application, recruiter
):
    expired(sent, marked=False)
    offers.prepare(application, recruiter, **offer_fields())  # the revised offer, a draft
    before = state()

    response = client.post(decline_url(sent), {"reason": NO})

    assert response.status_code == 410
    assert "Your answer was not recorded" in response.text
    assert "This offer expired on" in response.text
    assert NO in response.text
    assert state() == before


def test_a_no_to_an_offer_withdrawn_meanwhile_is_shown_back_not_recorded(client, sent, recruiter):
    offers.withdraw(sent, recruiter)
    before = state()

    response = client.post(decline_url(sent), {"reason": "Line one\nand <b>two</b>"})

    assert response.status_code == 410
    assert "This offer was withdrawn." in response.text
    assert "Line one\nand &lt;b&gt;two&lt;/b&gt;</textarea>" in response.text
    assert state() == before


def test_a_no_without_a_reason_after_a_withdrawal_gets_the_link_page(client, sent, recruiter):
    offers.withdraw(sent, recruiter)

    response = client.post(decline_url(sent), {"reason": " "})

    assert response.status_code == 410
    assert "This offer was withdrawn." in response.text
    assert "Your answer was not recorded" not in response.text


def test_a_no_sent_twice_is_recorded_once(client, sent, application):
    first = client.post(decline_url(sent), {"reason": NO})
    events = offer_events(application)

    again = client.post(decline_url(sent), {"reason": NO})

    for response in (first, again):
        assert "Thank you for letting us know" in response.text
    assert offer_events(application) == events
    assert Offer.objects.get().decline_reason == NO


def test_a_yes_sent_twice_is_recorded_once_and_welcomes_them_both_times(
    client, sent, application, mailoutbox, django_capture_on_commit_callbacks
):
    """A double click on Accept: the browser shows the second answer, which must not say
    that their link can't be used."""
    url = reverse("offer_accept", args=[token_of(sent)])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    events, told = offer_events(application), len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url)

    for response in (first, again):
        assert response.status_code == 200
        assert "Welcome to the team" in response.text
    assert offer_events(application) == events
    assert len(mailoutbox) == told
    assert fresh(application).stage == Stage.HIRED


def test_a_yes_after_a_no_is_refused(client, sent, application):
    offers.decline(sent, NO)

    response = client.post(reverse("offer_accept", args=[token_of(sent)]))

    assert response.status_code == 410
    assert "You already declined this offer." in response.text
    assert fresh(application).stage == Stage.WITHDRAWN


def test_another_no_after_a_decline_is_shown_back_not_recorded(client, sent):
    offers.decline(sent, NO)

    response = client.post(decline_url(sent), {"reason": "Changed my mind about why"})

    assert response.status_code == 410
    assert "You already declined this offer." in response.text
    assert "Changed my mind about why" in response.text
    assert Offer.objects.get().decline_reason == NO


# A hire who does not start


@pytest.fixture
def hire(sent, application):
    offers.accept(sent)
    return fresh(application)


def test_an_erased_hire_is_not_recorded_as_not_starting(client, hire, recruiter, member):
    erasure.erase(hire.candidate, recruiter)
    hire = fresh(hire)

    with pytest.raises(ValidationError, match="data was erased"):
        not_starting(hire, member)
    client.force_login(member)
    response = post(client, hire)

    assert response.status_code == 400
    assert "data was erased" in response.text
    assert fresh(hire).stage == Stage.HIRED
    assert not AuditEvent.objects.filter(details__contains=REASON).exists()
    page = client.get(hire.get_absolute_url()).text
    assert reverse("did_not_start", args=[hire.pk]) not in page


def test_the_same_form_sent_twice_is_recorded_once(client, hire, member):
    client.force_login(member)

    responses = [post(client, hire), post(client, hire)]

    assert [response.status_code for response in responses] == [302, 302]
    assert len(withdrawn_events(hire)) == 1
    assert fresh(hire).stage == Stage.WITHDRAWN


def test_another_reason_after_it_was_recorded_is_refused(client, hire, member):
    client.force_login(member)
    post(client, hire)

    response = post(client, hire, reason="Moved abroad")

    assert response.status_code == 400
    assert "Only a hired candidate" in response.text
    assert len(withdrawn_events(hire)) == 1


def test_the_hires_date_is_written_in_the_readers_language(client, hire, team):
    german = UserFactory(language="de", time_zone="Europe/Berlin", role=User.Role.MEMBER)
    team.memberships.create(user=german)
    client.force_login(german)
    hired_on = timezone.localdate(hire.stage_changed_at, zoneinfo.ZoneInfo("Europe/Berlin"))

    response = post(client, hire, told_on=hired_on - timedelta(days=3))

    with translation.override("de"):
        written = zones.written(hired_on, "j M Y")
    assert response.status_code == 400
    assert f"({written})" in response.text
    assert hired_on.isoformat() not in response.text
