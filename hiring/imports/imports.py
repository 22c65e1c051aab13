"""Candidates from another ATS's CSV export: read with the csv module in the request, every row
checked by the candidate form's own rules in a worker (5,000 rows take seconds) and shown, then
imported by a worker, every valid row or none."""

import codecs
import csv
import functools
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from .. import freshness
from ..candidates import merging
from ..models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateImport,
    Opening,
    StageChange,
    all_turns,
    refresh_older_matches,
)
from ..pipeline.applications import FILLED_IF_BLANK, check_open
from ..pipeline.forms import CandidateForm
from ..reports import figures

logger = logging.getLogger(__name__)

FIELDS = ("name", "email", "phone", "links")

# Column names as Greenhouse, Lever, Ashby and Workable export them (and the plain ones),
# lower-cased, punctuation read as spaces, and as translated into each language Teamfit
# speaks (header_kinds()). Several link columns are all kept.
COLUMNS = {
    gettext_noop("name"): "name",
    gettext_noop("full name"): "name",
    gettext_noop("candidate name"): "name",
    gettext_noop("candidate"): "name",
    gettext_noop("first name"): "first_name",
    gettext_noop("given name"): "first_name",
    gettext_noop("last name"): "last_name",
    gettext_noop("family name"): "last_name",
    gettext_noop("surname"): "last_name",
    gettext_noop("email"): "email",
    gettext_noop("email address"): "email",
    gettext_noop("e mail"): "email",
    gettext_noop("candidate email"): "email",
    gettext_noop("personal email"): "email",
    gettext_noop("phone"): "phone",
    gettext_noop("phone number"): "phone",
    gettext_noop("phone numbers"): "phone",
    gettext_noop("mobile"): "phone",
    gettext_noop("mobile phone"): "phone",
    gettext_noop("telephone"): "phone",
    gettext_noop("linkedin"): "links",
    gettext_noop("linkedin url"): "links",
    gettext_noop("linkedin profile"): "links",
    gettext_noop("website"): "links",
    gettext_noop("websites"): "links",
    gettext_noop("link"): "links",
    gettext_noop("links"): "links",
    gettext_noop("resume link"): "links",
    gettext_noop("resume url"): "links",
    gettext_noop("portfolio"): "links",
    gettext_noop("github"): "links",
    gettext_noop("social media"): "links",
}
DELIMITERS = (",", ";", "\t")
# The line Excel reads the delimiter from ("sep=;"), first in the file: it shows no row for it.
SEP_LINE = re.compile(r"sep=([^\r\n\"])(?:\r\n|\r|\n)", re.IGNORECASE)
# Far wider than any ATS's or spreadsheet's export of candidates: each row is read column by
# column within the request, so the width bounds its work (a header of a million empty cells
# fits in the file size).
MAX_COLUMNS = 500
# Rows checked (and progress written) at a time, and the size of the IN lists they query.
CHUNK_ROWS = 200

NOT_CSV = gettext_lazy(
    "This is not a CSV file. Export the candidates as CSV (UTF-8) and upload that."
)


@dataclass
class Table:
    """A file's candidate rows, [{"line": n, "values": {...}}], the columns left out, and
    those read only where an earlier column of the same kind is empty (a second email, say)."""

    rows: list
    ignored: list
    fallbacks: list = field(default_factory=list)


