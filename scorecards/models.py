import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import aggregation


class StaleDraft(ValidationError):
    """A draft (a scorecard's, a check-in review's) moved on since the page that posted was
    rendered: another tab saved it. A save from there is refused, never overwrites it."""

    def __init__(self):
        super().__init__(
            gettext(
                "this draft changed in another tab or window since you opened it. "
                "Reload to continue from the latest draft."
            )
        )


class Category(models.TextChoices):
    SKILLS = "skills", _("Skills")
    TEAM_FIT = "team_fit", _("Team fit")


class Vote(models.TextChoices):
    STRONG_NO = "strong_no", _("Strong no")
    NO = "no", _("No")
    YES = "yes", _("Yes")
    STRONG_YES = "strong_yes", _("Strong yes")


RATING_LEVELS = range(aggregation.SCALE[0], aggregation.SCALE[1] + 1)


class Scorecard(models.Model):
    """A team's scorecard: a template in its library, or the copy an opening uses."""

    team = models.ForeignKey("hiring.Team", on_delete=models.CASCADE, related_name="scorecards")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scorecard_edit", args=[self.pk])

    @property
    def is_template(self):
        return not hasattr(self, "opening")

    def current_version(self):
        return self.versions.order_by("-number").first()


class ScorecardVersion(models.Model):
    """The criteria as they were: feedback stays bound to the version it was given on."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scorecard", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "number"], name="unique_scorecard_version"
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} v{self.number}"

    def has_submitted_feedback(self):
        return FeedbackRevision.objects.filter(
            feedback__version=self, submitted_at__isnull=False
        ).exists()


class Criterion(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria")
    # The same criterion across versions, so reports can follow it through edits.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=10, choices=Category)
    description = models.TextField(_("what it measures"))
    anchor_1 = models.TextField(_("1: what it looks like"))
    anchor_2 = models.TextField(_("2: what it looks like"))
    anchor_3 = models.TextField(_("3: what it looks like"))
    anchor_4 = models.TextField(_("4: what it looks like"))
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )
    questions = models.TextField(
        blank=True, help_text=_("Suggested interview questions, one a line.")
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_once_per_version"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def anchors(self):
        return [(level, getattr(self, f"anchor_{level}")) for level in RATING_LEVELS]

    @property
    def anchors_title(self):
        """The anchors a line each, for a rating's tooltip: a page of a panel's ratings shows
        it for every one, and a loop in the template per rating was most of its rendering."""
        return "".join(f"{level}: {anchor}\n" for level, anchor in self.anchors)

    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def as_plain(self):
        """Known by its key: one criterion however many versions its panel rated it on."""
        return aggregation.Criterion(id=self.key, category=self.category, weight=float(self.weight))


class FeedbackQuerySet(models.QuerySet):
    def outstanding_for(self, user):
        """What `user` still has to write: not submitted, not excused, on an open application
        of a team they are a member of (one who left no longer opens it: the team excuses
        them)."""
        from hiring.models import Application  # hiring's models import these

        return self.filter(
            interviewer=user,
            submitted_at=None,
            excused_at=None,
            application__opening__team__memberships__user=user,
        ).exclude(application__stage__in=Application.CLOSED_STAGES)

    def practice(self):
        return self.filter(practice=True)


class CountedFeedbackManager(models.Manager.from_queryset(FeedbackQuerySet)):
    """The default manager: the scorecards that count, never a trainee's practice one.

    Every tally (the debrief's opening, the rule, the board, reminders, next steps, reports)
    reads `Feedback.objects` or a reverse relation (`application.feedback`, `session.feedback`),
    which Django builds from the default manager: excluding practice here keeps it out of all of
    them at once, and out of any tally written later. Queries that only join through feedback
    (`feedback__...` lookups, FeedbackRevision and Rating querysets, raw SQL) bypass managers
    and say `practice=False` themselves. `Feedback.all_objects` holds both, for the author's own
    form, booking and scorecards/practice.py. Deletion goes through the base manager, so
    cascades and erasure still reach practice scorecards.
    """

    def get_queryset(self):
        return super().get_queryset().filter(practice=False)


class Feedback(models.Model):
    """One interviewer's scorecard for one application, with a focus and the criteria to cover.

    Its content lives in revisions: at most one draft, and submitted revisions that never change.
    """

    application = models.ForeignKey(
        "hiring.Application",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("application"),
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("interviewer"),
    )
    focus = models.CharField(_("focus"), max_length=10, choices=Category)
    # The interview the feedback is about, once the panel is booked.
    session = models.ForeignKey(
        "hiring.InterviewSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("session"),
    )
    version = models.ForeignKey(
        ScorecardVersion,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("version"),
    )
    criteria = models.ManyToManyField(Criterion, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    # When the first revision was submitted; None while the interviewer has not.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The revision that counts: the latest submitted (an amendment replaces what it amends).
    latest_submission = models.ForeignKey(
        "FeedbackRevision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("latest submission"),
    )
    # The team may excuse an interviewer who cannot submit, so the debrief can open.
    excused_at = models.DateTimeField(_("excused at"), null=True, blank=True)
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excused by"),
    )
    excuse_reason = models.TextField(_("excuse reason"), blank=True)
    # A trainee's practice scorecard on a session they shadowed (or led, shadowed by a full
    # interviewer): compared with the panel's consensus, counted in no tally, decision or
    # report (scorecards/practice.py).
    practice = models.BooleanField(_("practice"), default=False)

    objects = CountedFeedbackManager()  # first: the default manager
    all_objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "interviewer", "focus"], name="one_feedback_per_focus"
            ),
        ]
        # An interviewer's scorecards still to write (outstanding_for): every home page reads
        # them, a tenth of their scorecards, where the interviewer's index walked them all.
        indexes = [
            models.Index(
                fields=["interviewer"],
                condition=Q(submitted_at=None, excused_at=None),
                name="feedback_outstanding",
            )
        ]

    def __str__(self):
        return f"{self.interviewer} on {self.application} ({self.get_focus_display()})"

    def get_absolute_url(self):
        return reverse("feedback_form", args=[self.pk])

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def is_waiting(self):
        """Still to be written: the debrief waits for it, and its interviewer reads nobody's."""
        return not self.is_submitted and not self.excused_at

    @property
    def gone(self):
        """Why its interviewer will not write it: "deactivated" (their account), "left" (the
        team, so they no longer open it), or None. `still_member` is set by whoever read the
        team's memberships (the debrief's waiting_for, the reminders' query)."""
        if not self.interviewer.is_active:
            return "deactivated"
        return None if self.still_member else "left"

    def why_unchangeable(self):
        """Why its interviewer can no longer write or amend it, or None. Read with its
        application."""
        if self.application.is_closed:
            return gettext("The application is closed: feedback can no longer change.")
        if self.excused_at is not None:
            # Excused, they read the panel once the debrief opened: what they wrote would count.
            return gettext("You were excused from this scorecard: it can no longer change.")
        return None

    def submitted_revisions(self):
        """Its history, from revisions prefetched (hiring.debrief.decisions.with_history)."""
        return [r for r in self.revisions.all() if not r.is_draft]


class FeedbackRevision(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("feedback")
    )
    number = models.PositiveIntegerField(_("number"), default=1)
    takeaways = models.TextField(_("key takeaways"), blank=True)
    vote = models.CharField(_("vote"), max_length=10, choices=Vote, blank=True)
    amend_reason = models.TextField(_("reason for the amendment"), blank=True)
    # Moves on with every save of the draft: a tab that saves or submits from an older version
    # is refused instead of overwriting what another tab saved since.
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["feedback", "number"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["feedback"], condition=Q(submitted_at=None), name="one_draft_per_feedback"
            ),
        ]

    def __str__(self):
        return f"{self.feedback} r{self.number}"

    @property
    def is_draft(self):
        return self.submitted_at is None

    @property
    def is_amendment(self):
        return self.number > 1


