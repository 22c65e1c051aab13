"""Possible duplicates: the rule, the application page's candidate box and the review page."""

import pytest
from django.urls import reverse

from hiring.candidates import merging
from hiring.candidates.merging import duplicate_reason, possible_duplicates
from hiring.models import Candidate
from tests.factories import ApplicationFactory, CandidateFactory, TeamFactory


def person(name="Sam Lee", email="sam@mail.example", phone="", links="", other_emails=""):
    return Candidate(name=name, email=email, phone=phone, links=links, other_emails=other_emails)


# The rule, on plain records.


def test_the_same_email_in_any_case_is_a_duplicate():
    assert duplicate_reason(person(), person(name="S. Lee", email="SAM@Mail.Example ")) == (
        "Same email"
    )


def test_an_address_of_a_merged_record_counts():
    merged = person(email="s.lee@work.example", other_emails="old@mail.example\nsam@mail.example")

    assert duplicate_reason(person(), merged) == "Same email"


def test_the_same_name_and_phone_digits_is_a_duplicate():
    a = person(email="a@mail.example", phone="+44 20 7946 0000")
    b = person(name="  sam   LEE ", email="b@mail.example", phone="+44 (20) 7946-0000")

    assert duplicate_reason(a, b) == "Same name and phone"


def test_the_same_name_with_or_without_its_accents_is_the_same_name():
    a = person(name="José Núñez", email="a@mail.example", phone="0100 200")
    b = person(name="JOSE NUNEZ", email="b@mail.example", phone="0100-200")

    assert duplicate_reason(a, b) == "Same name and phone"


def test_the_same_name_and_a_shared_link_is_a_duplicate():
    a = person(email="a@mail.example", links="https://github.com/samlee\nhttps://sam.example")
    b = person(email="b@mail.example", links="https://GitHub.com/samlee/")

    assert duplicate_reason(a, b) == "Same name and a shared link"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # The same name alone: two people may share it.
        (person(email="a@mail.example"), person(email="b@mail.example")),
        # The same phone or link under another name.
        (
            person(email="a@mail.example", phone="0100"),
            person(name="Kim Lee", email="b@mail.example", phone="0100"),
        ),
        (
            person(email="a@mail.example", links="https://x.example"),
            person(name="Kim Lee", email="b@mail.example", links="https://x.example"),
        ),
        # Phones without digits match nothing.
        (
            person(email="a@mail.example", phone="n/a"),
            person(email="b@mail.example", phone="none"),
        ),
        # Different phones, no shared link.
        (
            person(email="a@mail.example", phone="0100", links="https://a.example"),
            person(email="b@mail.example", phone="0200", links="https://b.example"),
        ),
    ],
)
def test_these_are_not_duplicates(a, b):
    assert duplicate_reason(a, b) is None


# Found in the database.


def test_possible_duplicates_finds_the_other_records_not_itself(db):
    candidate = CandidateFactory(name="Sam Lee", email="sam@mail.example", phone="0100 200")
    by_email = CandidateFactory(name="Samuel Lee", email="SAM@mail.example")
    by_phone = CandidateFactory(name="sam lee", email="other@mail.example", phone="0100-200")
    CandidateFactory(name="Sam Lee", email="third@mail.example", phone="0999")  # another Sam

    found = possible_duplicates(candidate)

    assert [(d.candidate, d.reason) for d in found] == [
        (by_email, "Same email"),
        (by_phone, "Same name and phone"),
    ]


@pytest.mark.parametrize(
    ("added_as", "applied_as"),
    [
        # A recruiter adds "Jose Nunez"; he applies as José Núñez, with the same phone.
        ("Jose Nunez", "José Núñez"),
        ("Sam Lee", "Sam  Lee"),
    ],
)
def test_a_name_typed_otherwise_finds_the_record_with_the_same_name(db, added_as, applied_as):
    added = CandidateFactory(name=added_as, email="added@mail.example", phone="0100 200")
    applied = CandidateFactory(name=applied_as, email="applied@work.example", phone="0100200")

    assert [(d.candidate, d.reason) for d in possible_duplicates(applied)] == [
        (added, "Same name and phone")
    ]
    rows, _more = merging.pairs_to_review()
    assert [(row, [d.candidate for d in row.duplicates]) for row in rows] == [(applied, [added])]


def test_a_record_with_merged_addresses_finds_a_new_record_under_an_old_one(db):
    kept = CandidateFactory(email="new@mail.example", other_emails="old@mail.example")
    again = CandidateFactory(name="Someone", email="Old@mail.example")

    assert [d.candidate for d in possible_duplicates(kept)] == [again]


# The candidate box of the application page.


@pytest.fixture
def pair(team):
    """Sam applied to Platform; a second record of Sam to another team's opening."""
    application = ApplicationFactory(
        opening__team=team, candidate__name="Sam Lee", candidate__email="sam@mail.example"
    )
    other = ApplicationFactory(
        opening__team=TeamFactory(name="Payments team"),
        opening__title="Secret Role",
        candidate__name="Samuel Lee",
        candidate__email="SAM@MAIL.EXAMPLE",
    )
    return application, other


def test_a_recruiter_sees_the_duplicate_and_a_link_to_merge(client, recruiter, pair):
    application, other = pair
    client.force_login(recruiter)

    page = client.get(application.get_absolute_url()).text

    assert "Possible duplicate" in page
    assert "Samuel Lee" in page
    merge = reverse("candidate_merge", args=[application.candidate_id, other.candidate_id])
    assert f'<a href="{merge}">Review and merge</a>' in page


