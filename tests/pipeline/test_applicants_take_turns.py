"""Two first applications of one address to two openings of a team, at the same moment, make
one record on PostgreSQL: the second waits for the first and joins the record it made."""

import threading

import pytest
from django.db import connection, transaction

from hiring.careers import careers
from hiring.models import Candidate
from hiring.pipeline import applications
from tests.debrief.test_lock_order import in_thread, waits_for_a_lock
from tests.factories import OpeningFactory
from tests.services import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks"),
]


def test_two_openings_of_a_team_applied_to_at_once_share_one_record(team, member):
    first, second = OpeningFactory(team=team), OpeningFactory(team=team)
    applied, go, adder = threading.Event(), threading.Event(), {}
    failures = []

    def applying():
        with transaction.atomic():
            careers.apply(first, name="Lee", email="lee@candidates.example")
            applied.set()
            go.wait(30)

    def adding():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            adder["pid"] = cursor.fetchone()[0]
        applications.add_application(second, member, name="Lee", email="LEE@candidates.example")

    application = in_thread(applying, failures)
    assert applied.wait(30)
    addition = in_thread(adding, failures)
    # Without its turn, the addition is over before the application commits.
    assert wait_for(
        lambda: not addition.is_alive() or ("pid" in adder and waits_for_a_lock(adder["pid"])),
        30,
    )
    go.set()
    application.join(60)
    addition.join(60)

    assert failures == []
    [record] = Candidate.objects.filter(email__iexact="lee@candidates.example")
    assert {application.opening for application in record.applications.all()} == {first, second}
