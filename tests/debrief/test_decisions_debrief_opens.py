"""Team-owned decisions (SPEC principle 1): when the debrief opens.

Through the domain functions: the debrief opens when the panel is in, or when the missing
interviewers are excused; who may excuse them.
"""

import pytest
from django.core.exceptions import ValidationError

from hiring.debrief import decisions
from scorecards import scoring
from scorecards.models import Feedback
from tests.factories import (
    HTMX,
    NON_MEMBERS,
    SKILLS,
    TEAM_FIT,
    Action,
    ApplicationFactory,
    Stage,
    assigned,
    events,
    fresh,
    stages,
    submit,
    submitted,
)


# Overrides the `application` of tests/debrief/conftest.py, whose candidate has a name.
@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, stage=Stage.PANEL)


# When the debrief opens


def test_debrief_stays_closed_while_an_assigned_interviewer_has_not_submitted(
    application, member, teammate, peer
):
    assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)

    application = fresh(application)
    assert application.debrief_opened_at is None
    assert application.stage == Stage.PANEL
    assert events(application, Action.DEBRIEF_OPENED) == []


def test_debrief_stays_closed_while_the_quorum_is_unmet(application, member):
    submitted(application, member, SKILLS)  # nobody else assigned, but 1 of 2 scorecards

    application = fresh(application)
    assert application.debrief_opened_at is None
    assert application.stage == Stage.PANEL
    assert events(application, Action.DEBRIEF_OPENED) == []


def test_debrief_stays_closed_without_a_team_fit_peer(application, member, teammate):
    submitted(application, member, SKILLS)
    submitted(application, teammate, SKILLS)

    assert fresh(application).debrief_opened_at is None


def test_debrief_opens_when_the_last_interviewer_submits(application, member, teammate, peer):
    last = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    assert fresh(application).debrief_opened_at is None

    submit(last)

    application = fresh(application)
    assert application.debrief_opened_at is not None
    [opened] = events(application, Action.DEBRIEF_OPENED)
    assert opened.actor == peer
    assert opened.team == application.opening.team
    assert application.stage == Stage.DEBRIEF
    assert stages(application)[-1] == Stage.DEBRIEF


def test_debrief_opens_only_once(application, member, teammate, peer):
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    opened_at = fresh(application).debrief_opened_at

    submitted(application, peer, TEAM_FIT)  # assigned late, after the opening

    assert fresh(application).debrief_opened_at == opened_at
    assert len(events(application, Action.DEBRIEF_OPENED)) == 1


def test_excusing_the_last_interviewer_with_a_reason_opens_the_debrief(
    application, member, teammate, peer
):
    absent = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    assert fresh(application).debrief_opened_at is None

    decisions.excuse(absent, member, "  Off sick for two weeks  ")

    absent.refresh_from_db()
    assert absent.excused_at is not None
    assert absent.excused_by == member
    assert absent.excuse_reason == "Off sick for two weeks"
    [excused] = events(application, Action.INTERVIEWER_EXCUSED)
    assert excused.actor == member
    assert "Cai Peer" in excused.details
    assert "Off sick for two weeks" in excused.details
    application = fresh(application)
    assert application.debrief_opened_at is not None
    assert application.stage == Stage.DEBRIEF
    assert len(events(application, Action.DEBRIEF_OPENED)) == 1


def test_excusing_does_not_open_the_debrief_without_the_quorum(application, member, teammate):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    decisions.excuse(absent, member, "Left the company")

    assert fresh(application).debrief_opened_at is None


@pytest.mark.parametrize("stage", [Stage.REJECTED, Stage.WITHDRAWN])
def test_excusing_the_last_interviewer_of_a_closed_application_opens_no_debrief(
    application, member, teammate, peer, stage
):
    absent = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    application.stage = stage
    application.save(update_fields=["stage"])

    decisions.excuse(absent, member, "Off sick for two weeks")

    application = fresh(application)
    assert application.debrief_opened_at is None
    assert application.stage == stage
    assert events(application, Action.DEBRIEF_OPENED) == []


def test_excusing_an_interviewer_whose_scorecard_went_meanwhile_says_so(
    application, member, teammate
):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)
    Feedback.all_objects.filter(pk=absent.pk).delete()  # their session cancelled meanwhile

    with pytest.raises(ValidationError, match="no longer on the panel"):
        decisions.excuse(absent, member, "Off sick")

    assert events(application, Action.INTERVIEWER_EXCUSED) == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_excusing_without_a_reason_is_refused(application, member, teammate, reason):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="Say why"):
        decisions.excuse(absent, member, reason)

    absent.refresh_from_db()
    assert absent.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


def test_excusing_a_submitted_interviewer_is_refused(application, member, teammate, peer):
    done = submitted(application, member, SKILLS)
    assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="already submitted"):
        decisions.excuse(done, peer, "Not needed")

    done.refresh_from_db()
    assert done.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_only_the_team_excuses_an_interviewer(request, application, member, teammate, persona):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="Only members of the hiring team"):
        decisions.excuse(absent, request.getfixturevalue(persona), "On leave")

    absent.refresh_from_db()
    assert absent.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


def test_nobody_excuses_themselves(application, member, teammate):
    """Excused, a panelist is no longer still to score: they would read everyone's feedback
    without writing their own."""
    submitted(application, member, SKILLS)
    mine = assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="A teammate who has written"):
        decisions.excuse(mine, teammate, "Busy")

    mine.refresh_from_db()
    assert mine.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


def test_a_panelist_still_to_write_excuses_nobody(application, member, teammate, peer):
    """Two panelists still to write, excusing each other, would both read without writing."""
    submitted(application, peer, SKILLS)
    theirs = assigned(application, member, SKILLS)
    assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="Submit your own feedback"):
        decisions.excuse(theirs, teammate, "Busy")

    theirs.refresh_from_db()
    assert theirs.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


def test_an_excused_interviewer_no_longer_writes_what_would_count(
    client, application, member, teammate
):
    """Excused, they read the panel once the debrief opened: a vote written then would count."""
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)
    draft = scoring.save_draft(absent, teammate, vote="no")
    decisions.excuse(absent, member, "Out sick")
    client.force_login(teammate)

    changed = {"takeaways": "Changed my mind", "draft_version": draft.version}
    autosave = client.post(f"/feedback/{absent.pk}/draft/", changed, **HTMX)
    with pytest.raises(ValidationError, match="You were excused"):
        scoring.submit(absent, teammate, draft.number)

    saved = client.post(f"/feedback/{absent.pk}/draft/", changed)
    assert autosave.status_code == saved.status_code == 400
    assert "You were excused from this scorecard" in autosave.text
    assert "You were excused from this scorecard" in saved.text  # the plain "Save draft"
    absent.refresh_from_db()
    assert absent.submitted_at is None
    assert absent.revisions.get().takeaways == ""
