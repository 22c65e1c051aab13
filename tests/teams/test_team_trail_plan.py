"""The team page's trail, the team's own latest events (its members, rules, proposals), is read
through an index of those events alone (team_audit_trail): not by walking back through every
event of the team's applications, which grows with each one (some 20,000 a team in a large
organisation). PostgreSQL plans by its statistics and is not checked here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.models import AuditEvent
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans; this run is on another database"
)


def test_the_team_trail_is_read_from_the_teams_own_events(client, team, member):
    AuditEvent.record(AuditEvent.Action.MEMBERSHIP_CHANGED, member, team)
    application = ApplicationFactory(opening__team=team)
    AuditEvent.record(AuditEvent.Action.STAGE_CHANGED, member, team, application)
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("team_detail", args=[team.pk])).status_code == 200
    trail = next(
        q["sql"]
        for q in queries
        if 'FROM "hiring_auditevent"' in q["sql"]
        and '"hiring_auditevent"."application_id" IS NULL' in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {trail}")
        plan = " ".join(row[-1] for row in cursor.fetchall())

    assert "USING INDEX team_audit_trail" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
