"""A save or submit refused as coming from an older tab shows back what that tab had typed,
to copy from, beside the draft as it now is: nothing typed is lost."""

import pytest
from django.urls import reverse

from scorecards import scoring


@pytest.mark.parametrize("name", ["feedback_submit", "feedback_draft"])
def test_the_refused_page_shows_the_text_the_older_tab_sent(client, member, mine, name):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(mine, member, takeaways="Saved in tab B")
    client.force_login(member)

    response = client.post(
        reverse(name, args=[mine.pk]),
        {
            "revision": "1",
            "draft_version": "0",
            f"notes_{criterion.pk}": "Tab A's notes\non two lines <b>",
            "takeaways": "Tab A's takeaways",
        },
    )

    assert response.status_code == 409
    assert "Saved in tab B" in response.text  # the draft as it now is, in the form
    assert "Your unsaved text, to copy from:" in response.text
    assert f"<dt>{criterion.name}</dt><dd>Tab A&#x27;s notes<br>on two lines &lt;b&gt;</dd>" in (
        response.text
    )
    assert "<dt>Key takeaways</dt><dd>Tab A&#x27;s takeaways</dd>" in response.text
    assert mine.revisions.get().takeaways == "Saved in tab B"


def test_an_older_tab_that_typed_nothing_gets_the_reason_alone(client, member, mine):
    scoring.save_draft(mine, member, takeaways="Saved in tab B")
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]), {"draft_version": "0", "takeaways": " "}
    )

    assert response.status_code == 409
    assert "Your unsaved text" not in response.text
