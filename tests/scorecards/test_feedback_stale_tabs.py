"""Work is never lost to an older tab: every save of a draft moves its version on, and a save
or submit from a page showing an older version is refused, with the draft as it now is."""

import re

import pytest
from django.urls import reverse

from scorecards import scoring
from scorecards.models import FeedbackRevision
from tests.factories import HTMX


def version_on(page):
    [version] = re.findall(r'name="draft_version" id="draft-version" value="(\d+)"', page)
    return int(version)


def test_every_save_moves_the_draft_version_on(mine, member):
    (criterion,) = mine.criteria.all()

    first = scoring.save_draft(mine, member, ratings={criterion.pk: {"score": 2}}, version=0)
    second = scoring.save_draft(mine, member, takeaways="More", version=first.version)

    assert (first.version, second.version) == (1, 2)


def test_a_save_from_an_older_version_changes_nothing(mine, member):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(mine, member, ratings={criterion.pk: {"notes": "Tab B's notes"}}, version=0)

    with pytest.raises(scoring.StaleDraft):
        scoring.save_draft(mine, member, ratings={criterion.pk: {"notes": ""}}, version=0)

    assert mine.revisions.get().ratings.get().notes == "Tab B's notes"


def test_a_stale_tabs_submit_is_refused_and_keeps_what_the_other_tab_saved(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)
    tab_a = client.get(mine.get_absolute_url()).text
    client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {f"notes_{criterion.pk}": "Tab B typed this", "draft_version": version_on(tab_a)},
        **HTMX,
    )

    # Tab A still shows the empty draft: the browser posts its empty textarea with the rest.
    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        {
            "revision": "1",
            "draft_version": version_on(tab_a),
            f"score_{criterion.pk}": "3",
            f"notes_{criterion.pk}": "",
            "vote": "yes",
        },
    )

    assert response.status_code == 409
    assert "Not saved: this draft changed in another tab or window" in response.text
    assert "Tab B typed this" in response.text
    mine.refresh_from_db()
    assert not mine.is_submitted
    draft = FeedbackRevision.objects.get(feedback=mine)
    assert draft.ratings.get().notes == "Tab B typed this"
    assert draft.ratings.get().score is None


def test_a_stale_autosave_says_not_saved_and_changes_nothing(client, member, mine):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(mine, member, ratings={criterion.pk: {"notes": "Saved elsewhere"}})
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {f"notes_{criterion.pk}": "", "draft_version": "0"},
        **HTMX,
    )

    assert response.status_code == 409
    assert "Not saved: this draft changed in another tab or window" in response.text
    assert mine.revisions.get().ratings.get().notes == "Saved elsewhere"


def test_an_autosave_returns_the_new_version_for_the_next_one(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)
    url = reverse("feedback_draft", args=[mine.pk])

    first = client.post(url, {f"score_{criterion.pk}": "2", "draft_version": "0"}, **HTMX)
    second = client.post(
        url, {f"notes_{criterion.pk}": "x", "draft_version": version_on(first.text)}, **HTMX
    )

    assert "Draft saved" in first.text
    assert 'hx-swap-oob="true"' in first.text
    assert (version_on(first.text), version_on(second.text)) == (1, 2)


def test_the_plain_save_button_from_an_older_page_is_refused_too(client, member, mine):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(mine, member, takeaways="Kept")
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {"takeaways": "", "draft_version": "0", f"notes_{criterion.pk}": ""},
    )

    assert response.status_code == 409
    assert "Kept" in response.text
    assert mine.revisions.get().takeaways == "Kept"


def test_the_feedback_form_and_the_debrief_are_never_stored_by_a_browser(
    client, member, mine, application
):
    client.force_login(member)

    for url in (mine.get_absolute_url(), reverse("debrief", args=[application.pk])):
        assert "no-store" in client.get(url)["Cache-Control"], url
