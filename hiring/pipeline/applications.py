"""Openings, candidates and applications: the pipeline a team hires through."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.editing import copy_scorecard

from .. import freshness
from ..access import (
    get_application_for_pipeline,
    get_applications_for_pipeline,
    pipeline_applications,
)
from ..candidates.merging import holding
from ..models import (
    LONGEST_REASON_NOTE,
    REJECTION_REASONS,
    WITHDRAWAL_REASONS,
    Application,
    AuditEvent,
    Candidate,
    CandidateEmail,
    ChangedMeanwhile,
    ClosingReason,
    Opening,
    StageChange,
    StageCount,
    refuse_if_saved_since,
    stored_words,
    take_turns,
    validate_single_line,
    version_of,
)
from ..outreach import automation, messages
from ..scheduling import booking

Stage = Application.Stage
# Why a closed application no longer moves, a sentence for each closed stage: its label is a
# noun in some languages, so it is not put inside one sentence.
CLOSED = {
    Stage.DECIDED: gettext_lazy("This application is decided."),
    Stage.OFFER: gettext_lazy("This application waits for its offer."),
    Stage.HIRED: gettext_lazy("This application is hired."),
    Stage.REJECTED: gettext_lazy("This application is rejected."),
    Stage.WITHDRAWN: gettext_lazy("This application is withdrawn."),
}

# What a move by hand to a stage that closes the application chooses its reason from.
REASONS_BY_HAND = {Stage.REJECTED: REJECTION_REASONS, Stage.WITHDRAWN: WITHDRAWAL_REASONS}
# Asked of such a move without one of them, a sentence for each stage (as CLOSED).
REASON_WANTED = {
    Stage.REJECTED: gettext_lazy("Choose why this application is rejected."),
    Stage.WITHDRAWN: gettext_lazy("Choose why this application is withdrawn."),
}

# How many applications of each stage an opening's page lists, the latest first: the rest are
# on the board, which pages them, so the page keeps its size however many apply.
OPENING_PAGE_ROWS = 20


def opening_stages(opening):
    """[(stage, its latest OPENING_PAGE_ROWS applications with their feedback counted, how many
    it holds)] for every stage. The totals are the counts the database keeps (StageCount)."""
    totals = dict(StageCount.objects.filter(opening=opening).values_list("stage", "applications"))
    newest_first = [F("created_at").desc(), F("pk").desc()]
    latest = opening.applications.annotate(
        row=Window(RowNumber(), partition_by=F("stage"), order_by=newest_first)
    ).filter(row__lte=OPENING_PAGE_ROWS)
    # A join does not go through Feedback's manager: practice scorecards are left out here.
    counted = Q(feedback__practice=False)
    shown = (
        Application.objects.filter(pk__in=latest.values("pk"))
        .select_related("candidate")
        .annotate(
            assigned=Count("feedback", filter=counted, distinct=True),
            submitted=Count(
                "feedback", filter=counted & Q(feedback__submitted_at__isnull=False), distinct=True
            ),
        )
        .order_by(*newest_first)
    )
    by_stage = {stage: [] for stage in Stage}
    for application in shown:
        by_stage[application.stage].append(application)
    return [(stage, listed, totals.get(stage, 0)) for stage, listed in by_stage.items()]


@freshness.one_write()
def create_opening(team, template, by, **fields):
    """An opening with its own copy of a library scorecard, which the team can then adapt;
    audited, with the template it was copied from."""
    opening = Opening(team=team, **fields)
    opening.scorecard = copy_scorecard(template, name=f"{fields['title']} scorecard")
    opening.save()
    AuditEvent.record(
        AuditEvent.Action.OPENING_CREATED,
        by,
        team,
        details=f"“{opening.title}”, its scorecard copied from “{template.name}”",
    )
    return opening


# What its edit page changes.
OPENING_FIELDS = ["title", "description", "status"]


def opening_version(opening):
    """The version of `opening` its edit page carries, to tell on saving whether someone saved
    it since (edit_opening)."""
    return version_of(getattr(opening, name) for name in OPENING_FIELDS)


@freshness.one_write()
def edit_opening(opening, fields, by, based_on=None):
    """Save the title, description and status of `opening` from `fields`, audited when they
    change. `based_on`: the version (opening_version()) the edit page showed; when someone saved
    another since, ChangedMeanwhile, nothing saved (a colleague who closed it would find it
    open again)."""
    # Its team for the audit event; its row alone locked.
    opening = (
        Opening.objects.select_for_update(of=("self",)).select_related("team").get(pk=opening.pk)
    )
    refuse_if_saved_since(
        opening,
        OPENING_FIELDS,
        fields,
        based_on,
        _(
            "Someone saved this opening after you opened this page. Your text is below, not "
            "saved, and the opening as it is now under it: save again to replace it with "
            "yours."
        ),
    )
    changes = _opening_changes(opening, fields)
    for name in OPENING_FIELDS:
        setattr(opening, name, fields[name])
    opening.save(update_fields=OPENING_FIELDS)
    if changes:
        AuditEvent.record(
            AuditEvent.Action.OPENING_CHANGED,
            by,
            opening.team,
            details=f"“{fields['title']}”: {'; '.join(changes)}",
        )
    return opening


def _opening_changes(opening, fields):
    """What `fields` change of `opening`, for the audit trail in the stored language: the title
    and status before → after, the description only as changed (it is long)."""
    changes = []
    if fields["title"] != opening.title:
        changes.append(f"title “{opening.title}” → “{fields['title']}”")
    if fields["status"] != opening.status:
        with stored_words():
            before, after = (
                Opening.Status(opening.status).label,
                Opening.Status(fields["status"]).label,
            )
            changes.append(f"status {before} → {after}")
    if fields["description"] != opening.description:
        changes.append("description changed")
    return changes


@dataclass(frozen=True)
class Addition:
    """What adding someone to an opening by hand did (add_application())."""

    application: Application
    # They were on the opening already: nothing was added, this is their application.
    already: bool
    # The team's record they joined is named otherwise than the form said: it keeps its name
    # (its other applications know them by it), and the one typed is not stored.
    kept_name: str = ""
    # The résumé chosen was not stored: the record they were added as holds one already.
    resume_kept: bool = False


@transaction.atomic
def add_application(opening, by, **candidate_fields):
    """`candidate_fields`' person added to `opening` by `by` (applicant()). Added again (the
    form sent twice, or someone who applied already), the application already there, said so
    (Addition.already)."""
    with applicant(opening, candidate_fields) as (application, candidate, stored):
        already = application is not None
        if not already:
            application = start_application(candidate, opening, by)
        record = application.candidate
        typed = candidate_fields["name"].strip()
        kept = record.name if record.name != typed else ""
        resume_kept = bool(candidate_fields.get("resume")) and not (stored or already)
        return Addition(application, already, kept, resume_kept)


# What a second application fills in on the candidate we already hold, when it is blank there.
FILLED_IF_BLANK = ["phone", "links", "time_zone", "language", "resume"]


@contextmanager
def applicant(opening, fields):
    """Who `fields` (a candidate's) bring to `opening`, yielded in a transaction: the opening
    locked, so that a form sent twice finds the first application, and the team's turn with the
    address taken, so that two first applications to two of its openings find one record.
    Their application to it if they have one (whatever the case of their email, or as a record
    merged into theirs), else the candidate to apply: the first holding the email that no other
    team holds, what is blank on it filled in from `fields`, or a new one. Anyone may send a
    form with anyone's address: it must neither add to nor open another team's record (a
    recruiter merges the two, hiring/candidates/merging.py). Yields (application, None, None)
    or (None, candidate, the name of the résumé file it stored, if any); that file is deleted
    again if the transaction rolls back (the database forgets its name, so the storage must
    forget it)."""
    stored = []
    try:
        with transaction.atomic():
            application, candidate = _applicant(opening, fields, stored)
            yield application, candidate, stored[0] if stored else None
    except BaseException:
        for name in stored:
            Candidate._meta.get_field("resume").storage.delete(name)
        raise


def _applicant(opening, fields, stored):
    """applicant()'s finding; the résumé file it stores named in `stored`."""
    # Not the opening's lock: two openings of the team may each be applied to at once. First,
    # as every writer of candidates takes its turn (an import's write waits for the find).
    take_turns([f"applicant:{opening.team_id}:{fields['email'].strip().lower()}"])
    locked = Opening.objects.select_for_update().get(pk=opening.pk)
    check_open(locked)
    # The application about to start takes the rule in force now, under the lock a rule change
    # takes too (hiring.debrief.rules), not the one `opening` was read with before.
    for name in Opening.RULE_FIELDS:
        setattr(opening, name, getattr(locked, name))
    with_email = holding(fields["email"]).order_by("pk")
    application = opening.applications.filter(candidate__in=with_email).first()
    if application is not None:
        return application, None
    # Locked, and read again once an erasure under way committed: what this fills in on an
    # erased record would be held, unerased, under "Erased candidate".
    joined = with_email.held_only_by(opening.team_id).select_for_update(of=("self",))
    candidate = joined.filter(erased_at=None).first()
    if candidate is None:
        candidate = Candidate(**{**fields, "email": fields["email"].strip()})
        if candidate.resume:
            _store_resume(candidate, stored)
        candidate.save()
        return None, candidate
    blanks = [name for name in FILLED_IF_BLANK if fields.get(name) and not getattr(candidate, name)]
    for name in blanks:
        setattr(candidate, name, fields[name])
    if "resume" in blanks:
        _store_resume(candidate, stored)
    if blanks:
        candidate.save(update_fields=blanks)
    return None, candidate


def _store_resume(candidate, stored):
    """Store the résumé chosen for `candidate` before its row is written, its name in
    `stored`: a save stores it before its insert or update, and were that to fail, applicant()
    would not know the file to delete."""
    resume = candidate.resume
    resume.save(resume.name, resume.file, save=False)
    stored.append(resume.name)


def check_open(opening):
    if opening.status != Opening.Status.OPEN:
        raise ValidationError(_("This opening is closed to new applications."))


def start_application(candidate, opening, by, **fields):
    """`candidate`'s application to `opening`, in Applied from its first recorded move; `fields`
    are the application's own (source, referred_by, note)."""
    application = Application.objects.create(candidate=candidate, opening=opening, **fields)
    StageChange.objects.create(application=application, to_stage=application.stage, by=by)
    return application


@freshness.one_write()
def move_stage(application, stage, by, seen="", reason="", reason_note=""):
    """Move by hand between the stages people may set; decisions set the others. `seen`: the
    stage the page showed it in, if it says. A move to Rejected or Withdrawn says why:
    `reason` and `reason_note` (closing_reason())."""
    # Its opening and team come along: the move's audit event and its signals read them; its
    # candidate too, for the board's card of the application as moved (board.one_card).
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "opening__team")
        .get(pk=application.pk)
    )
    return _move(application, stage, by, seen, reason, reason_note)


