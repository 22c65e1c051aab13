"""A decision waiting for a second member's confirmation departs from what the rule made of the
feedback: someone still writing a scorecard on the application reads nothing of it, not even
that one was recorded (the timeline hides its events from them as well)."""

from django.urls import reverse

from hiring.debrief import decisions
from scorecards import scoring
from tests.factories import HTMX, SKILLS, TEAM_FIT, UserFactory, fresh, submitted


def practising_after_the_panel(application, team, member, teammate):
    """A trainee still writing their practice scorecard once the panel submitted (practice
    holds no debrief back)."""
    trainee = UserFactory(display_name="Dan Trainee")
    team.memberships.create(user=trainee)
    scoring.assign(application, trainee, SKILLS, assigned_by=member, practice=True)
    submitted(application, member, SKILLS, "no", score=2)
    submitted(application, teammate, TEAM_FIT, "no", score=2)
    return trainee


def test_a_trainee_still_writing_is_not_told_a_decision_waits(
    client, application, member, teammate, team
):
    trainee = practising_after_the_panel(application, team, member, teammate)
    application = fresh(application)
    assert application.debrief_opened_at is not None
    decisions.record_decision(application, member, "hire", rationale="Seen more than scores")
    client.force_login(trainee)

    for headers in ({}, HTMX):
        page = client.get(reverse("debrief", args=[application.pk]), **headers).text

        assert "Ana Member" not in page
        assert "Submit your own feedback to take part in the decision." in page


def test_a_member_who_reads_the_panel_sees_the_decision_to_confirm(
    client, application, member, teammate
):
    submitted(application, member, SKILLS, "no", score=2)
    submitted(application, teammate, TEAM_FIT, "no", score=2)
    decisions.record_decision(fresh(application), member, "hire", rationale="Seen more than scores")
    client.force_login(teammate)

    page = client.get(reverse("debrief", args=[application.pk])).text

    assert "Decision: <strong>Hire</strong>, recorded by Ana Member" in page
    assert "Confirm the decision" in page


def test_posting_tells_a_trainee_still_writing_nothing_of_a_decision(
    client, application, member, teammate, team
):
    """A confirmation or a withdrawal they post answers alike whether one waits or not."""
    trainee = practising_after_the_panel(application, team, member, teammate)
    client.force_login(trainee)
    posts = [
        (reverse("confirm_decision", args=[application.pk]), {"decision": "0"}),
        (reverse("withdraw_decision", args=[application.pk]), {"decision": "0", "reason": "x"}),
    ]
    before = [client.post(url, data).status_code for url, data in posts]

    decisions.record_decision(fresh(application), member, "hire", rationale="Seen more than scores")

    assert [client.post(url, data).status_code for url, data in posts] == before == [404, 404]


def test_the_application_page_shows_no_offer_for_a_hire_that_waits(
    client, application, member, teammate, team, recruiter
):
    """The offer section follows a hire in force: one waiting for confirmation would tell the
    recruiter and a trainee still writing that the team departed from its recommendation."""
    trainee = practising_after_the_panel(application, team, member, teammate)
    decision = decisions.record_decision(fresh(application), member, "hire", rationale="Seen more")
    assert not decision.is_effective
    page = reverse("application_detail", args=[application.pk])

    for person in (recruiter, trainee):
        client.force_login(person)
        assert 'id="offers"' not in client.get(page).text

    decisions.confirm_decision(decision, teammate)
    client.force_login(recruiter)
    assert 'id="offers"' in client.get(page).text
