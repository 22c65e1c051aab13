"""The Django admin's lists of the largest tables: a page costs the same queries whatever it
shows, and is read through an index rather than by sorting every row (a large organisation
has some 800,000 audit events and 100,000 applications)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.models import AuditEvent, Decision
from tests.factories import ApplicationFactory, UserFactory

# The session, the user, the organisation (MFA, and whether the sidebar may add one), the teams
# of the filter, the rows counted twice (shown and in all) and the page. Plus a small margin.
LIST_MAX_QUERIES = 9


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def trail(team, events):
    """`events` audit events, each of another person on another application of `team`."""
    for n in range(events):
        application = ApplicationFactory(opening__team=team)
        actor = UserFactory(display_name=f"Actor {n}")
        AuditEvent.record(AuditEvent.Action.STAGE_CHANGED, actor, team, application)


def decided(team, decisions):
    """`decisions` decisions, each recorded and confirmed by other people."""
    for n in range(decisions):
        Decision.objects.create(
            application=ApplicationFactory(opening__team=team),
            outcome=Decision.Outcome.HIRE,
            recommendation=Decision.Outcome.NO_HIRE,
            recorded_by=UserFactory(display_name=f"Recorder {n}"),
            confirmed_by=UserFactory(display_name=f"Confirmer {n}"),
        )


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("model", "make"), [("auditevent", trail), ("decision", decided)], ids=["audit", "decisions"]
)
def test_an_admin_list_costs_the_same_queries_for_1_row_and_for_6(
    admin_client, team, model, make, django_assert_max_num_queries
):
    url = reverse(f"admin:hiring_{model}_changelist")
    admin_client.get(url)  # the organisation's row is made on the first request
    make(team, 1)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        one = queries_of(admin_client, url)
    make(team, 5)

    assert queries_of(admin_client, url) == one


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
@pytest.mark.parametrize("model", ["application", "auditevent"])
def test_an_admin_list_reads_its_page_in_order_from_an_index(admin_client, team, model):
    trail(team, 2)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse(f"admin:hiring_{model}_changelist"))
    page = next(
        q["sql"] for q in queries if f'FROM "hiring_{model}"' in q["sql"] and "ORDER" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        plan = " ".join(row[-1] for row in cursor.fetchall())

    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
