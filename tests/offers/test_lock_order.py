"""On PostgreSQL, the offers' writes lock the application's row before the offer's, as every
write that reaches an application (tests/debrief/test_lock_order.py): beat expiring an offer
as its candidate declines it, or a draft edited as it is sent, wait for each other rather than
die in a deadlock."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.models import Application, Offer
from hiring.offers import offers
from tests.debrief.test_lock_order import locks_of, while_waiting
from tests.offers.conftest import offer_fields

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")


def lapse(offer):
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def test_an_edit_locks_the_application_before_the_offer(draft, recruiter):
    with CaptureQueriesContext(connection) as queries:
        offers.edit(draft, recruiter, **offer_fields(terms="More."), based_on=offers.version(draft))

    assert locks_of(queries)[:2] == ["hiring_application", "hiring_offer"]


def test_beat_locks_the_application_before_the_offer_it_expires(sent):
    lapse(sent)

    with CaptureQueriesContext(connection) as queries:
        assert offers.expire_due() == 1

    assert locks_of(queries)[:2] == ["hiring_application", "hiring_offer"]


@pytest.mark.django_db(transaction=True)
def test_a_no_sent_as_beat_expires_the_offer_is_recorded_without_a_deadlock(sent, application):
    lapse(sent)

    def declining(held):
        with transaction.atomic():
            # The answer has locked its application, and is on its way to the offer's row.
            Application.objects.select_for_update().get(pk=application.pk)
            held()
            offers.decline(sent, "I took another offer.")

    failures = while_waiting(declining, offers.expire_due)

    assert failures == []
    assert Offer.objects.get().status == Offer.Status.DECLINED
    assert Application.objects.get(pk=application.pk).stage == Application.Stage.WITHDRAWN