@freshness.one_write()
def move_stage_as(user, application_id, stage, seen="", reason="", reason_note=""):
    """move_stage() by `user` of the application `application_id`, where they run its pipeline
    (else Http404): one read, locked, for both. Returns it moved and the stage it left."""
    application = get_application_for_pipeline(user, application_id, locked=True)
    moved_from = application.stage
    return _move(application, stage, user, seen, reason, reason_note), moved_from


def _may_be_refused(application, stage):
    """Whether stages_by_hand(), a query, is needed: the panel, the debrief and withdrawn are
    always open to a move by hand, and so is a move between applied and screen."""
    screening = Application.BEFORE_INTERVIEWS
    if stage in (Stage.PANEL, Stage.DEBRIEF, Stage.WITHDRAWN):
        return False
    return not (stage in screening and application.stage in screening)


def closing_reason(stage, reason, note):
    """The reason and note a move by hand to `stage` records: none on a move that does not
    close the application; on one that does, a reason of REASONS_BY_HAND[stage] and, for
    "other", a note, else ValidationError by field. The note is the note without the spaces
    around it."""
    if stage not in REASONS_BY_HAND:
        return "", ""
    if reason not in REASONS_BY_HAND[stage]:
        raise ValidationError({"reason": str(REASON_WANTED[stage])})
    note = note.strip()
    try:
        validate_single_line(note)
        MaxLengthValidator(LONGEST_REASON_NOTE)(note)
    except ValidationError as error:
        raise ValidationError({"reason_note": error.messages}) from None
    if reason == ClosingReason.OTHER and not note:
        raise ValidationError({"reason_note": _("Say why in a note: the reason is “Other”.")})
    return reason, note


