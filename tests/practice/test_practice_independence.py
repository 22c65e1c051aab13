"""Practice scorecards follow the independence rule: the trainee reads nobody's before
submitting their own; nobody reads theirs before the debrief opens, and then only the trainee and
the team's members, on the trainee's page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.models import Application, Team
from hiring.teams import membership
from scorecards import scoring
from scorecards.models import Feedback
from tests.factories import (
    HTMX,
    NOTES,
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    UserFactory,
    complete_post,
    fresh,
    shown_draft_version,
    submit_as,
    submitted,
)

from .helpers import practice, submitted_practice, trainee_in

PRACTICE_NOTES = "OKAPI-practice-notes"


@pytest.fixture
def trainee(team):
    return trainee_in(team, UserFactory(display_name="Dan Trainee"))


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team, candidate__name="Nina Park", stage=Application.Stage.PANEL
    )


@pytest.fixture
def mine(application, trainee):
    return practice(application, trainee)


def progress_url(team, trainee):
    return reverse("trainee_progress", args=[team.pk, trainee.pk])


def panel_pages(client, application):
    return [
        client.get(application.get_absolute_url()).text,
        client.get(reverse("debrief", args=[application.pk])).text,
    ]


def open_debrief(application, member, teammate, peer):
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")
    submitted(application, peer, TEAM_FIT, "no", notes=NOTES)
    application = fresh(application)
    assert application.debrief_opened_at is not None
    return application


def test_a_trainee_reads_no_panel_feedback_before_submitting_their_practice(
    client, application, mine, trainee, member, teammate, peer
):
    application = open_debrief(application, member, teammate, peer)
    client.force_login(trainee)

    for page in [*panel_pages(client, application), client.get(mine.get_absolute_url()).text]:
        assert NOTES not in page
    saved = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {f"score_{mine.criteria.first().pk}": "2", "draft_version": shown_draft_version(mine)},
        **HTMX,
    )
    assert saved.status_code == 200
    assert NOTES not in saved.text


def test_once_submitted_the_trainee_reads_the_opened_debrief_like_any_member(
    client, application, mine, trainee, member, teammate, peer
):
    application = open_debrief(application, member, teammate, peer)
    client.force_login(trainee)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]), complete_post(mine), follow=True
    )

    assert response.redirect_chain == [(progress_url(application.opening.team, trainee), 302)]
    assert "Practice scorecard submitted" in response.text
    assert all(NOTES in page for page in panel_pages(client, application))


def test_nobody_reads_a_practice_scorecard_before_the_debrief_opens(
    client, team, application, mine, trainee, member, teammate, leadership, recruiter
):
    submit_as(mine, trainee, score=1, notes=PRACTICE_NOTES, vote="strong_no")
    submitted(application, member, SKILLS, "yes")  # the debrief waits for the teammate

    for reader in (member, leadership, recruiter):
        client.force_login(reader)
        pages = [
            client.get(application.get_absolute_url()).text,
            client.get(reverse("pipeline")).text,
        ]
        assert all(PRACTICE_NOTES not in page and "Strong no" not in page for page in pages)
    client.force_login(member)
    page = client.get(progress_url(team, trainee)).text
    assert "Nina Park" not in page
    client.force_login(trainee)
    assert "Nina Park" in client.get(progress_url(team, trainee)).text


def test_after_the_debrief_the_team_sees_the_comparison_on_the_trainees_page_only(
    client, team, application, mine, trainee, member, teammate, peer, leadership
):
    submit_as(mine, trainee, score=1, notes=PRACTICE_NOTES, vote="strong_no")
    application = open_debrief(application, member, teammate, peer)

    client.force_login(member)
    progress = client.get(progress_url(team, trainee))
    assert "Nina Park" in progress.text
    assert "vote on the other side from the panel" in progress.text
    for reader in (member, leadership):
        client.force_login(reader)
        assert all(PRACTICE_NOTES not in page for page in panel_pages(client, application))


def test_a_member_still_writing_on_the_application_sees_no_comparison_of_it(
    client, team, application, mine, trainee, member, teammate, peer
):
    submit_as(mine, trainee, score=1, vote="strong_no")
    application = open_debrief(application, member, teammate, peer)
    late = UserFactory(display_name="Lou Late")
    team.memberships.create(user=late)
    Feedback.objects.create(
        application=application,
        interviewer=late,
        focus=TEAM_FIT,
        version=mine.version,
        assigned_by=member,
    )

    client.force_login(late)

    assert "Nina Park" not in client.get(progress_url(team, trainee)).text


@pytest.mark.parametrize("reader", ["outsider", "recruiter", "leadership"])
def test_only_the_trainee_and_the_team_open_the_trainees_page(
    client, request, team, mine, trainee, member, reader
):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(progress_url(team, trainee)).status_code == 404
    client.force_login(member)
    assert client.get(progress_url(team, member)).status_code == 404  # not a trainee
    for person in (member, trainee):
        client.force_login(person)
        assert client.get(progress_url(team, trainee)).status_code == 200


def test_nobody_else_opens_a_practice_scorecards_form(client, mine, member):
    client.force_login(member)

    assert client.get(mine.get_absolute_url()).status_code == 404


def test_a_practice_scorecard_is_not_amended_once_the_debrief_opened(application, trainee):
    item = submitted_practice(application, trainee)
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    item.refresh_from_db()

    with pytest.raises(ValidationError, match="compared as it was submitted"):
        scoring.start_amendment(item, trainee)


def test_an_amendment_begun_before_the_debrief_is_not_submitted_after_it(application, trainee):
    """Begun blind, submitted once the trainee could read the panel: it copied the consensus
    and counted towards their graduation."""
    item = submitted_practice(application, trainee)
    scoring.start_amendment(item, trainee)
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    item.refresh_from_db()

    with pytest.raises(ValidationError, match="compared as it was submitted"):
        scoring.submit(item, trainee, revision_number=2, amend_reason="Saw the others")

    item.refresh_from_db()
    assert item.latest_submission.number == 1


def test_a_trainee_still_scoring_another_focus_sees_no_comparison_there(
    client, team, application, mine, trainee, member, teammate, peer
):
    submit_as(mine, trainee, score=1, vote="strong_no")
    application = open_debrief(application, member, teammate, peer)
    Feedback.objects.create(
        application=application,
        interviewer=trainee,
        focus=SKILLS,
        version=mine.version,
        assigned_by=member,
    )
    client.force_login(trainee)

    page = client.get(progress_url(team, trainee)).text

    assert "Nina Park" in page
    assert "Panel&#x27;s mean" not in page
    assert "not compared yet" in page


def test_a_practice_scorecard_still_to_write_beside_a_submitted_one_leaves_the_page_whole(
    client, team, application, mine, trainee, member, teammate, peer
):
    submit_as(mine, trainee, score=1, vote="strong_no")
    practice(application, trainee, SKILLS)  # a second focus, not written yet
    application = open_debrief(application, member, teammate, peer)
    client.force_login(trainee)

    response = client.get(progress_url(team, trainee))

    assert response.status_code == 200
    assert "Nina Park" in response.text
    # Still writing on the application: no comparison of it is shown yet.
    assert "Panel&#x27;s mean" not in response.text


def test_whether_the_trainee_is_ready_counts_only_what_the_reader_may_read(
    client, team, application, mine, trainee, member, teammate, peer
):
    """Offered the graduation while still writing on a case hidden from them, a member learnt
    that the trainee's practice there was within the team's tolerance."""
    Team.objects.filter(pk=team.pk).update(practice_to_graduate=1)
    team.refresh_from_db()
    submit_as(mine, trainee, score=3, vote="yes")
    application = open_debrief(application, member, teammate, peer)
    late = UserFactory(display_name="Lou Late")
    team.memberships.create(user=late)
    Feedback.objects.create(
        application=application, interviewer=late, focus=TEAM_FIT, version=mine.version,
        assigned_by=member,
    )  # fmt: skip
    propose = reverse("propose_graduation", args=[team.pk, trainee.pk])

    client.force_login(late)
    assert f'action="{propose}"' not in client.get(progress_url(team, trainee)).text
    with pytest.raises(ValidationError, match="needs 1 practice scorecard "):
        membership.propose_graduation(team, late, trainee)
    client.force_login(member)
    assert f'action="{propose}"' in client.get(progress_url(team, trainee)).text