def read_csv(data):
    """The candidate rows of a CSV export's bytes, or a ValidationError saying what is wrong
    with the file. Row 1 is the header: `line` is a row's number as a spreadsheet shows it."""
    text = _text(data)
    if named := SEP_LINE.match(text):
        text, delimiter = text[named.end() :], named[1]
    else:
        delimiter = _delimiter(text)
    headers = None
    rows = []
    for line, cells in _records(text, delimiter):
        if not "".join(cells).strip():
            continue  # a blank row, before the header too; it still counts as a row
        if headers is None:
            if len(cells) > MAX_COLUMNS:
                raise ValidationError(
                    _(
                        "This file has more than %(columns)s columns. Delete the empty and "
                        "unused ones (keep the name, email, phone and links) and upload it again."
                    )
                    % {"columns": MAX_COLUMNS}
                )
            headers = cells
            columns = _columns(headers)
            read = [(index, column) for index, column in enumerate(columns) if column]
            continue
        # Cells past the header's width: a cell's comma left unquoted, which shifts the row;
        # empty ones, a delimiter some exports end every row with.
        if "".join(cells[len(headers) :]).strip():
            raise ValidationError(
                _(
                    "Row %(line)s has more cells than the header row. Check that the file is "
                    "one table with a header row, and that cells with commas are quoted."
                )
                % {"line": line}
            )
        if len(rows) == settings.CANDIDATE_IMPORT_MAX_ROWS:
            raise ValidationError(
                _("This file has more than %(rows)s candidates: split it and import each part.")
                % {"rows": settings.CANDIDATE_IMPORT_MAX_ROWS}
            )
        rows.append({"line": line, "values": _values(read, cells)})
    if headers is None:
        _columns([])  # says which column is missing
    if not rows:
        raise ValidationError(_("This file has a header row but no candidates."))
    ignored, fallbacks, read = [], [], set()
    for header, column in zip(headers, columns, strict=True):
        if column is None:
            ignored.append(header.strip())
        elif column in read and column != "links":  # every link column is read in full
            fallbacks.append(header.strip())
        read.add(column)
    return Table(rows, [header for header in ignored if header], fallbacks)


def _text(data):
    """The text of a file in UTF-8 (Excel's "CSV UTF-8" starts with a byte order mark), or in
    UTF-16 with its byte order mark (Excel's "Unicode Text", whose every ASCII letter has a
    NUL byte); a ValidationError for anything else."""
    utf_16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode("utf-16" if utf_16 else "utf-8-sig")
    except UnicodeDecodeError:
        if b"\0" in data:
            raise ValidationError(NOT_CSV) from None
        raise ValidationError(
            _("This file is not UTF-8 text. Export it as CSV (UTF-8) and upload it again.")
        ) from None
    if "\0" in text:  # a binary file, or UTF-32 (a UTF-16 mark and then NULs)
        raise ValidationError(NOT_CSV)
    return text


def _delimiter(text):
    """The delimiter between the cells (spreadsheets in many languages write ";"): of those
    DELIMITERS, the one whose header row, read as CSV, names the most columns we read, then
    has the most cells. A delimiter quoted in a header ("Tags (one, two)" in a file of ";") is
    no delimiter, as its count in the row took it to be."""
    return max(DELIMITERS, key=lambda delimiter: _header_read_with(text, delimiter))


def _header_read_with(text, delimiter):
    """(columns we read, cells) of the header row, the first not blank, read with `delimiter`."""
    known = header_kinds()
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if "".join(cells).strip():
                named = sum(_plain(cell) in known for cell in cells[: MAX_COLUMNS + 1])
                return named, len(cells)
    except csv.Error:
        pass  # told as the file is read with the delimiter chosen
    return 0, 0