def _move(application, stage, by, seen, reason="", reason_note=""):
    """move_stage() of `application`, locked, read with its candidate, opening and team."""
    if stage not in [*Application.MANUAL_STAGES, Stage.REJECTED]:
        raise ValidationError(_("Only the team's decision moves an application to that stage."))
    if seen and seen != stage == application.stage:
        return application  # the same move twice (a double click) is made once, closing too
    if application.is_closed:
        closed = CLOSED.get(application.stage)
        if closed is None:
            stage = application.get_stage_display().lower()
            closed = _("This application is %(stage)s.") % {"stage": stage}
        raise ValidationError(str(closed))
    if seen and seen != application.stage != stage:
        raise ValidationError(
            _(
                "Someone moved %(candidate)s to %(stage)s after this page was opened: they "
                "stay there. Move them again from there if they should go on."
            )
            % {"candidate": application.candidate, "stage": application.get_stage_display()}
        )
    if _may_be_refused(application, stage) and stage not in application.stages_by_hand():
        if stage == Stage.REJECTED and application.interviews_count():
            raise ValidationError(_("After the interviews, only the team's decision rejects."))
        if stage == Stage.REJECTED:  # no interview counts yet: the screen may still reject it
            raise ValidationError(
                _(
                    "Past the screen, only the team's decision rejects. No interview counts "
                    "yet: move it back to the screen to reject it there."
                )
            )
        raise ValidationError(
            _("Its interviews have begun: it goes back no further than the panel.")
        )
    reason, reason_note = closing_reason(stage, reason, reason_note)
    from_stage = application.stage
    application.move_to(stage, by, reason=reason, reason_note=reason_note)
    automation.after_move(application, from_stage)
    if application.is_closed:  # withdrawn, or rejected at the screen
        booking.cancel_upcoming(application, by)
    return application


