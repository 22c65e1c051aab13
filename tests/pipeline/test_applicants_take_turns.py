"""Two first applications of one address to two openings of a team, at the same moment, make
one record on PostgreSQL: the second waits for the first and joins the record it made."""

import pytest
from django.db import connection, transaction

from hiring.careers import careers
from hiring.models import Candidate
from hiring.pipeline import applications
from tests.debrief.test_lock_order import while_waiting
from tests.factories import OpeningFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks"),
]


def test_two_openings_of_a_team_applied_to_at_once_share_one_record(team, member):
    first, second = OpeningFactory(team=team), OpeningFactory(team=team)

    def applying(held):
        with transaction.atomic():
            careers.apply(first, name="Lee", email="lee@candidates.example")
            held()

    failures = while_waiting(
        applying,
        lambda: applications.add_application(
            second, member, name="Lee", email="LEE@candidates.example"
        ),
    )

    assert failures == []
    [record] = Candidate.objects.filter(email__iexact="lee@candidates.example")
    assert {application.opening for application in record.applications.all()} == {first, second}
