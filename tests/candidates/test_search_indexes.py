"""The search and the duplicates' check answer from the indexes migrations 0019 (SQLite) and
0032 (PostgreSQL, CI's second run) made, with those of 0045 (the searchable names') in place
of some, and the migrations go back and forth."""

import importlib
import re

import pytest
from django.db import connection, transaction

from hiring.candidates import merging, search
from hiring.models import Candidate, fold
from tests.factories import CandidateFactory

SEARCH_NAMES = importlib.import_module("hiring.migrations.0045_candidate_search_name")
LATER_WORDS = importlib.import_module("hiring.migrations.0049_candidate_search_later_words_sqlite")
MIGRATIONS = {
    "sqlite": importlib.import_module("hiring.migrations.0019_candidate_search"),
    "postgresql": importlib.import_module(
        "hiring.migrations.0032_candidate_search_from_indexes_alone"
    ),
}

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plans; this run is on another database"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's plans are checked in CI's PostgreSQL run (DATABASE_URL=postgres://...)",
)


def plan(queryset):
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask what it could use
            return queryset.explain()
    return queryset.explain()


def scans_the_table(sqlite_plan):
    """Whether SQLite reads every row of the table, not an index of it."""
    return re.search(r"SCAN hiring_candidate$", sqlite_plan, re.MULTILINE) is not None


def by_text(text):
    matches = Candidate.objects.filter(search._matches(text))
    return matches.order_by("-created_at", "-pk")[: search.MAX_RESULTS]


def existing_indexes():
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "hiring_candidate"))


@pytest.fixture
def candidates(db):
    CandidateFactory(name="Sam Lee", email="sam@mail.example")
    CandidateFactory(name="Lee Park", email="lee@mail.example")


@on_sqlite
def test_sqlite_finds_first_and_second_words_and_emails_through_their_indexes(candidates):
    found = plan(by_text("lee"))

    assert "COMPOUND QUERY" in found
    for index in ("candidate_search_name", "candidate_search_second_word", "candidate_email_lower"):
        assert f"INDEX {index} (" in found  # COVERING INDEX where it holds all it reads
    assert not scans_the_table(found)


@on_sqlite
def test_sqlite_finds_possible_duplicates_through_the_indexes(candidates):
    candidate = Candidate.objects.get(name="Sam Lee")
    queryset = Candidate.objects.alias(**merging._keys()).filter(
        email_key__in=[fold(candidate.email)]
    )

    assert "USING INDEX candidate_email_lower" in plan(queryset)
    by_name = Candidate.objects.alias(**merging._keys()).filter(name_key="sam lee")
    assert "INDEX candidate_search_name (" in plan(by_name)


def test_the_review_page_reads_the_marked_records_by_their_own_index(candidates):
    CandidateFactory(name="Sam Lee", email="SAM@mail.example")
    suspects = Candidate.objects.filter(has_older_match=True).order_by("-pk")

    assert "candidate_older_match" in plan(suspects)


@pytest.fixture
def three_words(db):
    CandidateFactory(name="Maria de la Cruz", email="maria@mail.example")


@on_sqlite
@pytest.mark.parametrize("newest", [None, search.MAX_RESULTS])
def test_sqlite_finds_a_later_word_in_the_partial_index_of_the_longer_names(
    candidates, three_words, newest
):
    matches = Candidate.objects.filter(search._matches("cruz", newest))

    assert [c.name for c in matches] == ["Maria de la Cruz"]
    found = plan(matches)
    assert "COVERING INDEX candidate_search_later_words" in found
    assert not scans_the_table(found)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_later_words_index_goes_and_comes_back_with_its_migration():
    made = set(LATER_WORDS.LATER_WORDS["sqlite"])
    assert made <= existing_indexes()

    with connection.schema_editor() as editor:
        SEARCH_NAMES.replace(LATER_WORDS.LATER_WORDS, {})(None, editor)
    assert not made & existing_indexes()

    with connection.schema_editor() as editor:
        SEARCH_NAMES.replace({}, LATER_WORDS.LATER_WORDS)(None, editor)
    assert made <= existing_indexes()


@on_postgresql
def test_postgresql_finds_any_words_start_and_emails_from_their_indexes_alone(
    candidates, three_words
):
    found = plan(by_text("lee"))

    for index in (
        "candidate_search_name_prefix",
        "candidate_search_second_word_prefix",
        "candidate_email_prefix",
    ):
        assert f"Index Only Scan using {index}" in found
    assert "Seq Scan on hiring_candidate" not in found
    # A word after the second (on tables this small, the planner may scan an index whole for it
    # rather than the trigrams of the names of three words or more).
    assert [c.name for c in Candidate.objects.filter(search._matches("cruz"))] == [
        "Maria de la Cruz"
    ]


@on_postgresql
def test_postgresql_finds_possible_duplicates_through_btree_indexes(candidates):
    queryset = Candidate.objects.alias(**merging._keys()).filter(email_key__in=["SAM@MAIL.EXAMPLE"])
    assert "candidate_email_prefix" in plan(queryset)
    by_name = Candidate.objects.alias(**merging._keys()).filter(name_key="sam lee")
    assert "candidate_search_name_prefix" in plan(by_name)


def test_possible_duplicates_is_one_query(candidates, django_assert_num_queries):
    candidate = Candidate.objects.get(name="Sam Lee")

    with django_assert_num_queries(1):
        merging.possible_duplicates(candidate)


@pytest.mark.django_db(transaction=True)
def test_the_migrations_drop_and_make_their_indexes_again():
    """0019 or 0032, then 0045, backwards and forwards."""
    vendor = connection.vendor
    migration = MIGRATIONS[vendor]
    replaced, made = set(SEARCH_NAMES.BEFORE[vendor]), set(SEARCH_NAMES.AFTER[vendor])
    in_place = (set(migration.INDEXES[vendor]) - replaced) | made
    assert in_place <= existing_indexes()
    assert not replaced & existing_indexes()

    with connection.schema_editor() as editor:
        SEARCH_NAMES.replace(SEARCH_NAMES.AFTER, SEARCH_NAMES.BEFORE)(None, editor)
        migration.drop_indexes(None, editor)
    assert not (in_place | replaced) & existing_indexes()

    with connection.schema_editor() as editor:
        migration.create_indexes(None, editor)
        SEARCH_NAMES.replace(SEARCH_NAMES.BEFORE, SEARCH_NAMES.AFTER)(None, editor)
    assert in_place <= existing_indexes()
    assert not replaced & existing_indexes()
