"""In real Chromium: a candidate asks from their status page that their data be erased, opens
the link emailed to them, confirms, and is erased."""

import pytest
from playwright.sync_api import expect

from hiring.models import Application, AuditEvent, Candidate

pytestmark = pytest.mark.browser


def test_a_candidate_asks_to_be_erased_and_confirms_from_the_email(
    status_page, emailed_link, application
):
    page = status_page
    status_url = page.url
    page.get_by_role("button", name="Erase my data…").click()
    expect(page.get_by_role("status")).to_contain_text(
        "We have emailed you a link to confirm that we should erase your data."
    )
    candidate = Candidate.objects.get(pk=application.candidate_id)
    assert candidate.erased_at is None  # nothing is erased until they confirm

    page.goto(emailed_link("/erase/"))
    expect(page.get_by_role("heading", name="Erase your data?")).to_be_visible()
    expect(page.get_by_text("Platform Engineer")).to_be_visible()
    candidate.refresh_from_db()
    assert candidate.erased_at is None  # opening the link erases nothing
    page.get_by_role("button", name="Yes, erase my data").click()

    expect(page.get_by_role("heading", name="Your data is erased")).to_be_visible()
    candidate.refresh_from_db()
    assert candidate.erased_at is not None
    assert (candidate.name, candidate.email) != ("Nina Park", "nina@candidates.example")
    application.refresh_from_db()
    assert application.stage == Application.Stage.WITHDRAWN
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CANDIDATE_ERASED,
        details=f"Candidate record #{candidate.pk} erased at the candidate's request",
    ).exists()
    page.goto(status_url)  # their links no longer work
    expect(page.get_by_text("We no longer hold this application.")).to_be_visible()
