"""A copy of everything held about a candidate (inventory.HOLDINGS) as a ZIP a worker builds:
data.json (machine-readable, its keys documented inside), the stored files under files/, and
summary.html to read. It is downloaded through a signed link that works, as often as asked,
until DATA_EXPORT_MAX_AGE_DAYS after the export is ready; its file is deleted then."""

import json
import shutil
import tempfile
import zipfile
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.access import reads_panel_feedback
from scorecards.models import (
    CheckIn,
    CheckInRating,
    CheckInReview,
    Feedback,
    FeedbackRevision,
    Rating,
)

from ..access import events_shown, reads_check_in_reviews, with_shown_details
from ..accounts import zones
from ..checkins.checkins import raters_of, reviews_of
from ..debrief.decisions import panel_feedback
from ..email.notifications import email_to
from ..models import (
    AuditEvent,
    Candidate,
    CandidateAccess,
    CandidateImport,
    DataExport,
    Decision,
    LinkError,
    Organisation,
    unsign,
)
from ..outreach.messages import status_link
from .inventory import HOLDINGS, held_counts, records_holding

Status = DataExport.Status

FORMAT = {"name": "teamfit-candidate-export", "version": 1}
# How data.json writes its values, in words (in the reader's language).
CONVENTIONS = {
    "times": gettext_lazy("ISO 8601, in UTC"),
    "choices": gettext_lazy("an object with the stored value and its label in words"),
    "people": gettext_lazy("Teamfit's users by the name Teamfit shows for them"),
    "records": gettext_lazy(
        "a record of this export by its id; openings, teams and criteria by name"
    ),
    "files": gettext_lazy("the file's path inside this ZIP, or null"),
}

# Held but never exported: a draft is its interviewer's until submitted, and nobody else reads
# it (independence, SPEC principle 2).
NEVER_EXPORTED = {
    FeedbackRevision: models.Q(submitted_at=None),
    Rating: models.Q(revision__submitted_at=None),
    CheckInReview: models.Q(submitted_at=None),
    CheckInRating: models.Q(review__submitted_at=None),
}
# What a staff member's export leaves out of an application whose feedback they may not read
# (independence: scorecards.access.reads_panel_feedback); the candidate's own holds it all.
FEEDBACK_OF_APPLICATIONS = {
    FeedbackRevision: "feedback__application__in",
    Rating: "revision__feedback__application__in",
    CheckInReview: "check_in__application__in",
    CheckInRating: "review__check_in__application__in",
}
# ...and of those applications' decisions, what is derived from the feedback; a decision not
# in force (a second member is to confirm it) is left out whole.
DERIVED_FROM_FEEDBACK = {Decision: ("rationale", "recommendation", "recommendation_reasons")}
# What only staff read: the candidate's own copy leaves it out. Why an interviewer was excused
# is the interviewer's data, not the candidate's (GDPR Art. 15(4)); that they were, when and by
# whom stays, as the copy names each scorecard's interviewer.
STAFF_ONLY = {Candidate: ("held_by", "hold_reason"), Feedback: ("excuse_reason",)}
# ...and the audit events whose details hold it (debrief.decisions.excuse: who, and why).
STAFF_ONLY_EVENTS = {AuditEvent.Action.INTERVIEWER_EXCUSED}
WITHHELD = gettext_lazy(
    "Interviewers' scorecards, check-in reviews and the team's reasoning on applications "
    "%(ids)s are left out: the person who asked for this copy may not read them. The "
    "candidate's own copy, asked for from their link, holds them."
)
# Their files are not zipped: an earlier export is a copy of this same data.
FILES_NOT_ZIPPED = {DataExport}
HELD_MODELS = {holding.model for holding in HOLDINGS}

EXPIRED = gettext_lazy("This download link has expired. Ask for a new copy of the data.")
GONE = gettext_lazy("We no longer hold this export.")
# Downloaded or not, an export downloads until it expires: a second click, or a download cut
# short, must not lose the copy.
DOWNLOADABLE = (Status.READY, Status.DOWNLOADED)


