"""Uploading a CSV: every row checked and shown beside its errors, nothing stored but the
check."""

import html
import re

import pytest
from django.urls import reverse

from hiring.imports.imports import MAX_COLUMNS
from hiring.models import Application, Candidate, CandidateImport, Opening
from tests.factories import ApplicationFactory, CandidateFactory, OpeningFactory

from .conftest import LEVER, upload


def row_html(response, line):
    found = re.search(rf'<tr id="row-{line}">(.*?)</tr>', response.content.decode(), re.DOTALL)
    return found.group(1)


def test_a_member_uploads_and_sees_every_row_checked(client, member, opening):
    client.force_login(member)
    response = upload(client, opening, LEVER)
    candidate_import = CandidateImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", args=[candidate_import.pk])
    assert candidate_import.status == CandidateImport.Status.PREVIEW
    assert candidate_import.total == 2
    assert candidate_import.created_by == member

    page = client.get(response["Location"])
    assert "Columns left out: Stage, Owner." in page.content.decode()
    assert "lia@example.com" in row_html(page, 2)
    assert "Ready" in row_html(page, 3)
    assert "Import 2 valid rows" in page.content.decode()


def test_nothing_lands_at_the_preview(client, recruiter, opening):
    client.force_login(recruiter)
    upload(client, opening, LEVER)
    assert Candidate.objects.count() == 0
    assert Application.objects.count() == 0


def test_each_row_shows_its_own_errors_beside_it(client, member, opening):
    ApplicationFactory(opening=opening, candidate=CandidateFactory(email="Taken@Example.com"))
    client.force_login(member)
    text = (
        "Name,Email,Links\n"
        "Ok Person,ok@example.com,https://ok.dev\n"
        ",not-an-email,javascript:alert(1)\n"
        "Again,OK@example.com,\n"
        "Taken,taken@example.com,\n"
    )
    page = client.get(upload(client, opening, text)["Location"])
    assert "Ready" in row_html(page, 2)
    bad = row_html(page, 3)
    assert "Name: This field is required." in bad
    assert "Email: Enter a valid email address." in bad
    assert "Links: Line 1 is not a web link" in bad
    assert "Email: Also on row 2 of this file." in row_html(page, 4)
    assert "Email: Already applied to this opening." in row_html(page, 5)
    assert "1 ready to import" in page.content.decode()
    assert "3 with problems" in page.content.decode()
    assert "Import 1 valid row<" in page.content.decode()


def test_the_rows_keep_their_checked_values(client, member, opening):
    client.force_login(member)
    upload(
        client, opening, "Name,Email,Links\n  Jo  , jo@example.com ,https://a.dev  https://b.dev\n"
    )
    [row] = CandidateImport.objects.get().rows
    assert row == {
        "line": 2,
        "values": {
            "name": "Jo",
            "email": "jo@example.com",
            "phone": "",
            "links": "https://a.dev\nhttps://b.dev",
        },
        "errors": {},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a CSV file"),
        (b"", "The submitted file is empty."),
        (b"Name,Phone\nJo,1\n", "no email column"),
        (b"Nom,Courriel\nJo,jo@example.com\n", "Columns not understood: Nom, Courriel."),
    ],
)
def test_a_bad_file_gets_an_error_on_the_form_and_nothing_stored(
    client, member, opening, data, message
):
    client.force_login(member)
    response = upload(client, opening, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CandidateImport.objects.count() == 0


def test_an_oversized_file_is_refused_before_it_is_read(client, member, opening, settings):
    settings.CANDIDATE_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(member)
    response = upload(client, opening, "Name,Email\n" + "Jo,jo@example.com\n" * 70_000)
    assert response.status_code == 400
    assert "This file is too large: at most 1 MB." in response.content.decode()
    assert CandidateImport.objects.count() == 0


def test_a_header_wider_than_any_export_is_refused_beside_the_file(client, member, opening):
    """Within the size and row limits, a header of 2 million empty cells over short rows had
    each row padded to its width and read cell by cell in the request: 30 rows took 11 s."""
    data = "Name,Email" + "," * 100_000 + "\n" + "Jo,jo@example.com\n" * 30
    client.force_login(member)

    response = upload(client, opening, data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": [
            f"This file has more than {MAX_COLUMNS} columns. Delete the empty and unused ones "
            "(keep the name, email, phone and links) and upload it again."
        ]
    }
    assert CandidateImport.objects.count() == 0


