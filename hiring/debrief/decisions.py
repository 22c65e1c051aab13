"""Team-owned decisions: the debrief opens, the rule recommends, the team decides."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards import aggregation, recommendation
from scorecards.access import PanelFeedback, still_to_score
from scorecards.models import Category, Feedback, FeedbackRevision, Rating

from .. import freshness
from ..access import get_application_for_debrief, is_the_candidate
from ..models import Application, AuditEvent, ClosingReason, Decision, Opening, stored_words
from ..outreach import automation
from ..scheduling import booking
from ..tasks import send_decision_notices

Stage = Application.Stage


def rule_of(application):
    return recommendation.Rule(
        **{name: application.decision_rule[name] for name in Opening.RULE_FIELDS}
    )


def panel_feedback(application):
    """Every feedback of the application with what the rule and the debrief need, in two
    queries: its latest submission with that revision's ratings (a draft is nobody else's to
    read, and counts nowhere; an earlier revision, amended, no longer counts)."""
    return PanelFeedback(
        Feedback.all_objects.filter(application=application)
        .select_related("interviewer", "latest_submission")
        .prefetch_related(
            Prefetch(
                "latest_submission__ratings",
                queryset=Rating.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion__pk"
                ),
            )
        )
    )


def with_history(feedback):
    """`feedback` (panel_feedback's) with the submitted revisions of each amended scorecard,
    for a page that shows how it was amended: two queries when one was, none otherwise."""
    amended = [f for f in feedback if f.latest_submission and f.latest_submission.is_amendment]
    submitted = FeedbackRevision.objects.exclude(submitted_at=None).prefetch_related(
        Prefetch("ratings", queryset=Rating.objects.select_related("criterion"))
    )
    prefetch_related_objects(amended, Prefetch("revisions", queryset=submitted))
    return feedback


def _plain_scorecards(feedback):
    """The latest submitted revision of each scorecard as the rule reads it, and the criteria.
    A criterion is known by its key: interviewers asked before and after an edit rated it on
    two versions, and it is one criterion still (one row of the debrief's grid), weighed as
    its newest version says."""
    cards, criteria = [], {}
    for scorecard in feedback:
        revision = scorecard.latest_submission
        if revision is None:
            continue
        for rating in revision.ratings.all():
            known = criteria.get(rating.criterion.key)
            if known is None or rating.criterion.version_id > known.version_id:
                criteria[rating.criterion.key] = rating.criterion
        cards.append(
            recommendation.Scorecard(
                interviewer=str(scorecard.interviewer),
                interviewer_id=scorecard.interviewer_id,
                focus=scorecard.focus,
                vote=revision.vote,
                ratings=tuple(
                    aggregation.Rating(scorecard.interviewer_id, r.criterion.key, r.score)
                    for r in revision.ratings.all()
                ),
            )
        )
    return cards, [criterion.as_plain() for criterion in criteria.values()]


def counted_votes(application, feedback):
    """The submitted votes as the application's rule counts them (per interviewer or scorecard)."""
    return recommendation.counted_votes(rule_of(application), _plain_scorecards(feedback)[0])


def panel_summary(application, feedback):
    """Figures over the latest submitted revision of each scorecard, for those who may read
    them (scorecards.access.reads_panel_feedback): category scores, votes, disagreement."""
    cards, criteria = _plain_scorecards(feedback)
    ratings = [rating for card in cards for rating in card.ratings]
    by_key = {
        rating.criterion.key: rating.criterion
        for scorecard in feedback
        if scorecard.is_submitted
        for rating in scorecard.latest_submission.ratings.all()
    }
    return {
        "category_scores": {
            Category(category).label: score
            for category, score in aggregation.category_scores(criteria, ratings).items()
        },
        "tally": aggregation.vote_tally(counted_votes(application, feedback)),
        "disputed": [(by_key[key], spread) for key, spread in aggregation.most_disputed(ratings)],
    }


def recommend(application, feedback):
    """The rule's recommendation over the latest submitted revision of each scorecard."""
    cards, criteria = _plain_scorecards(feedback)
    return recommendation.evaluate(rule_of(application), cards, criteria)


def quorum(application, feedback):
    """Whether the rule's quorum is met, and how far: from who submitted, not what they said."""
    return recommendation.quorum(rule_of(application), _plain_scorecards(feedback)[0])


def waiting_for(application, feedback):
    """Interviewers the debrief still waits for: not submitted and not excused, each with
    `still_member`: whether they are still of the application's team (one who left no longer
    opens their scorecard, and the team excuses them: Feedback.gone). One query, none while
    nobody is waiting."""
    waiting = [f for f in feedback if f.is_waiting]
    if waiting:
        members = set(
            application.opening.team.memberships.filter(
                user__in=[f.interviewer_id for f in waiting]
            ).values_list("user", flat=True)
        )
        for item in waiting:
            item.still_member = item.interviewer_id in members
    return waiting


def _locked(application_id, *related):
    """The application read anew with its `related` objects, its row (alone) locked until the
    transaction ends. A write locks its application first, then its decision, and moves its
    team's versions last (as it ends): a submission and a rule change (debrief.rules) too, so
    two of them wait for each other, never deadlock."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("opening__team", *related)
        .get(pk=application_id)
    )


def maybe_open_debrief(application, actor, locked=False):
    """Open the debrief once the quorum is met and nobody on the panel is still to submit.
    `locked`: the application, with its opening and team, was read under its row lock in this
    transaction (a submission locks its scorecard's), so it is not read again."""
    if not locked:
        application = _locked(application.pk)
    # A closed application (rejected, withdrawn...) has nothing left to debrief: an interviewer
    # excused after it closed does not open one.
    if application.debrief_opened_at or application.is_closed:
        return application
    # Most submissions leave someone still to write: one query answers them.
    if application.feedback.filter(submitted_at=None, excused_at=None).exists():
        return application
    feedback = panel_feedback(application)
    if recommend(application, feedback).outcome == recommendation.Outcome.NOT_YET:
        return application
    application.debrief_opened_at = timezone.now()
    opened = AuditEvent.of(
        AuditEvent.Action.DEBRIEF_OPENED, actor, application.opening.team, application
    )
    moving = application.stage in (Application.Stage.PANEL, Application.Stage.SCREEN)
    from_stage = application.stage
    # Saved in the move's UPDATE of the application, or alone when it does not move.
    application.move_through(
        [Application.Stage.DEBRIEF] if moving else [],
        actor,
        [opened],
        saving=["debrief_opened_at"],
    )
    if moving:  # the email chosen for a move to the debrief goes out on this one too
        automation.after_move(application, from_stage)
    return application


def _require_team_member(application, user):
    if not application.opening.team.has_member(user):
        raise ValidationError(_("Only members of the hiring team can do that."))


def _require_decider(application, user, feedback):
    """The team decides with what it has read: a member still to write their own scorecard
    takes no part until it is in, and the candidate (a member who applied) none."""
    _require_team_member(application, user)
    if is_the_candidate(user, application):
        raise ValidationError(_("You are the candidate: the team decides without you."))
    if still_to_score(user, feedback):
        raise ValidationError(_("Submit your own feedback before taking part in the decision."))


def _require_open(application):
    """A decision is for an application still in the pipeline: not one the candidate withdrew
    or that was rejected (or hired) meanwhile, which it would bring back."""
    if application.stage in (Stage.DECIDED, Stage.OFFER, Stage.HIRED):
        # Only a decision takes it there: one recorded a moment ago, in another transaction
        # (on PostgreSQL the locked read sees the row moved, not yet the decision joined to it).
        raise ValidationError(_("A decision is already recorded for this application."))
    if application.is_closed:
        raise ValidationError(
            _("This application is %(stage)s: there is nothing to decide.")
            % {"stage": application.get_stage_display().lower()}
        )


@freshness.one_write()
def excuse(feedback, by, reason):
    # Excused, a panelist is no longer still to score: excusing oneself (or each other, two
    # panelists still to write) would open everyone's feedback to someone who wrote nothing.
    if feedback.interviewer_id == by.pk:
        raise ValidationError(_("A teammate who has written their own feedback excuses you."))
    # Its application's row before the scorecard's, as every write reaching it (a session
    # cancelled meanwhile deletes the scorecard under that lock): else the two deadlock.
    application = _locked(feedback.application_id, "candidate")
    _require_decider(application, by, panel_feedback(application))
    if not reason.strip():
        raise ValidationError(_("Say why the interviewer is excused."))
    feedback = Feedback.objects.select_for_update().filter(pk=feedback.pk).first()
    if feedback is None:  # its session was cancelled, or its interviewer dropped, meanwhile
        raise ValidationError(_("This interviewer is no longer on the panel."))
    if feedback.is_submitted or feedback.excused_at:
        raise ValidationError(_("This interviewer has already submitted or been excused."))
    feedback.excused_at, feedback.excused_by, feedback.excuse_reason = (
        timezone.now(),
        by,
        reason.strip(),
    )
    feedback.save(update_fields=["excused_at", "excused_by", "excuse_reason"])
    AuditEvent.record(
        AuditEvent.Action.INTERVIEWER_EXCUSED,
        by,
        application.opening.team,
        application,
        details=f"{feedback.interviewer}: {feedback.excuse_reason}",
    )
    maybe_open_debrief(application, by, locked=True)
    return feedback


def record_decision(application, by, outcome, rationale=""):
    """Record the decision; one that departs from the recommendation waits for a second member.
    The record returned holds the panel's feedback it was decided on as `record.panel`, and the
    recommendation in the stored language as `record.recommended`: the reply shows them
    without reading the panel or evaluating the rule again."""
    # Its candidate: the email a decision queues; its decision: whether there is one.
    return _recorded(
        lambda: _locked(application.pk, "candidate", "decision"), by, outcome, rationale
    )


def record_decision_as(user, application_id, outcome, rationale=""):
    """record_decision() by `user` of the application `application_id`, whose debrief they open
    (else Http404): one read, locked, for both."""
    read_locked = partial(get_application_for_debrief, user, application_id, locked=True)
    return _recorded(read_locked, user, outcome, rationale)


def _recorded(read_locked, by, outcome, rationale):
    """record_decision() of the application read_locked() reads in its transaction, locked,
    with its candidate, opening, team and decision."""
    if outcome not in Decision.Outcome.values:
        raise ValidationError(_("Choose hire, no hire or hold."))
    try:
        with freshness.one_write():
            application = read_locked()
            feedback = panel_feedback(application)
            _require_decider(application, by, feedback)
            if not application.debrief_opened_at:
                raise ValidationError(_("The debrief is not open yet."))
            if hasattr(application, "decision"):
                raise ValidationError(_("A decision is already recorded for this application."))
            _require_open(application)
            # The decision stores the reasons: in English, whoever records it.
            with stored_words():
                recommended = recommend(application, feedback)
            record = Decision(
                application=application,
                outcome=outcome,
                rationale=rationale.strip(),
                recommendation=recommended.outcome,
                recommendation_reasons=list(recommended.reasons),
                recorded_by=by,
            )
            record.panel, record.recommended = feedback, recommended
            if record.departs and not record.rationale:
                raise ValidationError(
                    _("This departs from the recommendation: give the team's rationale.")
                )
            # A second member must confirm it: without one it would wait for ever.
            team = application.opening.team
            if record.departs and not team.has_another_active_member(by.pk):
                raise ValidationError(
                    _(
                        "This departs from the recommendation, so a second team member must "
                        "confirm it, and nobody else in the team can sign in: follow the "
                        "recommendation, or propose a member first."
                    )
                )
            record.save()
            recorded = AuditEvent.of(
                AuditEvent.Action.DECISION_RECORDED,
                by,
                application.opening.team,
                application,
                details=_english(record.get_outcome_display)
                + (" (departs from the recommendation)" if record.departs else "")
                + (f": {record.rationale}" if record.rationale else ""),
            )
            if record.is_effective:
                _take_effect(record, by, recorded)
            else:
                recorded.save()
    except IntegrityError as error:  # another member recorded one at the same moment
        raise ValidationError(_("A decision is already recorded for this application.")) from error
    return record


@freshness.one_write()
def confirm_decision(record, by):
    """Confirm a decision that departs from the recommendation; the record returned holds the
    panel's feedback as record_decision's does."""
    application = _locked(record.application_id, "candidate")
    record = _still_recorded(Decision.objects.select_for_update(), record)
    record.application = application
    record.panel = panel_feedback(record.application)
    _require_decider(record.application, by, record.panel)
    if record.confirmed_at:  # a second click, or another tab
        raise ValidationError(
            _("%(person)s confirmed this decision already.") % {"person": record.confirmed_by}
        )
    if record.is_effective:
        raise ValidationError(_("This decision needs no confirmation."))
    if record.recorded_by_id == by.pk:
        raise ValidationError(_("A second team member must confirm this decision."))
    _require_open(record.application)
    why = outdated(record, recommend(record.application, record.panel))
    if why:
        raise ValidationError(why)
    record.confirmed_by, record.confirmed_at = by, timezone.now()
    record.save(update_fields=["confirmed_by", "confirmed_at"])
    confirmed = AuditEvent.of(
        AuditEvent.Action.DECISION_CONFIRMED,
        by,
        record.application.opening.team,
        record.application,
        details=_english(record.get_outcome_display),
    )
    _take_effect(record, by, confirmed)
    return record


def outdated(record, recommended):
    """Why `record`, waiting for a second member, is no longer to confirm: `recommended`, what
    the rule makes of the feedback now, is not what it departs from (an amendment or a scorecard
    since changed it: confirmed, it would be another departure). None while it is."""
    if recommended.outcome == record.recommendation:
        return None
    return _(
        "The panel's feedback changed since this decision was recorded: the rule now "
        "recommends %(recommendation)s. Take the decision back and decide again."
    ) % {"recommendation": recommendation.Outcome(recommended.outcome).label.lower()}


@freshness.one_write()
def withdraw_decision(record, by, reason):
    """A member of the team takes back a decision not in force yet (waiting for a second
    member's confirmation), or a hold: the team may decide again, at the debrief (a hold moves
    the application back there). A decision to hire or not in force stands. The audit trail
    keeps what was decided, and why it was taken back."""
    application = _locked(record.application_id, "candidate")
    record = _still_recorded(Decision.objects.select_for_update(), record)
    panel = panel_feedback(application)
    _require_decider(application, by, panel)
    held = record.outcome == Decision.Outcome.HOLD and application.stage == Stage.DECIDED
    reopens_hold = record.is_effective and held
    if record.is_effective and not held:
        raise ValidationError(_("A decision in force to hire or not stands."))
    if not reason.strip():
        raise ValidationError(_("Say why the decision is taken back."))
    withdrawn = AuditEvent.of(
        AuditEvent.Action.DECISION_WITHDRAWN,
        by,
        application.opening.team,
        application,
        details=_english(record.get_outcome_display) + f": {reason.strip()}",
    )
    record.delete()
    if reopens_hold:
        application.move_through([Stage.DEBRIEF], by, events=[withdrawn])
        # The hold's stage email still in its undo delay does not go; nor, so, the debrief's.
        automation.after_move(application, Stage.DECIDED)
    else:
        withdrawn.save()
    return application


def _still_recorded(found, record):
    """`record` read anew from `found` (a queryset of decisions), else ValidationError: a
    teammate took it back meanwhile, and nothing is left to confirm or take back."""
    record = found.filter(pk=record.pk).first()
    if record is None:
        raise ValidationError(
            _("This decision was taken back meanwhile: the team may decide again.")
        )
    return record


def _english(text):
    """What `text()` says in English, as the audit trail stores it."""
    with stored_words():
        return str(text())


# Where a decision takes its application once decided: a hold stays there.
AFTER_DECIDED = {
    Decision.Outcome.HIRE: [Application.Stage.OFFER],
    Decision.Outcome.NO_HIRE: [Application.Stage.REJECTED],
    Decision.Outcome.HOLD: [],
}


def _take_effect(record, by, event):
    """The decision moves its application; `event`, its audit event, is saved with the moves'."""
    application = record.application
    stages = [Application.Stage.DECIDED, *AFTER_DECIDED[record.outcome]]
    # A no-hire's rejection says no more than the decision's outcome, which recruiters see.
    rejected = record.outcome == Decision.Outcome.NO_HIRE
    reason = ClosingReason.TEAM_DECISION if rejected else ""
    application.move_through(stages, by, events=[event], reason=reason)
    automation.after_decision(application)
    if application.stage == Application.Stage.REJECTED:
        booking.cancel_upcoming(application, by)
    send_decision_notices.delay_on_commit(record.pk)
