"""Two members editing one criterion: a page opened before a colleague saved new anchors neither
throws them away unseen nor drops what was typed."""

import re

from django.test import Client
from django.urls import reverse

from scorecards import editing
from scorecards.models import Criterion

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def fields(page, criterion, **typed):
    """What the edit form posts: its hidden fields as it has them, the criterion as it showed it,
    and what was typed."""
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    hidden.pop("csrfmiddlewaretoken", None)
    shown = {name: getattr(criterion, name) for name in editing.CRITERION_FIELDS}
    return {**shown, **hidden, **typed}


def test_a_save_from_a_form_opened_before_a_colleague_saved_new_anchors_keeps_them(
    member, teammate, team
):
    scorecard = editing.create_template(team, "Backend template")
    criterion = scorecard.current_version().criteria.get(name="Collaboration")
    url = reverse("criterion_edit", args=[scorecard.pk, criterion.key])
    mine, theirs = signed_in(member), signed_in(teammate)
    my_form = mine.get(url, **HTMX)
    saved = theirs.post(url, fields(theirs.get(url), criterion, anchor_1="THEIR NEW ANCHOR."))
    assert saved.status_code == 302

    response = mine.post(url, fields(my_form, criterion, name="MY NAME FIXED."), **HTMX)

    assert response.status_code == 409
    assert "Someone saved this criterion after you opened it." in response.text
    assert 'value="MY NAME FIXED."' in response.text  # what Ana typed, to save again or copy
    assert "THEIR NEW ANCHOR." in response.text  # and the criterion as it is now
    now = Criterion.objects.get(pk=criterion.pk)
    assert (now.name, now.anchor_1) == ("Collaboration", "THEIR NEW ANCHOR.")
    again = mine.post(
        url, fields(response, now, name="MY NAME FIXED.", anchor_1="THEIR NEW ANCHOR."), **HTMX
    )
    assert again.status_code == 200
    now.refresh_from_db()
    assert (now.name, now.anchor_1) == ("MY NAME FIXED.", "THEIR NEW ANCHOR.")


def test_saving_twice_from_one_form_saves_once_without_a_conflict(member, team):
    scorecard = editing.create_template(team, "Backend template")
    criterion = scorecard.current_version().criteria.get(name="Collaboration")
    url = reverse("criterion_edit", args=[scorecard.pk, criterion.key])
    mine = signed_in(member)
    form = mine.get(url)

    first = mine.post(url, fields(form, criterion, anchor_2="Second."))
    second = mine.post(url, fields(form, criterion, anchor_2="Second."))  # a double click

    assert (first.status_code, second.status_code) == (302, 302)
    assert Criterion.objects.get(pk=criterion.pk).anchor_2 == "Second."
