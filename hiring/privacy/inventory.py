"""Everything Teamfit holds about a candidate, in one list: the export writes it out, erasure
anonymises it, and tests/privacy/test_inventory.py fails when a model that hangs from a
candidate is missing here, or a field of one (but its keys) is not classed as personal or not."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Exists, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hiring.candidates.merging import holding
from hiring.email.notifications import (
    candidate_day_reminder_keys_of,
    candidate_reminder_keys_of,
    erasure_confirmation_key,
    export_ready_key,
    invite_key,
    keys_starting_any,
    retention_notice_keys_of,
)
from hiring.models import (
    Application,
    ApplicationAnswer,
    AuditEvent,
    Candidate,
    CandidateAccess,
    CandidateEmail,
    CandidateImport,
    CandidateWindow,
    Consent,
    DataExport,
    Decision,
    InterviewSession,
    Invitation,
    Notification,
    Offer,
    Panel,
    Proposal,
    SessionInterviewer,
    SlotOffer,
    StageChange,
)
from hiring.privacy import links
from scorecards.models import (
    CheckIn,
    CheckInRating,
    CheckInReview,
    Feedback,
    FeedbackRevision,
    Rating,
)


@dataclass(frozen=True)
class Holding:
    """A model's rows about a candidate. `personal`: fields holding who they are or what
    someone wrote (erasure empties them, as a new row holds them); `files`: stored files
    (erasure deletes them, the export zips them); `kept`: fields that hold nothing personal,
    the team's record (choices, times, counts, flags), which erasure leaves for its reports.
    The export writes each field whatever its class, but what its reader may not read
    (export.py). `about` says what the rows are, under the export's keys; `words`, the
    fields whose stored value the summary shows in words, by the row's attribute for it
    ((field, attribute) pairs)."""

    model: type
    to_candidate: str
    about: str
    personal: tuple = ()
    files: tuple = ()
    kept: tuple = ()
    words: tuple = ()

    # Rows found by an address of the candidate's, not by a key to their records: erasure
    # reaches them before it blanks the addresses.
    by_address = False

    @property
    def key(self):
        return self.model._meta.model_name

    def rows(self, candidate):
        # Every row, whatever a default manager leaves out (a trainee's practice scorecards).
        return self.model._base_manager.filter(**{self.to_candidate: candidate.pk})


class LedgerHolding(Holding):
    """The notification ledger: its keys name the candidate's address (session invites, as it
    is; the links the privacy page emails again, keyed by it) or an email to them, not the
    candidate's row; Teamfit's own emails to them (their reminders, retention notice, erasure
    confirmations, exports ready) by their records' ids. Each key is looked up whole (their
    retention notices' and reminders' by its start, keys_starting_any: their keys hold a time no
    longer stored), through the ledger's unique index: a search for their address inside a
    million keys takes seconds."""

    by_address = True

    def rows(self, candidate):
        return self.rows_of([candidate])

    def rows_of(self, candidates):
        """The rows of several candidates in one query (retention erases them in batches)."""
        ids = [candidate.pk for candidate in candidates]
        emails = CandidateEmail.objects.filter(application__candidate__in=ids).only("pk")
        keys = [email.ledger_key for email in emails]
        addresses = {
            candidate.pk: [
                address for address in [candidate.email, *candidate.other_emails.split()] if address
            ]
            for candidate in candidates
        }
        keys += [links.ledger_key(address) for found in addresses.values() for address in found]
        # Every notice of theirs, by its key's start: only the latest one's time is stored, and
        # a record never noticed may hold those of a record merged into it (merging.merge).
        starting = [retention_notice_keys_of(candidate.pk) for candidate in candidates]
        applications = Application.objects.filter(candidate__in=ids).values_list("pk", flat=True)
        keys += [erasure_confirmation_key(pk) for pk in applications]
        # Before migration 0070 a reminder was of a day's interviews, keyed by its first's start.
        starting += [candidate_day_reminder_keys_of(pk) for pk in applications]
        exports = DataExport.objects.filter(candidate__in=ids).values_list("pk", flat=True)
        keys += [export_ready_key(pk) for pk in exports]
        sessions = InterviewSession.objects.filter(panel__application__candidate__in=ids)
        for pk, uid, sequence, candidate_id in sessions.values_list(
            "pk", "uid", "sequence", "panel__application__candidate"
        ):
            # An invite's key and a cancellation's at each of the session's sequences
            # (hiring/tasks.py), and its reminders at every start it had (one sent before it
            # moved is keyed by a start no longer known).
            keys += [
                invite_key(uid, number, address, cancellation)
                for number in range(sequence + 1)
                for address in addresses[candidate_id]
                for cancellation in (False, True)
            ]
            starting.append(candidate_reminder_keys_of(pk))
        return Notification.objects.filter(Q(key__in=keys) | keys_starting_any(starting))


# What an import's JSON text holds as itself on both databases: printable ASCII but the quote
# and the backslash. Less a "k", and an "i" before a combining dot: a row's Kelvin sign and
# İ lower-case to them.
NOT_PLAIN = re.compile(r'[^ -~]|["\\k]|i(?=\u0307)')


def _plain_runs(address):
    """The runs of `address` an import listing it holds as they are, in some case (one empty
    run, found in every import, for an address without any)."""
    return [run for run in NOT_PLAIN.split(address) if run] or [""]


class ImportHolding(Holding):
    """An import not yet over (checked, queued or running) keeps its rows, the candidate's
    among them: at their address, or at that of a record merged into theirs since."""

    by_address = True

    def rows(self, candidate):
        addresses = candidate.emails()
        # LIKE reads the rows as JSON text: on SQLite as Django wrote it, a letter past ASCII
        # \u-escaped, on PostgreSQL as jsonb writes it back, the letter as it is; and it takes
        # either case of ASCII letters only. So the database narrows to the imports holding
        # each plain run of an address, and their rows tell (jose@m, ller.example: the rows
        # may say JOSE@M\u00dcLLER.EXAMPLE).
        listing = [
            reduce(and_, [Q(rows__icontains=run) for run in _plain_runs(address)])
            for address in addresses
        ]
        waiting = CandidateImport.objects.filter(status__in=CandidateImport.HOLDING_ROWS)
        narrowed = waiting.filter(reduce(or_, listing, Q(pk__in=[])))
        listed = [
            pk
            for pk, rows in narrowed.values_list("pk", "rows")
            if any(CandidateImport.lists(row, addresses) for row in rows)
        ]
        return waiting.filter(pk__in=listed)


class AddressHolding(Holding):
    """Rows that name the candidate by an address only (`to_candidate` is its field): theirs,
    one of a record merged in, or one a team proposed them at to join it
    (Application.member_email)."""

    by_address = True

    def rows(self, candidate):
        return self.rows_of([candidate])

    def rows_of(self, candidates):
        """The rows of several candidates in one query (retention erases them in batches)."""
        addresses = set().union(*(candidate.emails() for candidate in candidates))
        member_emails = (
            Application.objects.filter(candidate__in=[candidate.pk for candidate in candidates])
            .exclude(member_email="")
            .values("member_email")
        )
        return (
            self.model._base_manager.alias(address=Lower(self.to_candidate))
            .filter(Q(address__in=addresses) | Q(address__in=member_emails))
            .filter(self.scope())
        )

    def scope(self):
        """Which of the rows at their addresses are about the candidate: all, unless told."""
        return Q()


class ProposalHolding(AddressHolding):
    """A team's proposals to add a person without an account, at the candidate's address. Once
    they joined at it (an invitation to that team accepted), it is their account's address,
    and the team's history of its members keeps it."""

    def scope(self):
        joined = Invitation.objects.filter(
            team=OuterRef("team"), email__iexact=OuterRef("email"), accepted_at__isnull=False
        )
        return Q(kind=Proposal.Kind.ADD, subject=None) & ~Exists(joined)


