"""An operator rolling back a release undoes its migrations: each one's reverse leaves the
schema the one before it made, so that the release's migrations can be done again."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ModelState, ProjectState

from hiring.migrations._operations import AlterLabels
from hiring.models import AuditEvent
from tests.factories import ApplicationFactory
from tests.pipeline.test_stage_counts import counted_afresh, kept

# Before the earliest migration whose reverse once failed that a test can undo in seconds (0055,
# which made the candidates' indexes again on SQLite while undoing a column that SQLite drops in
# place, keeping them). Undoing 0016 stops, saying why, while audit events of no team exist:
# the schema before it cannot hold them, and the audit trail is never deleted from.
BEFORE = [("hiring", "0054_auditevent_openings_and_scorecards")]


def indexes(*tables):
    with connection.cursor() as cursor:
        return {
            table: {
                name
                for name, constraint in connection.introspection.get_constraints(
                    cursor, table
                ).items()
                if constraint["index"]
            }
            for table in tables
        }


def test_the_migrations_undone_are_done_again_to_the_same_schema(transactional_db):
    tables = ("hiring_candidate", "hiring_application")
    made = indexes(*tables)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
    finally:  # the later migrations too, which the next tests' schema holds
        executor.loader.build_graph()
        executor.migrate(latest)

    ApplicationFactory.create_batch(2, stage="screen")

    assert indexes(*tables) == made
    assert kept() == counted_afresh() != {}


def test_undoing_0016_stops_while_an_audit_event_names_no_team(db, member):
    admin_role = importlib.import_module("hiring.migrations.0016_admin_role_is_not_a_superuser")
    admin_role.refuse_events_without_team(apps, None)  # none yet: undone as any other

    AuditEvent.record(
        AuditEvent.Action.EMAIL_TEMPLATE_CHANGED, member, None, details="Offer: saved"
    )

    with pytest.raises(IrreversibleError, match="1 audit events name no team"):
        admin_role.refuse_events_without_team(apps, None)
    assert AuditEvent.objects.filter(team=None).count() == 1


def relabelled(field):
    """The states before and after AlterLabels gives a model's `name` field `field`, rendered as
    the executor keeps them, and the operation."""
    before = ProjectState()
    before.add_model(
        ModelState(
            "labels",
            "thing",
            [("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=20))],
        )
    )
    before.apps  # noqa: B018 - rendered, as the executor's state is
    after = before.clone()
    operation = AlterLabels([migrations.AlterField("thing", "name", field)])
    operation.state_forwards("labels", after)
    return before, after, operation


def test_labels_altered_together_are_rendered_and_touch_no_column():
    before, after, operation = relabelled(models.CharField("full name", max_length=20))
    editor = connection.schema_editor(collect_sql=True)

    operation.database_forwards("labels", editor, before, after)
    operation.database_backwards("labels", editor, after, before)

    assert after.apps.get_model("labels", "thing")._meta.get_field("name").verbose_name == (
        "full name"
    )
    assert before.apps.get_model("labels", "thing")._meta.get_field("name").verbose_name == "name"
    assert editor.collected_sql == []


def test_a_change_to_a_column_is_refused_as_a_label():
    before, after, operation = relabelled(models.CharField("full name", max_length=40))
    editor = connection.schema_editor(collect_sql=True)

    with pytest.raises(ValueError, match="alters a column"):
        operation.database_forwards("labels", editor, before, after)
    with pytest.raises(ValueError, match="alters a column"):
        operation.database_backwards("labels", editor, after, before)
