"""Feedback pages through the client: submitting, and amending what was submitted."""

import re

from django.urls import reverse

from hiring.models import Application
from hiring.teams import membership
from scorecards import scoring
from scorecards.editing import add_criterion
from scorecards.models import FeedbackRevision
from tests.factories import (
    SKILLS,
    checked,
    complete_post,
    feedback_state,
    field_error,
    skill_fields,
)
from tests.factories import submit_as as submit

# Submitting.


def test_incomplete_submit_shows_errors_beside_the_fields_and_keeps_the_draft(
    client, member, application
):
    add_criterion(application.opening.scorecard, skill_fields("Testing"), member)
    item = scoring.assign(application, member, SKILLS, assigned_by=member)
    a, b = item.criteria.order_by("position")
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[item.pk]),
        {
            "revision": "1",
            "draft_version": "0",
            f"score_{a.pk}": "3",
            f"notes_{a.pk}": "Typed for A",
            f"notes_{b.pk}": "Typed for B",
            "takeaways": "Typed takeaways",
        },
    )

    assert response.status_code == 400
    assert field_error(f"score_{b.pk}", "Rate this criterion or mark no evidence.") in (
        response.text
    )
    assert field_error("vote", "Choose your overall vote.") in response.text
    assert f'id="id_score_{a.pk}_error"' not in response.text
    assert checked(a, 3).search(response.text)
    assert "Typed for B</textarea>" in response.text
    draft = scoring.current_draft(item.revisions)
    assert draft.takeaways == "Typed takeaways"
    assert {r.criterion_id: (r.score, r.notes) for r in draft.ratings.all()} == {
        a.pk: (3, "Typed for A"),
        b.pk: (None, "Typed for B"),
    }
    item.refresh_from_db()
    assert not item.is_submitted


def test_after_a_refused_submit_the_form_goes_on_saving_and_submits(client, member, mine):
    """The refused submit kept what was typed as the draft, a version on: the form shown again
    carries that version, or its next autosave and submit were refused as another tab's."""
    client.force_login(member)
    incomplete = {**complete_post(mine), "vote": "", "draft_version": "0"}

    refused = client.post(reverse("feedback_submit", args=[mine.pk]), incomplete)
    assert refused.status_code == 400
    version = re.search(r'name="draft_version" id="draft-version" value="(\d+)"', refused.text)
    saved = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {"takeaways": "Typed after the error", "draft_version": version[1]},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    done = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        {**incomplete, "vote": "yes", "draft_version": str(int(version[1]) + 1)},
    )

    assert done.status_code == 302
    mine.refresh_from_db()
    assert mine.is_submitted


def test_complete_submit_redirects_to_the_application(client, member, mine, application):
    client.force_login(member)

    response = client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))

    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    mine.refresh_from_db()
    assert mine.is_submitted
    (revision,) = mine.revisions.all()
    assert (revision.number, revision.vote, revision.takeaways) == (1, "yes", "Would hire")
    assert not revision.is_draft


def test_submitting_the_same_page_again_is_refused_with_a_clear_message(client, member, mine):
    client.force_login(member)
    url = reverse("feedback_submit", args=[mine.pk])
    client.post(url, complete_post(mine, score="3", notes="First"))
    before = feedback_state()

    response = client.post(url, complete_post(mine, score="1", notes="Second tab"))

    assert response.status_code == 400
    assert "already submitted" in response.text or "This feedback is submitted" in response.text
    assert feedback_state() == before
    assert mine.revisions.exclude(submitted_at=None).count() == 1


def test_a_stale_tab_cannot_submit_over_an_amendment_in_progress(client, member, mine):
    submit(mine, member, score=3, notes="First")
    scoring.start_amendment(mine, member)
    before = feedback_state()
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(mine, score="1", notes="From the stale tab", revision="1"),
    )

    assert response.status_code == 400
    assert "changed in another tab" in response.text
    assert feedback_state() == before


def test_a_revision_number_int_cannot_read_is_refused_and_nothing_written(client, member, mine):
    """str.isdigit() takes "²", which int() refused: a 500 before."""
    client.force_login(member)
    before = feedback_state()

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]), complete_post(mine, revision="²")
    )

    assert response.status_code == 400
    assert "changed in another tab" in response.text
    assert feedback_state() == before


