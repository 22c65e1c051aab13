"""A form sent after its person was signed out (hiring/accounts/resend.py): once they sign in
again, its page offers to send it again, to them only, once, for a while; sent again, it goes
through the view as any form does. Through a client that checks CSRF tokens, as a browser's
forms are checked."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from hiring.accounts import resend
from hiring.models import Decision, Membership
from tests.debrief.conftest import application, opened  # noqa: F401 (fixtures)
from tests.factories import HTMX, PASSWORD

RATIONALE = "ZEBRA: the veto was about on-call hours,\nwhich we have since changed"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
NOT_SENT = "Your form was not sent"


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def page(opened):  # noqa: F811
    return reverse("debrief", args=[opened.pk])


@pytest.fixture
def decision_url(opened):  # noqa: F811
    return reverse("record_decision", args=[opened.pk])


def sent(browser, url, fields, **extra):
    """A form as a browser sends it: urlencoded, with the CSRF token of its page."""
    fields = {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, **fields}
    return browser.post(
        url,
        urlencode(fields, doseq=True),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


def sign_in(browser, user, page):
    browser.get("/accounts/login/")
    response = sent(
        browser, "/accounts/login/", {"login": user.email, "password": PASSWORD, "next": page}
    )
    assert response["Location"] == page


def signed_out_on(browser, user, page):
    """`user` had `page` open, then was signed out in another tab."""
    sign_in(browser, user, page)
    assert browser.get(page).status_code == 200
    sent(browser, "/accounts/logout/", {})
    assert browser.get(page).status_code == 302


def decision_sent_from(browser, page, decision_url, fields=None, **headers):
    fields = {"outcome": "hire", "rationale": RATIONALE, **(fields or {})}
    return sent(browser, decision_url, fields, HTTP_REFERER=f"http://testserver{page}", **headers)


def hidden_fields(response):
    return [
        (html.unescape(name), html.unescape(value)) for name, value in HIDDEN.findall(response.text)
    ]


def test_a_rationale_sent_signed_out_is_sent_again_after_signing_in(
    browser, member, page, decision_url
):
    signed_out_on(browser, member, page)

    refused = decision_sent_from(browser, page, decision_url)
    sign_in(browser, member, page)
    offered = browser.get(page)
    shown_once = browser.get(page)
    resent = browser.post(decision_url, dict(hidden_fields(offered)))

    assert refused["Location"] == f"/accounts/login/?next={page}"
    assert NOT_SENT in offered.text
    assert "on-call hours,<br>which we have since changed" in offered.text
    assert f'action="{decision_url}"' in offered.text
    assert "no-store" in offered["Cache-Control"]
    assert NOT_SENT not in shown_once.text
    assert resent.status_code == 302
    assert Decision.objects.get().rationale == RATIONALE


def test_another_person_signing_in_on_the_same_browser_is_not_offered_it(
    browser, member, teammate, page, decision_url
):
    signed_out_on(browser, member, page)
    decision_sent_from(browser, page, decision_url)

    sign_in(browser, teammate, page)
    theirs = browser.get(page)
    sent(browser, "/accounts/logout/", {})
    sign_in(browser, member, page)

    assert theirs.status_code == 200
    assert NOT_SENT not in theirs.text
    assert RATIONALE.split()[0] not in theirs.text
    assert NOT_SENT not in browser.get(page).text
    assert not Decision.objects.exists()


def test_a_form_kept_longer_than_its_limit_is_not_offered(browser, member, page, decision_url):
    signed_out_on(browser, member, page)
    decision_sent_from(browser, page, decision_url)
    session = browser.session
    session[resend.KEPT] = {**session[resend.KEPT], "at": session[resend.KEPT]["at"] - 31 * 60}
    session.save()

    sign_in(browser, member, page)

    assert NOT_SENT not in browser.get(page).text


@pytest.mark.parametrize(
    "fields",
    [
        {"rationale": "x" * resend.MOST_CHARACTERS},
        {f"field_{number}": "1" for number in range(resend.MOST_FIELDS)},
    ],
    ids=["too long", "too many fields"],
)
def test_a_huge_form_is_not_kept_and_still_signs_in_on_the_way_back(
    browser, member, page, decision_url, fields
):
    signed_out_on(browser, member, page)

    response = decision_sent_from(browser, page, decision_url, fields)

    assert response["Location"] == f"/accounts/login/?next={page}"
    assert resend.KEPT not in browser.session


def test_a_form_with_a_file_is_not_kept(browser, member, page, decision_url):
    signed_out_on(browser, member, page)

    response = browser.post(
        decision_url,
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, "outcome": "hire"},
        HTTP_REFERER=f"http://testserver{page}",
    )

    assert response["Location"] == f"/accounts/login/?next={page}"
    assert resend.KEPT not in browser.session


def test_a_password_form_is_never_kept(browser, member, page):
    signed_out_on(browser, member, page)
    fields = {"oldpassword": PASSWORD, "password1": "new-horse-9", "password2": "new-horse-9"}

    response = sent(browser, reverse("account_change_password"), fields)

    assert response["Location"].startswith("/accounts/login/")
    assert resend.KEPT not in browser.session


def test_a_browser_that_names_nobody_keeps_nothing(browser, member, page, decision_url):
    browser.get("/accounts/login/")

    response = decision_sent_from(browser, page, decision_url)

    assert response["Location"] == f"/accounts/login/?next={page}"
    assert resend.KEPT not in browser.session


def test_an_htmx_form_still_gets_401_and_is_not_kept(browser, member, page, decision_url):
    signed_out_on(browser, member, page)

    response = decision_sent_from(browser, page, decision_url, **HTMX)

    assert response.status_code == 401
    assert resend.KEPT not in browser.session


def test_the_offer_reads_as_its_page_labels_and_sends_it(browser, member, page, decision_url):
    signed_out_on(browser, member, page)
    decision_sent_from(browser, page, decision_url)
    sign_in(browser, member, page)

    offered = browser.get(page).text

    assert "<dt>Outcome</dt><dd>Hire</dd>" in offered
    assert "<dt>Rationale</dt><dd>ZEBRA: the veto" in offered
    assert "<dt>outcome</dt>" not in offered
    assert html.escape("does what “Record the team's decision” does") in offered
    assert "Debrief: " in offered


def test_a_german_reader_reads_the_labels_in_german(browser, member, page, decision_url):
    member.language = "de"
    member.save(update_fields=["language"])
    signed_out_on(browser, member, page)
    decision_sent_from(browser, page, decision_url)
    sign_in(browser, member, page)

    offered = browser.get(page).text

    assert "<dt>Ergebnis</dt><dd>Einstellen</dd>" in offered
    assert "<dt>Begründung</dt>" in offered


def test_a_page_they_may_no_longer_open_offers_nothing(browser, member, page, decision_url):
    signed_out_on(browser, member, page)
    decision_sent_from(browser, page, decision_url)
    Membership.objects.filter(user=member).delete()
    sign_in(browser, member, page)

    response = browser.get(page)

    assert response.status_code == 404
    assert RATIONALE.split()[0] not in response.text
    assert resend.KEPT not in browser.session


def test_a_form_posted_from_another_site_is_refused_and_not_kept(
    browser, member, page, decision_url
):
    signed_out_on(browser, member, page)

    response = browser.post(
        decision_url,
        urlencode({"outcome": "hire", "rationale": RATIONALE}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://attacker.example",
    )

    assert response.status_code == 403
    assert resend.KEPT not in browser.session


FORM = """<title>Check-in: Jo · Teamfit</title>
<form method="post" action="/elsewhere/"><label for="id_note">Other note</label>
  <input id="id_note" name="note"></form>
