"""An import's write on PostgreSQL takes every candidate writer's turn with one lock: a careers
application of a new address at the same moment makes one record with it, and a file of
thousands of new people holds no more locks than one of two."""

import pytest
from django.db import connection, transaction

from hiring.careers import careers
from hiring.imports import imports
from hiring.models import Candidate, CandidateImport
from tests.debrief.test_lock_order import while_waiting
from tests.factories import OpeningFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks"),
]


def queued(opening, by, people):
    """An import of `people` [(name, email)] to `opening`, checked and started by `by`."""
    rows = [
        {
            "line": line,
            "values": {"name": name, "email": email, "phone": "", "links": ""},
            "errors": {},
        }
        for line, (name, email) in enumerate(people, 2)
    ]
    return CandidateImport.objects.create(
        opening=opening,
        created_by=by,
        file_name="export.csv",
        rows=rows,
        total=len(rows),
        status=CandidateImport.Status.QUEUED,
    )


def test_an_import_and_an_application_of_one_new_address_make_one_record(team, member):
    imported_to, applied_to = OpeningFactory(team=team), OpeningFactory(team=team)
    candidate_import = queued(imported_to, member, [("Lee Park", "lee@candidates.example")])

    def applying(held):
        with transaction.atomic():
            careers.apply(applied_to, name="Lee Park", email="Lee@candidates.example")
            held()

    failures = while_waiting(applying, lambda: imports.run(candidate_import.pk))

    assert failures == []
    [record] = Candidate.objects.filter(email__iexact="lee@candidates.example")
    assert {a.opening for a in record.applications.all()} == {imported_to, applied_to}
    assert CandidateImport.objects.get().imported == 1


def locks_of_import(opening, by, people):
    """The locks the import of `people` holds as it commits, by kind."""
    candidate_import = queued(opening, by, people)
    with transaction.atomic():
        assert imports.run(candidate_import.pk) == len(people)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT locktype, count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                " GROUP BY locktype"
            )
            return dict(cursor.fetchall())


def test_an_import_of_many_new_people_holds_as_many_locks_as_one_of_two(team, member):
    # Each a new email and name: two locks each, to the commit, when each took its own turns.
    people = [(f"Person {n}", f"person{n}@candidates.example") for n in range(302)]

    few = locks_of_import(OpeningFactory(team=team), member, people[:2])
    many = locks_of_import(OpeningFactory(team=team), member, people[2:])

    assert Candidate.objects.count() == 302
    assert few["advisory"] == many["advisory"] == 1
    # The rest are the tables' and indexes' (a longer file's queries may plan one or two more).
    assert set(many) == set(few)
    assert sum(many.values()) < sum(few.values()) + 10
