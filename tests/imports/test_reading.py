"""Reading another ATS's CSV export: plain Python, no database."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hiring.imports.imports import MAX_COLUMNS, read_csv

from .conftest import LEVER

pytestmark = pytest.mark.plain_data


def values(text):
    return [row["values"] for row in read_csv(text.encode()).rows]


def test_it_reads_a_lever_export_and_lists_the_columns_left_out():
    table = read_csv(LEVER.encode())
    assert table.rows[0] == {
        "line": 2,
        "values": {
            "name": "Lia Lever",
            "email": "lia@example.com",
            "phone": "+44 20 7946 0000",
            "links": "https://linkedin.com/in/lia",
        },
    }
    assert table.rows[1]["values"]["phone"] == ""
    assert table.ignored == ["Stage", "Owner"]
    assert table.fallbacks == []


def test_a_second_column_of_the_same_kind_is_read_where_the_first_is_empty_and_listed():
    table = read_csv(
        b"Name,Email,Personal Email,LinkedIn,GitHub\n"
        b"Ada,ada@work.example,ada@home.example,https://in.example/ada,https://gh.example/ada\n"
        b"Bo,,bo@home.example,,\n"
    )

    assert [row["values"]["email"] for row in table.rows] == [
        "ada@work.example",
        "bo@home.example",
    ]
    assert table.rows[0]["values"]["links"] == "https://in.example/ada\nhttps://gh.example/ada"
    assert table.fallbacks == ["Personal Email"]  # the links columns are all read


def test_it_joins_first_and_last_names_as_greenhouse_exports_them():
    text = (
        "Candidate ID,First Name,Last Name,Email Address,Phone,Website,LinkedIn\n"
        "11,Gia,Green,gia@example.com,555,https://gia.dev,https://linkedin.com/in/gia\n"
    )
    assert values(text) == [
        {
            "name": "Gia Green",
            "email": "gia@example.com",
            "phone": "555",
            "links": "https://gia.dev\nhttps://linkedin.com/in/gia",
        }
    ]


def test_it_reads_ashby_and_workable_headers():
    ashby = "Name,Email,Phone Number,LinkedIn URL\nAsh By,ash@example.com,1,https://a.dev\n"
    workable = (
        "name,email,phone,resume link,headline\nWo Kable,wo@example.com,2,https://w.dev,Dev\n"
    )
    assert values(ashby)[0]["phone"] == "1"
    assert values(ashby)[0]["links"] == "https://a.dev"
    assert values(workable)[0] == {
        "name": "Wo Kable",
        "email": "wo@example.com",
        "phone": "2",
        "links": "https://w.dev",
    }


def test_several_links_in_one_cell_become_lines():
    text = 'Name,Email,Links\nLia,lia@example.com,"https://a.dev, https://b.dev"\n'
    assert values(text)[0]["links"] == "https://a.dev\nhttps://b.dev"


def test_it_reads_excels_byte_order_mark_and_semicolons():
    text = "\ufeffName;Email;Phone\r\nZoé Dupont;zoe@example.com;+33 1 23\r\n"
    assert values(text) == [
        {"name": "Zoé Dupont", "email": "zoe@example.com", "phone": "+33 1 23", "links": ""}
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_it_reads_excels_unicode_text_in_utf_16_with_its_byte_order_mark(encoding):
    # Excel's "Unicode Text": tab-separated UTF-16, its NUL bytes those of every ASCII letter.
    text = "Name\tEmail\r\nZoé Dupont\tzoe@example.com\r\n"
    if encoding == "utf-16-be":
        text = "\ufeff" + text  # "utf-16" writes the byte order mark itself
    assert [row["values"] for row in read_csv(text.encode(encoding)).rows] == [
        {"name": "Zoé Dupont", "email": "zoe@example.com", "phone": "", "links": ""}
    ]


def test_the_delimiter_is_the_one_between_the_header_cells_not_one_quoted_in_them():
    table = read_csv(
        'Name;Email;"Tags (one, two, or more)"\n"Dupont, Zoé";zoe@example.com;"a, b"\n'.encode()
    )
    assert [row["values"]["name"] for row in table.rows] == ["Dupont, Zoé"]
    assert table.ignored == ["Tags (one, two, or more)"]


def test_excels_line_naming_the_delimiter_is_read_and_numbered_as_excel_shows_it():
    table = read_csv(b"sep=;\r\nName;Email\r\nZo\xc3\xa9, Dupont;zoe@example.com\r\n")
    assert table.rows == [
        {
            "line": 2,
            "values": {"name": "Zoé, Dupont", "email": "zoe@example.com", "phone": "", "links": ""},
        }
    ]


def test_quoted_cells_keep_their_commas_and_blank_rows_are_skipped_but_counted():
    # A spreadsheet shows the empty line as row 4, so Jo is on its row 5.
    text = 'Name,Email\n"Doe, Jane",jane@example.com\n,\n\nJo,jo@example.com\n'
    table = read_csv(text.encode())
    assert [row["values"]["name"] for row in table.rows] == ["Doe, Jane", "Jo"]
    assert [row["line"] for row in table.rows] == [2, 5]


def test_blank_rows_before_the_header_are_skipped_and_counted():
    table = read_csv(b"\n  \n,,\nName,Email\nJo,jo@example.com\n")
    assert [(row["line"], row["values"]["name"]) for row in table.rows] == [(5, "Jo")]


def test_a_multi_line_cell_is_one_row():
    text = (
        'Name,Email,Links\nJo,jo@example.com,"https://a.dev\nhttps://b.dev"\nAl,al@example.com,\n'
    )
    assert [row["line"] for row in read_csv(text.encode()).rows] == [2, 3]


def test_a_short_row_is_read_with_its_missing_cells_blank():
    assert values("Name,Email,Phone\nJo,jo@example.com\n")[0]["phone"] == ""


def test_empty_cells_past_the_header_at_the_end_of_a_row_are_nothing_to_refuse():
    # Some exports end every row with a delimiter, and not the header.
    table = read_csv(b"Name;Email\r\nJo;jo@example.com;\r\nAl;al@example.com; ;\r\n")
    assert [row["values"]["email"] for row in table.rows] == ["jo@example.com", "al@example.com"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "not a CSV file"),
        ("Name,Email\nJo,jo@example.com\n".encode("utf-32"), "not a CSV file"),
        ("Name,Email\nJosé,j@example.com\n".encode("latin-1"), "not UTF-8"),
        (b"Name,Phone\nJo,1\n", "no email column"),
        (b"Email,Phone\njo@example.com,1\n", "no name column"),
        (b"Name,Email\n", "no candidates"),
        (b"Name,Email\nJo,jo@example.com,extra,cells\n", "Row 2 has more cells than the header"),
        (b"\n\n", "no email column"),
    ],
)
def test_a_file_that_is_not_a_candidate_csv_is_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        read_csv(data)


def test_too_many_rows_are_refused(settings):
    settings.CANDIDATE_IMPORT_MAX_ROWS = 2
    rows = "".join(f"P{n},p{n}@example.com\n" for n in range(3))
    with pytest.raises(ValidationError, match="more than 2 candidates"):
        read_csv(f"Name,Email\n{rows}".encode())
    assert len(read_csv(f"Name,Email\n{rows[: rows.index('P2')]}".encode()).rows) == 2


def test_a_header_wider_than_any_export_is_refused():
    """Each row is read column by column, and a header of a million empty cells fits in the
    file size: the width is bounded, at the header, far above any real export's."""
    header = "Name,Email" + "," * (MAX_COLUMNS - 2)
    assert len(read_csv(f"{header}\nJo,jo@example.com\n".encode()).rows) == 1
    with pytest.raises(ValidationError, match=f"more than {MAX_COLUMNS} columns"):
        read_csv(f"{header},\nJo,jo@example.com\n".encode())


