"""Post-hire check-ins: when an application reaches Hired, the team rates its hire on the
criteria they were hired on, at the days of its schedule (Team.check_in_schedule). Each member
of the team at the check-in's due time rates, except the hire; each submits once, before reading
anyone else's (hiring.access.reads_check_in_reviews). A check-in takes submissions from its due
time until it closes, 30 days later; a rater who did not submit by then is missing."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecards.models import (
    CheckIn,
    CheckInRating,
    CheckInReview,
    Feedback,
    StaleDraft,
    Vote,
)

from ..models import Application, AuditEvent, Invitation, Membership, Offer, User

OPEN_FOR = timedelta(days=30)
# Recruiters and admins never read check-ins (hiring.access.check_in_teams), so never rate one.
RATING_ROLES = (User.Role.MEMBER, User.Role.LEADERSHIP)


def schedule(application, hired_at):
    """The application's check-ins at each day of its team's schedule counted from the hire's
    first day, on the scorecard version it was hired on; none without a scorecard. Safe to
    call twice."""
    version = hired_version(application)
    if version is None:
        return []
    first_day = starts_at(application, hired_at)
    check_ins = []
    for day in application.opening.team.check_in_schedule:
        # In the hire's zone (starts_at) a day added is a day of the calendar: its midnight
        # stays midnight when the clocks change.
        due_at = first_day + timedelta(days=day)
        check_in, _created = CheckIn.objects.get_or_create(
            application=application,
            day=day,
            defaults={"due_at": due_at, "closes_at": due_at + OPEN_FOR, "version": version},
        )
        check_ins.append(check_in)
    return check_ins


def starts_at(application, hired_at):
    """When the hire starts: the start of the first day of the offer they accepted, on their
    own calendar (the candidate's zone, UTC until known), else `hired_at`. A 90-day check-in
    counted from the acceptance of an offer starting two months later would come a month into
    the job; at the time of day of the acceptance, it fell due at any hour of its day, or of
    the next."""
    accepted = application.offers.filter(status=Offer.Status.ACCEPTED).order_by("-answered_at")
    offer = accepted.select_related("application__candidate").first()  # one query, as before
    if offer is None:
        return hired_at
    zone = ZoneInfo(offer.application.candidate.zone_name)
    return max(hired_at, datetime.combine(offer.start_date, time(), zone))


def hired_version(application):
    """The scorecard version the panel scored the hire on (its latest counted scorecard's),
    else the opening's current one."""
    scored = (
        Feedback.objects.filter(application=application, practice=False)
        .exclude(submitted_at=None)
        .order_by("-submitted_at", "-pk")
        .select_related("version")
        .first()
    )
    if scored is not None:
        return scored.version
    scorecard = application.opening.scorecard
    return scorecard.current_version() if scorecard else None


def addresses_of(users, accepted=None):
    """{user id: their email addresses, lower case}: the one they sign in with and those of the
    invitations they accepted (`accepted`: accepted_addresses() of them, where the caller has
    read it). The candidate is the person one of whose addresses is one of the candidate
    record's, or the one the team proposed them at (Application.member_email,
    is_candidate()): a hire joins the team through a proposal, and an invitation, made for
    that address."""
    addresses = {user.pk: {user.email.lower()} for user in users}
    if accepted is None:
        accepted = accepted_addresses(list(addresses))
    for user_id, found in addresses.items():
        found.update(accepted.get(user_id, ()))
    return addresses


def accepted_addresses(user_ids):
    """{user id: the addresses of the invitations they accepted, lower case}, of `user_ids` (a
    list, or a query of ids), in one query."""
    accepted = {}
    rows = Invitation.objects.filter(accepted_by__in=user_ids).values_list(
        "accepted_by", Lower("email")
    )
    for user_id, email in rows:
        accepted.setdefault(user_id, set()).add(email)
    return accepted


def is_candidate(addresses, application):
    """Whether the person with these addresses (addresses_of()) is the application's candidate
    (its hire, once hired): by any address of the record, a merged record's included. Asked of
    one loaded application; Application.objects.ids_of_candidate finds them in the database."""
    return bool(application.candidate.emails() & addresses) or (
        application.member_email in addresses  # lower case, as kept
    )


def link_hires(team, users):
    """Link the team's hires that `users`, its members, are (is_candidate) to their accounts
    (Application.member): once erasure takes every address that knew them, the link still
    does. One query for the addresses, and an update for each of `users`."""
    for user_id, addresses in addresses_of(users).items():
        Application.objects.hires_of([team]).filter(
            member=None, pk__in=Application.objects.ids_of_candidate(addresses)
        ).update(member_id=user_id)


def end_early(check_ins, now):
    """End the check-ins of a hire nobody is to rate any more: one who did not start
    (hiring.offers.offers.did_not_start), or whose data is erased (their addresses gone, the
    hire is no longer told from their colleagues, is_candidate(), and would rate themselves). Those
    without a submitted review go, drafts and all; the others close now, their submitted
    reviews kept as evidence (as they are kept for every erased candidate)."""
    submitted = CheckInReview.objects.filter(check_in=OuterRef("pk")).exclude(submitted_at=None)
    check_ins.exclude(Exists(submitted)).delete()
    check_ins.filter(closes_at__gt=now).update(closes_at=now)


def end_for_leaver(user, teams, by, now):
    """`user` is no longer in `teams` (a query of them): they left, the team agreed to remove
    them, or the admin deactivated their account. Where they are one of those teams' hires
    (is_candidate, in the database: Application.objects.ids_of_candidate), their check-ins not
    yet due end as end_early() ends them, said on the hire's timeline: nobody is asked months
    later to rate someone gone, nor counted missing for it. One due already stays open, so its
    raters finish what they saw until the hire left. Re-joining later brings none back:
    check-ins are scheduled only as the application reaches Hired. Two queries for anyone not
    a hire of those teams."""
    hires = Application.objects.ids_of_candidate(addresses_of([user])[user.pk])
    ending = list(
        CheckIn.objects.filter(
            application__in=hires, application__opening__team__in=teams, due_at__gt=now
        )
        .select_related("application__opening__team")
        .order_by("application", "day")
    )
    if not ending:
        return
    end_early(CheckIn.objects.filter(pk__in=[check_in.pk for check_in in ending]), now)
    days = defaultdict(list)
    for check_in in ending:
        days[check_in.application].append(str(check_in.day))
    for application, ended in days.items():
        AuditEvent.record(
            AuditEvent.Action.MEMBERSHIP_CHANGED,
            by,
            application.opening.team,
            application,
            details=f"{user} no longer in the team: check-ins of day {', '.join(ended)} ended",
        )


def is_open(check_in, now=None):
    now = now or timezone.now()
    return check_in.due_at <= now < check_in.closes_at


def is_closed(check_in, now=None):
    return (now or timezone.now()) >= check_in.closes_at


def raters_of(check_ins):
    """{check-in id: [user]}: the members of its team who had joined by its due time, the hire
    left out; in two queries whatever the number of check-ins. Not someone whose account the
    admin deactivated (who left): they can never submit, so they are neither missing nor
    waited for before the reviews are read (reports/validity.py)."""
    team_ids = {check_in.application.opening.team_id for check_in in check_ins}
    memberships = list(
        Membership.objects.filter(team__in=team_ids, user__is_active=True)
        .select_related("user")
        .order_by("user__pk")
    )
    addresses = addresses_of([membership.user for membership in memberships])
    return {
        check_in.pk: [
            membership.user
            for membership in memberships
            if membership.team_id == check_in.application.opening.team_id
            and membership.joined_at <= check_in.due_at
            and membership.user.role in RATING_ROLES
            and not is_candidate(addresses[membership.user_id], check_in.application)
        ]
        for check_in in check_ins
    }


def to_fill(user, now, addresses=None):
    """The open check-ins `user` rates and has not submitted, the first to close first.
    `addresses`: the user's (addresses_of()), where the caller has read them."""
    if user.role not in RATING_ROLES:
        return CheckIn.objects.none()
    joined_by_due_time = Membership.objects.filter(
        team=OuterRef("application__opening__team"), user=user, joined_at__lte=OuterRef("due_at")
    )
    submitted = CheckInReview.objects.filter(check_in=OuterRef("pk"), rater=user).exclude(
        submitted_at=None
    )
    if addresses is None:
        addresses = addresses_of([user])[user.pk]
    return (
        CheckIn.objects.filter(due_at__lte=now, closes_at__gt=now)
        .filter(Exists(joined_by_due_time))
        .exclude(Exists(submitted))
        .exclude(application__in=Application.objects.ids_of_candidate(addresses))
        .order_by("closes_at", "pk")
    )


def reviews_of(check_in):
    """Its reviews, drafts included (only their own rater ever sees a draft), with ratings."""
    return list(check_in.reviews.select_related("rater").prefetch_related("ratings").order_by("pk"))


def fills(user, check_in, raters, review, now=None):
    """Whether `user` may still write their review: a rater who has not submitted, while the
    check-in is open."""
    submitted = review is not None and review.submitted_at is not None
    return user in raters and not submitted and is_open(check_in, now)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def draft_version(review):
    """Which draft of its rater's review a page shows: the moment it was last saved, in
    microseconds (0 before there is a review). Every save moves it on: a save from a page that
    shows an older one is refused (StaleDraft), never overwrites what another tab saved since."""
    if review is None:
        return 0
    return (review.updated_at - EPOCH) // timedelta(microseconds=1)


def _editable_review(check_in, rater, version):
    """The rater's review, locked, for a change; a ValidationError if they may not change it,
    StaleDraft if it moved on from the draft version `version` (None: not checked)."""
    now = timezone.now()
    if rater not in raters_of([check_in])[check_in.pk]:
        raise ValidationError(_("You are not one of this check-in's raters."))
    if now < check_in.due_at:
        raise ValidationError(_("This check-in is not due yet."))
    if is_closed(check_in, now):
        raise ValidationError(_("This check-in has closed: it takes no more reviews."))
    review, created = CheckInReview.objects.get_or_create(check_in=check_in, rater=rater)
    review = CheckInReview.objects.select_for_update().get(pk=review.pk)
    if review.submitted_at:
        raise ValidationError(_("You already submitted this check-in."))
    if version is not None and version != (0 if created else draft_version(review)):
        raise StaleDraft
    return review


@transaction.atomic
def save_draft(check_in, rater, ratings, would_hire_again=None, notes=None, version=None):
    """Save what was posted: `ratings` {criterion id: {"score": 1-4 or None, "no_evidence":
    bool}} for the criteria posted; None leaves a field as it was. `version`: the draft version
    (draft_version()) the posting page showed."""
    review = _editable_review(check_in, rater, version)
    criteria = set(check_in.version.criteria.values_list("pk", flat=True))
    if not set(ratings) <= criteria:
        raise ValidationError(_("That criterion is not part of this check-in."))
    for criterion_id, values in ratings.items():
        CheckInRating.objects.update_or_create(
            review=review, criterion_id=criterion_id, defaults=values
        )
    if would_hire_again is not None:
        review.would_hire_again = would_hire_again
    if notes is not None:
        review.notes = notes
    review.updated_at = timezone.now()
    review.save(update_fields=["would_hire_again", "notes", "updated_at"])
    return review


def _lock_for_submission(check_in):
    """Lock the hire's application, as every write reaching it does first (a hire recorded as
    not starting, or erased, ends its check-ins under that lock: the other way round, the two
    deadlock), then read the check-in's closing again: ended meanwhile, it is gone or closed."""
    list(
        Application.objects.select_for_update().filter(pk=check_in.application_id).values_list("pk")
    )
    closes_at = CheckIn.objects.filter(pk=check_in.pk).values_list("closes_at", flat=True).first()
    if closes_at is None:
        raise ValidationError(_("This check-in has closed: it takes no more reviews."))
    check_in.closes_at = closes_at


@transaction.atomic
def submit(check_in, rater, ratings, would_hire_again, notes, version=None):
    """Save and submit the rater's review, once: every criterion rated or "no evidence" and a
    would-hire-again vote, else a ValidationError by the form's field (nothing saved)."""
    _lock_for_submission(check_in)
    review = save_draft(check_in, rater, ratings, would_hire_again, notes, version)
    rated = {
        rating.criterion_id
        for rating in review.ratings.all()
        if rating.no_evidence or rating.score is not None
    }
    errors = {
        f"score_{pk}": _("Rate this criterion or mark no evidence.")
        for pk in check_in.version.criteria.values_list("pk", flat=True)
        if pk not in rated
    }
    if not review.would_hire_again:
        errors["would_hire_again"] = _("Say whether you would hire them again.")
    if errors:
        errors[NON_FIELD_ERRORS] = _(
            "Rate every criterion (or mark no evidence) and say whether you would hire them again."
        )
        raise ValidationError(errors)
    review.submitted_at = timezone.now()
    review.save(update_fields=["submitted_at"])
    application = check_in.application
    # The audit trail says that it happened, never what was said.
    AuditEvent.record(
        AuditEvent.Action.CHECK_IN_SUBMITTED,
        rater,
        application.opening.team,
        application,
        details=f"Day {check_in.day}",
    )
    return review


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    scores: list  # per submitted review, in order: 1-4, or None for no evidence
    mean: float | None


def results(criterion_ids, submitted):
    """Per criterion, each submitted review's score and their mean over the scored ones; plain
    data in, plain data out. `submitted`: [{criterion id: score or None}]."""
    rows = []
    for criterion_id in criterion_ids:
        scores = [review.get(criterion_id) for review in submitted]
        scored = [score for score in scores if score is not None]
        rows.append(
            CriterionResult(criterion_id, scores, sum(scored) / len(scored) if scored else None)
        )
    return rows


def would_hire_again_tally(votes):
    """{vote: count} in the vote scale's order, for the submitted reviews' votes."""
    counts = defaultdict(int)
    for vote in votes:
        counts[vote] += 1
    return [(Vote(value), counts[value]) for value in Vote.values if counts[value]]