def _records(text, delimiter):
    """(row number as a spreadsheet shows it, cells) for each row of the file, blank rows
    included: a spreadsheet shows them, so the numbers of the rows after them stay right."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as error:
        # The csv module tells an overlong cell only by its message; in a file that is at
        # most a few megabytes, it is a quote left open, which runs to the end of the file.
        if "field larger than field limit" in str(error):
            raise ValidationError(
                _(
                    "A cell is longer than %(limit)s characters: check that every quote in "
                    "the file is closed."
                )
                % {"limit": csv.field_size_limit()}
            ) from None
        raise ValidationError(
            _("This file could not be read as CSV: %(error)s.") % {"error": error}
        ) from None


@functools.cache
def header_kinds():
    """Plain header -> what it names: COLUMNS, and each of its names as translated into each
    of settings.LANGUAGES (a spreadsheet or ATS set to German writes "Vorname", "E-Mail",
    "Telefon"); an English name wins over a translation that reads the same."""
    kinds = dict(COLUMNS)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for header, kind in COLUMNS.items():
                kinds.setdefault(_plain(translation.gettext(header)), kind)
    return kinds


def _columns(headers):
    """What each header names (None: a column left out), or a ValidationError when the
    email or the name is missing, naming the headers not understood."""
    known = header_kinds()
    columns = [known.get(_plain(header)) for header in headers]
    missing = None
    if "email" not in columns:
        missing = _("The file has no email column: the header row needs Email or Email Address.")
    elif "name" not in columns and "first_name" not in columns:
        missing = _(
            "The file has no name column: the header row needs Name, or First Name and Last Name."
        )
    if missing is None:
        return columns
    unknown = [
        header.strip()[:LONGEST_HEADER_NAMED]
        for header, column in zip(headers, columns, strict=True)
        if column is None and header.strip()
    ]
    if unknown:
        missing = [missing, _("Columns not understood: %(columns)s.") % {"columns": named(unknown)}]
    raise ValidationError(missing)


# How much of a header a message names: a header may be a cell of thousands of characters.
LONGEST_HEADER_NAMED = 60
# Columns a message names: a file of 100,000 columns made a message of 700 KB.
COLUMNS_NAMED = 20


def named(columns):
    """`columns`, the first COLUMNS_NAMED of them and how many more."""
    listed = ", ".join(columns[:COLUMNS_NAMED])
    if len(columns) <= COLUMNS_NAMED:
        return listed
    return _("%(columns)s and %(more)s more") % {
        "columns": listed,
        "more": len(columns) - COLUMNS_NAMED,
    }


def _plain(header):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(header).lower()).split())


def _values(read, cells):
    """A row's candidate, from the cells of the columns `read` ([(index, kind)], in order): a
    short row's missing cells are blank, and the columns left out are never looked at."""
    found = dict.fromkeys(["name", "first_name", "last_name", "email", "phone"], "")
    links = []
    for index, column in read:
        if index >= len(cells):
            break
        if column == "links":
            links.append(cells[index])
        elif not found[column]:
            found[column] = cells[index].strip()
    links = [link for link in re.split(r"[\s,]+", " ".join(links)) if link]
    name = found["name"] or " ".join(filter(None, [found["first_name"], found["last_name"]]))
    return {
        "name": name,
        "email": found["email"],
        "phone": found["phone"],
        "links": "\n".join(links),
    }


def check_rows(opening, rows, seen):
    """`rows` with their "errors" by field: the candidate form's, an email seen earlier in the
    file or another address of the record it would join (`seen`: that record's id, else the
    lower-cased email -> (line, email), filled as it goes, so rows can come in chunks), and an
    email that already applied to `opening`; and "kept_name", the name of the team's record a
    row joins when it is not the row's (the record keeps its own)."""
    forms = [CandidateForm(data=row["values"]) for row in rows]
    # The addresses as the form keeps them (canonical_email), not as typed: a cell of
    # "dana@ＭÜLLER.example" is the record of dana@müller.example, as the import then finds.
    emails = [form.cleaned_data["email"] for form in forms if "email" not in form.errors]
    applied = applied_emails(opening, emails)
    # Two addresses of one record would both apply it to the opening, which takes it once.
    records = _candidates_by_email(emails, opening.team_id)
    names = dict(Candidate.objects.filter(pk__in=records.values()).values_list("pk", "name"))
    checked = []
    for row, form in zip(rows, forms, strict=True):
        errors = {name: list(messages) for name, messages in form.errors.items()}
        values = row["values"]
        if not errors:
            values = {name: form.cleaned_data[name] for name in FIELDS}
        if "email" not in errors:
            email = form.cleaned_data["email"].lower()
            person = records.get(email, email)
            line, seen_email = seen.get(person, (None, None))
            if seen_email == email:
                errors["email"] = [_("Also on row %(line)s of this file.") % {"line": line}]
            elif seen_email:
                errors["email"] = [
                    _("Row %(line)s has this candidate at another of their addresses.")
                    % {"line": line}
                ]
            elif email in applied:
                errors["email"] = [_("Already applied to this opening.")]
            else:
                seen[person] = (row["line"], email)
        checked.append({"line": row["line"], "values": values, "errors": errors})
        kept = names.get(records.get(email)) if "email" not in errors else None
        if kept is not None and kept != values["name"]:
            # The row joins the team's record, which keeps its name: the preview says so.
            checked[-1]["kept_name"] = kept
    return checked


