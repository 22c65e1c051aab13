"""Two requests at the same instant, each on its own database connection."""

import pytest
from django.test import Client

from scorecards import scoring
from scorecards.models import FeedbackRevision
from tests.factories import ApplicationFactory, at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_tabs_submitting_at_once_make_one_submission(member, team):
    application = ApplicationFactory(opening__team=team)
    item = scoring.assign(application, member, "skills", assigned_by=member)
    [criterion] = item.criteria.all()
    draft = scoring.save_draft(item, member, ratings={criterion.pk: {"score": 3}}, vote="yes")
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(member)
    url = f"/feedback/{item.pk}/submit/"
    form = {
        "revision": "1",
        "draft_version": draft.version,
        f"score_{criterion.pk}": "3",
        "vote": "yes",
    }

    responses = at_once(*[lambda tab=tab: tab.post(url, form) for tab in tabs])

    assert sorted(r.status_code for r in responses) == [302, 400]
    [refused] = [r for r in responses if r.status_code == 400]
    assert "This feedback is submitted. Amend it to change it." in refused.text
    assert FeedbackRevision.objects.filter(feedback=item).exclude(submitted_at=None).count() == 1