def test_too_many_rows_are_refused_on_the_form(client, member, opening, settings):
    settings.CANDIDATE_IMPORT_MAX_ROWS = 1
    client.force_login(member)
    response = upload(client, opening, LEVER)
    assert response.status_code == 400
    assert "more than 1 candidates" in response.content.decode()
    assert CandidateImport.objects.count() == 0


def test_a_closed_opening_takes_no_import(client, member, opening):
    opening.status = Opening.Status.CLOSED
    opening.save()
    client.force_login(member)
    response = upload(client, opening, LEVER)
    assert response.status_code == 400
    assert "closed to new applications" in response.content.decode()


def test_an_upload_in_another_tab_leaves_the_first_preview_to_run(
    client, member, opening, django_capture_on_commit_callbacks
):
    client.force_login(member)
    first = upload(client, opening, LEVER, name="first.csv")["Location"]
    upload(client, opening, "Name,Email\nZoe Later,zoe@example.com\n", name="second.csv")

    page = client.get(first)

    assert page.status_code == 200
    assert "Import 2 valid rows" in page.content.decode()
    first_import = CandidateImport.objects.get(file_name="first.csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start", args=[first_import.pk]))
    first_import.refresh_from_db()
    assert first_import.status == CandidateImport.Status.DONE
    assert set(opening.applications.values_list("candidate__email", flat=True)) == {
        "lia@example.com",
        "max@example.com",
    }


def test_the_file_name_is_its_name_alone(client, member, opening):
    client.force_login(member)
    upload(client, opening, LEVER, name="../../etc/lever.csv")
    assert CandidateImport.objects.get().file_name == "lever.csv"


def test_the_preview_page_costs_the_same_queries_for_many_rows(
    client, member, opening, django_assert_max_num_queries
):
    client.force_login(member)
    rows = "".join(f"Person {n},p{n}@example.com\n" for n in range(300))
    location = upload(client, opening, f"Name,Email\n{rows}")["Location"]
    with django_assert_max_num_queries(8):
        page = client.get(location)
    assert "Import 300 valid rows" in page.content.decode()


def test_it_checks_ownership(client, outsider, opening):
    client.force_login(outsider)
    assert client.get(reverse("import_new", args=[opening.pk])).status_code == 404
    assert upload(client, opening, LEVER).status_code == 404


def test_a_member_of_another_team_cannot_open_an_import(client, member, outsider, opening):
    client.force_login(member)
    location = upload(client, opening, LEVER)["Location"]
    client.force_login(outsider)
    assert client.get(location).status_code == 404
    import_id = CandidateImport.objects.get().pk
    response = client.post(reverse("import_start", args=[import_id]))
    assert response.status_code == 404
    assert CandidateImport.objects.get().status == CandidateImport.Status.PREVIEW


def test_leadership_reads_but_does_not_run_pipelines(client, leadership, opening):
    client.force_login(leadership)
    assert client.get(reverse("import_new", args=[opening.pk])).status_code == 404


def test_a_recruiter_imports_into_any_team(client, recruiter):
    opening = OpeningFactory()
    client.force_login(recruiter)
    assert client.get(reverse("import_new", args=[opening.pk])).status_code == 200


def test_the_opening_links_to_the_import_for_those_who_run_its_pipeline(
    client, member, outsider, leadership, opening
):
    url = reverse("import_new", args=[opening.pk])
    client.force_login(member)
    assert url in client.get(opening.get_absolute_url()).content.decode()
    client.force_login(leadership)
    assert url not in client.get(opening.get_absolute_url()).content.decode()


def test_the_preview_says_which_columns_are_read_only_where_an_earlier_one_is_empty(
    client, member, opening
):
    client.force_login(member)
    upload(client, opening, "Name,Email,Personal Email\nAda,ada@work.example,ada@home.example\n")

    page = client.get(reverse("import_detail", args=[CandidateImport.objects.get().pk]))

    assert (
        "Read only where an earlier column of the same kind is empty: Personal Email."
        in page.content.decode()
    )