def applied_emails(opening, emails):
    """Which of `emails` (lower-cased) already applied to `opening`: a record's own address, or
    that of a record merged into it."""
    applied = Candidate.objects.filter(applications__opening=opening)
    return {address for address, _candidate_id in merging.held(emails, applied)}


def problems(row):
    """A checked row's errors, each with the name of its field."""
    return [
        f"{CandidateForm.base_fields[field].label}: {message}" if field in FIELDS else message
        for field, messages in row["errors"].items()
        for message in messages
    ]


def valid_rows(rows):
    return [row for row in rows if not row["errors"]]


def _chunks(items):
    return [items[start : start + CHUNK_ROWS] for start in range(0, len(items), CHUNK_ROWS)]


def upload(opening, by, file_name, table):
    """Keep the rows of `table` for the worker to check (check()): nothing lands yet. Each
    upload stands on its own: one in another tab, or the next part of a file split in two,
    leaves the earlier ones' previews as they were (unrun, they expire: expire_unrun()). The
    caller hands it to the worker (hiring.imports.tasks.check_import)."""
    check_open(opening)
    return CandidateImport.objects.create(
        opening=opening,
        created_by=by,
        file_name=PurePath(file_name).name.replace("\n", " ")[:200],
        rows=table.rows,
        total=len(table.rows),
        status=CandidateImport.Status.CHECKING,
    )


def check(import_id):
    """The worker's check of an upload's every row, a chunk at a time outside any transaction,
    each chunk's progress committed for its page to show; then the rows, checked, wait for
    their author to look at them and start the import. None when there is nothing to check
    (checked already, expired or failed)."""
    Status = CandidateImport.Status
    candidate_import = (
        CandidateImport.objects.select_related("opening").filter(pk=import_id).first()
    )
    if candidate_import is None or candidate_import.status != Status.CHECKING:
        return None
    checking = CandidateImport.objects.filter(pk=import_id, status=Status.CHECKING)
    try:
        check_open(candidate_import.opening)
    except ValidationError as error:
        fail(import_id, _("%(failure)s Nothing was imported.") % {"failure": error.messages[0]})
        return None
    seen = {}
    rows = []
    for chunk in _chunks(candidate_import.rows):
        rows += check_rows(candidate_import.opening, chunk, seen)
        if not checking.update(processed=len(rows)):
            return None  # expired or failed meanwhile: no use going on
    with transaction.atomic():
        still = _lines_still_held(checking)
        if still is None:
            return None
        rows = [row for row in rows if row["line"] in still]
        checking.update(status=Status.PREVIEW, rows=rows, total=len(rows), processed=0)
    return len(rows)


def start(candidate_import):
    """Queue a checked import; False if it is still being checked, or queued or over already,
    a ValidationError if it expired unrun. The caller hands it to the worker
    (hiring.imports.tasks.run_import)."""
    Status = CandidateImport.Status
    check_open(candidate_import.opening)
    this = CandidateImport.objects.filter(pk=candidate_import.pk)
    queued = 0
    # Only a preview's rows carry the check's errors: those still being checked have none yet.
    if candidate_import.status == Status.PREVIEW:
        ready = len(valid_rows(candidate_import.rows))
        if not ready:
            raise ValidationError(
                _("No row of this file is ready to import: correct it and upload it.")
            )
        queued = this.filter(status=Status.PREVIEW).update(
            status=Status.QUEUED, total=ready, processed=0
        )
    # Asked after the update: the retention run may have expired it since the page read it.
    if not queued and this.filter(status=Status.EXPIRED).exists():
        raise ValidationError(expired_message())
    return bool(queued)