class Rating(models.Model):
    revision = models.ForeignKey(
        FeedbackRevision,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("revision"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_LEVELS[0]), MaxValueValidator(RATING_LEVELS[-1])],
    )
    no_evidence = models.BooleanField(_("no evidence"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "criterion"], name="one_rating_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score__gte=RATING_LEVELS[0], score__lte=RATING_LEVELS[-1], no_evidence=False),
                name="rating_on_the_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {'no evidence' if self.no_evidence else self.score}"

    @property
    def is_rated(self):
        return self.no_evidence or self.score is not None


class CheckIn(models.Model):
    """A post-hire check-in: `day` days after the hire, the members who work with the hire rate
    them on the criteria they were hired on (scorecards/checkins.py). Closes after 30 days;
    a rater who did not submit by then is counted as missing."""

    application = models.ForeignKey(
        "hiring.Application",
        on_delete=models.CASCADE,
        related_name="check_ins",
        verbose_name=_("application"),
    )
    day = models.PositiveSmallIntegerField(_("day"))
    due_at = models.DateTimeField(_("due at"))
    closes_at = models.DateTimeField(_("closes at"))
    # The scorecard version the hire was hired on: the check-in's criteria are its criteria.
    version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "day"], name="one_check_in_a_day"),
        ]
        # A member's home lists the open check-ins they fill, the first to close first: walked
        # from now in this index until ten are found, where the whole table was read and sorted
        # (checkins.to_fill; 10 -> 3.5 ms on SQLite at 10,000 check-ins).
        indexes = [models.Index(fields=["closes_at", "id"], name="check_in_closing")]

    def __str__(self):
        return f"{self.application}: day {self.day}"

    def get_absolute_url(self):
        return reverse("check_in_detail", args=[self.pk])


class CheckInReview(models.Model):
    """One rater's check-in: per criterion a score or "no evidence", and whether they would hire
    the person again, on the vote scale. A draft until submitted; nobody reads another's
    before submitting their own."""

    check_in = models.ForeignKey(
        CheckIn, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("check in")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="check_in_reviews",
        verbose_name=_("rater"),
    )
    would_hire_again = models.CharField(
        _("would hire again"), max_length=10, choices=Vote, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["check_in", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["check_in", "rater"], name="one_review_per_rater"),
        ]

    def __str__(self):
        return f"{self.rater} on {self.check_in}"


class CheckInRating(models.Model):
    review = models.ForeignKey(
        CheckInReview, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_LEVELS[0]), MaxValueValidator(RATING_LEVELS[-1])],
    )
    no_evidence = models.BooleanField(_("no evidence"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="one_check_in_rating_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.review}: {self.criterion}"