class InvitationHolding(AddressHolding):
    """Invitations to the candidate's address not taken up: an accepted one is a member's."""

    def scope(self):
        return Q(accepted_at=None)


HOLDINGS = (
    Holding(
        Candidate,
        "pk",
        _("Who the candidate is, as they or a recruiter gave it"),
        personal=(
            "name",
            "search_name",
            "email",
            "phone",
            "links",
            "time_zone",
            "language",
            "other_emails",
            "hold_reason",
            # Whether an older record has their email or name: who they are, as those are.
            "has_older_match",
        ),
        files=("resume",),
        # Retention and the legal hold work from these; an erased record keeps when it was.
        kept=(
            "created_at",
            "erased_at",
            "held_at",
            "erasure_requested_at",
            "erasure_started_at",
            "retention_notice_at",
        ),
    ),
    # Its `member`, the account a hire joined their team with, stays: it is the organisation's
    # own member, whose account erasure never reaches, and it is what still tells their own
    # panel's figures from others' once their addresses are gone (reports.validity
    # .own_applications). The export names the member.
    Holding(
        Application,
        "candidate",
        _("Each opening they applied for, its stage and source"),
        personal=("note", "member_email"),
        kept=(
            "decision_rule",
            "source",
            "stage",
            "stage_changed_at",
            "debrief_opened_at",
            "created_at",
            "panel_booked",
            "page_version",
        ),
    ),
    # The question is the team's, as it asked it; the answer is the candidate's.
    Holding(
        ApplicationAnswer,
        "application__candidate",
        _("Their answers to each opening's own questions"),
        personal=("answer",),
        kept=("question_text", "kind", "position"),
        words=(("answer", "shown"),),  # a yes or no by its label
    ),
    Holding(
        StageChange,
        "application__candidate",
        _("Each move between stages, with its time, and why it closed"),
        # Why it closed is counted in the reports, as the moves are; a note may name them.
        personal=("reason_note",),
        kept=("from_stage", "to_stage", "at", "left_at", "reason"),
    ),
    Holding(
        Consent,
        "candidate",
        _("Their agreements to the privacy notice"),
        kept=("notice_version", "purpose", "given_at"),
    ),
    Holding(
        CandidateEmail,
        "application__candidate",
        _("Emails written to them"),
        personal=("to", "subject", "body"),
        kept=("kind", "status", "send_after", "created_at", "sent_at", "cancelled_at"),
    ),
    Holding(
        Offer,
        "application__candidate",
        _("Offers made to them and their answers"),
        personal=("terms", "decline_reason"),
        # The start date too: a hire's check-ins fall due from it.
        kept=(
            "title",
            "status",
            "start_date",
            "expires_at",
            "created_at",
            "sent_at",
            "answered_at",
        ),
    ),
    Holding(
        Panel,
        "application__candidate",
        _("Their interview panels"),
        kept=("back_to_back", "created_at"),
    ),
    Holding(
        InterviewSession,
        "panel__application__candidate",
        _("Their interview sessions and times"),
        kept=(
            "uid",
            "focus",
            "position",
            "duration_minutes",
            "pool_count",
            "start",
            "end",
            "sequence",
            "cancelled_at",
            "announced_start",
        ),
    ),
    Holding(
        SessionInterviewer,
        "session__panel__application__candidate",
        _("Who interviewed them in each session"),
        kept=("shadow", "from_pool", "start", "end"),
    ),
    Holding(
        SlotOffer,
        "panel__application__candidate",
        _("Interview times offered to them"),
        kept=("options", "created_at", "used_at"),
    ),
    # Times to meet, like the sessions': nobody's once the name that went with them is gone.
    Holding(
        CandidateWindow,
        "panel__application__candidate",
        _("Times they proposed for their interviews"),
        kept=("start", "end", "created_at"),
    ),
    Holding(
        Feedback,
        "application__candidate",
        _("Interviewers' scorecards about them"),
        personal=("excuse_reason",),
        kept=("focus", "assigned_at", "submitted_at", "excused_at", "practice"),
    ),
    Holding(
        FeedbackRevision,
        "feedback__application__candidate",
        _("Each submitted scorecard: vote, key takeaways"),
        personal=("takeaways", "amend_reason"),
        kept=("vote", "number", "version", "updated_at", "submitted_at"),
    ),
    Holding(
        Rating,
        "revision__feedback__application__candidate",
        _("Each scorecard's rating and notes per criterion"),
        personal=("notes",),
        kept=("score", "no_evidence"),
    ),
    Holding(
        CheckIn,
        "application__candidate",
        _("Check-ins after their hire, and when"),
        kept=("day", "due_at", "closes_at"),
    ),
    Holding(
        CheckInReview,
        "check_in__application__candidate",
        _("Each colleague's check-in after their hire: would hire again, notes"),
        personal=("notes",),
        kept=("would_hire_again", "updated_at", "submitted_at"),
    ),
    # Scores are numbers about a criterion: kept after erasure, as the scorecards' are, for
    # the team's feedback on which criteria predicted its hires.
    Holding(
        CheckInRating,
        "review__check_in__application__candidate",
        _("Each check-in's score per criterion"),
        kept=("score", "no_evidence"),
    ),
    Holding(
        Decision,
        "application__candidate",
        _("The team's decision on each application"),
        personal=("rationale",),
        kept=("outcome", "recommendation", "recommendation_reasons", "recorded_at", "confirmed_at"),
    ),
    Holding(
        AuditEvent,
        "application__candidate",
        _("What happened to each application, who did it and when"),
        personal=("details",),
        kept=("action", "at"),
    ),
    Holding(
        CandidateAccess,
        "candidate",
        _("Who opened their page, résumé or export, and when"),
        kept=("what", "at"),
    ),
    Holding(
        DataExport,
        "candidate",
        _("Exports of their data"),
        files=("file",),
        kept=(
            "withheld",
            "status",
            "requested_at",
            "progress",
            "finished_at",
            "expires_at",
            "downloaded_at",
        ),
    ),
    LedgerHolding(
        Notification,
        "",
        _("Emails sent to them, by key, so none is sent twice"),
        personal=("key",),
        kept=("created_at", "claimed_at", "attempts", "sent_at"),
    ),
    ImportHolding(
        CandidateImport,
        "",
        _("Imports waiting to run that list them"),
        personal=("rows",),
        kept=(
            "file_name",
            "failure",
            "status",
            "created_at",
            "total",
            "processed",
            "imported",
            "finished_at",
        ),
    ),
    ProposalHolding(
        Proposal,
        "email",
        _("Proposals to add them to a team, at an address of theirs"),
        personal=("email",),
        kept=(
            "rule_before",
            "rule_after",
            "kind",
            "status",
            "membership_rule",
            "created_at",
            "decided_at",
        ),
    ),
    InvitationHolding(
        Invitation,
        "email",
        _("Invitations to join sent to an address of theirs and not taken up"),
        personal=("email",),
        kept=("role", "created_at", "accepted_at", "revoked_at", "declined_at"),
    ),
)


def held_counts(candidate, data):
    """[(holding, how many rows)] of `data`, [(holding, rows)] of `candidate`'s (each holding's
    rows, or what a copy for someone holds of them), counted in one query whatever the number
    of holdings."""
    counts = {
        f"held_{holding.key}": Subquery(
            rows.order_by().annotate(found=Func("pk", function="COUNT")).values("found"),
            output_field=IntegerField(),
        )
        for holding, rows in data
    }
    found = Candidate._base_manager.filter(pk=candidate.pk).values(**counts).get()
    # None: nothing to look for (a ledger without keys of theirs), so no query was made.
    return [(holding, found[f"held_{holding.key}"] or 0) for holding, _rows in data]


def records_holding(address):
    """The records not erased that hold `address`: as their own, or as a record merged in
    (the same person applying again to another team's opening makes a second record)."""
    return list(holding(address).filter(erased_at=None).order_by("pk"))