def expired_message():
    """What an expired import's page says, and a start of it is refused with."""
    days = settings.CANDIDATE_IMPORT_PREVIEW_DAYS
    return ngettext(
        "This import was not run within %(days)s day of its upload, so its rows were deleted "
        "and nothing was imported. Upload the file again to import it.",
        "This import was not run within %(days)s days of its upload, so its rows were deleted "
        "and nothing was imported. Upload the file again to import it.",
        days,
    ) % {"days": days}


def expire_unrun(now):
    """Imports their author has not run within CANDIDATE_IMPORT_PREVIEW_DAYS of the upload lose
    their rows (candidates' data with no purpose left) and say they expired; the record of the
    upload stays. Queued and running ones are the worker's, left alone; one still checking
    then was lost by it. Returns how many expired."""
    cutoff = now - timedelta(days=settings.CANDIDATE_IMPORT_PREVIEW_DAYS)
    Status = CandidateImport.Status
    return CandidateImport.objects.filter(
        status__in=[Status.CHECKING, Status.PREVIEW], created_at__lte=cutoff
    ).update(status=CandidateImport.Status.EXPIRED, rows=[], finished_at=now)


def back_to_preview(candidate_import):
    """A queued import the worker was never handed (the broker did not answer), checked as
    it was, to start again."""
    CandidateImport.objects.filter(
        pk=candidate_import.pk, status=CandidateImport.Status.QUEUED
    ).update(status=CandidateImport.Status.PREVIEW, total=len(candidate_import.rows))


class ImportFailed(Exception):
    pass


def run(import_id):
    """The worker's part: check the valid rows again, writing progress as it goes, then write
    them all in one transaction. Nothing is written if any of them fails. Returns how many
    candidates were imported, or None when there was nothing to do (run already)."""
    Status = CandidateImport.Status
    # A run the worker lost (RUNNING) starts again: nothing of it was written.
    claimed = CandidateImport.objects.filter(
        pk=import_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.RUNNING, processed=0)
    if not claimed:
        return None
    candidate_import = CandidateImport.objects.select_related("opening", "created_by").get(
        pk=import_id
    )
    try:
        return _write(candidate_import, _check_again(candidate_import))
    except ImportFailed as failure:
        fail(import_id, _("%(failure)s Nothing was imported.") % {"failure": failure})
    except ValidationError as error:
        fail(
            import_id,
            _("%(failure)s Nothing was imported.") % {"failure": " ".join(error.messages)},
        )
    except IntegrityError:
        logger.warning("Candidate import %s refused by the database", import_id, exc_info=True)
        fail(
            import_id,
            _(
                "Some of these candidates applied to this opening while the import ran. "
                "Nothing was imported: upload the file again to see which."
            ),
        )
    except DatabaseError:
        logger.exception("Candidate import %s failed", import_id)
        fail(import_id, _("The database refused the import. Nothing was imported: try again."))
    return None


def fail(import_id, message):
    Status = CandidateImport.Status
    CandidateImport.objects.filter(
        pk=import_id, status__in=[Status.CHECKING, Status.QUEUED, Status.RUNNING]
    ).update(
        status=CandidateImport.Status.FAILED,
        failure=message,
        rows=[],
        finished_at=timezone.now(),
    )


def _check_again(candidate_import):
    """The rows valid at the preview, checked again a chunk at a time outside any
    transaction, so that each chunk's progress commits and the web process shows it."""
    rows = valid_rows(candidate_import.rows)
    seen = {}
    checked = []
    for chunk in _chunks(rows):
        for row in check_rows(candidate_import.opening, chunk, seen):
            if row["errors"]:
                raise ImportFailed(
                    _("Row %(line)s changed since the check (%(problem)s).")
                    % {"line": row["line"], "problem": problems(row)[0]}
                )
            checked.append(row)
        CandidateImport.objects.filter(pk=candidate_import.pk).update(processed=len(checked))
    return checked


