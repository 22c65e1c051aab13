"""A check-in's review written in two tabs: a whole form saved or submitted from a page older
than the draft is refused, the draft as it now is shown with the text the older page sent
beside the form; nothing another tab saved is overwritten, nothing typed is lost."""

import re

import pytest
from django.urls import reverse

from scorecards.models import CheckInReview
from tests.checkins.helpers import first, hired
from tests.factories import HTMX


@pytest.fixture
def check_in(team, member):
    return first(hired(team, member, days_ago=90, email="hire@example.com"))


def url(check_in, name):
    return reverse(name, args=[check_in.pk])


def shown_version(page):
    [version] = re.findall(r'name="draft_version" id="draft-version" value="(\d+)"', page)
    return version


def whole_form(check_in, version, notes):
    scores = {f"score_{c.pk}": "3" for c in check_in.version.criteria.all()}
    return {**scores, "would_hire_again": "yes", "notes": notes, "draft_version": version}


@pytest.mark.parametrize("name", ["check_in_draft", "check_in_submit"])
def test_an_older_tab_does_not_overwrite_the_notes_another_saved(check_in, member, signed_in, name):
    client = signed_in(member)
    older = shown_version(client.get(url(check_in, "check_in_detail")).text)
    newer = shown_version(client.get(url(check_in, "check_in_detail")).text)
    saved = client.post(
        url(check_in, "check_in_draft"),
        {"notes": "Tab B's three paragraphs", "draft_version": newer},
        **HTMX,
    )
    assert saved.status_code == 200

    response = client.post(
        url(check_in, name), whole_form(check_in, older, "Tab A's notes\non two lines <b>")
    )

    assert response.status_code == 409
    review = CheckInReview.objects.get(rater=member)
    assert review.notes == "Tab B's three paragraphs"
    assert review.submitted_at is None
    page = response.text
    assert "Tab B&#x27;s three paragraphs</textarea>" in page  # the draft as it now is
    form = page.split('id="review-heading"')[1]
    assert "this draft changed in another tab or window since you opened it" in form
    assert "Your unsaved text, to copy from:" in form
    assert "Tab A&#x27;s notes<br>on two lines &lt;b&gt;" in form
    # Saved from the page now shown, it is not refused.
    again = client.post(
        url(check_in, "check_in_draft"),
        {"notes": "Both tabs' notes", "draft_version": shown_version(page)},
        **HTMX,
    )
    assert again.status_code == 200
    assert CheckInReview.objects.get(rater=member).notes == "Both tabs' notes"


def test_an_autosave_from_an_older_tab_is_refused_and_says_why(check_in, member, signed_in):
    client = signed_in(member)
    older = shown_version(client.get(url(check_in, "check_in_detail")).text)
    client.post(url(check_in, "check_in_draft"), {"notes": "Tab B", "draft_version": older}, **HTMX)
    criterion = check_in.version.criteria.first()

    response = client.post(
        url(check_in, "check_in_draft"),
        {f"score_{criterion.pk}": "2", "draft_version": older},
        **HTMX,
    )

    assert response.status_code == 409
    assert "Not saved: this draft changed in another tab" in response.text
    assert not CheckInReview.objects.get(rater=member).ratings.exists()


def test_each_autosave_gives_the_tab_the_version_its_next_save_sends(check_in, member, signed_in):
    client = signed_in(member)
    version = shown_version(client.get(url(check_in, "check_in_detail")).text)
    criterion = check_in.version.criteria.first()

    for data in ({"notes": "First"}, {f"score_{criterion.pk}": "4"}, {"notes": "Second"}):
        response = client.post(
            url(check_in, "check_in_draft"), {**data, "draft_version": version}, **HTMX
        )
        assert response.status_code == 200
        assert 'hx-swap-oob="true"' in response.text
        version = shown_version(response.text)

    submitted = client.post(url(check_in, "check_in_submit"), whole_form(check_in, version, "Done"))
    assert submitted.status_code == 302


@pytest.mark.parametrize("shown", [{}, {"draft_version": "x"}])
def test_a_post_that_does_not_say_which_draft_it_shows_is_refused(
    check_in, member, signed_in, shown
):
    response = signed_in(member).post(url(check_in, "check_in_draft"), {"notes": "Typed", **shown})

    assert response.status_code == 400
    assert "This page does not say which draft it shows" in response.text
    assert "Typed</textarea>" in response.text
    assert not CheckInReview.objects.exists()


@pytest.mark.parametrize("name", ["check_in_draft", "check_in_submit"])
def test_notes_sent_after_the_check_in_closed_come_back_to_copy_from(
    check_in, member, signed_in, name
):
    client = signed_in(member)
    version = shown_version(client.get(url(check_in, "check_in_detail")).text)
    type(check_in).objects.filter(pk=check_in.pk).update(closes_at=check_in.due_at)

    response = client.post(url(check_in, name), whole_form(check_in, version, "Late <i>notes</i>"))

    assert response.status_code == 400
    form = response.text.split('id="review-heading"')[1]
    assert "This check-in has closed: it takes no more reviews." in form
    assert "Your unsaved text, to copy from:" in form
    assert "Late &lt;i&gt;notes&lt;/i&gt;" in form
    assert not CheckInReview.objects.filter(rater=member).exists()
