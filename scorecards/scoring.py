"""Independent feedback: assign an interviewer, save drafts, submit once, amend with a reason."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring import freshness
from hiring.access import the_candidates_among
from hiring.debrief import decisions
from hiring.models import AuditEvent, PoolMember, create_together, stored_words

from . import aggregation
from .access import PanelFeedback, get_feedback_for_author, reads_panel_feedback
from .models import Criterion, Feedback, FeedbackRevision, Rating, StaleDraft, Vote


def assign(
    application, interviewer, focus, assigned_by, criteria=None, practice=False, session=None
):
    """Ask a member of the hiring team to score `application` on the `focus` criteria (those of
    `criteria` only, if given), in `session` if one is booked for it; a `practice` scorecard is
    a trainee's, counted nowhere (scorecards/practice.py). A trainee of the team's pool on that
    focus writes practice whoever assigns them: assigning made them a counting interviewer, past
    the team's vote to graduate them."""
    trainee = PoolMember.objects.filter(
        team=application.opening.team_id, user=interviewer, focus=focus, trainee=True
    )
    practice = practice or trainee.exists()
    [feedback] = assign_each(
        application, [(interviewer, focus, session, practice)], assigned_by, criteria
    )
    return feedback


@freshness.one_write()
def assign_each(application, assignments, assigned_by, criteria=None, existing=None, accepted=None):
    """assign() for each of `assignments`, (person, focus, session, practice), all or none, in
    the same few queries for any number of them (a booking seats several people in several
    sessions at once); what they change is noted once (one_write). `existing`: the
    application's scorecards of these people, where the caller has read them; `accepted`, the
    addresses of the invitations they accepted (checkins.accepted_addresses), likewise."""
    opening = application.opening
    people = list(dict.fromkeys(person for person, _focus, _session, _practice in assignments))
    members = set(
        opening.team.memberships.filter(user__in=people).values_list("user_id", flat=True)
    )
    for person in people:
        if person.pk not in members:
            raise ValidationError(
                _("%(interviewer)s is not a member of %(team)s.")
                % {"interviewer": person, "team": opening.team}
            )
        if not person.is_active:  # someone who left: the debrief would wait for them
            raise ValidationError(
                _("%(interviewer)s's account was deactivated: choose someone else.")
                % {"interviewer": person}
            )
    if candidates := the_candidates_among(people, application, accepted):
        raise ValidationError(
            _("%(person)s is this application's candidate: choose someone else.")
            % {"person": candidates[0]}
        )
    if opening.scorecard is None:
        raise ValidationError(_("Choose a scorecard for this opening first."))
    if application.is_closed:
        raise ValidationError(_("This application is closed."))
    if application.debrief_opened_at:
        # The whole team may have read the panel's feedback by now (even the person asked).
        raise ValidationError(
            _(
                "The debrief is open and the team may have read the panel's feedback: a "
                "scorecard written now would not be independent."
            )
        )
    if existing is None:
        existing = Feedback.all_objects.filter(
            application=application, interviewer__in=people
        ).select_related("interviewer")
    _refuse_readers(application, people, existing)
    asked = {(person.pk, focus) for person, focus, _session, _practice in assignments}
    of_focus = {focus: [] for _person, focus in asked}
    wanted = criteria and {criterion.pk for criterion in criteria}
    # The scorecard's newest version's criteria on these focuses, each with its version, in
    # one query: a focus without any is refused below, before the version is needed.
    newest = opening.scorecard.versions.order_by("-number").values("pk")[:1]
    version = None
    found = Criterion.objects.filter(version=Subquery(newest), category__in=list(of_focus))
    for criterion in found.select_related("version"):
        version = criterion.version
        if not wanted or criterion.pk in wanted:
            of_focus[criterion.category].append(criterion)
    for focus_criteria in of_focus.values():
        if criteria and len(focus_criteria) != len(criteria):
            raise ValidationError(_("Pick criteria of this scorecard within the focus."))
        if not focus_criteria:
            raise ValidationError(_("The scorecard has no criteria for this focus."))
    for feedback in existing:
        if (feedback.interviewer_id, feedback.focus) in asked:
            raise ValidationError(
                _("%(interviewer)s is already scoring this focus.")
                % {"interviewer": feedback.interviewer}
            )
    made = create_together(
        Feedback,
        [
            Feedback(
                application=application,
                interviewer=person,
                focus=focus,
                version=version,
                assigned_by=assigned_by,
                practice=practice,
                session=session,
            )
            for person, focus, session, practice in assignments
        ],
    )
    Feedback.criteria.through.objects.bulk_create(
        Feedback.criteria.through(feedback_id=feedback.pk, criterion_id=criterion.pk)
        for feedback in made
        for criterion in of_focus[feedback.focus]
    )
    return made


