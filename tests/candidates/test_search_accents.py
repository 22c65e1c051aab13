"""A name is found however its accents are typed: "jose" finds José, "nunez" Núñez, and an
accented text a name written without them (hiring.models.searchable, stored as search_name)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from hiring.candidates import search
from hiring.models import Candidate, searchable
from hiring.privacy import erasure
from tests.candidates.test_search import found
from tests.factories import ApplicationFactory, CandidateFactory

NAMES = [
    "José Núñez",
    "Jose Nunez Jr",
    "Søren Kierkegaard",
    "Łukasz Żak",
    "Anna Straßmann",
    "Ægir Jónsson",
    "Émile Zola",
]


@pytest.mark.plain_data
@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("José Núñez", "jose nunez"),
        ("ÉMILE ZOLA", "emile zola"),
        ("Søren Ørsted", "soren orsted"),
        ("Łukasz Żak", "lukasz zak"),
        ("Anna Straßmann", "anna strassmann"),
        ("Ægir Þórsson", "aegir thorsson"),
        ("Zoë Ångström", "zoe angstrom"),
        ("Sam Lee", "sam lee"),
        (" Sam  Lee\t", "sam lee"),
        ("Sam\u00a0Lee", "sam lee"),
    ],
)
def test_the_searchable_form_has_one_case_and_no_accents(name, form):
    assert searchable(name) == form


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("jose", {"José Núñez", "Jose Nunez Jr"}),
        ("JOSÉ", {"José Núñez", "Jose Nunez Jr"}),
        ("nunez", {"José Núñez", "Jose Nunez Jr"}),
        ("núñez j", {"Jose Nunez Jr"}),
        ("soren", {"Søren Kierkegaard"}),
        ("lukasz", {"Łukasz Żak"}),
        ("zak", {"Łukasz Żak"}),
        ("strass", {"Anna Straßmann"}),
        ("STRASSM", {"Anna Straßmann"}),
        ("aegir", {"Ægir Jónsson"}),
        ("jons", {"Ægir Jónsson"}),
        ("emile z", {"Émile Zola"}),
    ],
)
def test_a_name_is_found_without_its_accents_and_with_others(client, recruiter, query, names):
    for name in NAMES:
        ApplicationFactory(candidate__name=name)
    client.force_login(recruiter)

    assert found(client, query) == names


def test_a_later_word_is_found_without_its_accents(client, recruiter):
    ApplicationFactory(candidate__name="María de la Peña")
    client.force_login(recruiter)

    assert found(client, "pena") == {"María de la Peña"}


def test_a_name_typed_with_two_spaces_is_found_by_its_second_word(client, recruiter):
    ApplicationFactory(candidate__name="Ana  López")
    client.force_login(recruiter)

    assert found(client, "lopez") == {"Ana  López"}
    assert found(client, "ana lop") == {"Ana  López"}


def test_records_made_together_are_found_as_those_made_one_by_one(client, recruiter):
    """The imports make their records with bulk_create(), which calls no save()."""
    [record] = Candidate.objects.bulk_create([Candidate(name="Þóra Ásgeirsdóttir", email="t@x.is")])
    ApplicationFactory(candidate=record)
    client.force_login(recruiter)

    assert Candidate.objects.get(pk=record.pk).search_name == "thora asgeirsdottir"
    assert found(client, "asgeirs") == {"Þóra Ásgeirsdóttir"}


def test_a_renamed_record_is_found_by_its_new_name_only(client, recruiter):
    application = ApplicationFactory(candidate__name="Renée Dubois")
    candidate = application.candidate
    candidate.name = "Renée Martin"
    candidate.save(update_fields=["name"])
    client.force_login(recruiter)

    assert found(client, "martin") == {"Renée Martin"}
    assert found(client, "dubois") == set()


def test_an_erased_record_is_not_found_by_its_name(client, recruiter):
    application = ApplicationFactory(candidate__name="Inès Moreau")
    erasure.erase(application.candidate)
    client.force_login(recruiter)

    assert Candidate.objects.get(pk=application.candidate_id).search_name == ""
    assert found(client, "ines") == set()


def test_the_migration_gives_every_existing_record_its_searchable_name(db):
    migration = importlib.import_module("hiring.migrations.0045_candidate_search_name")
    for name in ("José Núñez", "Søren Kierkegaard", "Sam Lee"):
        CandidateFactory(name=name)
    Candidate.objects.update(search_name="")  # as the column was when the migration added it

    migration.fill(apps, SimpleNamespace(connection=connection))

    assert set(Candidate.objects.values_list("search_name", flat=True)) == {
        "jose nunez",
        "soren kierkegaard",
        "sam lee",
    }
    assert Candidate.objects.filter(search._matches("soren")).get().name == "Søren Kierkegaard"


def test_a_later_migration_gives_names_stored_with_two_spaces_one(db):
    migration = importlib.import_module("hiring.migrations.0048_candidate_search_name_spaces")
    spaced = CandidateFactory(name="Ana  López")
    CandidateFactory(name="Sam Lee")
    # As 0045 stored it, the spaces kept.
    Candidate.objects.filter(pk=spaced.pk).update(search_name="ana  lopez")

    migration.fill(apps, SimpleNamespace(connection=connection))

    assert set(Candidate.objects.values_list("search_name", flat=True)) == {"ana lopez", "sam lee"}
    assert Candidate.objects.filter(search._matches("lopez")).get() == spaced


@pytest.mark.parametrize("typed", ["%", "_", "c%z", "cr_z"])
def test_a_later_words_search_takes_like_wildcards_as_typed(client, recruiter, typed):
    ApplicationFactory(candidate__name="María de la Cruz")
    client.force_login(recruiter)

    assert found(client, typed) == set()
