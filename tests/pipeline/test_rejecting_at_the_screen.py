"""Before the interviews whoever runs the pipeline rejects an application by hand (the screen),
and the rejection after the screen waits for a confirmation (a recruiter's or the team's);
after them only the team's decision rejects."""

import pytest
from django.core.exceptions import ValidationError

from hiring.models import Application, CandidateEmail, EmailTemplate
from hiring.pipeline import applications
from tests.factories import SKILLS, ApplicationFactory, assigned, fresh, submitted

Stage = Application.Stage
REJECTED_OPTION = '<option value="rejected"'


@pytest.mark.parametrize("stage", [Stage.APPLIED, Stage.SCREEN])
def test_a_recruiter_rejects_at_the_screen(client, team, recruiter, stage):
    application = ApplicationFactory(opening__team=team, stage=stage)
    client.force_login(recruiter)
    assert REJECTED_OPTION in client.get(application.get_absolute_url()).text

    response = client.post(
        f"/applications/{application.pk}/stage/", {"stage": "rejected", "reason": "skills"}
    )

    assert response.status_code == 302
    assert fresh(application).stage == Stage.REJECTED
    [email] = CandidateEmail.objects.filter(application=application)
    assert email.kind == EmailTemplate.Kind.REJECTED_AFTER_SCREEN
    assert email.status == CandidateEmail.Status.AWAITING_CONFIRMATION


@pytest.mark.parametrize("stage", [Stage.PANEL, Stage.DEBRIEF])
def test_past_the_screen_only_the_teams_decision_rejects(client, team, recruiter, stage):
    application = ApplicationFactory(opening__team=team, stage=stage)
    client.force_login(recruiter)
    assert REJECTED_OPTION not in client.get(application.get_absolute_url()).text

    with pytest.raises(ValidationError, match="only the team's decision rejects"):
        applications.move_stage(application, Stage.REJECTED, recruiter)
    board = client.post(
        f"/pipeline/applications/{application.pk}/move/", {"stage": "rejected"}, follow=True
    )

    # No interview counts yet: the way to a rejection is back through the screen.
    assert "move it back to the screen to reject it there." in board.text
    assert fresh(application).stage == stage
    assert not CandidateEmail.objects.exists()


def test_after_the_interviews_only_the_teams_decision_rejects(client, team, member, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS)
    client.force_login(recruiter)

    board = client.post(
        f"/pipeline/applications/{application.pk}/move/", {"stage": "rejected"}, follow=True
    )

    assert "After the interviews, only the team&#x27;s decision rejects." in board.text
    assert "move it back to the screen" not in board.text
    assert fresh(application).stage == Stage.PANEL


def test_a_move_refused_because_the_application_closed_meanwhile_says_so(client, team, recruiter):
    """The stage menu is gone once it closed: the refusal is shown where it was."""
    application = ApplicationFactory(opening__team=team, stage=Stage.SCREEN)
    applications.move_stage(application, Stage.WITHDRAWN, recruiter, reason="personal")  # elsewhere
    client.force_login(recruiter)

    response = client.post(f"/applications/{application.pk}/stage/", {"stage": "panel"})

    assert response.status_code == 400
    assert "This application is withdrawn." in response.text


SCREEN_OPTION = '<option value="screen"'


def test_once_a_scorecard_counts_it_goes_back_no_further_than_the_panel(
    client, team, member, teammate, recruiter
):
    """Moved back to the screen, it could then be rejected there, past the team deciding it."""
    application = ApplicationFactory(opening__team=team, stage=Stage.DEBRIEF)
    assigned(application, teammate, "skills")
    submitted(application, member, "team_fit")  # the debrief still waits for the teammate
    client.force_login(recruiter)
    page = client.get(application.get_absolute_url()).text
    assert SCREEN_OPTION not in page
    assert REJECTED_OPTION not in page

    for stage in (Stage.SCREEN, Stage.APPLIED):
        response = client.post(
            f"/pipeline/applications/{application.pk}/move/", {"stage": stage}, follow=True
        )
        assert "Its interviews have begun: it goes back no further than the panel." in (
            response.text
        )
    assert fresh(application).stage == Stage.DEBRIEF
    applications.move_stage(application, Stage.PANEL, recruiter)  # another round of interviews
    assert fresh(application).stage == Stage.PANEL


def test_before_any_scorecard_counts_a_panel_may_go_back_to_the_screen(team, member, recruiter):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    assigned(application, member, "team_fit")  # still to write
    assigned(ApplicationFactory(opening__team=team), member, "skills")

    applications.move_stage(application, Stage.SCREEN, recruiter)
    applications.move_stage(fresh(application), Stage.REJECTED, recruiter, reason="skills")

    assert fresh(application).stage == Stage.REJECTED