def _write(candidate_import, rows):
    """Every checked row's candidate (one holding its email, merged records' included, is
    reused), its application from the import in Applied, and the audit, in one transaction."""
    opening, by = candidate_import.opening, candidate_import.created_by
    now = timezone.now()
    # Every writer of candidates waits for the import, and it for them (one lock, however many
    # rows): a careers application of a new address in another opening of the team finds the
    # import's record, or the import theirs.
    with transaction.atomic(), all_turns():
        # Of two runs only one writes (the other waits here, then finds it done).
        still = _lines_still_held(
            CandidateImport.objects.filter(
                pk=candidate_import.pk, status=CandidateImport.Status.RUNNING
            )
        )
        if still is None:
            return None
        rows = [row["values"] for row in rows if row["line"] in still]
        CandidateImport.objects.filter(pk=candidate_import.pk).update(
            status=CandidateImport.Status.DONE,
            processed=len(rows),
            imported=len(rows),
            rows=[],
            finished_at=now,
        )
        # Locked for its rule: a rule change waits for these applications, or they for it.
        opening = (
            Opening.objects.select_for_update(of=("self",))
            .select_related("team")
            .get(pk=opening.pk)
        )
        check_open(opening)
        existing = _candidates_by_email([row["email"] for row in rows], opening.team_id)
        _fill_blanks(rows, existing)
        new = [
            Candidate(**row, created_at=now) for row in rows if row["email"].lower() not in existing
        ]
        Candidate.objects.bulk_create(new, batch_size=CHUNK_ROWS)
        refresh_older_matches([(candidate.email, candidate.search_name) for candidate in new])
        existing.update({candidate.email.lower(): candidate.pk for candidate in new})
        rule = opening.rule_snapshot()
        applications = Application.objects.bulk_create(
            [
                Application(
                    candidate_id=existing[row["email"].lower()],
                    opening=opening,
                    source=Application.Source.IMPORTED,
                    stage=Application.Stage.APPLIED,
                    stage_changed_at=now,
                    created_at=now,
                    decision_rule=rule,
                )
                for row in rows
            ],
            batch_size=CHUNK_ROWS,
        )
        StageChange.objects.bulk_create(
            [
                StageChange(application=application, to_stage=application.stage, by=by, at=now)
                for application in applications
            ],
            batch_size=CHUNK_ROWS,
        )
        AuditEvent.record(
            AuditEvent.Action.CANDIDATES_IMPORTED,
            by,
            opening.team,
            details=f"{len(rows)} candidates from {candidate_import.file_name}",
        )
        # bulk_create sends no signal: the board and the reports learn of the new cards here.
        freshness.team_changed([opening.team_id])
        figures.outdated(opening.team_id, [now])
    return len(rows)


def _fill_blanks(rows, records):
    """What is blank on the team's records that `rows` join (`records`: lower-cased email ->
    id) filled in from them, as a second application fills it in (FILLED_IF_BLANK): a phone
    in the file is not lost on a record without one. Their names stay (check_rows says so)."""
    filled = [name for name in FILLED_IF_BLANK if name in FIELDS]
    joined = {row["email"].lower(): row for row in rows if row["email"].lower() in records}
    found = Candidate.objects.in_bulk([records[email] for email in joined])
    changed = {}
    for email, row in joined.items():
        record = found[records[email]]
        for name in filled:
            if row[name] and not getattr(record, name):
                setattr(record, name, row[name])
                changed[record.pk] = record
    # A phone or links pair records of one name as possible duplicates: the update marks them.
    Candidate.objects.bulk_update(changed.values(), filled, batch_size=CHUNK_ROWS)


def _lines_still_held(found):
    """The lines of the rows the import `found` (a queryset of it) still holds, its row locked
    until the transaction ends, or None if it is not found: a candidate erased since the rows
    were read lost their row (privacy.erasure), which must not come back."""
    held = found.select_for_update().values_list("rows", flat=True).first()
    return None if held is None else {row["line"] for row in held}


def _candidates_by_email(emails, team_id):
    """Lower-cased email -> the id of the earliest candidate holding it (its own, or that of a
    record merged into it) that no other team than `team_id`'s holds
    (Candidate.objects.held_only_by): a file must not bring another team's candidate, and what
    it holds, into this one (a recruiter merges the two records)."""
    found = {}
    for address, pk in merging.held(emails, Candidate.objects.held_only_by(team_id)):
        found[address] = min(pk, found.get(address, pk))
    return found