def test_a_file_of_many_columns_left_out_names_twenty_and_counts_the_rest(client, member, opening):
    """A header of 100,000 columns came back whole in the message: 700 KB."""
    extra = [f"Extra {number}" for number in range(MAX_COLUMNS - 2)]
    client.force_login(member)

    response = upload(client, opening, ",".join(["Name", "Email", *extra]) + "\nLia,lia@x.io\n")

    message = client.get(response["Location"]).content.decode()
    assert f"Columns left out: {', '.join(extra[:20])} and {len(extra) - 20} more." in message
    assert "Extra 20," not in message


def test_a_file_never_brings_another_teams_candidate_into_this_one(
    client, member, opening, django_capture_on_commit_callbacks
):
    """Luca applied to another team: importing his address makes a record of this team's,
    not an application on his (which would open what he gave that team to this one)."""
    luca = ApplicationFactory(candidate__email="luca@candidates.example").candidate
    client.force_login(member)
    upload(client, opening, "Name,Email\nLuca B,luca@candidates.example\n")
    candidate_import = CandidateImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_start", args=[candidate_import.pk]))

    imported = Application.objects.get(opening=opening)
    assert imported.candidate != luca
    assert imported.candidate.email == "luca@candidates.example"
    assert luca.applications.count() == 1


def test_a_long_file_is_previewed_a_page_at_a_time_its_problems_on_their_own(
    client, member, opening
):
    """5,000 rows made a preview page of 2 MB."""
    people = [f"Person {number},person{number}@example.com" for number in range(250)]
    people[180] = "Person 180,not an address"
    client.force_login(member)
    response = upload(client, opening, "Name,Email\n" + "\n".join(people) + "\n")

    first = client.get(response["Location"])
    text = first.content.decode()
    assert text.count('<tr id="row-') == 100
    assert "250 rows" in text
    assert "249 ready to import" in text
    assert "Page 1 of 3" in text
    third = client.get(response["Location"], {"show": "all", "page": 3}).content.decode()
    assert third.count('<tr id="row-') == 50
    assert '<tr id="row-251">' in third

    problems = client.get(response["Location"], {"show": "problems"})
    assert re.findall(r'<tr id="row-(\d+)">', problems.content.decode()) == ["182"]
    assert "Enter a valid email address." in row_html(problems, 182)


def test_a_german_export_keeps_its_phone_numbers(client, member, opening):
    client.force_login(member)
    text = "Vorname;Nachname;E-Mail;Telefon\nJörg;Weiß;joerg@example.de;+49 30 1234567\n"

    upload(client, opening, text)

    [row] = CandidateImport.objects.get().rows
    assert row["values"]["name"] == "Jörg Weiß"
    assert row["values"]["phone"] == "+49 30 1234567"
    assert row["errors"] == {}


def test_a_row_joining_the_teams_record_under_another_name_says_it_keeps_its_name(
    client, member, opening
):
    ApplicationFactory(
        opening__team=opening.team,
        candidate__name="José Núñez",
        candidate__email="jose@example.com",
    )
    client.force_login(member)

    location = upload(client, opening, "Name,Email\nJose Nunez,JOSE@example.com\n")["Location"]

    [row] = CandidateImport.objects.get().rows
    assert row["kept_name"] == "José Núñez"
    page = html.unescape(client.get(location).content.decode())
    assert "Joins the team's record of this address, which keeps its name, “José Núñez”." in page


def test_a_row_of_the_records_own_name_says_nothing_of_it(client, member, opening):
    ApplicationFactory(
        opening__team=opening.team, candidate__name="Ana K", candidate__email="ana@example.com"
    )
    client.force_login(member)

    upload(client, opening, "Name,Email\nAna K,ana@example.com\n")

    [row] = CandidateImport.objects.get().rows
    assert "kept_name" not in row


def test_an_address_typed_another_way_is_checked_as_the_address_it_names(client, member, opening):
    # Full-width and decomposed, as the careers form keeps it: dana@müller.example.
    ApplicationFactory(opening=opening, candidate__email="dana@müller.example")
    ApplicationFactory(
        opening__team=opening.team, candidate__name="Jürgen K", candidate__email="jk@müller.example"
    )
    client.force_login(member)

    upload(client, opening, "Name,Email\nDana,dana@ＭÜLLER.example\nJ K,jk@mu\u0308ller.example\n")

    applied, joining = CandidateImport.objects.get().rows
    assert applied["errors"] == {"email": ["Already applied to this opening."]}
    assert joining["kept_name"] == "Jürgen K"
