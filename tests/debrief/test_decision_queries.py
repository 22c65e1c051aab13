"""A decision costs the same few queries whatever the size of its panel (issue 17: cheap writes).

The htmx reply renders the decision's part of the page from what the write read and left, so
a bigger panel adds rows to the queries, never queries.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.models import Application, Decision
from scorecards.editing import create_template
from tests.factories import HTMX, SKILLS, TEAM_FIT, ApplicationFactory, UserFactory, submitted

# Measured at 16 on SQLite for a hire: the session and the user; the application, read once
# with its decision and locked, among the member's own teams' (so their membership is not read
# again); the panel (feedback with its latest submissions, their ratings); 5 to write the
# decision and its two moves (decided, then offer: the history's rows closed once, both moves'
# rows inserted together, the decision's audit event and the moves' together, the application
# saved once); the email template; 3 as the write ends for what they changed (the
# application's own page, read back with its team and stage, the team's pages, the reports'
# day), and the savepoint around it all. Plus a small margin.
DECISION_MAX_QUERIES = 18

CRITERIA = [{"name": f"Criterion {n}", "category": SKILLS if n < 3 else TEAM_FIT} for n in range(6)]


def opened_debrief(team, panel_size):
    """An application whose panel of `panel_size` members all voted yes: the debrief is open
    and the rule recommends hire."""
    application = ApplicationFactory(
        opening__team=team,
        opening__scorecard=create_template(team, "Six criteria", criteria=CRITERIA),
        stage=Application.Stage.PANEL,
    )
    for n in range(panel_size):
        person = UserFactory(display_name=f"Panelist {n}")
        team.memberships.create(user=person)
        submitted(application, person, TEAM_FIT if n % 2 else SKILLS, "yes")
    return application


def record_hire(client, application):
    """Queries of recording a hire through htmx, and the reply."""
    url = reverse("record_decision", args=[application.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"outcome": "hire"}, **HTMX)
    return len(queries), response


def test_a_decision_costs_the_same_queries_for_a_panel_of_2_and_of_6(
    client, team, member, django_assert_max_num_queries
):
    small, large = opened_debrief(team, 2), opened_debrief(team, 6)
    client.force_login(member)

    with django_assert_max_num_queries(DECISION_MAX_QUERIES):
        small_queries, small_reply = record_hire(client, small)
    large_queries, large_reply = record_hire(client, large)

    assert small_queries == large_queries
    for application, reply in ((small, small_reply), (large, large_reply)):
        assert reply.status_code == 200
        assert reply.text.lstrip().startswith('<section class="card" id="decision"')
        assert "Decision: <strong>Hire</strong>, recorded by Ana Member" in reply.text
        assert "It recommends:" in reply.text
        assert Decision.objects.get(application=application).is_effective
        assert Application.objects.get(pk=application.pk).stage == Application.Stage.OFFER


def test_the_reply_shows_the_decision_that_departs_and_waits_for_confirmation(client, team, member):
    application = opened_debrief(team, 2)
    client.force_login(member)

    response = client.post(
        reverse("record_decision", args=[application.pk]),
        {"outcome": "no_hire", "rationale": "Not for this team"},
        **HTMX,
    )

    assert response.status_code == 200
    assert "Decision: <strong>No hire</strong>" in response.text
    assert "a second team member must confirm it" in response.text
    # Not for the one who recorded it.
    assert reverse("confirm_decision", args=[application.pk]) not in response.text
    assert Application.objects.get(pk=application.pk).stage == Application.Stage.DEBRIEF


def test_the_reply_shows_the_recommendation_in_the_readers_language_the_record_keeps_english(
    client, team, member
):
    english, german = opened_debrief(team, 2), opened_debrief(team, 2)
    client.force_login(member)

    _queries, english_reply = record_hire(client, english)
    member.language = "de"
    member.save(update_fields=["language"])
    _queries, german_reply = record_hire(client, german)

    assert "quorum met: 2 scorecards" in english_reply.text
    assert "Quorum erreicht: 2 Bewertungsbögen" in german_reply.text
    assert "quorum met" not in german_reply.text
    for application in (english, german):
        reasons = Decision.objects.get(application=application).recommendation_reasons
        assert reasons[0].startswith("quorum met: 2 scorecards")