def _refuse_readers(application, people, existing):
    """Refuse to ask any of `people` for a scorecard when they may already have read another's
    submitted one on `application` (reads_panel_feedback: one of their own in, or leadership):
    what they wrote now would not be independent. `existing`: their scorecards on it."""
    submitted = Feedback.objects.filter(application=application).exclude(submitted_at=None)
    for person in people:
        own = PanelFeedback([f for f in existing if f.interviewer_id == person.pk])
        # Asked first, without a query for most: someone still to write reads nothing.
        read = reads_panel_feedback(person, application, own)
        if read and submitted.exclude(interviewer=person).exists():
            raise ValidationError(
                _(
                    "%(interviewer)s may have read the panel's feedback already: a scorecard "
                    "they wrote now would not be independent. Choose someone else."
                )
                % {"interviewer": person}
            )


def _lock(feedback, author):
    _require_author(feedback, author)
    return _locked(author, feedback.pk)


def _require_author(feedback, author):
    if feedback.interviewer_id != author.pk:
        raise ValidationError(_("This feedback is not yours."))


def _locked(author, feedback_id):
    """`author`'s feedback `feedback_id` (else Http404) read for a write: locked, with its
    application, which must still be open."""
    feedback = get_feedback_for_author(author, feedback_id, locked=True)
    if why := feedback.why_unchangeable():
        raise ValidationError(why)
    return feedback


def current_draft(revisions):
    return revisions.filter(submitted_at=None).first()


def latest_submitted(revisions):
    return revisions.exclude(submitted_at=None).order_by("-number").first()


class Incomplete(ValidationError):
    """A submission refused for what is missing, by form field: what the form changed was kept
    as the draft, which is now at `version` (the form shown again autosaves from there)."""

    def __init__(self, errors, version):
        super().__init__(errors)
        self.version = version


@transaction.atomic
def save_draft(feedback, author, ratings=None, takeaways=None, vote=None, version=None):
    """Save what the author has so far; only the values given change.

    `ratings` maps a criterion id to a dict with any of: score (1-4 or None), no_evidence, notes.
    `version` is the draft version the page was showing (0 before there is a draft): a save
    from an older one raises StaleDraft, never overwrites what another tab saved since.
    """
    _require_author(feedback, author)
    changes = {"ratings": ratings, "takeaways": takeaways, "vote": vote, "version": version}
    return save_draft_as(author, feedback.pk, feedback.criteria.all(), **changes)


@transaction.atomic
def save_draft_as(author, feedback_id, criteria, **changes):
    """save_draft() of the feedback `feedback_id`, `author`'s own (else Http404), whose
    criteria are `criteria`: the feedback read once, locked, for both the check and the write
    (an autosave, the form's most frequent write)."""
    feedback = _locked(author, feedback_id)
    draft, _ratings = _save_draft(feedback, criteria, **changes)
    draft.save()
    return draft