def max_age():
    return timedelta(days=settings.DATA_EXPORT_MAX_AGE_DAYS)


# A candidate's link builds them a copy at most once in this time: each builds an archive of
# every file they hold, and the link takes 30 posts in ten minutes
# (ratelimit.CANDIDATE_POSTS). Staff get a fresh one each time they ask.
OWN_EXPORTS_APART = timedelta(minutes=10)


def exports_under_way(candidate, by=None):
    """The candidate's exports still to build: their own if `by` is None (only their link is
    emailed), else the staff member's own (what it holds depends on who reads it: see
    withheld_applications). A built one holds the data as it was then: staff get a new one,
    and the candidate too once OWN_EXPORTS_APART has passed (built_lately)."""
    return candidate.exports.filter(requested_by=by, status__in=[Status.QUEUED, Status.BUILDING])


def built_lately(candidate):
    """The candidate's own export built less than OWN_EXPORTS_APART ago, if any, downloaded
    or not."""
    return candidate.exports.filter(
        requested_by=None,
        status__in=[Status.READY, Status.DOWNLOADED],
        finished_at__gt=timezone.now() - OWN_EXPORTS_APART,
    ).first()


@transaction.atomic
def request_export(candidate, by=None):
    """(export, created): the export under way for this requester, or for the candidate (`by`
    None) one built lately (built_lately), or else a new one queued, which the caller hands to
    the worker (hiring.privacy.tasks.build_export). ValidationError once they are erased."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)  # two clicks, one
    if candidate.erased_at:  # a page opened before the erasure: nothing of theirs is left
        raise ValidationError(_("This candidate's data was erased: there is nothing to export."))
    under_way = exports_under_way(candidate, by).first()
    if under_way is None and by is None:
        under_way = built_lately(candidate)
    if under_way is not None:
        return under_way, False
    return DataExport.objects.create(candidate=candidate, requested_by=by), True


def request_own_exports(candidate):
    """The candidate's own request, from their link: [(export, created)], a copy of every
    record that holds their address (inventory.records_holding), each emailed to its record's
    address once built."""
    return [request_export(record) for record in records_holding(candidate.email)]


def next_own_export_at(requested):
    """When the candidate may ask for a new copy, if request_own_exports() handed back one
    built lately (`requested`, its answer) rather than start one; else None. On the minute, the
    time shown to them, rounded up: asked for then, a copy is built."""
    built = [data_export.finished_at for data_export, _created in requested]
    built = [finished_at for finished_at in built if finished_at]
    if not built:
        return None
    return zones.next_minute(max(built) + OWN_EXPORTS_APART)


def build(export_id):
    """The worker's part: write the ZIP in a temporary file, moving `progress` as each holding
    is written, then store it and make the export ready. Returns the export, or None when there
    was nothing to do (built already). Of two runs, the first to finish keeps its file."""
    claimed = DataExport.objects.filter(
        pk=export_id, status__in=[Status.QUEUED, Status.BUILDING]
    ).update(status=Status.BUILDING, progress=0)
    if not claimed:
        return None
    export = DataExport.objects.select_related("candidate", "requested_by").get(pk=export_id)
    export.withheld = withheld_applications(export.requested_by, export.candidate)
    with tempfile.TemporaryFile() as archive:
        write_zip(export, archive)
        archive.seek(0)
        name = f"teamfit-data-{timezone.now():%Y-%m-%d}.zip"
        export.file.save(name, File(archive, name=name), save=False)
    now = timezone.now()
    try:
        finished = DataExport.objects.filter(pk=export.pk, status=Status.BUILDING).update(
            status=Status.READY,
            file=export.file.name,
            progress=100,
            finished_at=now,
            expires_at=now + max_age(),
            withheld=export.withheld,
        )
    except Exception:
        DataExport.delete_stored(export.file.name)
        raise
    if not finished:
        DataExport.delete_stored(export.file.name)
        return None
    export.refresh_from_db()
    return export


def fail(export_id):
    DataExport.objects.filter(pk=export_id, status__in=[Status.QUEUED, Status.BUILDING]).update(
        status=Status.FAILED, finished_at=timezone.now()
    )


def write_zip(export, archive):
    """data.json, the files and summary.html of `export`'s candidate, into `archive`, in the
    candidate's language, without the feedback of the applications in `export.withheld`."""
    candidate = export.candidate
    with translation.override(candidate.language_code):
        _write_zip(export, candidate, archive)