def test_a_cell_past_the_csv_field_limit_is_refused():
    with pytest.raises(ValidationError, match="A cell is longer than 131072 characters"):
        read_csv(b"Name,Email\n" + b"x" * 200_000 + b",jo@example.com\n")


def test_a_quote_left_open_is_told():
    with pytest.raises(ValidationError, match="check that every quote in the file is closed"):
        read_csv(b'Name,Email\n"Jo,jo@example.com\n' + b"Al,al@example.com\n" * 8000)


def test_german_headers_are_read_as_their_english_ones():
    [row] = values(
        "Vorname;Nachname;E-Mail-Adresse;Telefon;Links\n"
        "Jörg;Weiß;joerg@example.de;+49 30 1234567;https://joerg.example\n"
    )

    assert row == {
        "name": "Jörg Weiß",
        "email": "joerg@example.de",
        "phone": "+49 30 1234567",
        "links": "https://joerg.example",
    }


def test_german_headers_are_read_whatever_the_readers_language():
    with translation.override("de"):
        [german] = values("Name,E-Mail,Telefon\nJo,jo@example.com,+49 1\n")
    [english] = values("Name,E-Mail,Telefon\nJo,jo@example.com,+49 1\n")

    assert german == english
    assert english["phone"] == "+49 1"


def test_a_missing_column_names_the_headers_not_understood():
    with pytest.raises(ValidationError) as refused:
        read_csv(b"Nom,Courriel,Phone\nJo,jo@example.com,1\n")

    assert refused.value.messages == [
        "The file has no email column: the header row needs Email or Email Address.",
        "Columns not understood: Nom, Courriel.",
    ]