def test_a_member_is_told_of_a_duplicate_but_not_whose_record_it_is(client, member, team):
    application = ApplicationFactory(
        opening__team=team, candidate__name="Sam Lee", candidate__email="sam@mail.example"
    )
    ApplicationFactory(
        opening__team=team, candidate__name="Samuel Lee", candidate__email="SAM@MAIL.EXAMPLE"
    )
    client.force_login(member)

    page = client.get(application.get_absolute_url()).text

    assert "Another candidate record: same email." in page
    assert "Samuel Lee" not in page
    assert "SAM@MAIL.EXAMPLE" not in page
    assert "/merge/" not in page


def test_a_member_is_not_told_of_a_record_only_another_team_sees(client, member, pair):
    """Else adding an address to their own opening would tell them whether it is a candidate
    of another team: the recruiters, who see every record, merge those."""
    application, _other = pair
    client.force_login(member)

    assert "Possible duplicate" not in client.get(application.get_absolute_url()).text


def test_leadership_who_runs_no_pipeline_is_not_shown_duplicates(client, leadership, pair):
    application, _ = pair
    client.force_login(leadership)

    page = client.get(application.get_absolute_url()).text

    assert "Possible duplicate" not in page


def test_the_cached_page_learns_of_a_duplicate_as_it_comes_and_goes(client, recruiter, team):
    application = ApplicationFactory(
        opening__team=team, candidate__name="Sam Lee", candidate__email="sam@mail.example"
    )
    client.force_login(recruiter)
    assert "Possible duplicate" not in client.get(application.get_absolute_url()).text

    # Another team's record of the same person: this team's page is cached, and moves on.
    other = ApplicationFactory(
        opening__team=TeamFactory(name="Payments team"), candidate__email="Sam@Mail.example"
    )
    assert "Possible duplicate" in client.get(application.get_absolute_url()).text

    other.candidate.delete()
    assert "Possible duplicate" not in client.get(application.get_absolute_url()).text


def test_no_duplicate_no_notice(client, recruiter, team):
    application = ApplicationFactory(opening__team=team)
    client.force_login(recruiter)

    assert "Possible duplicate" not in client.get(application.get_absolute_url()).text


# The review page.


@pytest.mark.parametrize("persona", ["recruiter", "leadership"])
def test_recruiters_and_leadership_review_the_pairs(client, request, persona, pair):
    application, other = pair
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("candidate_duplicates")).text

    assert "Sam Lee" in page
    assert "Samuel Lee" in page
    assert "Same email" in page
    merge = reverse("candidate_merge", args=[other.candidate_id, application.candidate_id])
    assert (merge in page) == (persona == "recruiter")


@pytest.mark.parametrize("persona", ["member", "outsider", "org_admin"])
def test_others_get_404_from_the_review_page(client, request, persona, pair):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("candidate_duplicates")).status_code == 404


def test_each_pair_shows_once_from_its_newer_record(client, recruiter, pair):
    client.force_login(recruiter)

    page = client.get(reverse("candidate_duplicates")).text

    assert page.count("Review and merge") == 1


def test_the_review_page_pages_by_record_newest_first(recruiter, monkeypatch, db):
    monkeypatch.setattr(merging, "PAGE_SIZE", 2)
    pairs = []
    for number in range(3):
        older = CandidateFactory(email=f"p{number}@mail.example")
        pairs.append((older, CandidateFactory(email=f"P{number}@mail.example")))

    first, before = merging.pairs_to_review()
    second, last = merging.pairs_to_review(before)

    assert list(first) == [pairs[2][1], pairs[1][1]]
    assert [row.duplicates[0].candidate for row in first] == [pairs[2][0], pairs[1][0]]
    assert list(second) == [pairs[0][1]]
    assert last is None


def test_names_of_accents_alone_are_no_name_to_pair_records_by(recruiter, monkeypatch, db):
    """searchable() leaves nothing of a name typed as accents alone: such records are no pair,
    and fill no page of the review ahead of a real one."""
    monkeypatch.setattr(merging, "PAGE_SIZE", 2)
    CandidateFactory(email="p@mail.example")
    newer = CandidateFactory(email="P@mail.example")
    for number in range(3):
        CandidateFactory(name="\u0301", email=f"m{number}@mail.example", phone="0100")

    rows, before = merging.pairs_to_review()

    assert rows == [newer]
    assert before is None


@pytest.mark.parametrize("before", ["abc", "-1", "9" * 40, "١٢", ""])
def test_a_bad_cursor_shows_the_first_page(client, recruiter, pair, before):
    client.force_login(recruiter)

    response = client.get(reverse("candidate_duplicates"), {"before": before})

    assert response.status_code == 200
    assert "Samuel Lee" in response.text


@pytest.mark.parametrize("pairs", [1, 12])
def test_the_review_page_runs_a_bounded_number_of_queries(
    client, recruiter, django_assert_max_num_queries, pairs
):
    for number in range(pairs):
        CandidateFactory(email=f"p{number}@mail.example", name="Kim Lee", phone="0100")
        CandidateFactory(email=f"P{number}@mail.example")
    client.force_login(recruiter)
    client.get(reverse("candidate_duplicates"))  # the organisation's settings, made once

    # Session, user, organisation, the page of records and their older partners.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("candidate_duplicates"))

    assert page.text.count("Review and merge") >= pairs
