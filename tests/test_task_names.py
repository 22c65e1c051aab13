"""Workers find a queued task by its name: a task renamed or removed in a release drops what
brokers (and UnqueuedTask rows) hold under its old name when that release is deployed. Every
name a release has queued stays a task: a renamed task keeps its old name registered too, a
function that runs the new one, for at least a release."""

import pytest

from hiring.celery import app as celery_app

pytestmark = pytest.mark.plain_data

RELEASED = {
    "hiring.imports.tasks.check_import",
    "hiring.imports.tasks.run_import",
    "hiring.offers.tasks.expire_offers",
    "hiring.offers.tasks.send_offer_answered_notices",
    "hiring.outreach.tasks.send_candidate_email",
    "hiring.outreach.tasks.send_due_candidate_emails",
    "hiring.privacy.tasks.build_export",
    "hiring.privacy.tasks.expire_exports",
    "hiring.privacy.tasks.run_retention",
    "hiring.privacy.tasks.send_erasure_confirmation",
    "hiring.privacy.tasks.send_export_ready",
    "hiring.privacy.tasks.send_retention_notices",
    "hiring.privacy.tasks.send_status_links",
    "hiring.privacy.tasks.sweep_stored_files",
    "hiring.tasks.queue_unqueued",
    "hiring.tasks.refresh_calendar_feeds",
    "hiring.tasks.refresh_report",
    "hiring.tasks.send_account_email",
    "hiring.tasks.send_decision_notices",
    "hiring.tasks.send_departure_notices",
    "hiring.tasks.send_due_reminders",
    "hiring.tasks.send_invitation",
    "hiring.tasks.send_leadership_granted_notices",
    "hiring.tasks.send_leadership_invited_notices",
    "hiring.tasks.send_session_cancellations",
    "hiring.tasks.send_session_invites",
    "hiring.tasks.send_windows_proposed",
    "hiring.tasks.send_withdrawal_notices",
    "hiring.tasks.warm_default_reports",
}


def registered():
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def test_every_task_name_a_release_queued_is_still_a_task():
    gone = RELEASED - registered()

    assert not gone, f"Renamed or removed, {sorted(gone)}: keep the old names as tasks too."


def test_every_task_is_listed_so_that_a_later_rename_is_caught():
    assert registered() <= RELEASED, "A new task: add its name to RELEASED."
