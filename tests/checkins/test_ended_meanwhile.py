"""A check-in ended while its rater submits (the hire did not start, or was erased: their
check-ins end under the application's lock): the submission waits for that lock, as every
write reaching the application, and is refused once the check-in is gone or closed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scorecards.models import CheckIn, CheckInReview
from tests.checkins.helpers import first, hired, review
from tests.debrief.test_lock_order import locks_of


@pytest.fixture
def check_in(team, member):
    return first(hired(team, member, days_ago=90, email="hire@example.com"))


@pytest.mark.parametrize(
    "end",
    [
        lambda check_in: CheckIn.objects.filter(pk=check_in.pk).delete(),
        lambda check_in: CheckIn.objects.filter(pk=check_in.pk).update(closes_at=timezone.now()),
    ],
    ids=["gone", "closed"],
)
def test_a_review_submitted_on_a_check_in_ended_meanwhile_is_refused(check_in, teammate, end):
    end(check_in)  # the rater's page, and check_in, were read before

    with pytest.raises(ValidationError, match="This check-in has closed"):
        review(check_in, teammate)

    assert not CheckInReview.objects.exclude(submitted_at=None).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_a_submission_locks_the_application_before_the_review(check_in, teammate):
    with CaptureQueriesContext(connection) as queries:
        review(check_in, teammate)

    assert locks_of(queries)[:2] == ["hiring_application", "scorecards_checkinreview"]