<form method="post" action="/checkins/7/?tab=1">
  <input type="hidden" name="draft_version" value="3">
  <label for="id_note">Note:</label><textarea id="id_note" name="note"></textarea>
  <fieldset><legend>Ownership</legend>
    <label for="id_score_12_0"><input type="radio" id="id_score_12_0" name="score_12" value="1">
      Strong no</label>
    <label for="id_score_12_1"><input type="radio" id="id_score_12_1" name="score_12" value="4">
      Strong yes</label></fieldset>
  <label for="id_when">When</label>
  <select id="id_when" name="when"><option value="90">90 days</option></select>
  <label for="id_final">Final</label><input type="checkbox" id="id_final" name="final">
  <button type="submit" name="action" value="draft">Save the draft</button>
  <button type="submit" name="action" value="submit">Submit</button>
</form>"""


def test_a_pages_form_lends_its_labels_choices_and_button_and_hides_its_hidden_fields():
    form = resend.FormOnPage("/checkins/7/", "/checkins/7/")
    form.feed(FORM)
    form.close()
    fields = [["draft_version", "3"], ["score_12", "4"], ["action", "submit"]]

    assert form.labels == {
        "note": "Note",
        "score_12": "Ownership",
        "when": "When",
        "final": "Final",
    }
    assert form.choices == {
        ("score_12", "1"): "Strong no",
        ("score_12", "4"): "Strong yes",
        ("when", "90"): "90 days",
        ("final", "on"): "Yes",
    }
    assert form.hidden == {"draft_version", "action"}
    assert form.button_sending(fields) == "Submit"
    assert form.title == "Check-in: Jo · Teamfit"