def _write_zip(export, candidate, archive):
    now = timezone.now()
    conventions = {key: str(words) for key, words in CONVENTIONS.items()}
    document = {"format": {**FORMAT, "conventions": conventions}, "generated_at": _iso(now)}
    withheld = export.withheld
    ids = ", ".join(f"#{pk}" for pk in withheld)
    document["withheld"] = WITHHELD % {"ids": ids} if withheld else ""
    sections = []
    steps = len(HOLDINGS) + 1  # the summary last
    # The summary reads its times in the candidate's zone, whoever asked for it.
    zone = zoneinfo.ZoneInfo(candidate.zone_name)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped, timezone.override(zone):
        for done, holding in enumerate(HOLDINGS, 1):
            exported = exported_rows(holding, candidate, export.requested_by, withheld)
            rows = [_row(holding, row, zipped) for row in exported]
            plain = [values for values, _ in rows]
            # The candidate's own record is one object; every other holding is a list of rows.
            document[holding.key] = plain[0] if holding.model is Candidate else plain
            sections.append({"holding": holding, "rows": [shown for _, shown in rows]})
            DataExport.objects.filter(pk=export.pk, status=Status.BUILDING).update(
                progress=done * 100 // steps
            )
        document["keys"] = keys()
        zipped.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False))
        context = {
            "candidate": candidate,
            "organisation": Organisation.current(),
            "generated": now,
            "sections": sections,
            "withheld": document["withheld"],
        }
        summary = render_to_string("hiring/privacy/export_summary.html", context)
        zipped.writestr("summary.html", summary)


def keys():
    """What each top-level key of data.json holds."""
    return {
        "format": _("This document's format, its version and conventions"),
        "generated_at": _("When this export was written"),
        "withheld": _("What a staff member's copy leaves out, if anything, and why"),
        **{holding.key: str(holding.about) for holding in HOLDINGS},
        "keys": _("What each key holds: this list"),
    }


def withheld_applications(reader, candidate, made_by=None):
    """Ids of the candidate's applications whose feedback `reader` may not read, the panel's
    or a check-in's reviews (a rater still to submit one that is open reads none); none for
    the candidate themselves (reader None), whose data it is. `made_by`: of those made by then."""
    if reader is None:
        return []
    applications = candidate.applications.order_by("pk")
    if made_by is not None:
        applications = applications.filter(created_at__lte=made_by)
    applications = list(applications)
    # Those with a review to read: one still to come hides nothing.
    check_ins = list(
        CheckIn.objects.filter(application__in=applications, reviews__submitted_at__isnull=False)
        .distinct()
        .select_related("application__opening")
    )
    raters = raters_of(check_ins)
    unread_check_ins = {
        check_in.application_id
        for check_in in check_ins
        if not reads_check_in_reviews(reader, check_in, raters[check_in.pk], reviews_of(check_in))
    }
    return [
        application.pk
        for application in applications
        if application.pk in unread_check_ins
        or not reads_panel_feedback(reader, application, panel_feedback(application))
    ]


def held_for(reader, candidate):
    """[(holding, how many rows)] a copy of `candidate`'s data made for `reader` holds: the
    privacy page's counts, which so tell nobody of what their copy leaves out (a draft, a
    decision waiting for confirmation, its events)."""
    withheld = withheld_applications(reader, candidate)
    data = [(holding, copied_rows(holding, candidate, reader, withheld)) for holding in HOLDINGS]
    return held_counts(candidate, data)


