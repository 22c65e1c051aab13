"""The candidate's own page: where they are in their words, their interviews, their time zone,
and withdrawing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..accounts.middleware import browser_language
from ..models import (
    Application,
    AuditEvent,
    CandidateEmail,
    ClosingReason,
    EmailTemplate,
    InterviewSession,
    Offer,
    validate_time_zone,
)
from ..offers import offers
from ..outreach import automation, messages
from ..scheduling import booking
from ..tasks import send_withdrawal_notices
from ..templatetags.teamfit import in_sentence

Stage = Application.Stage

# Where the candidate stands, in their words: the internal stages stay internal.
IN_THEIR_WORDS = {
    Stage.APPLIED: gettext_lazy("We have your application"),
    Stage.SCREEN: gettext_lazy("Interviewing"),
    Stage.PANEL: gettext_lazy("Interviewing"),
    Stage.DEBRIEF: gettext_lazy("The team is deciding"),
    Stage.DECIDED: gettext_lazy("The team is deciding"),
    Stage.OFFER: gettext_lazy("Offer"),
    Stage.HIRED: gettext_lazy("Hired"),
    Stage.REJECTED: gettext_lazy("Not moving forward"),
    Stage.WITHDRAWN: gettext_lazy("Withdrawn"),
}
FINAL = [Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN]
# The reasons they may give as they withdraw (CANDIDATE_REASONS), in their words.
REASONS_IN_THEIR_WORDS = {
    ClosingReason.OTHER_OFFER: gettext_lazy("I accepted another offer"),
    ClosingReason.PAY: gettext_lazy("The pay is not what I expect"),
    ClosingReason.NOT_FOR_THEM: gettext_lazy("The role or the team is not for me"),
    ClosingReason.PERSONAL: gettext_lazy("Personal reasons"),
    ClosingReason.OTHER: gettext_lazy("Another reason"),
}


# The states of an offer sent whose candidate's page shows it.
TOLD = [Offer.Status.SENT, Offer.Status.EXPIRED, Offer.Status.WITHDRAWN]


def sent_offer(application):
    """The offer sent to them, its email gone out (until then its sending can be undone, the
    offer a draft again), waiting for their answer, past its expiry or withdrawn since: they
    were told of it, so its expiry or withdrawal is theirs to read, not a team still deciding.
    One withdrawn before its email went out never reached them."""
    if offers.emails_to_go(application).exists():
        return None
    latest = application.offers.exclude(sent_at=None).first()
    if latest is None or latest.status not in TOLD:
        return None
    if latest.status == Offer.Status.WITHDRAWN and not _email_went(latest):
        return None
    return latest


def _email_went(offer):
    """Whether the email of `offer` went out: queued as it was sent (one live offer at a time),
    not stopped since."""
    return (
        offer.application.emails.filter(
            kind=EmailTemplate.Kind.OFFER, created_at__gte=offer.sent_at
        )
        .exclude(status=CandidateEmail.Status.CANCELLED)
        .exists()
    )


# The emails that tell a candidate they are not moving forward.
REJECTIONS = [
    EmailTemplate.Kind.REJECTED_AFTER_SCREEN,
    EmailTemplate.Kind.REJECTED_AFTER_INTERVIEWS,
]


def shown_stage(application, offer):
    """The stage the candidate is told of. Until an offer is on its way to them, the team is
    still deciding as far as they can tell; while the email telling them no awaits a recruiter
    (or can still be undone), the application is where it was rejected from."""
    if application.stage == Stage.OFFER and offer is None:
        return Stage.DECIDED
    if application.stage == Stage.REJECTED and _rejection_waits(application):
        return _rejected_from(application)
    return application.stage


def _rejection_waits(application):
    return application.emails.unsent().filter(kind__in=REJECTIONS).exists()


# Where a rejection comes from: the screen, by hand, or the team's decision.
REJECTED_FROM = [Stage.APPLIED, Stage.SCREEN, Stage.DECIDED]


def _rejected_from(application):
    """The stage its rejection moved the application from: a page that said "We have your
    application" must not turn to "The team is deciding" (about interviews never held) until
    the rejection is on its way. The team deciding, for a move not recorded so."""
    rejection = application.stage_changes.filter(to_stage=Stage.REJECTED).order_by("-at", "-pk")
    moved_from = rejection.values_list("from_stage", flat=True).first()
    return moved_from if moved_from in REJECTED_FROM else Stage.DECIDED


def where(application, offer):
    """The candidate's words for the application's stage (shown_stage()), or for the offer
    they were sent and was withdrawn since."""
    if application.stage == Stage.OFFER and offer and offer.status == Offer.Status.WITHDRAWN:
        return _("Offer withdrawn")
    return IN_THEIR_WORDS[shown_stage(application, offer)]


def upcoming_interviews(application, now=None):
    return InterviewSession.objects.filter(
        panel__application=application,
        cancelled_at=None,
        start__isnull=False,
        end__gt=now or timezone.now(),
    ).order_by("start")


def set_time_zone(candidate, zone_name):
    validate_time_zone(zone_name)
    candidate.time_zone = zone_name
    candidate.save(update_fields=["time_zone"])


def remember_language(candidate, request):
    """The language the candidate's browser asks for on their link becomes their emails'."""
    asked = browser_language(request)
    if asked and asked != candidate.language:
        candidate.language = asked
        candidate.save(update_fields=["language"])


def closed_for_them(application):
    """Whether the application is closed as far as the candidate can tell (shown_stage()): a
    rejection they have not been told of leaves it open to them, to withdraw too."""
    return shown_stage(application, None) in FINAL


def own_withdrawal_reason(application):
    """What the candidate told us as they withdrew, in their words (their note with "another
    reason"), or None: not withdrawn by them, or no reason given. A reason staff recorded is
    theirs, never shown here."""
    change = application.own_withdrawal()
    if change is None or not change.said_why:
        return None
    if change.reason == ClosingReason.OTHER and change.reason_note:
        return change.reason_note
    return REASONS_IN_THEIR_WORDS[change.reason]


def why_closed(application):
    """Why the candidate can no longer withdraw, or None while they can."""
    if not closed_for_them(application):
        return None
    words = in_sentence(IN_THEIR_WORDS[application.stage])
    return _("Your application is already closed (%(words)s): there is nothing to withdraw.") % {
        "words": words
    }


@transaction.atomic
def withdraw(application, reason=ClosingReason.NOT_GIVEN, note="", erasing="", by=None):
    """The candidate withdraws: the application moves to Withdrawn, a live offer is withdrawn,
    and booked interviews still to come are cancelled, their interviewers told; the recruiters
    are told too, and the candidate gets the email chosen for the stage (automation).
    `reason`: what they chose of CANDIDATE_REASONS, NOT_GIVEN if nothing, blank for an erasure
    (nobody said); `note`, their words, kept with "other" (only it asks for them). `erasing`:
    how the erasure withdrawing it goes, in the audit trail's words (erasure.erase()'s `how`),
    done `by` whoever erases (None: at the candidate's request). It tells nobody: it leaves no
    name to tell the recruiters, and the candidate did not withdraw (a hold may yet stop the
    erasure, and the withdrawal stays); the trail says it was the erasure."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if closed_for_them(application):
        raise ValidationError(why_closed(application))
    # A rejection they were not told of yet is not told now: they withdraw, and the email
    # saying no, moot, never goes. One gone meanwhile has told them.
    for email in application.emails.unsent().filter(kind__in=REJECTIONS):
        if not messages.cancel(email):
            raise ValidationError(why_closed(application))
    team = application.opening.team
    if erasing:
        AuditEvent.record(AuditEvent.Action.WITHDRAWN_BY_ERASURE, by, team, application, erasing)
    else:
        AuditEvent.record(AuditEvent.Action.WITHDRAWN_BY_CANDIDATE, None, team, application)
    from_stage = application.stage
    note = note.strip() if reason == ClosingReason.OTHER else ""
    application.move_to(Stage.WITHDRAWN, by, reason=reason, reason_note=note)
    if erasing:
        automation.take_back_stage_emails(application)
    else:
        automation.after_move(application, from_stage)
    offers.end_for_withdrawal(application, by)
    booking.cancel_upcoming(application, by)
    if not erasing:
        send_withdrawal_notices.delay_on_commit(application.pk)
    return application
