"""A trainee's path in real Chromium: they write a practice scorecard, see it compared with
the panel's once the debrief opens, and the team graduates them by its own rule."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, submitted
from tests.test_browser import console_errors, sign_in  # noqa: F401 (fixtures)

from .helpers import practice, trainee_in

pytestmark = pytest.mark.browser


def test_a_trainee_practises_and_the_team_graduates_them(
    sign_in,  # noqa: F811
    live_server,
    team,
    member,
    teammate,
    peer,
):
    team.practice_to_graduate = 1
    team.save()
    dan = trainee_in(team, UserFactory(display_name="Dan Trainee"), focus=SKILLS)
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    practice(application, dan, focus=SKILLS)
    path = live_server.url + reverse("trainee_progress", args=[team.pk, dan.pk])

    trainee = sign_in(dan)
    trainee.goto(path)
    trainee.get_by_role("link", name="Write your practice scorecard").click()
    expect(trainee.get_by_text("A practice scorecard: it counts in no tally")).to_be_visible()
    trainee.get_by_label(re.compile(r"3 Reached a sound approach")).check()
    trainee.get_by_label("Notes").fill("Reasoned aloud about the trade-offs.")
    trainee.get_by_label("Yes", exact=True).check()
    with trainee.expect_navigation():
        trainee.get_by_role("button", name="Submit feedback").click()
    trainee.goto(path)
    expect(trainee.locator(".practice-case")).to_contain_text("not compared yet")

    # The panel's scorecards open the debrief: the practice one is compared with theirs.
    submitted(application, member, SKILLS, "yes", score=3)
    submitted(application, teammate, TEAM_FIT, "yes", score=3)
    submitted(application, peer, TEAM_FIT, "yes", score=3)
    trainee.reload()
    expect(trainee.locator(".practice-case")).to_contain_text("Mean difference 0.00 points")
    expect(trainee.locator(".practice-case")).to_contain_text("within tolerance")

    ana = sign_in(member)
    ana.goto(path)
    ana.get_by_role("button", name="Propose Dan Trainee as a full interviewer").click()
    expect(ana.get_by_role("status")).to_contain_text("Make Dan Trainee a full interviewer")

    ben = sign_in(teammate)
    ben.goto(live_server.url + team.get_absolute_url())
    proposal = ben.locator(".proposal", has_text="Make Dan Trainee a full interviewer")
    proposal.get_by_role("button", name="Approve").click()
    # Ana's proposal and Ben's vote: two of the three members who vote, a majority.
    expect(ben.locator("#proposals")).to_contain_text(
        re.compile(r"Make Dan Trainee a full interviewer: Accepted")
    )

    trainee.goto(path)
    expect(trainee.get_by_text("A full interviewer of the team.")).to_be_visible()