def _save_draft(feedback, criteria, ratings=None, takeaways=None, vote=None, version=None):
    """save_draft() on `feedback`, locked, whose criteria are `criteria`: the draft, changed
    but left to the caller to save (a submission saves it once), and all its ratings, saved."""
    draft = current_draft(feedback.revisions)
    # Said before a stale version: a tab that submitted meanwhile left no draft to be stale.
    if draft is None and feedback.is_submitted:
        raise ValidationError(_("This feedback is submitted. Amend it to change it."))
    if version is not None and version != (draft.version if draft else 0):
        raise StaleDraft
    before = None
    if draft is None:
        draft, before = FeedbackRevision.objects.create(feedback=feedback), []
    kept = _save_ratings(draft, criteria, ratings or {}, before)
    if takeaways is not None:
        draft.takeaways = takeaways
    if vote is not None:
        if vote and vote not in Vote.values:
            raise ValidationError(_("Choose strong no, no, yes or strong yes."))
        draft.vote = vote
    draft.updated_at = timezone.now()
    draft.version += 1
    return draft, kept


# What a rating holds: a save posting all three for every criterion reads no rating first.
RATING_FIELDS = frozenset({"score", "no_evidence", "notes"})


def _save_ratings(draft, criteria, ratings, before=None):
    """Write `ratings` (as save_draft takes them) to `draft` in the same queries whatever the
    number of criteria. Returns every rating of the draft. `before`: its ratings until now,
    when known (none, for a draft just made), else read."""
    allowed = {criterion.pk for criterion in criteria}
    low, high = aggregation.SCALE
    whole = set(ratings) == allowed and all(v.keys() >= RATING_FIELDS for v in ratings.values())
    if before is None:
        # Every rating posted whole: what the draft held is overwritten, not read.
        before = [] if whole else draft.ratings.all()
    kept = {rating.criterion_id: rating for rating in before}
    touched = []
    for criterion_id, values in ratings.items():
        if criterion_id not in allowed:
            raise ValidationError(_("That criterion is not part of this feedback."))
        score = values.get("score")
        if score is not None and score not in range(low, high + 1):
            raise ValidationError(
                _("A rating is between %(low)s and %(high)s.") % {"low": low, "high": high}
            )
        rating = kept.setdefault(criterion_id, Rating(revision=draft, criterion_id=criterion_id))
        touched.append(rating)
        if "no_evidence" in values:
            rating.no_evidence = values["no_evidence"]
            rating.score = None if rating.no_evidence else rating.score
        if "score" in values:
            rating.score = score
            rating.no_evidence = rating.no_evidence and score is None
        if "notes" in values:
            rating.notes = values["notes"]
    # Inserts the new ratings and updates the others: the draft's feedback is locked, so the
    # ratings read above are those there.
    Rating.objects.bulk_create(
        touched,
        update_conflicts=True,
        unique_fields=["revision", "criterion"],
        update_fields=sorted(RATING_FIELDS),
    )
    return list(kept.values())


def submission_errors(draft, ratings, criteria, amend_reason):
    """What stops a draft with these `ratings` being submitted, by the feedback form's field
    it belongs to."""
    rated = {r.criterion_id for r in ratings if r.is_rated}
    errors = {
        f"score_{criterion.pk}": _("Rate this criterion or mark no evidence.")
        for criterion in criteria
        if criterion.pk not in rated
    }
    if not draft.vote:
        errors["vote"] = _("Choose your overall vote.")
    if errors:
        errors[NON_FIELD_ERRORS] = _(
            "Rate every criterion (or mark no evidence) and choose a vote."
        )
    if draft.is_amendment and not amend_reason.strip():
        errors["amend_reason"] = _("Say why you are amending your feedback.")
    return errors


