"""The debrief's Spread column: a gap between ratings, or a dash where only one person rated."""

import re

import pytest
from django.urls import reverse

from hiring.debrief import decisions
from scorecards import scoring
from scorecards.editing import add_criterion
from scorecards.recommendation import Outcome
from tests.factories import SKILLS, TEAM_FIT, assigned, fresh, skill_fields, submit

pytestmark = pytest.mark.django_db


def spreads(page):
    """{criterion name: its Spread cell's text} from the debrief's grid."""
    grid = page.split('class="table grid"')[1].split("</table>")[0]
    rows = [row for row in grid.split("<tr>") if '<th scope="row"' in row]
    return {
        re.search(r"<th[^>]*>([^<]*) <span", row)[1]: re.sub(
            r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
        ).strip()
        for row in rows
    }


def test_spread_is_a_dash_where_one_person_rated_and_a_number_where_several_did(
    client, opened, member
):
    # Ana alone scored the skills; Ben and Cai both scored team fit 3.
    client.force_login(member)

    page = client.get(reverse("debrief", args=[opened.pk])).text

    assert spreads(page) == {"Problem solving": "–", "Collaboration": "0"}
    assert "– where fewer than two people rated" in page


def test_a_criterion_rated_on_two_versions_is_one_criterion_to_the_spread_and_the_rule(
    client, application, member, teammate, peer
):
    """Ben scored team fit on the scorecard's first version; Candour was added after Ana
    submitted, so Cai scored on the second. Collaboration is one criterion (its key): one row
    whose spread is the gap between Ben's 4 and Cai's 3, and one mean (3.5) that the rule
    weighs beside Candour's 1, not two criteria that outweigh it."""
    skills = assigned(application, member, SKILLS)
    early = assigned(application, teammate, TEAM_FIT)
    submit(skills, "yes", score=3)
    add_criterion(
        application.opening.scorecard, {**skill_fields("Candour"), "category": TEAM_FIT}, member
    )
    late = assigned(application, peer, TEAM_FIT)
    assert late.version != early.version
    submit(early, "yes", score=4)
    ratings = {c.pk: {"score": 1 if c.name == "Candour" else 3} for c in late.criteria.all()}
    draft = scoring.save_draft(late, peer, ratings=ratings, vote="yes")
    scoring.submit(late, peer, draft.number)
    application = fresh(application)
    client.force_login(member)

    page = client.get(reverse("debrief", args=[application.pk])).text
    advice = decisions.recommend(application, decisions.panel_feedback(application))

    assert spreads(page) == {"Problem solving": "–", "Collaboration": "1", "Candour": "–"}
    assert advice.category_scores["team_fit"] == pytest.approx(2.25)
    assert advice.outcome == Outcome.NO_HIRE