def copied_rows(holding, candidate, reader=None, withheld=()):
    """The rows of `holding` a copy for `reader` (None: the candidate) holds, `withheld` the
    applications whose feedback they may not read: never a draft; of those applications not
    the feedback, nor a decision not in force (a second member is to confirm it), nor a
    decision's own events (the timeline's rule, access.events_shown)."""
    rows = holding.rows(candidate)
    if holding.model in NEVER_EXPORTED:
        rows = rows.exclude(NEVER_EXPORTED[holding.model])
    if holding.model in FEEDBACK_OF_APPLICATIONS:
        rows = rows.exclude(**{FEEDBACK_OF_APPLICATIONS[holding.model]: withheld})
    if holding.model is Decision:
        in_force = models.Q(pk__in=Decision.objects.in_force())
        rows = rows.exclude(models.Q(application__in=withheld) & ~in_force)
    if holding.model is AuditEvent:
        rows = events_shown(rows, withheld)
    return rows


def exported_rows(holding, candidate, reader=None, withheld=()):
    rows = copied_rows(holding, candidate, reader, withheld)
    shown_by_name = [
        field.name
        for field in holding.model._meta.concrete_fields
        if field.is_relation and field.related_model not in HELD_MODELS
    ]
    addresses = candidate.emails()
    for row in rows.select_related(*shown_by_name).order_by("pk"):
        if isinstance(row, CandidateImport):
            # An import lists other people too: only the candidate's own row goes out.
            row.rows = [r for r in row.rows if CandidateImport.lists(r, addresses)]
        elif holding.model in DERIVED_FROM_FEEDBACK and row.application_id in withheld:
            _leave_out(row, DERIVED_FROM_FEEDBACK[holding.model])
        elif holding.model in STAFF_ONLY and reader is None:
            _leave_out(row, STAFF_ONLY[holding.model])
        elif isinstance(row, AuditEvent) and reader is not None:
            # The timeline's own rule for what this reader reads of each event.
            with_shown_details(reader, [row], row.application_id not in withheld)
            row.details = row.shown_details
        elif isinstance(row, AuditEvent) and row.action in STAFF_ONLY_EVENTS:
            _leave_out(row, ["details"])
        yield row


def _leave_out(row, names):
    """Each field of `names` of `row` emptied, for this copy only."""
    for name in names:
        setattr(row, name, row._meta.get_field(name).get_default())


def _row(holding, row, zipped):
    """A row as (plain JSON values by field name, [(label, text, link to a file)] for the
    summary)."""
    plain, shown = {}, []
    words = dict(holding.words)
    for field in holding.model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = _zip_file(holding, row, field, zipped)
            text, link = value or "", value
        else:
            (value, text), link = _value(field, row), None
            if field.name in words:
                text = str(getattr(row, words[field.name]))
        plain[field.name] = value
        shown.append((capfirst(field.verbose_name), text, link))
    return plain, shown


def _value(field, row):
    """A field's plain JSON value and its text for the summary, times in the active zone."""
    value = field.value_from_object(row)
    if field.is_relation:
        if value is None:
            return None, ""
        if field.related_model in HELD_MODELS:
            return value, f"#{value}"
        name = str(getattr(row, field.name))  # a person by display name; an opening by title
        return name, name
    if field.choices:
        label = str(dict(field.flatchoices).get(value, value))
        return {"value": value, "label": label}, label
    if isinstance(value, datetime):
        return _iso(value), zones.shown(value)
    if isinstance(value, date):
        return value.isoformat(), zones.written(value, "j M Y")
    if isinstance(value, dict | list):
        return value, json.dumps(value, indent=2, ensure_ascii=False) if value else ""
    if isinstance(value, bool):
        return value, _("Yes") if value else _("No")
    return value, "" if value is None else str(value)


