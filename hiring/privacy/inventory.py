"""Everything Teamfit holds about a candidate, in one list: the export writes it out, erasure
anonymises it, and tests/test_privacy_inventory.py fails when a model that hangs from a
candidate is missing here, or a text field of one is not classed as personal or not."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hiring.models import (
    Application,
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
    Notification,
    Offer,
    Panel,
    SessionInterviewer,
    SlotOffer,
    StageChange,
)
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
    someone wrote (erasure blanks them); `files`: stored files (erasure deletes them, the
    export zips them); `kept`: text fields that hold nothing personal, and why is `about`."""

    model: type
    to_candidate: str
    about: str
    personal: tuple = ()
    files: tuple = ()
    kept: tuple = ()

    @property
    def key(self):
        return self.model._meta.model_name

    def rows(self, candidate):
        # Every row, whatever a default manager leaves out (a trainee's practice scorecards).
        return self.model._base_manager.filter(**{self.to_candidate: candidate.pk})


class LedgerHolding(Holding):
    """The notification ledger: its keys name the candidate's address (session invites) or
    an email to them, not the candidate's row. Each key is looked up whole, through the
    ledger's unique index: a search for their address inside a million keys takes seconds."""

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
        sessions = InterviewSession.objects.filter(panel__application__candidate__in=ids)
        for uid, sequence, candidate_id in sessions.values_list(
            "uid", "sequence", "panel__application__candidate"
        ):
            # An invite's key at each of the session's sequences (hiring/tasks.py).
            keys += [
                f"invite:{uid}:{number}:{address}"
                for number in range(sequence + 1)
                for address in addresses[candidate_id]
            ]
        return Notification.objects.filter(key__in=keys)


class ImportHolding(Holding):
    """A checked import not yet run keeps its rows, the candidate's among them."""

    def rows(self, candidate):
        return CandidateImport.objects.filter(status=CandidateImport.Status.PREVIEW).filter(
            rows__icontains=candidate.email
        )


HOLDINGS = (
    Holding(
        Candidate,
        "pk",
        _("Who the candidate is, as they or a recruiter gave it"),
        personal=(
            "name",
            "email",
            "phone",
            "links",
            "time_zone",
            "language",
            "other_emails",
            "hold_reason",
        ),
        files=("resume",),
    ),
    Holding(
        Application,
        "candidate",
        _("Each opening they applied for, its stage and source"),
        personal=("note", "member_email"),
        kept=("decision_rule",),
    ),
    Holding(StageChange, "application__candidate", _("Each move between stages, with its time")),
    Holding(
        Consent,
        "candidate",
        _("Their agreements to the privacy notice"),
        kept=("notice_version",),
    ),
    Holding(
        CandidateEmail,
        "application__candidate",
        _("Emails written to them"),
        personal=("to", "subject", "body"),
    ),
    Holding(
        Offer,
        "application__candidate",
        _("Offers made to them and their answers"),
        personal=("terms", "decline_reason"),
        kept=("title",),
    ),
    Holding(Panel, "application__candidate", _("Their interview panels")),
    Holding(
        InterviewSession,
        "panel__application__candidate",
        _("Their interview sessions and times"),
        kept=("uid",),
    ),
    Holding(
        SessionInterviewer,
        "session__panel__application__candidate",
        _("Who interviewed them in each session"),
    ),
    Holding(
        SlotOffer,
        "panel__application__candidate",
        _("Interview times offered to them"),
        kept=("options",),
    ),
    Holding(
        CandidateWindow,
        "panel__application__candidate",
        _("Times they proposed for their interviews"),
    ),
    Holding(
        Feedback,
        "application__candidate",
        _("Interviewers' scorecards about them"),
        personal=("excuse_reason",),
    ),
    Holding(
        FeedbackRevision,
        "feedback__application__candidate",
        _("Each submitted scorecard: vote, key takeaways"),
        personal=("takeaways", "amend_reason"),
    ),
    Holding(
        Rating,
        "revision__feedback__application__candidate",
        _("Each scorecard's rating and notes per criterion"),
        personal=("notes",),
    ),
    Holding(CheckIn, "application__candidate", _("Check-ins after their hire, and when")),
    Holding(
        CheckInReview,
        "check_in__application__candidate",
        _("Each colleague's check-in after their hire: would hire again, notes"),
        personal=("notes",),
    ),
    # Scores are numbers about a criterion: kept after erasure, as the scorecards' are, for
    # the team's feedback on which criteria predicted its hires.
    Holding(
        CheckInRating,
        "review__check_in__application__candidate",
        _("Each check-in's score per criterion"),
    ),
    Holding(
        Decision,
        "application__candidate",
        _("The team's decision on each application"),
        personal=("rationale",),
        kept=("recommendation", "recommendation_reasons"),
    ),
    Holding(
        AuditEvent,
        "application__candidate",
        _("What happened to each application, who did it and when"),
        personal=("details",),
    ),
    Holding(CandidateAccess, "candidate", _("Who opened their page, résumé or export, and when")),
    Holding(DataExport, "candidate", _("Exports of their data"), files=("file",)),
    LedgerHolding(
        Notification,
        "",
        _("Emails sent to them, by key, so none is sent twice"),
        personal=("key",),
    ),
    ImportHolding(
        CandidateImport,
        "",
        _("Imports waiting to run that list them"),
        personal=("rows",),
        kept=("file_name", "failure"),
    ),
)


def candidate_data(candidate):
    """[(holding, rows)] for every row and file Teamfit holds about `candidate`."""
    return [(holding, holding.rows(candidate)) for holding in HOLDINGS]