def test_submit_after_the_application_is_decided_is_refused(client, member, mine, application):
    application.move_to(Application.Stage.DECIDED, by=member)
    client.force_login(member)

    response = client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))

    assert response.status_code == 400
    assert "The application is closed" in response.text
    assert not FeedbackRevision.objects.exists()


# Amending.


def test_amend_starts_revision_2_prefilled(client, member, mine):
    (criterion,) = mine.criteria.all()
    submit(mine, member, score=3, notes="First view", vote="yes")
    client.force_login(member)

    response = client.post(reverse("feedback_amend", args=[mine.pk]))

    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    amendment = scoring.current_draft(mine.revisions)
    assert amendment.number == 2
    form = client.get(mine.get_absolute_url())
    assert "You are amending submitted feedback." in form.text
    assert '<input type="hidden" name="revision" value="2">' in form.text
    assert checked(criterion, 3).search(form.text)
    assert "First view</textarea>" in form.text
    assert 'name="amend_reason"' in form.text


def test_amendment_without_a_reason_is_refused_beside_the_field(client, member, mine):
    first = submit(mine, member, score=3, notes="First view")
    scoring.start_amendment(mine, member)
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(mine, score="2", notes="Second view", revision="2", amend_reason=" "),
    )

    assert response.status_code == 400
    assert field_error("amend_reason", "Say why you are amending your feedback.") in response.text
    assert scoring.current_draft(mine.revisions).number == 2
    first.refresh_from_db()
    assert [(r.score, r.notes) for r in first.ratings.all()] == [(3, "First view")]
    assert mine.revisions.exclude(submitted_at=None).count() == 1


def test_amendment_with_a_reason_is_submitted_and_the_history_shows_both(
    client, member, mine, application, leadership, recruiter
):
    submit(mine, member, score=3, notes="First view")
    scoring.start_amendment(mine, member)
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(
            mine, score="2", notes="Second view", revision="2", amend_reason="Re-read the code"
        ),
    )

    assert response.status_code == 302
    first, second = mine.revisions.order_by("number")
    assert [(r.score, r.notes) for r in first.ratings.all()] == [(3, "First view")]
    assert [(r.score, r.notes) for r in second.ratings.all()] == [(2, "Second view")]
    assert second.amend_reason == "Re-read the code"
    assert not first.is_draft
    assert not second.is_draft
    for reader in (member, leadership):
        client.force_login(reader)
        page = client.get(application.get_absolute_url()).text
        assert "History: 2 revisions" in page
        assert "Revision 1" in page
        assert "Revision 2" in page
        assert "Re-read the code" in page
        assert "First view" in page
        assert "Second view" in page
    client.force_login(recruiter)
    page = client.get(application.get_absolute_url()).text
    assert "Re-read the code" not in page
    assert "First view" not in page


def test_who_left_the_team_neither_saves_nor_submits_the_scorecard_they_had_not_written(
    client, member, mine, application
):
    """The form's criteria are read for their interviewer alone; the write's own read is the
    one that asks for a member of the team."""
    client.force_login(member)
    membership.leave_team(application.opening.team, member)

    draft = client.post(reverse("feedback_draft", args=[mine.pk]), complete_post(mine))
    submit = client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))

    assert (draft.status_code, submit.status_code) == (404, 404)
    mine.refresh_from_db()
    assert (mine.revisions.count(), mine.submitted_at) == (0, None)


def test_who_left_the_team_no_longer_opens_or_amends_their_scorecard(
    client, member, teammate, mine, application
):
    """A veto from outside the team: one who left amended to strong no."""
    client.force_login(member)
    client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))
    membership.leave_team(application.opening.team, member)

    page = client.get(reverse("feedback_form", args=[mine.pk]))
    amend = client.post(reverse("feedback_amend", args=[mine.pk]))

    assert (page.status_code, amend.status_code) == (404, 404)
    mine.refresh_from_db()
    assert mine.revisions.count() == 1