@freshness.one_write()
def submit(feedback, author, revision_number, amend_reason=""):
    """Submit the draft numbered `revision_number`; it never changes afterwards. What is
    missing is raised as a ValidationError by the form field it belongs to."""
    feedback = _lock(feedback, author)
    draft = current_draft(feedback.revisions)
    if draft is None or draft.number != revision_number:
        raise ValidationError(_("This feedback was already submitted, perhaps in another tab."))
    errors = submission_errors(draft, draft.ratings.all(), feedback.criteria.all(), amend_reason)
    if errors:
        raise ValidationError(errors)
    _submit(feedback, draft, author, amend_reason)
    return draft


def save_and_submit(author, feedback_id, criteria, revision_number, amend_reason="", **changes):
    """The feedback form's submit of the feedback `feedback_id`, `author`'s own (else Http404):
    `changes` (as save_draft takes them) saved to the draft, which is then submitted if it is
    still the revision numbered `revision_number`, under one lock: a second tab submitting at the
    same moment waits, then fails. `criteria` are the feedback's (fixed once it is assigned).
    When something is missing, the changes are kept as the draft and the submission alone is
    refused (Incomplete). Returns the feedback, read once, locked, for
    both the check and the write."""
    with freshness.one_write():
        feedback = _locked(author, feedback_id)
        draft, ratings = _save_draft(feedback, criteria, **changes)
        if draft.number != revision_number:
            raise ValidationError(
                _("This feedback changed in another tab since you opened it: reload the page.")
            )
        errors = submission_errors(draft, ratings, criteria, amend_reason)
        if errors:
            draft.save()
        else:
            _submit(feedback, draft, author, amend_reason)
    if errors:
        raise Incomplete(errors, draft.version)
    return feedback


def _check_practice_still_blind(feedback):
    """A practice scorecard is amended only while its trainee reads nothing of the panel: from
    the debrief on, an amendment would copy the consensus it is compared with (one started
    before was submitted after)."""
    if feedback.practice and feedback.application.debrief_opened_at:
        raise ValidationError(
            _("The debrief is open: this practice scorecard is compared as it was submitted.")
        )


def _submit(feedback, draft, author, amend_reason):
    """Submit `draft`, complete, of `feedback`, locked: saved whole, with what the form changed."""
    if draft.number > 1:
        _check_practice_still_blind(feedback)
    now = timezone.now()
    draft.amend_reason = amend_reason.strip()
    draft.submitted_at = now
    draft.save()
    feedback.latest_submission = draft
    feedback.submitted_at = feedback.submitted_at or now
    feedback.save(update_fields=["submitted_at", "latest_submission"])
    action = (
        AuditEvent.Action.FEEDBACK_AMENDED
        if draft.is_amendment
        else AuditEvent.Action.FEEDBACK_SUBMITTED
    )
    with stored_words():
        focus = str(feedback.get_focus_display())
    AuditEvent.record(
        action,
        author,
        feedback.application.opening.team,
        feedback.application,
        details=("Practice, " if feedback.practice else "")
        + focus
        + (f": {draft.amend_reason}" if draft.amend_reason else ""),
    )
    if not feedback.practice:  # the debrief never waits for, nor opens on, practice
        decisions.maybe_open_debrief(feedback.application, author, locked=True)  # by _locked()


@transaction.atomic
def start_amendment(feedback, author):
    """A new draft revision, starting from the latest submitted one, which stays as it was."""
    feedback = _lock(feedback, author)
    draft = current_draft(feedback.revisions)
    if draft is not None:
        return draft
    submitted = latest_submitted(feedback.revisions)
    if submitted is None:
        raise ValidationError(_("Submit your feedback before amending it."))
    _check_practice_still_blind(feedback)
    amendment = FeedbackRevision.objects.create(
        feedback=feedback,
        number=submitted.number + 1,
        takeaways=submitted.takeaways,
        vote=submitted.vote,
    )
    Rating.objects.bulk_create(
        Rating(
            revision=amendment,
            criterion_id=r.criterion_id,
            score=r.score,
            no_evidence=r.no_evidence,
            notes=r.notes,
        )
        for r in submitted.ratings.all()
    )
    return amendment