# The most applications rejected together, listed on one page and sent in one request: each is
# a move of its own, and all of them one transaction.
MOST_REJECTED_AT_ONCE = 100


def rejectable(user, stage, team, opening, now):
    """The applications at `stage` whose pipeline `user` runs (of `team`, of `opening`, where
    given), those longest in it first, with their whole days in it at `now`: at most
    MOST_REJECTED_AT_ONCE, and whether more wait."""
    found = pipeline_applications(user).filter(stage=stage)
    if team:
        found = found.filter(opening__team_id=team)
    if opening:
        found = found.filter(opening_id=opening)
    found = list(found.order_by("stage_changed_at", "pk")[: MOST_REJECTED_AT_ONCE + 1])
    for application in found:
        application.days_in_stage = (now - application.stage_changed_at).days
    return found[:MOST_REJECTED_AT_ONCE], len(found) > MOST_REJECTED_AT_ONCE


@freshness.one_write()
def reject_many(user, application_ids, seen_stage, reason, note, send_emails):
    """Reject each of the applications `application_ids` the page showed at `seen_stage`, each
    move as one by hand (_move: its history with the reason, audit event, cancelled panels,
    rejection email), all or none: Http404 if `user` may not run one; ValidationError by field
    for the reason or note (closing_reason()); ChangedMeanwhile, its `current` those no longer
    at `seen_stage`, if someone moved or closed any since. `send_emails`: each rejection email
    goes out after the undo delay, not awaiting a confirmation. Returns the applications."""
    if len(set(application_ids)) > MOST_REJECTED_AT_ONCE:
        too_many = _("Choose at most %(most)s applications.") % {"most": MOST_REJECTED_AT_ONCE}
        raise ValidationError({"applications": too_many})
    chosen = get_applications_for_pipeline(user, application_ids, locked=True)
    reason, note = closing_reason(Stage.REJECTED, reason, note)
    moved = [application for application in chosen if application.stage != seen_stage]
    if moved:
        raise ChangedMeanwhile(
            _(
                "Someone moved or closed these applications after this page was opened: nothing "
                "was rejected. They are no longer chosen; reject the others again."
            ),
            current=moved,
        )
    for application in chosen:
        _move(application, Stage.REJECTED, user, seen_stage, reason, note)
    if send_emails:
        # The rejection emails _move queued, awaiting a confirmation this request gives.
        waiting = CandidateEmail.objects.filter(
            application__in=chosen, status=CandidateEmail.Status.AWAITING_CONFIRMATION
        )
        for email in waiting:
            messages.confirm(email)
    return chosen