def _iso(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _zip_file(holding, row, field, zipped):
    """The stored file of `row`'s `field` copied into the ZIP; its path there, or None."""
    stored = getattr(row, field.name)
    if not stored or holding.model in FILES_NOT_ZIPPED or not stored.storage.exists(stored.name):
        return None
    path = f"files/{holding.key}/{row.pk}/{PurePosixPath(stored.name).name}"
    with stored.open("rb") as source, zipped.open(path, "w") as target:
        shutil.copyfileobj(source, target)
    return path


# The download: a signed link, until the export expires


def download_url(export):
    return reverse("export_download", args=[signing.dumps(export.pk, salt=DataExport.SALT)])


def from_token(token):
    """The downloadable export behind a link, or LinkError saying why it can't be used."""
    pk = unsign(
        token,
        DataExport.SALT,
        max_age(),
        expired=EXPIRED,
        invalid=_("This link is not valid. Check that you copied all of it."),
    )
    export = DataExport.objects.select_related("candidate", "requested_by").filter(pk=pk).first()
    if export is None:
        raise LinkError(GONE)
    check_downloadable(export)
    return export


def check_downloadable(export):
    if why := why_not_downloadable(export):
        raise LinkError(why)


def why_not_downloadable(export):
    """Why `export` can't be downloaded now, or None."""
    if export.status == Status.EXPIRED:
        return EXPIRED
    if export.status not in DOWNLOADABLE:
        return _("This export is not ready to download.")
    # A link signed later (a retried email) must not outlive the export itself.
    if export.expires_at <= timezone.now():
        return EXPIRED
    return None


def check_still_readable(export, reader):
    """Independence at the download: a staff export holds the feedback its reader read as it
    was built; one they may no longer read (a scorecard of theirs now to write, a role that
    reads less) makes the copy theirs no longer. The candidate's own holds it all. An
    application made since the copy (they applied again) is in none of it."""
    if reader is None:
        return
    withheld = withheld_applications(reader, export.candidate, made_by=export.finished_at)
    if set(withheld) - set(export.withheld):
        raise LinkError(
            _(
                "This copy holds interviewers' feedback you may no longer read. Ask for a new "
                "copy on the candidate's privacy page."
            )
        )


def take(export, by=None):
    """The export's ZIP as a temporary file, as often as asked until it expires. Each download
    is in the access log (`by` None: the candidate), as any look at their data; the first is
    recorded on the export and in the audit trail. The stored file goes at its expiry
    (expire_due)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export.pk).first()
        if export is None:  # erased meanwhile
            raise LinkError(GONE)
        check_downloadable(export)
        CandidateAccess.record(CandidateAccess.What.EXPORT, by, export.candidate)
        if export.downloaded_at is None:
            export.status, export.downloaded_at = Status.DOWNLOADED, timezone.now()
            export.save(update_fields=["status", "downloaded_at"])
            AuditEvent.record(
                AuditEvent.Action.DATA_EXPORTED,
                by,
                None,
                details=f"Data export #{export.pk} of candidate record #{export.candidate_id} "
                f"downloaded by {'the candidate' if by is None else 'staff'}",
            )
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (the response sends and closes it)
        try:
            with export.file.open("rb") as stored:
                shutil.copyfileobj(stored, copy)
        except FileNotFoundError as error:  # deleted by its expiry meanwhile: nothing recorded
            copy.close()
            raise LinkError(EXPIRED) from error
        copy.seek(0)
    return copy


def expire_due():
    """Polled by beat: ready exports past their expiry become expired, and the file of every
    export no longer to download goes (downloaded or not). Returns how many files were
    deleted."""
    now = timezone.now()
    DataExport.objects.filter(status=Status.READY, expires_at__lte=now).update(
        status=Status.EXPIRED
    )
    downloadable = models.Q(status__in=DOWNLOADABLE, expires_at__gt=now)
    spent = DataExport.objects.exclude(downloadable).exclude(file="")
    files = list(spent.values_list("pk", "file"))
    for export_id, name in files:
        DataExport.delete_stored(name)
        DataExport.objects.filter(pk=export_id, file=name).update(file="")
    return len(files)


def ready_email(export):
    """The email telling the candidate their export is ready, with its link, in their zone."""
    candidate = export.candidate
    latest = candidate.applications.first()
    context = {
        "candidate": candidate,
        "organisation": Organisation.current(),
        "download_url": download_url(export),
        "expires_at": export.expires_at,
        "status_url": status_link(latest) if latest else "",
    }
    return email_to("data_export_ready", candidate, context)
