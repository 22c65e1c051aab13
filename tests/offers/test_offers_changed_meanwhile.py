"""Two people at one application's offer: a page opened before a colleague's change neither
throws the colleague's draft away unseen nor drops what its own person typed; a second click on
"Save as draft" or "Send the offer" lands where the first one did."""

import re

from django.test import Client

from hiring.models import Application, Offer
from hiring.offers import offers
from tests.offers.conftest import offer_fields
from tests.offers.test_offer_pages import form_data, offer_url, prepare_url, previewed


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def edited(page, terms):
    """The form of `page` sent with `terms`, and the version of the draft it showed."""
    found = re.search(r'name="based_on" value="([^"]*)"', page.text)
    return form_data(terms=terms, **({"based_on": found[1]} if found else {}))


def test_a_draft_saved_from_a_page_opened_before_a_colleagues_save_keeps_theirs(
    draft, recruiter, member
):
    url = offer_url("offer_edit", draft)
    mine, theirs = signed_in(recruiter), signed_in(member)
    my_page = mine.get(url)
    theirs.post(url, edited(theirs.get(url), "THEIR TERMS"))

    response = mine.post(url, edited(my_page, "MY TERMS"))

    assert response.status_code == 409
    assert Offer.objects.get().terms == "THEIR TERMS"
    assert "Someone saved this draft after you opened this page." in response.text
    assert "MY TERMS" in response.text
    assert "THEIR TERMS" in response.text
    assert mine.post(url, edited(response, "MY TERMS")).status_code == 302
    assert Offer.objects.get().terms == "MY TERMS"


def test_a_second_click_on_saving_an_edited_draft_saves_it_once(client, draft, recruiter):
    client.force_login(recruiter)
    url = offer_url("offer_edit", draft)
    sent = edited(client.get(url), "MY TERMS")

    assert client.post(url, sent).status_code == 302
    assert client.post(url, sent).status_code == 302
    assert Offer.objects.get().terms == "MY TERMS"


def test_an_edit_that_names_no_version_is_refused_not_written_over_a_colleagues(
    client, draft, recruiter, member
):
    """A tampered form, without the version its page showed, could not tell whether a
    colleague saved since: refused beside the form, as a check-in's."""
    theirs = signed_in(member)
    theirs.post(
        offer_url("offer_edit", draft),
        edited(theirs.get(offer_url("offer_edit", draft)), "THEIR TERMS"),
    )
    client.force_login(recruiter)

    response = client.post(offer_url("offer_edit", draft), form_data(terms="MY TERMS"))

    assert response.status_code == 400
    assert "This page does not say which draft it shows: reload it, then go on writing." in (
        response.text
    )
    assert "MY TERMS" in response.text
    assert Offer.objects.get().terms == "THEIR TERMS"


def test_a_draft_sent_meanwhile_keeps_what_was_typed_on_the_page(client, draft, recruiter):
    client.force_login(recruiter)
    url = offer_url("offer_edit", draft)
    page = client.get(url)
    offers.send(draft, recruiter)

    response = client.post(url, edited(page, "MY TERMS"))

    assert response.status_code == 409
    assert "Only a draft offer can be edited, and this one is sent now." in response.text
    assert "MY TERMS" in response.text
    assert Offer.objects.get().terms == offer_fields()["terms"]


def test_a_second_click_on_save_lands_on_the_draft_the_first_made(client, application, recruiter):
    client.force_login(recruiter)

    first = client.post(prepare_url(application), form_data())
    second = client.post(prepare_url(application), form_data(), follow=True)

    assert first.status_code == 302
    assert second.redirect_chain == [(application.get_absolute_url(), 302)]
    assert "Offer drafted." in second.text
    assert Offer.objects.count() == 1


def test_an_offer_a_colleague_prepared_meanwhile_is_shown_beside_what_was_typed(
    client, application, recruiter, member
):
    client.force_login(recruiter)
    client.get(prepare_url(application))
    theirs = offers.prepare(application, member, **offer_fields(terms="THEIR TERMS"))

    response = client.post(prepare_url(application), form_data(terms="MY TERMS"))

    assert response.status_code == 409
    assert "This application already has an offer, prepared after you opened this page." in (
        response.text
    )
    assert "MY TERMS" in response.text
    assert "THEIR TERMS" in response.text
    assert offer_url("offer_edit", theirs) in response.text
    assert list(Offer.objects.values_list("terms", flat=True)) == ["THEIR TERMS"]


def test_an_offer_refused_since_the_page_was_opened_keeps_what_was_typed(
    client, application, recruiter
):
    client.force_login(recruiter)
    client.get(prepare_url(application))
    Application.objects.filter(pk=application.pk).update(stage=Application.Stage.WITHDRAWN)

    response = client.post(prepare_url(application), form_data(terms="MY TERMS"))

    assert response.status_code == 400
    assert "Only the team&#x27;s decision to hire opens an offer." in response.text
    assert "MY TERMS" in response.text
    assert Offer.objects.count() == 0


def test_a_second_click_on_send_lands_on_the_application_with_the_offer_sent_once(
    client, draft, application, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    url = offer_url("offer_send", draft)
    confirm = client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, previewed(confirm))
        second = client.post(url, previewed(confirm), follow=True)

    assert second.redirect_chain == [(application.get_absolute_url(), 302)]
    assert "Only a draft offer can be sent." not in second.text
    assert len(mailoutbox) == 1
