import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import operator
import re
import unicodedata
import uuid
import zoneinfo
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Lower, Upper
from django.db.models.lookups import Contains
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from scorecards import recommendation
from scorecards.models import Category


def new_uid():
    return f"{uuid.uuid4()}@teamfit"


# Control characters, the line and paragraph separators, and the bidirectional embeddings,
# overrides and isolates (which turn the rest of a line around: "Bob \u202egnp.exe moved to
# Screen" reads "Bob neercS ot devom exe.png"): none belongs in a name, a phone number or a
# mail header.
NOT_ON_ONE_LINE = r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def validate_single_line(value):
    if re.search(NOT_ON_ONE_LINE, value):
        raise ValidationError(
            gettext("Write this on one line, without line breaks or control characters.")
        )
    # Zero-width spaces and joiners alone: a name that shows as nothing.
    if value and all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        raise ValidationError(gettext("Write this in characters one can see."))


def single_line(text):
    """`text` with each run of white space and control characters made one space: fit for a
    mail header or a calendar name, whatever was stored before names were checked."""
    return re.sub(rf"(?:\s|{NOT_ON_ONE_LINE})+", " ", str(text)).strip()


def canonical_email(address):
    """`address` as we keep it: its domain as IDNA reads it, in lower case, so that one mailbox
    typed two ways is one address ("dana@ＭU\u0308LLER.example", full-width, decomposed, upper
    case, is dana@müller.example); the part before the @ as typed, its letters composed (NFC).
    A domain IDNA refuses stays as typed, for the email validator to judge."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip()
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("idna")
    return f"{unicodedata.normalize('NFC', local)}@{domain.lower()}"


def whole_number(text):
    """`text` as a number when it is digits 0-9 alone, else None: str.isdigit() also takes
    "²", which int() refuses, and other scripts' digits ("١٢"), which no page writes."""
    return int(text) if text.isascii() and text.isdigit() else None


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            gettext("“%(value)s” is not an IANA time zone, such as Europe/Berlin.")
            % {"value": value}
        )


def validate_check_in_days(value):
    """ "90,180,365": up to five days after a hire, each from 7 to 1,095, in order."""
    try:
        days = [int(part) for part in value.split(",")]
    except ValueError:
        raise ValidationError(
            _("Write days as numbers separated by commas, e.g. 90,180,365.")
        ) from None
    if not 1 <= len(days) <= 5 or days != sorted(set(days)) or not 7 <= days[0] <= days[-1] <= 1095:
        raise ValidationError(_("Give one to five days in increasing order, each from 7 to 1,095."))


class LabelledChoices:
    """A model whose get_FOO_display() translates the one label it shows: Django's own hashes,
    so translates, every choice's label on each call (a timeline or a table calls it for every
    row)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        label = next((label for choice, label in field.flatchoices if choice == value), value)
        return force_str(label, strings_only=True)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        """The operator's account: it reads everything, so it must never be an interviewer."""
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **fields)

    def recruiters(self):
        """Who hears of what the team decided and what the candidate answered."""
        return self.filter(role=User.Role.RECRUITER, is_active=True)

    def at_address(self, address):
        """The account at `address`, in any case: the address it signs in with, or another it
        verified; None."""
        verified = Q(emailaddress__email__iexact=address, emailaddress__verified=True)
        return self.filter(Q(email__iexact=address) | verified).first()


class User(AbstractUser):
    """A person who signs in with their email. Team membership is separate from the role."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Team member")
        RECRUITER = "recruiter", _("Recruiter")
        LEADERSHIP = "leadership", _("Leadership")
        ADMIN = "admin", _("Admin")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Blank: the browser's language (LocaleMiddleware); else the profile's choice.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    role = models.CharField(max_length=20, choices=Role, default=Role.MEMBER)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between interviews (minutes)"), default=15
    )
    weekly_interview_cap = models.PositiveSmallIntegerField(
        _("most interviews a week"), null=True, blank=True, default=6
    )
    calendar_feed_url = models.URLField(
        _("calendar feed (.ics URL)"),
        blank=True,
        help_text=_("Refreshed every hour; its events block interview times."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "email"]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return str(self)

    @property
    def zone_name(self):
        return self.time_zone

    @property
    def language_code(self):
        """The language their emails are written in: their profile's, else the default."""
        return self.language or settings.LANGUAGE_CODE

    def get_short_name(self):
        return str(self)

    def take_role(self, role):
        """`role` taken, not saved: organisation admins are staff, with the permissions their
        role grants (hiring.accounts.permissions); no role makes a superuser."""
        self.role = role
        self.is_staff = self.is_superuser or role == self.Role.ADMIN

    def assign_role(self, role):
        """take_role(), saved."""
        self.take_role(role)
        self.save(update_fields=["role", "is_staff"])

    @property
    def is_recruiter(self):
        return self.role == self.Role.RECRUITER

    @property
    def is_leadership(self):
        return self.role == self.Role.LEADERSHIP

    @property
    def is_org_admin(self):
        return self.role == self.Role.ADMIN

    @property
    def sees_all_teams(self):
        """Recruiters and leadership see every team's pipeline; members only their own teams."""
        return self.role in (self.Role.RECRUITER, self.Role.LEADERSHIP)

    @property
    def must_use_mfa(self):
        return self.role in (self.Role.RECRUITER, self.Role.LEADERSHIP, self.Role.ADMIN)


class Organisation(models.Model):
    """The single organisation this deployment serves, and its settings."""

    name = models.CharField(max_length=100, default="Teamfit", validators=[validate_single_line])
    require_mfa_for_staff = models.BooleanField(
        _("require two-factor authentication for admins, leadership and recruiters"),
        default=False,
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep candidates' data for (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("After a candidate's last application closed; then their data is erased."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        organisation, _ = cls.objects.get_or_create(pk=1)
        return organisation


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all_teams:
            return self.all()
        return self.of_member(user)

    def of_member(self, user):
        # A subquery, not a join, so counts annotated on the result still see every member.
        return self.filter(pk__in=Membership.objects.filter(user=user).values("team_id"))

    def pipeline_run_by(self, user):
        """Teams whose candidates and applications this user manages: recruiters run them all."""
        if user.is_recruiter:
            return self.all()
        return self.of_member(user)


# Fields kept by UPDATEs in the database, never written by saving an instance, which may have
# been read before one of them moved (see Team.save, Application.save).
KEPT_BY_UPDATES = (
    "data_version",
    "hires_version",
    "shared_version",
    "page_version",
    "panel_booked",
    "member_email",
)


class Team(LabelledChoices, models.Model):
    class MembershipRule(models.TextChoices):
        MAJORITY = "majority", _("Majority of members")
        ANY_MEMBER = "any", _("Any one member")
        UNANIMOUS = "unanimous", _("Every member")

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    membership_rule = models.CharField(
        max_length=20,
        choices=MembershipRule,
        default=MembershipRule.MAJORITY,
        help_text=_("Who must approve adding or removing a member, or changing this rule."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Post-hire check-ins, in days after the hire: "90,180,365" (scorecards/checkins.py).
    check_in_days = models.CharField(
        _("check-ins after a hire (days)"),
        max_length=40,
        default="90,180,365",
        validators=[validate_check_in_days],
        help_text=_(
            "Days after a hire when the team rates how the hire is doing, e.g. 90,180,365."
        ),
    )
    # A trainee is proposed as a full interviewer once this many of their practice scorecards
    # came within the tolerance of their panels' consensus (scorecards/practice.py).
    practice_to_graduate = models.PositiveSmallIntegerField(
        _("practice scorecards to graduate"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    practice_tolerance = models.DecimalField(
        _("practice tolerance (points)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("3"))],
        help_text=_("How far from the panel's mean, on average per criterion, still counts."),
    )
    members = models.ManyToManyField(User, through="Membership", related_name="teams")
    # Goes up in the same transaction as any change to what the team's board cards and
    # reports show, so a cached board or report knows it is out of date (hiring/freshness.py).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Goes up with data_version when what the validity report reads changes (a hire, its
    # scorecards, its check-ins, a name shown): the report is slow to compute and changes
    # far less often than the rest.
    hires_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Goes up with data_version when what every page of the team shows changes (its name,
    # members, openings, a person's name): an application's page follows this and its own
    # page_version, not every change to the team's other applications.
    shared_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = TeamQuerySet.as_manager()

    # What its settings page changes: by a proposal its membership rule settles, as its rule
    # for graduating trainees is the team's own (teams.membership.propose_settings).
    SETTINGS_FIELDS = ["check_in_days", "practice_to_graduate", "practice_tolerance"]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The versions only go up, in the database: a save from an instance read earlier
        # must not put an older version back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in KEPT_BY_UPDATES
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("team_detail", args=[self.pk])

    @property
    def check_in_schedule(self):
        """The days after a hire of its check-ins: [90, 180, 365]."""
        return [int(day) for day in self.check_in_days.split(",")]

    def settings_snapshot(self):
        """Its settings as plain data (JSON): a proposal keeps them as they were and as proposed."""
        fields = [self._meta.get_field(name) for name in self.SETTINGS_FIELDS]
        values = {field.name: field.to_python(getattr(self, field.name)) for field in fields}
        return {
            name: float(value) if isinstance(value, Decimal) else value
            for name, value in values.items()
        }

    @classmethod
    def shown_setting(cls, name, value):
        """A setting of a snapshot as the reader writes it: "0,75" in German."""
        field = cls._meta.get_field(name)
        if isinstance(field, models.DecimalField):
            return number_format(value, decimal_pos=field.decimal_places)
        return str(value)

    def active_members(self):
        """Its members who can sign in: someone whose account the admin deactivated (who left)
        is no longer offered to interview, asked to vote or reminded."""
        return self.members.filter(is_active=True)

    def has_another_active_member(self, user_id):
        """Whether a member other than `user_id` can sign in: without one, nothing waiting for
        a second member (a confirmation, a proposal) is ever settled."""
        return self.active_members().exclude(pk=user_id).exists()

    def has_member(self, user):
        """Whether `user` is a member, read once for this team object: a decision asks it to
        record and again to show the reply (a team object lives one request, or one write)."""
        known = self.__dict__.setdefault("_members_known", {})
        if user.pk not in known:
            known[user.pk] = self.memberships.filter(user=user).exists()
        return known[user.pk]

    def known_member(self, user):
        """Note that `user` is a member, as the read that found this team showed (a team of
        theirs only): has_member() then asks nothing."""
        self.__dict__.setdefault("_members_known", {})[user.pk] = True


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_member"),
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"


class ProposalQuerySet(models.QuerySet):
    def awaiting_vote_of(self, user):
        """Open proposals of `user`'s teams that they vote on and have not voted on yet."""
        return self.filter(
            status=Proposal.Status.OPEN, team__memberships__user=user, voters=user
        ).exclude(votes__voter=user)


class Proposal(models.Model):
    """A change to a team's membership, its settings or an opening's decision rule, settled by
    the team's membership rule."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add a member")
        REMOVE = "remove", _("Remove a member")
        RULE = "rule", _("Change the membership rule")
        DECISION_RULE = "decision", _("Change an opening's decision rule")
        GRADUATE = "graduate", _("Make a trainee a full interviewer")
        SETTINGS = "settings", _("Change the team's settings")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("team")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    proposed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    # The person to add or remove; an ADD for someone without an account has only an email.
    subject = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("email"), blank=True)
    membership_rule = models.CharField(
        _("membership rule"), max_length=20, choices=Team.MembershipRule, blank=True
    )
    # A DECISION_RULE proposal: the opening, and its rule as it was and as proposed (snapshots);
    # a SETTINGS proposal: the team's settings as they were and as proposed.
    opening = models.ForeignKey(
        "Opening",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("opening"),
    )
    rule_before = models.JSONField(_("before the change"), null=True, blank=True)
    rule_after = models.JSONField(_("after the change"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Who votes on it: the members who could sign in when it was made, less the member it is
    # about (membership._open). Fixed then, so that nobody outside the team changes who decides
    # (the admin deactivating a dissenter, or those yet to vote); leaving the team takes a
    # voter out.
    voters = models.ManyToManyField(User, related_name="+", blank=True, verbose_name=_("voters"))

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "subject"],
                condition=Q(status="open", subject__isnull=False),
                name="one_open_proposal_per_person",
            ),
            models.UniqueConstraint(
                fields=["team", "email"],
                condition=Q(status="open", subject__isnull=True, kind="add"),
                name="one_open_invitation_proposal_per_email",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(status="open", kind="rule"),
                name="one_open_rule_proposal",
            ),
            models.UniqueConstraint(
                fields=["opening"],
                condition=Q(status="open", kind="decision"),
                name="one_open_decision_rule_proposal",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(status="open", kind="settings"),
                name="one_open_settings_proposal",
            ),
        ]

    def __str__(self):
        return self.summary

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def address(self):
        """Whom a proposal to add stands for: their account's address, else the one invited."""
        return self.subject.email if self.subject else self.email

    @property
    def is_outdated(self):
        """Whether a SETTINGS proposal's team changed its settings since: applied, it would put
        back unseen what changed."""
        return self.kind == self.Kind.SETTINGS and self.team.settings_snapshot() != self.rule_before

    @property
    def summary(self):
        if self.kind == self.Kind.ADD:
            return gettext("Add %(person)s") % {"person": self.subject or self.email}
        if self.kind == self.Kind.REMOVE:
            return gettext("Remove %(person)s") % {"person": self.subject}
        if self.kind == self.Kind.GRADUATE:
            return gettext("Make %(person)s a full interviewer") % {"person": self.subject}
        if self.kind == self.Kind.DECISION_RULE:
            before = recommendation.Rule(**self.rule_before).describe()
            after = recommendation.Rule(**self.rule_after).describe()
            return gettext(
                "Change the decision rule of %(opening)s from “%(before)s” to “%(after)s”"
            ) % {"opening": self.opening.title, "before": before, "after": after}
        if self.kind == self.Kind.SETTINGS:
            return gettext("Change the team's settings: %(changes)s") % {
                "changes": "; ".join(self._settings_changed())
            }
        return gettext("Change the membership rule to “%(rule)s”") % {
            "rule": self.get_membership_rule_display()
        }

    def _settings_changed(self):
        """Each setting a SETTINGS proposal changes, with its value before and after, in the
        settings page's order (PostgreSQL's jsonb keeps no order of its keys)."""
        return [
            gettext("%(setting)s from %(before)s to %(after)s")
            % {
                "setting": Team._meta.get_field(name).verbose_name,
                "before": Team.shown_setting(name, self.rule_before[name]),
                "after": Team.shown_setting(name, self.rule_after[name]),
            }
            for name in Team.SETTINGS_FIELDS
            if self.rule_before[name] != self.rule_after[name]
        ]

    @property
    def announcement(self):
        """What the member who acted is told."""
        if self.status == self.Status.ACCEPTED and self.kind == self.Kind.ADD:
            return gettext(
                "Accepted: %(proposal)s. An invitation went to %(email)s: they join once they "
                "accept it."
            ) % {"proposal": self.summary, "email": self.address}
        if self.status == self.Status.ACCEPTED:
            return gettext("Accepted: %(proposal)s.") % {"proposal": self.summary}
        if self.status == self.Status.REJECTED and self.is_outdated:
            return gettext(
                "Rejected: %(proposal)s. The team's settings changed since it was proposed: "
                "propose it again from the settings as they are."
            ) % {"proposal": self.summary}
        if self.status == self.Status.REJECTED:
            return gettext("Rejected: %(proposal)s.") % {"proposal": self.summary}
        return gettext("Proposed: %(proposal)s. It needs the team's approval.") % {
            "proposal": self.summary
        }


class Ballot(models.Model):
    """A member's vote on a membership proposal (a scorecard's vote is scorecards' Vote)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    approve = models.BooleanField()
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="one_vote_per_member"),
        ]

    def __str__(self):
        return f"{self.voter} {'approves' if self.approve else 'rejects'} {self.proposal}"


class ChangedMeanwhile(ValidationError):
    """What a page was opened on (an email template, a draft offer) changed before its form
    came back: what its person typed is not saved, and they read `current`, the thing as it
    now is, beside it."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


def version_of(values):
    """The version of what an edit page shows, `values`, that the page carries to tell on saving
    whether someone saved another since (ChangedMeanwhile)."""
    text = "\0".join(str(value) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()


def move_in_order(items, moved, offset, seen=None):
    """Move `moved` among `items` (a list in the order of their `position`) up (offset -1) or
    down (+1), saving each position that changes. Its place before and after, counted from 1 as
    the pages list them, or None when it is already at that end or, `seen` its place on the
    page the move was sent from, it moved since (a double click, two tabs): it stays there."""
    index = items.index(moved)
    target = index + offset
    if not 0 <= target < len(items) or seen not in (None, index + 1):
        return None
    items[index], items[target] = items[target], items[index]
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return index + 1, target + 1


def refuse_if_saved_since(instance, names, fields, based_on, message):
    """ChangedMeanwhile(message) when `instance`'s fields `names` were saved since its edit page
    showed them (`based_on`: version_of() them) and the page's `fields` differ from them; the
    same form sent twice (a double click) saves once."""
    saved_since = based_on is not None and based_on != version_of(
        getattr(instance, name) for name in names
    )
    if saved_since and any(getattr(instance, name) != fields[name] for name in names):
        raise ChangedMeanwhile(message, instance)


class SignedAt(signing.TimestampSigner):
    """A signer whose signatures say they were made at `moment`, not now: a link made again
    later (an email retried, a command run twice) is the same link, and its age is that of
    what it is for."""

    def __init__(self, moment, **kwargs):
        super().__init__(**kwargs)
        self.moment = moment

    def timestamp(self):
        return signing.b62_encode(int(self.moment.timestamp()))


class LinkError(Exception):
    """Why a signed link (an invitation, a candidate's scheduling link) cannot be used; the
    message is shown to the visitor. `renewable`: a candidate's status link, which the privacy
    page emails again to whoever holds its address."""

    def __init__(self, message, renewable=False):
        super().__init__(message)
        self.renewable = renewable


def unsign(token, salt, max_age, *, expired, invalid):
    """What a signed link carries, or LinkError with the message for an expired or a broken one."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkError(expired) from error
    except signing.BadSignature as error:
        raise LinkError(invalid) from error


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at=None,
            revoked_at=None,
            declined_at=None,
            created_at__gt=timezone.now() - Invitation.max_age(),
        )

    def to_organisation(self):
        """Invitations the admin sent (recruiters, leadership, admins), not a team's."""
        return self.filter(team=None)


class Invitation(models.Model):
    """A signed, expiring, single-use link to sign up: for an organisation role or to a team."""

    SALT = "teamfit.invitation"

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=User.Role, default=User.Role.MEMBER)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("team"),
    )
    # None: the operator's, from `manage.py invite_admin` (a fresh deployment has no admin yet).
    invited_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # A team's invitation to someone with an account, who chose not to join.
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("Invitations")

    def __str__(self):
        return f"Invitation for {self.email}"

    def get_absolute_url(self):
        return reverse("invitation", args=[self.token()])

    @staticmethod
    def max_age():
        return timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def expires_at(self):
        return self.created_at + self.max_age()

    @property
    def is_pending(self):
        return (
            not self.accepted_at
            and not self.revoked_at
            and not self.declined_at
            and timezone.now() < self.expires_at
        )

    @cached_property
    def account(self):
        """The account at the invited address, if there is one (the address it signs in with, or
        another it verified): its owner signs in to answer."""
        return User.objects.at_address(self.email)

    def is_for(self, user):
        """Whether `user` holds the invited address: a team may propose a colleague at another
        address of theirs, which they verified (allauth refuses it to a new account)."""
        return self.email.lower() == user.email.lower() or self.account == user

    def reader(self):
        """Whose zone and language its email is written in: the account at its address, else
        the team's hire proposed at it (Application.member_email), whose candidate record knows
        theirs; None for someone nobody knows yet."""
        if self.account or self.team_id is None:
            return self.account
        hire = (
            Application.objects.hires_of([self.team_id])
            .filter(member_email=self.email.lower())
            .select_related("candidate")
            .first()
        )
        return hire and hire.candidate

    def revoke(self):
        """Withdraw an invitation not yet answered; False if it was already accepted, declined
        or withdrawn, also since this instance was read (the update waits for it and skips
        it): a withdrawal sent twice withdraws once."""
        now = timezone.now()
        answered = Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)
        waiting = Invitation.objects.filter(pk=self.pk, revoked_at=None).exclude(answered)
        if not waiting.update(revoked_at=now):
            return False
        self.revoked_at = now
        return True

    def token(self):
        # Signed at its creation: the same link in every copy of its email and whenever
        # invite_admin prints it again.
        return SignedAt(self.created_at, salt=self.SALT).sign_object(self.pk)

    @classmethod
    def from_token(cls, token):
        """The pending invitation behind a link, or LinkError saying why it can't be used."""
        pk = unsign(
            token,
            cls.SALT,
            cls.max_age(),
            expired=gettext("This invitation has expired. Ask for a new one."),
            invalid=gettext("This invitation link is not valid. Check that you copied all of it."),
        )
        invitation = cls.objects.select_related("team").filter(pk=pk).first()
        if invitation is None or invitation.revoked_at:
            raise LinkError(gettext("This invitation was withdrawn."))
        if invitation.accepted_at:
            raise LinkError(gettext("This invitation has already been used. Sign in instead."))
        if invitation.declined_at:
            raise LinkError(gettext("This invitation was declined."))
        # A link signed later (a retried email) must not outlive the invitation itself.
        if timezone.now() >= invitation.expires_at:
            raise LinkError(gettext("This invitation has expired. Ask for a new one."))
        return invitation


class UnqueuedTask(models.Model):
    """A task a write queued as it committed that the broker did not take (hiring.celery.Task):
    kept to be queued again by beat's sweep once the broker is back
    (hiring.tasks.queue_unqueued), then deleted. `payload`: its arguments as Celery sends
    them (kombu's JSON, which gives back dates and ids as they were)."""

    name = models.CharField(_("task"), max_length=200)
    payload = models.TextField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    def __str__(self):
        return self.name


class Notification(models.Model):
    """Ledger of emails: a key is claimed, in a transaction of its own, before its message goes
    to the mail server, and marked sent once the server took it (hiring/email/notifications.py)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the latest attempt to send it began; None after an attempt the mail server refused.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Attempts that claimed it: more than one after a refusal or a crash (a crash may send twice).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    def __str__(self):
        return self.key


ON_THE_SCALE = [MinValueValidator(1), MaxValueValidator(4)]


class OpeningQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all_teams:
            return self.all()
        return self.filter(team__in=Team.objects.of_member(user))


class Opening(models.Model):
    """A role a team hires for, with the scorecard its interviewers use."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="openings")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    decision_method = models.CharField(
        _("decision rule"),
        max_length=10,
        choices=recommendation.Method,
        default=recommendation.Method.MAJORITY,
    )
    min_scorecards = models.PositiveSmallIntegerField(_("quorum: scorecards"), default=2)
    min_team_fit_peers = models.PositiveSmallIntegerField(_("quorum: team-fit peers"), default=1)
    # Every method needs both categories at or above their own threshold (SPEC principle 3).
    skills_threshold = models.DecimalField(
        _("skills threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("2.5"),
        validators=ON_THE_SCALE,
    )
    team_fit_threshold = models.DecimalField(
        _("team fit threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("2.5"),
        validators=ON_THE_SCALE,
    )
    strong_no_veto = models.BooleanField(_("any strong no is a veto"), default=True)
    vote_counting = models.CharField(
        _("votes are counted"),
        max_length=12,
        choices=recommendation.VoteCounting,
        default=recommendation.VoteCounting.PER_INTERVIEWER,
    )
    scorecard = models.OneToOneField(
        "scorecards.Scorecard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opening",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        ordering = ["status", "title"]

    def __str__(self):
        return f"{self.title} ({self.team})"

    def get_absolute_url(self):
        return reverse("opening_detail", args=[self.pk])

    RULE_FIELDS = [field.name for field in dataclasses.fields(recommendation.Rule)]

    def rule_snapshot(self):
        """The decision rule as plain data: each application keeps the one it started under."""
        return rule_snapshot({name: getattr(self, name) for name in self.RULE_FIELDS})


# Past these a careers form, and the page that edits it, grew unbounded.
MOST_QUESTIONS = 20
MOST_QUESTION_CHOICES = 20
# As long as an address is stored (models.EmailField's default): a form taking a longer one had
# PostgreSQL refuse it (a server error), or SQLite store it past its limit.
LONGEST_EMAIL = 254
LONGEST_QUESTION_CHOICE = 100
LONGEST_SHORT_ANSWER = 300
LONGEST_LONG_ANSWER = 5000


class OpeningQuestion(LabelledChoices, models.Model):
    """A question of the team's own that the careers form asks whoever applies to the opening."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short", _("Short text")
        LONG_TEXT = "long", _("Long text")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One of a list")

    # A yes/no answer's stored values, shown by their labels.
    YES_NO = {"yes": _("Yes"), "no": _("No")}

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="questions", verbose_name=_("opening")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300, validators=[validate_single_line])
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(
        _("kind of answer"), max_length=10, choices=Kind, default=Kind.SHORT_TEXT
    )
    # "One of a list": its options as written, each its own stable value (they no longer change
    # once answered: hiring/careers/questions.py).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class ApplicationAnswer(LabelledChoices, models.Model):
    """A candidate's answer to a question of the opening, with the question as it was asked:
    rewording or removing the question later changes nothing of what they answered to."""

    application = models.ForeignKey(
        "Application",
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("application"),
    )
    question = models.ForeignKey(
        OpeningQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("question"),
    )
    question_text = models.CharField(_("question as asked"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=OpeningQuestion.Kind)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.question_text

    @property
    def shown(self):
        """The answer as the candidate chose it: a yes or no by its label, blank if none."""
        if self.kind == OpeningQuestion.Kind.YES_NO and self.answer in OpeningQuestion.YES_NO:
            return str(OpeningQuestion.YES_NO[self.answer])
        return self.answer


def rule_snapshot(values):
    """A decision rule's fields as plain data (JSON), from an opening or a rule form."""
    return {
        name: float(value) if isinstance(value, Decimal) else value
        for name, value in values.items()
    }


def validate_resume_size(file):
    limit = settings.RESUME_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            gettext("The résumé is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        )


# Letters Unicode does not write as a base letter and a mark, as people type them without it.
SPELLED_PLAIN = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th"}
)


def searchable(text):
    """`text` as the candidate search compares it: in one case and without accents, so that
    "jose" finds "José", "soren" "Søren" and "STRASSE" "Straße", its words one space apart
    (a name's second word is what follows its first space)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.translate(SPELLED_PLAIN).split())


def folded(field):
    """`field` in one case, as the indexes of migrations 0019 and 0032 hold a candidate's email
    on this database: lower case on SQLite, upper on PostgreSQL."""
    return Upper(field) if connection.vendor == "postgresql" else Lower(field)


def fold(text):
    """`text` in the case folded() compares it in."""
    return text.upper() if connection.vendor == "postgresql" else text.lower()


class SearchableName(models.TextField):
    """The record's name as searchable() gives it, written with the name by save() and
    bulk_create() alike (the imports'), as auto_now writes its time: never set by hand."""

    def pre_save(self, model_instance, add):
        value = searchable(model_instance.name)
        setattr(model_instance, self.attname, value)
        return value


HAS_PHONE_OR_LINKS = ~Q(phone="") | ~Q(links="")
# A record the duplicates review pairs by its name: it has a phone or links to tell two people
# of one name apart, and a name searchable() leaves something of (not accents alone, "\u0301").
NAMED = HAS_PHONE_OR_LINKS & ~Q(search_name="")
# What mark_older_matches() reads of a record (search_name follows its name).
MATCHED_BY = {"email", "name", "phone", "links"}


def mark_older_matches(records):
    """Write has_older_match of `records` (a query of candidates: a migration's too) from the
    older records as they are now: whether one may be the same person, with the same email in
    one case or, both NAMED, the same searchable name. What the duplicates review lists, from
    the newer record of each pair (candidates.merging); each way one probe of its index
    (migrations 0019, 0032 and 0045). Returns how many records were written."""
    older = records.model.objects.filter(pk__lt=OuterRef("pk")).alias(email_key=folded("email"))
    same_email = Exists(older.filter(email_key=folded(OuterRef("email"))))
    same_name = Exists(older.filter(NAMED, search_name=OuterRef("search_name")))
    return records.update(
        has_older_match=Case(
            When(Q(same_email) | Q(NAMED, same_name), then=Value(True)), default=Value(False)
        )
    )


# How many emails, and names, refresh_older_matches() asks for in one statement (SQLite bounds
# a statement's parameters).
KEYS_AT_ONCE = 200


def refresh_older_matches(keys):
    """Write has_older_match again, in the caller's transaction, on every record holding one of
    `keys`, (email, search_name) pairs: those of the records a write added, changed or removed,
    as they were and as they are, since a record's mark follows the older records of its email
    and name. Two transactions writing records of one email or name take turns: each marks with
    the other's record in sight (READ COMMITTED shows no uncommitted row, so two people applying
    at once would each find no older record)."""
    with transaction.atomic(savepoint=False):
        take_turns(match_turns(keys))
        mark_again(keys)


def match_turns(keys):
    """The turns (take_turns) of the emails and names of `keys`, as refresh_older_matches()."""
    emails, names = _match_keys(keys)
    return [f"email:{email}" for email in emails] + [f"name:{name}" for name in names]


def mark_again(keys):
    """refresh_older_matches() by a transaction that took match_turns(keys) already, before
    its write. An import's are written KEYS_AT_ONCE at a time."""
    emails, names = _match_keys(keys)
    for start in range(0, max(len(emails), len(names)), KEYS_AT_ONCE):
        mark_older_matches(
            _holding(emails[start : start + KEYS_AT_ONCE], names[start : start + KEYS_AT_ONCE])
        )


def _holding(emails, names):
    """The records of one of `emails` (folded) or `names` (searchable): those whose marks follow
    these keys."""
    return Candidate.objects.alias(email_key=folded("email")).filter(
        Q(email_key__in=emails) | Q(search_name__in=names)
    )


def _match_keys(keys):
    emails = sorted({fold(email) for email, _name in keys})
    # A record without a name is paired by its email alone, and found by it.
    names = sorted({name for _email, name in keys} - {""})
    return emails, names


# The turn every writer of candidates holds shared with the others (take_turns), and an
# import's write alone (all_turns).
CANDIDATE_WRITES = "candidates"


def take_turns(keys):
    """On PostgreSQL, the transactions naming one of `keys` (strings) here take turns, each
    waiting until the one before ends; all of them wait for an import's write holding every
    turn (all_turns), and it for them. One lock a key, held to the commit. Taken before the
    transaction locks or writes a candidate's row (an import holding every turn may be waiting
    for that row), or an opening's (an import locks its opening after its turn). SQLite writes
    one at a time."""
    if connection.vendor == "postgresql" and not _all_turns_held.get():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN shared THEN pg_advisory_xact_lock_shared(key)"
                " ELSE pg_advisory_xact_lock(key) END FROM"
                " (SELECT DISTINCT hashtextextended(unnest, 0) AS key, unnest = %s AS shared"
                " FROM unnest(%s::text[])"
                " ORDER BY shared DESC, key) AS keys",  # always in one order: no deadlock
                [CANDIDATE_WRITES, [CANDIDATE_WRITES, *keys]],
            )


# Within all_turns(): the transaction holds every turn, and takes none more.
_all_turns_held = contextvars.ContextVar("all_turns_held", default=False)


@contextlib.contextmanager
def all_turns():
    """Within a transaction, every candidate writer's turn (take_turns) at once, held to its
    commit, with one lock: an import's write of thousands of records, whose own turns, a lock
    each, would fill the server's lock table. First in the transaction, as take_turns()."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [CANDIDATE_WRITES]
            )
    held = _all_turns_held.set(True)
    try:
        yield
    finally:
        _all_turns_held.reset(held)


class CandidateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An update (bulk_update()'s too) of what pairs records (MATCHED_BY) writes their
        marks again, and those of the records their emails and names paired them with, before
        and after (refresh_older_matches), as save() does: none is left stale. A name's
        searchable form is written with it, so a name is a plain string here."""
        if MATCHED_BY.isdisjoint(kwargs):
            return super().update(**kwargs)
        if "name" in kwargs:
            if not isinstance(kwargs["name"], str):
                raise TypeError("A candidate's name is updated to a string: its search follows.")
            kwargs.setdefault("search_name", searchable(kwargs["name"]))
        with transaction.atomic(savepoint=False):
            rows = list(self.values_list("pk", "email", "search_name"))
            was = [(email, name) for _pk, email, name in rows]
            take_turns(match_turns(was))  # before the rows are written (take_turns)
            updated = super().update(**kwargs)
            now = Candidate.objects.filter(pk__in=[pk for pk, _email, _name in rows])
            refresh_older_matches([*was, *now.values_list("email", "search_name")])
        return updated

    def held_only_by(self, team_id):
        """The records no other team than `team_id`'s holds an application of: what a new
        application (the careers form, an import, a candidate added by hand) may join without
        opening another team's record to this one."""
        elsewhere = Application.objects.filter(candidate=OuterRef("pk")).exclude(
            opening__team=team_id
        )
        return self.exclude(Exists(elsewhere))


class Candidate(models.Model):
    """A person applying; PII, visible only through the applications a user may see."""

    RESUME_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "txt"]

    name = models.CharField(_("name"), max_length=120)
    # What the search finds the name by (hiring/candidates/search.py, its indexes migration 0045's).
    search_name = SearchableName(_("name as searched"), editable=False, default="")
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    links = models.TextField(
        _("links"), blank=True, help_text=_("One link per line: portfolio, GitHub, LinkedIn.")
    )
    resume = models.FileField(
        _("résumé"),
        upload_to="resumes/%Y/%m/",
        blank=True,
        validators=[
            FileExtensionValidator(RESUME_EXTENSIONS),
            validate_resume_size,
        ],
    )
    # The candidate's own zone, for the times in their emails and on their pages; blank until
    # they tell us (an application form, a link they opened), and UTC meanwhile.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    # The language their browser asked for when they applied or last acted on a link: their
    # emails are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # The addresses of records merged into this one, one per line: a merge loses nothing.
    other_emails = models.TextField(_("other emails"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Erasure anonymises the record and keeps it, so the numbers it carries stay
    # (hiring/privacy/erasure.py).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    # A legal hold stops erasure and retention until a recruiter releases it.
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    held_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
    )
    hold_reason = models.TextField(_("hold reason"), blank=True)
    # The candidate confirmed their erasure request while on hold: the retention run erases
    # them once the hold is released.
    erasure_requested_at = models.DateTimeField(_("erasure requested at"), null=True, blank=True)
    # An erasure (a recruiter's, theirs, or retention carrying out that request) began
    # withdrawing their applications: it goes through, and a wish to be kept comes too late,
    # unless a hold stops it again (retention.keep).
    erasure_started_at = models.DateTimeField(_("erasure started at"), null=True, blank=True)
    # When the candidate was told their data is about to be erased (hiring/privacy/retention.py).
    retention_notice_at = models.DateTimeField(_("retention notice at"), null=True, blank=True)
    # mark_older_matches(), kept by every write of a record (refresh_older_matches): the duplicates
    # review reads the records marked, newest first, by their own index, whatever their number.
    has_older_match = models.BooleanField(
        _("an older record may be the same person"), default=False, editable=False
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["email"], name="candidate_email"),
            # The few records others were merged into: found by an address of theirs without
            # reading every candidate (candidates.merging.held, ids_of_candidate).
            models.Index(fields=["id"], condition=~Q(other_emails=""), name="candidate_merged"),
            models.Index(
                fields=["id"], condition=Q(has_older_match=True), name="candidate_older_match"
            ),
            # The sweep of stored files asks which of a chunk of names a record holds
            # (hiring/privacy/files.py): without it, a read of every candidate per chunk.
            models.Index(fields=["resume"], name="candidate_resume"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None and "name" in update_fields:
            update_fields = {*update_fields, "search_name"}  # its pre_save follows the name
        if update_fields is not None and MATCHED_BY.isdisjoint(update_fields):
            return super().save(*args, update_fields=update_fields, **kwargs)
        # Its mark, and those of the records its email and name paired it with, before and now.
        with transaction.atomic(savepoint=False):
            adding = self._state.adding
            keys = [*self._stored_keys(), (self.email, searchable(self.name))]
            take_turns(match_turns(keys))  # before the row is written (take_turns)
            super().save(*args, update_fields=update_fields, **kwargs)
            if adding and not self.has_older_match and not self._shares_a_key(keys):
                return  # a new record of its own email and name: no mark to write (2 ms saved)
            mark_again(keys)

    def _shares_a_key(self, keys):
        return _holding(*_match_keys(keys)).exclude(pk=self.pk).exists()

    def delete(self, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            was = self._stored_keys()
            take_turns(match_turns(was))
            deleted = super().delete(*args, **kwargs)
            mark_again(was)
        return deleted

    def _stored_keys(self):
        """The record's email and name as stored, read again: an instance may be older."""
        if self.pk is None:
            return []
        return list(Candidate.objects.filter(pk=self.pk).values_list("email", "search_name"))

    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def emails(self):
        """Every address of the candidate, lower case: their own and those of records merged in."""
        found = [self.email, *self.other_emails.splitlines()]
        return {email.strip().lower() for email in found if email.strip()}

    @property
    def zone_name(self):
        """The zone the candidate's times are shown in: theirs once known, UTC until then."""
        return self.time_zone or "UTC"

    @property
    def language_code(self):
        """The language their emails are written in."""
        return self.language or settings.LANGUAGE_CODE


class ApplicationQuerySet(models.QuerySet):
    def ids_of_candidate(self, addresses):
        """The ids of the applications whose candidate has one of these `addresses` (lower case):
        an address of their record, a merged record's included, or the one the team proposed
        them at (member_email); hiring.checkins.checkins.is_candidate asks the same of a loaded
        application, and hiring.reports.validity.own_applications in plain reads. A union of the
        three ways, each by its own index: the address in one case (migrations 0019, 0032), the
        merged records' (candidate_merged) and the proposed addresses' (hire_member_email, whose
        condition SQLite uses only when the query states it). A merged record's addresses are
        kept one a line, trimmed (candidates.merging): each is matched whole on its line."""
        addresses = sorted(addresses)
        own = Candidate.objects.alias(email_key=folded("email")).filter(
            email_key__in=[fold(address) for address in addresses]
        )
        lines = Concat(
            Value("\n"), Lower("other_emails"), Value("\n"), output_field=models.TextField()
        )
        merged = Candidate.objects.exclude(other_emails="").filter(
            functools.reduce(
                operator.or_,
                [Q(Contains(lines, f"\n{address}\n")) for address in addresses],
                Q(pk__in=[]),
            )
        )
        ways = [
            self.filter(candidate__in=own.values("pk")),
            self.filter(candidate__in=merged.values("pk")),
            self.exclude(member_email="").filter(member_email__in=addresses),
        ]
        first, *others = [way.order_by().values_list("pk", flat=True) for way in ways]
        return first.union(*others)

    def visible_to(self, user):
        if user.sees_all_teams:
            return self.all()
        # Their openings as a list, not a join: SQLite then reads a column of the board, or
        # counts it, in those openings' own index (board_team_column), not every team's.
        return self.filter(opening__in=Opening.objects.visible_to(user))

    def hires_of(self, teams):
        """The applications at Hired of these teams (or their ids)."""
        return self.filter(opening__team__in=teams, stage=self.model.Stage.HIRED)

    def with_hire_elsewhere(self):
        """Each with `hired_for`: the title of another opening of its team that its candidate
        (the same record) was hired for, or None. Shown, never acted on: the recruiter and the
        team decide what becomes of the application still open."""
        hires = (
            Application.objects.filter(
                candidate=OuterRef("candidate"),
                opening__team=OuterRef("opening__team"),
                stage=self.model.Stage.HIRED,
            )
            .exclude(pk=OuterRef("pk"))
            .order_by()
        )
        return self.annotate(hired_for=Subquery(hires.values("opening__title")[:1]))


class Application(models.Model):
    """A candidate for an opening, moving through the pipeline's stages."""

    class Stage(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("stage", "Applied")
        SCREEN = "screen", pgettext_lazy("stage", "Screen")
        PANEL = "panel", pgettext_lazy("stage", "Panel")
        DEBRIEF = "debrief", pgettext_lazy("stage", "Debrief")
        DECIDED = "decided", pgettext_lazy("stage", "Decided")
        OFFER = "offer", pgettext_lazy("stage", "Offer")
        HIRED = "hired", pgettext_lazy("stage", "Hired")
        REJECTED = "rejected", pgettext_lazy("stage", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("stage", "Withdrawn")

    # The team's decision moves an application to decided, offer, hired or rejected; people
    # move it only between these, and reject it by hand only before the interviews (the screen):
    # after them, rejecting is the team's decision.
    MANUAL_STAGES = [Stage.APPLIED, Stage.SCREEN, Stage.PANEL, Stage.DEBRIEF, Stage.WITHDRAWN]
    BEFORE_INTERVIEWS = [Stage.APPLIED, Stage.SCREEN]
    CLOSED_STAGES = [Stage.DECIDED, Stage.OFFER, Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN]

    class Source(models.TextChoices):
        CAREERS = "careers", _("Careers page")
        REFERRAL = "referral", _("Referral")
        RECRUITER = "recruiter", _("Added by a recruiter")
        IMPORTED = "imported", _("Imported")

    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("candidate"),
    )
    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="applications", verbose_name=_("opening")
    )
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.RECRUITER)
    referred_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    # What the candidate wrote when applying.
    note = models.TextField(_("note"), blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    decision_rule = models.JSONField(_("decision rule"), default=dict)
    debrief_opened_at = models.DateTimeField(_("debrief opened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Whether a session of its panel holds a time and none waits for one (booked again after
    # its cancellation), kept in step by the booking, the cancelling and the booking again
    # (hiring/scheduling/booking.py), so the panels still to schedule are found
    # through an index instead of by checking every application at the Panel stage.
    panel_booked = models.BooleanField(_("panel booked"), default=False, editable=False)
    # Goes up in the same transaction as any change to what this application's own page shows
    # (hiring/freshness.py): its cached page follows it and its team's shared_version.
    page_version = models.PositiveBigIntegerField(_("page version"), default=0, editable=False)
    # The address a hire is proposed at to join the team (an open or agreed proposal's), lower
    # case: often a work address, not the one they applied with. They are recognised as the hire
    # by either (hiring/checkins/checkins.py), so they never rate nor read their own check-ins.
    member_email = models.EmailField(_("member email"), blank=True)
    # The account the hire is a member with, linked as they join the team (or as they are
    # hired, being a member already: checkins.link_hires). Erasure keeps it, as it takes every
    # address that knew them: the hire still reads nothing derived from their own panel
    # (reports.validity.own_applications).
    member = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("Member"),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "opening"], name="one_application_per_opening"
            ),
        ]
        # The pipeline board pages each stage column by (stage_changed_at, id).
        indexes = [
            models.Index(fields=["stage", "stage_changed_at", "id"], name="board_column"),
            # The reports take a team's applications created in a period.
            models.Index(fields=["opening", "created_at"], name="application_opening_created"),
            # An opening's latest move, for leadership's stalled pipelines.
            models.Index(fields=["opening", "stage_changed_at"], name="application_opening_moved"),
            # A team's columns of the board (its openings'), counted and paged: not through
            # every team's cards in the stage. SQLite, which keeps no statistics here, takes it
            # when the openings come as a subquery and the stage as one value or none
            # (pipeline/board.py); given statistics by ANALYZE, of every table or of the
            # applications alone, it chose far worse plans elsewhere: the validity report's
            # hires, the home page's check-ins and proposed times.
            models.Index(
                fields=["opening", "stage", "stage_changed_at", "id"], name="board_team_column"
            ),
            # The recruiter's panels to schedule, waiting longest first: a few among every
            # application at the Panel stage. Led by the stage as board_column is, so SQLite,
            # which keeps no statistics here, prefers it to board_column for them.
            models.Index(
                fields=["stage", "stage_changed_at", "id"],
                condition=Q(stage="panel", panel_booked=False),
                name="panel_to_schedule",
            ),
            # The applications a reader is the candidate of, by the address they joined at
            # (ids_of_candidate).
            models.Index(
                fields=["member_email"], condition=~Q(member_email=""), name="hire_member_email"
            ),
            # The admin's list of every application, newest first: a page of them, not a sort
            # of them all.
            models.Index(fields=["created_at"], name="application_created"),
        ]

    def __str__(self):
        return f"{self.candidate} for {self.opening.title}"

    def save(self, *args, **kwargs):
        # An application keeps the decision rule in force when it started.
        if not self.decision_rule:
            self.decision_rule = self.opening.rule_snapshot()
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in KEPT_BY_UPDATES
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("application_detail", args=[self.pk])

    def hired_elsewhere(self):
        """The title of another opening of its team its candidate was hired for, or None
        (ApplicationQuerySet.with_hire_elsewhere)."""
        hired = Application.objects.filter(pk=self.pk).with_hire_elsewhere()
        return hired.values_list("hired_for", flat=True).get()

    STATUS_SALT = "teamfit.candidate-status"
    RENEWED_STATUS_SALT = "teamfit.candidate-status-renewed"

    def status_url(self):
        """The candidate's own page for this application, linked from every email to them: the
        same link in each, working until CANDIDATE_LINK_MAX_AGE_DAYS after the application
        closed (so it carries no time of its own)."""
        token = signing.Signer(salt=self.STATUS_SALT).sign_object(self.pk)
        return reverse("candidate_status", args=[token])

    def renewed_status_url(self):
        """The same page's link as emailed again at the candidate's request (hiring/privacy/
        links.py): it carries its time, and works CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS from it,
        however long ago the application closed; past that, as long as the first link does."""
        token = signing.TimestampSigner(salt=self.RENEWED_STATUS_SALT).sign_object(self.pk)
        return reverse("candidate_status", args=[token])

    @classmethod
    def from_status_token(cls, token):
        try:
            pk, renewed_lately = cls._unsigned_status(token)
        except signing.BadSignature as error:
            raise LinkError(
                gettext("This link is not valid. Check that you copied all of it."),
                renewable=True,
            ) from error
        application = cls.objects.select_related("candidate", "opening__team").filter(pk=pk).first()
        if application is None or application.candidate.erased_at:
            raise LinkError(gettext("We no longer hold this application."))
        max_age = timedelta(days=settings.CANDIDATE_LINK_MAX_AGE_DAYS)
        closed_long_ago = (
            application.is_closed and application.stage_changed_at <= timezone.now() - max_age
        )
        if closed_long_ago and not renewed_lately:
            raise LinkError(
                gettext("This link has expired. We can email you a new one."), renewable=True
            )
        return application

    @classmethod
    def _unsigned_status(cls, token):
        """The application id a status link carries, and whether it is a renewed link still
        within its own age (renewed_status_url); BadSignature for a link of neither kind."""
        try:
            return signing.Signer(salt=cls.STATUS_SALT).unsign_object(token), False
        except signing.BadSignature:
            pass
        renewed = signing.TimestampSigner(salt=cls.RENEWED_STATUS_SALT)
        max_age = timedelta(days=settings.CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS)
        try:
            return renewed.unsign_object(token, max_age=max_age), True
        except signing.SignatureExpired:
            return renewed.unsign_object(token), False

    @property
    def team(self):
        return self.opening.team

    @property
    def is_closed(self):
        return self.stage in self.CLOSED_STAGES

    def own_withdrawal(self):
        """The move by which the candidate withdrew the application, if they did (on their page,
        or by declining its offer), or None."""
        if self.stage != self.Stage.WITHDRAWN:
            return None
        return (
            self.stage_changes.filter(to_stage=self.Stage.WITHDRAWN, by=None)
            .order_by("-at", "-pk")
            .first()
        )

    def stages_by_hand(self):
        """Where whoever runs its pipeline may move it from its stage now. Once its interviews
        count it goes back no further than the panel: moved back to the screen, it could be
        rejected there, past the team deciding it."""
        if self.interviews_count():
            return [self.Stage.PANEL, self.Stage.DEBRIEF, self.Stage.WITHDRAWN]
        if self.stage in self.BEFORE_INTERVIEWS:
            return [*self.MANUAL_STAGES, self.Stage.REJECTED]
        return self.MANUAL_STAGES

    def interviews_count(self):
        """Whether a scorecard was submitted (practice aside), the debrief opened or a decision
        recorded: from then on only the team's decision rejects it."""
        if self.debrief_opened_at is not None:
            return True
        counted = Q(feedback__submitted_at__isnull=False, feedback__practice=False)
        return (
            Application.objects.filter(pk=self.pk)
            .filter(counted | Q(decision__isnull=False))
            .exists()
        )

    def move_to(self, stage, by, reason="", reason_note=""):
        """Change the stage and record who did it; the history keeps every move."""
        self.move_through([stage], by, reason=reason, reason_note=reason_note)

    def move_through(self, stages, by, events=(), saving=(), reason="", reason_note=""):
        """Move through `stages` in turn at one moment (a decision to hire: decided, then
        offer), each move recorded with who made it, and the application saved once.
        `events`: the audit events of what the same write did first (AuditEvent.of), inserted
        before the moves' own in their statement, or alone when there is no move. `saving`:
        fields of the application the same write changed, saved in the move's UPDATE, or
        alone when there is no move. `reason` (ClosingReason) and `reason_note`: why it
        closed, recorded on the last move."""
        stages = [stage for stage in stages if stage != self.stage]
        events = list(events)
        if not stages:
            create_together(AuditEvent, events)
            if saving:
                self.save(update_fields=list(saving))
            return
        now = timezone.now()
        self.stage_changes.filter(left_at=None).update(left_at=now)
        changes = []
        for at, stage in enumerate(stages):
            passed = at < len(stages) - 1  # left at once for the next one
            changes.append(
                StageChange(
                    application=self,
                    from_stage=self.stage,
                    to_stage=stage,
                    by=by,
                    at=now,
                    left_at=now if passed else None,
                )
            )
            with stored_words():
                details = f"{self.get_stage_display()} → {self.Stage(stage).label}"
                if reason and not passed:  # the reason, never its note: it may name them
                    details += f" ({ClosingReason(reason).label})"
            events.append(
                AuditEvent(
                    action=AuditEvent.Action.STAGE_CHANGED,
                    actor=by,
                    team=self.opening.team,
                    application=self,
                    details=details,
                )
            )
            self.stage = stage
        changes[-1].reason, changes[-1].reason_note = reason, reason_note
        create_together(StageChange, changes)
        create_together(AuditEvent, events)
        self.stage_changed_at = now
        self.save(update_fields=["stage", "stage_changed_at", *saving])
        if self.stage == self.Stage.HIRED:
            from .checkins.checkins import schedule  # here: it imports these models

            schedule(self, now)


class StageCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The counts of the openings `user` sees: every one, unfiltered, for who sees every
        team (a subquery of every opening cost each board reply a query to build and plan)."""
        if user.sees_all_teams:
            return self.all()
        return self.filter(opening__in=Opening.objects.visible_to(user))


class StageCount(models.Model):
    """How many applications of an opening are in a stage: the board's column counts, summed
    from a few hundred of these rows instead of counted over every application. The database
    keeps them, by triggers on the applications' table (migration 0033), whatever writes the
    applications: a save, update(), bulk_create(), a deletion, a rollback. A migration that
    makes SQLite copy that table (adding a column that is not null, say) loses them with the
    old table, and must make them again (as 0034 does)."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=12, choices=Application.Stage)
    applications = models.IntegerField(default=0)

    objects = StageCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opening", "stage"], name="stage_count_once")
        ]

    def __str__(self):
        return f"{self.opening_id} {self.stage}: {self.applications}"


class ClosingReason(models.TextChoices):
    """Why an application closed without a hire: rejected by the organisation, or withdrawn by
    the candidate. Chosen by whoever closes it by hand (REJECTION_REASONS, WITHDRAWAL_REASONS),
    by the candidate on their own page (CANDIDATE_REASONS), or recorded by the step that closes
    it (the team's no-hire decision, an offer declined)."""

    SKILLS = "skills", _("Skills or experience")
    TEAM_FIT = "team_fit", _("Team fit")
    REQUIREMENTS = "requirements", _("Location, work permit or language")
    PAY = "pay", _("Pay expectations")
    FILLED = "filled", _("Position filled or closed")
    DUPLICATE = "duplicate", _("Duplicate application")
    TEAM_DECISION = "team_decision", _("The team decided not to hire")
    OTHER_OFFER = "other_offer", _("Accepted another offer")
    NOT_FOR_THEM = "not_for_them", _("The role or team was not for them")
    PERSONAL = "personal", _("Personal reasons")
    NO_RESPONSE = "no_response", _("Stopped responding")
    OFFER_DECLINED = "offer_declined", _("Declined the offer")
    NOT_GIVEN = "not_given", _("Withdrew without saying why")
    OTHER = "other", _("Other")


# Whoever closes an application by hand chooses among these; "other" asks for a note.
REJECTION_REASONS = [
    ClosingReason.SKILLS,
    ClosingReason.TEAM_FIT,
    ClosingReason.REQUIREMENTS,
    ClosingReason.PAY,
    ClosingReason.FILLED,
    ClosingReason.DUPLICATE,
    ClosingReason.OTHER,
]
WITHDRAWAL_REASONS = [
    ClosingReason.OTHER_OFFER,
    ClosingReason.PAY,
    ClosingReason.NOT_FOR_THEM,
    ClosingReason.PERSONAL,
    ClosingReason.NO_RESPONSE,
    ClosingReason.OTHER,
]
# What the candidate may say as they withdraw on their own page; they need say nothing.
CANDIDATE_REASONS = [
    ClosingReason.OTHER_OFFER,
    ClosingReason.PAY,
    ClosingReason.NOT_FOR_THEM,
    ClosingReason.PERSONAL,
    ClosingReason.OTHER,
]
LONGEST_REASON_NOTE = 500


class StageChange(LabelledChoices, models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("application"),
    )
    from_stage = models.CharField(
        _("from stage"), max_length=12, choices=Application.Stage, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Application.Stage)
    by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(pgettext_lazy("moment", "at"), default=timezone.now)
    # When the application moved on (the next change's time): time in stage is then a plain
    # difference for the reports, not a search for the next change.
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # Why it closed, on a move to Rejected or Withdrawn (ClosingReason); blank on other moves
    # and on those made before reasons were asked.
    reason = models.CharField(_("reason"), max_length=20, choices=ClosingReason, blank=True)
    reason_note = models.CharField(_("reason note"), max_length=LONGEST_REASON_NOTE, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.from_stage} → {self.to_stage}"

    @property
    def said_why(self):
        """Whether the candidate, withdrawing on their page, chose a reason (CANDIDATE_REASONS)."""
        return self.reason in CANDIDATE_REASONS


class Consent(models.Model):
    """A candidate's consent to the privacy notice, in the version they were shown."""

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Applied under the privacy notice")
        KEEP = "keep", _("Asked to be kept on file")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consents", verbose_name=_("candidate")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("application"),
    )
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose, default=Purpose.APPLICATION
    )
    notice_version = models.CharField(_("notice version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.candidate} agreed to notice {self.notice_version}"


class EmailTemplateQuerySet(models.QuerySet):
    def of_team(self, team_id):
        """The team's own templates among these and the organisation's: those its candidates
        may get (messages.fitting_first chooses among them)."""
        return self.filter(Q(team=team_id) | Q(team=None)).order_by()


class EmailTemplate(models.Model):
    """What Teamfit writes to candidates: the organisation's (team None) or a team's override.
    Placeholders are `{name}` (hiring/outreach/templates.py lists them and checks each)."""

    class Kind(models.TextChoices):
        APPLICATION_RECEIVED = "received", _("Application received")
        REFERRAL_RECEIVED = "referred", _("Referral received")
        INVITATION_TO_SCHEDULE = "schedule", _("Invitation to schedule")
        REJECTED_AFTER_SCREEN = "rejected_screen", _("Rejection after screen")
        REJECTED_AFTER_INTERVIEWS = "rejected_panel", _("Rejection after interviews")
        OFFER = "offer", _("Offer")
        MESSAGE = "message", _("Free-form message")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="email_templates"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    # What it is written in: it goes to the candidates who write in it (messages.fitting_first).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Free-form messages are many, told apart by name; the other kinds one per owner.
    name = models.CharField(max_length=80)
    subject = models.CharField(max_length=200, validators=[validate_single_line])
    body = models.TextField()
    # Goes out (after the undo delay) when an application moves to this stage.
    send_on_stage = models.CharField(
        max_length=12, choices=Application.Stage, blank=True, help_text=_("Send on a move to")
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EmailTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class CandidateEmailQuerySet(models.QuerySet):
    def unsent(self):
        """Still to go: awaiting a recruiter, or scheduled and not sent yet."""
        Status = CandidateEmail.Status
        return self.filter(status__in=[Status.AWAITING_CONFIRMATION, Status.SCHEDULED])

    def due(self, now=None):
        return self.filter(
            status=CandidateEmail.Status.SCHEDULED, send_after__lte=now or timezone.now()
        )

    def undelivered(self, since):
        """Sent since `since` (no longer to be undone) but not taken by the mail server yet:
        the attempt was refused, or its worker died before the ledger recorded it. Those of
        a candidate erased meanwhile are left: their address is gone."""
        delivered = Notification.objects.filter(
            key=Concat(
                Value(CandidateEmail.LEDGER_PREFIX), Cast(OuterRef("pk"), models.CharField())
            ),
            sent_at__isnull=False,
        )
        return self.filter(
            status=CandidateEmail.Status.SENT,
            sent_at__gte=since,
            application__candidate__erased_at=None,
        ).exclude(Exists(delivered))


class CandidateEmail(models.Model):
    """An email to a candidate, written when it is queued (what the preview showed is what
    goes out), sent once through the notification ledger, shown on the application's timeline."""

    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting", _("Awaiting confirmation")
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="emails", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EmailTemplate.Kind)
    to = models.EmailField(pgettext_lazy("email", "to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SCHEDULED)
    # Not before: the window in which a recruiter can still undo it.
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = CandidateEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="candidate_email_due"),
            models.Index(fields=["status", "sent_at"], name="candidate_email_sending"),
        ]

    LEDGER_PREFIX = "candidate-email:"

    def __str__(self):
        return self.subject

    @property
    def ledger_key(self):
        return f"{self.LEDGER_PREFIX}{self.pk}"


class Offer(models.Model):
    """An offer for an application its team decided to hire; the candidate answers it through
    a signed link. Its moves are in hiring/offers/offers.py, each audited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE = [Status.DRAFT, Status.SENT, Status.ACCEPTED]
    SALT = "teamfit.offer"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="offers", verbose_name=_("application")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    title = models.CharField(_("job title"), max_length=120, validators=[validate_single_line])
    start_date = models.DateField(_("start date"))
    terms = models.TextField(
        _("terms"), help_text=_("Salary, equity, benefits: what the candidate accepts.")
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("decline reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["draft", "sent", "accepted"]),
                name="one_live_offer_per_application",
            ),
        ]
        # Drafts to send, on the home page: a few among every offer ever made.
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="draft"), name="offer_draft")
        ]

    def __str__(self):
        return f"Offer to {self.application.candidate}"

    def get_absolute_url(self):
        return reverse("offer_answer", args=[signing.dumps(self.pk, salt=self.SALT)])

    @property
    def has_lapsed(self):
        """Sent and past its expiry: expired already, before beat's job marks it so
        (offers.expire_due, every few minutes)."""
        return self.status == self.Status.SENT and self.expires_at <= timezone.now()

    @property
    def shown_status(self):
        return self.Status.EXPIRED if self.has_lapsed else self.Status(self.status)

    @property
    def is_live(self):
        """Counts as the application's one live offer (a lapsed one no longer does)."""
        return self.status in self.LIVE and not self.has_lapsed


class CandidateImport(models.Model):
    """A CSV of candidates checked row by row in a worker, shown, then imported in a worker, all
    or nothing."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the rows")
        PREVIEW = "preview", _("Checked, waiting to import")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        # Checked, then not run within CANDIDATE_IMPORT_PREVIEW_DAYS: its rows are gone.
        EXPIRED = "expired", _("Expired without being run")

    # Those that hold their rows: from the upload until the import is over.
    HOLDING_ROWS = [Status.CHECKING, Status.PREVIEW, Status.QUEUED, Status.RUNNING]

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="imports", verbose_name=_("opening")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200)
    # The rows, [{"line": n, "values": {...}}], with their "errors" by field once checked:
    # candidate data, so emptied once the import is over, or expired unrun
    # (imports.expire_unrun).
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREVIEW)
    total = models.PositiveIntegerField(_("total"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @staticmethod
    def lists(row, addresses):
        """Whether a checked row is at one of `addresses` (lower case), whatever its case in
        the file: the export and erasure of a candidate take the rows this says are theirs."""
        return str(row["values"].get("email", "")).strip().lower() in addresses


class WorkingHours(models.Model):
    """A range of a weekday, in the person's own time zone, when they can interview."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = _("working hours")
        constraints = [
            # An end at or before the start runs past midnight (22:00-06:00, 22:00-00:00); one
            # at the start could mean no time or the whole day.
            models.CheckConstraint(condition=~Q(end=F("start")), name="working_hours_not_empty"),
        ]

    def __str__(self):
        day, start, end = self.get_weekday_display(), f"{self.start:%H:%M}", f"{self.end:%H:%M}"
        if not self.ends_next_day:
            return f"{day} {start}-{end}"
        if end == "00:00":
            return gettext("%(day)s %(start)s until midnight") % {"day": day, "start": start}
        next_day = self.Weekday((self.weekday + 1) % 7).label
        return gettext("%(day)s %(start)s – %(next_day)s %(end)s") % {
            "day": day,
            "start": start,
            "next_day": next_day,
            "end": end,
        }

    @property
    def ends_next_day(self):
        return self.end <= self.start


class BusyBlock(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        UPLOAD = "upload", _("Imported .ics file")
        FEED = "feed", _("Calendar feed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="busy_blocks")
    start = models.DateTimeField()
    end = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.MANUAL)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["user", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="busy_block_order"),
        ]

    def __str__(self):
        return f"{self.user} busy {self.start:%Y-%m-%d %H:%M}"


class PoolMember(models.Model):
    """Who runs a team's interviews of a focus; trainees join sessions as shadows."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pool_members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    focus = models.CharField(max_length=10, choices=Category)
    trainee = models.BooleanField(default=False)

    class Meta:
        ordering = ["focus", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user", "focus"], name="one_pool_place"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_focus_display()}, {self.team})"


class Panel(models.Model):
    """An application's interview loop: its sessions, booked together."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="panel", verbose_name=_("application")
    )
    back_to_back = models.BooleanField(
        _("back to back"),
        default=True,
        help_text=_("All sessions on one day, one after another, in any order."),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    def __str__(self):
        return f"Panel for {self.application}"

    def get_absolute_url(self):
        return reverse("panel", args=[self.application_id])


class InterviewSessionQuerySet(models.QuerySet):
    def to_place(self):
        """The sessions a booking places: not cancelled, nor begun (one held keeps its time).
        While one of a panel waits for a time (booked again after its cancellation), that one
        alone: those booked keep theirs, and their people hear nothing."""
        return self.filter(self._to_place())

    def _to_place(self):
        waiting = self.model.objects.filter(
            panel=OuterRef("panel"), cancelled_at=None, start__isnull=True
        )
        # Never NULL, as a column of with_roles() too: a session with no start is to place.
        ahead = Q(start__gt=timezone.now()) & ~Exists(waiting)
        return Q(cancelled_at=None) & (Q(start__isnull=True) | ahead)

    def still_needed(self):
        """Those cancelled that their panel still needs: cancelled from their booking, neither
        booked again nor dropped since (one dropped after "Book again" holds no time), with no
        other session of the panel left for their focus, which the team's rule scores apart
        (a hire needs skills and team fit each to pass)."""
        return self.filter(self._still_needed())

    def _still_needed(self):
        standing = self.model.objects.filter(
            panel=OuterRef("panel"), focus=OuterRef("focus"), cancelled_at=None
        )
        return Q(cancelled_at__isnull=False, start__isnull=False) & ~Exists(standing)

    def with_roles(self):
        """Each session with `is_to_place` and `is_still_needed`: whether to_place() and
        still_needed() list it. A booking reads its panel's sessions once for both, and for
        those that keep their times."""
        return self.annotate(
            is_to_place=ExpressionWrapper(self._to_place(), BooleanField()),
            is_still_needed=ExpressionWrapper(self._still_needed(), BooleanField()),
        )


class InterviewSession(models.Model):
    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("panel")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    focus = models.CharField(_("focus"), max_length=10, choices=Category)
    duration_minutes = models.PositiveSmallIntegerField(_("duration minutes"), default=45)
    pool_count = models.PositiveSmallIntegerField(
        _("people from the pool"),
        default=0,
        help_text=_("Chosen when booking, least loaded first."),
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    # The invite's identity: one UID for the session's life, SEQUENCE raised at each change.
    uid = models.CharField(_("uid"), max_length=100, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The start its invites last told (hiring/tasks.py send_session_invites): what a move's
    # invite says it moved from. None until they first go, and once its cancellation went.
    announced_start = models.DateTimeField(
        _("announced start"), null=True, blank=True, editable=False
    )

    objects = InterviewSessionQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "start", "position"]

    def __str__(self):
        return f"{self.get_focus_display()} session, {self.panel.application}"

    @property
    def duration(self):
        return timedelta(minutes=self.duration_minutes)

    @property
    def is_booked(self):
        return self.start is not None and self.cancelled_at is None

    @property
    def moved_from(self):
        """The start its people were last told of, if it moved since (None if they were told
        of none): two moves before the first's invites went out moved it from the start
        before both."""
        return self.announced_start if self.announced_start != self.start else None


class SessionInterviewer(models.Model):
    """A person on a session. Booked rows carry the time, so the database can refuse overlaps."""

    session = models.ForeignKey(
        InterviewSession,
        on_delete=models.CASCADE,
        related_name="interviewers",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="session_seats", verbose_name=_("user")
    )
    shadow = models.BooleanField(
        _("shadow"), default=False, help_text=_("A trainee: observes, gives no vote.")
    )
    from_pool = models.BooleanField(_("from pool"), default=False)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["shadow", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_seat_per_person"),
        ]
        # A person's seats that end after a moment: the slot finder's interviews around the
        # times it searches. By start, "before the search ends" reached back over every past
        # interview of theirs (10 ms on SQLite, far more on a cold PostgreSQL, per booking).
        indexes = [models.Index(fields=["user", "end"], name="seats_ending")]

    def __str__(self):
        return f"{self.user} on {self.session}"


class SlotOffer(models.Model):
    """Options offered to a candidate through a signed, expiring, single-use link."""

    SALT = "teamfit.slot-offer"

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="offers", verbose_name=_("panel")
    )
    # [{"sessions": [{"session": id, "start": iso, "end": iso, "interviewers": [ids]}]}]
    options = models.JSONField(_("options"))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Offer to {self.panel.application.candidate}"

    def get_absolute_url(self):
        return reverse("candidate_schedule", args=[signing.dumps(self.pk, salt=self.SALT)])

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.SLOT_OFFER_MAX_AGE_DAYS)

    def check_unused(self):
        if self.used_at:
            raise LinkError(gettext("You already picked a time with this link."))

    @classmethod
    def from_token(cls, token, used=False):
        """The usable offer behind a link, or LinkError saying why it can't be used. `used`:
        an offer picked from already is returned too, whatever its age, to show what was
        booked."""
        max_age = timedelta(days=settings.SLOT_OFFER_MAX_AGE_DAYS)
        pk = unsign(
            token,
            cls.SALT,
            max_age,
            expired=gettext("This link has expired. Ask your recruiter for a new one."),
            invalid=gettext("This link is not valid. Check that you copied all of it."),
        )
        offer = cls.objects.select_related("panel__application__candidate").filter(pk=pk).first()
        if offer is None:
            raise LinkError(gettext("This link was withdrawn."))
        if offer.panel.application.candidate.erased_at:
            raise LinkError(gettext("We no longer hold this application."))
        if used and offer.used_at:
            return offer
        offer.check_unused()
        if timezone.now() >= offer.expires_at:
            raise LinkError(gettext("This link has expired. Ask your recruiter for a new one."))
        return offer


class CandidateWindow(models.Model):
    """A time the candidate proposed, when none of the offered options suits them."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="candidate_windows", verbose_name=_("panel")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="candidate_window_order"),
        ]

    def __str__(self):
        return f"{self.panel.application.candidate} free {self.start:%Y-%m-%d %H:%M}"


class DecisionQuerySet(models.QuerySet):
    def in_force(self):
        """Following the rule's recommendation, or confirmed by a second member (is_effective)."""
        return self.filter(Q(outcome=F("recommendation")) | Q(confirmed_at__isnull=False))

    def to_confirm_by(self, user, teams, addresses):
        """Decisions departing from the recommendation that wait for `user`, a teammate of the
        member who recorded them: `teams`, the ids of the teams `user` is a member of
        (next_steps.own_teams says why a list). Not while `user` still has a scorecard to write
        on the application: they take no part in its decision until it is in; nor on their own
        application (`addresses`, theirs: Application.objects.ids_of_candidate)."""
        writing = Application.objects.filter(
            feedback__interviewer=user, feedback__submitted_at=None, feedback__excused_at=None
        )
        return (
            self.filter(confirmed_at=None, application__opening__team__in=teams)
            .exclude(recorded_by=user)
            .exclude(outcome=models.F("recommendation"))
            .exclude(application__in=writing)
            .exclude(application__in=Application.objects.ids_of_candidate(addresses))
        )


class Decision(models.Model):
    """The team's decision on an application. One per application; nobody outside the team
    records, confirms or changes it."""

    class Outcome(models.TextChoices):
        HIRE = "hire", _("Hire")
        NO_HIRE = "no_hire", _("No hire")
        HOLD = "hold", _("Hold")

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name=_("application"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    rationale = models.TextField(_("rationale"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10)
    recommendation_reasons = models.JSONField(_("recommendation reasons"), default=list)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application}"

    @property
    def departs(self):
        """Departing from the rule's recommendation needs a rationale and a second member."""
        return self.outcome != self.recommendation

    @property
    def is_effective(self):
        return not self.departs or self.confirmed_at is not None


def stored_words():
    """Words kept in the database (the audit trail's details, a decision's reasons, a built-in
    email's name) are written in the default language, whoever's request writes them."""
    return translation.override(settings.LANGUAGE_CODE)


def reads_stored_words():
    """Whether the active language is the one stored_words() writes in."""
    return translation.get_language() == settings.LANGUAGE_CODE


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(LabelledChoices, models.Model):
    """What happened, who did it and when: written once, never edited or deleted."""

    class Action(models.TextChoices):
        FEEDBACK_SUBMITTED = "feedback_submitted", _("Feedback submitted")
        FEEDBACK_AMENDED = "feedback_amended", _("Feedback amended")
        DEBRIEF_OPENED = "debrief_opened", _("Debrief opened")
        INTERVIEWER_EXCUSED = "interviewer_excused", _("Interviewer excused")
        DECISION_RECORDED = "decision_recorded", _("Decision recorded")
        DECISION_CONFIRMED = "decision_confirmed", _("Decision confirmed")
        DECISION_WITHDRAWN = "decision_withdrawn", _("Decision withdrawn")
        STAGE_CHANGED = "stage_changed", _("Stage changed")
        MEMBERSHIP_CHANGED = "membership_changed", _("Membership changed")
        DECISION_RULE = "decision_rule", _("Decision rule")
        PERSON_CHANGED = "person_changed", _("Person changed")
        ORGANISATION_CHANGED = "organisation_changed", _("Organisation settings changed")
        TEAM_SETTINGS = "team_settings", _("Team settings changed")
        PROPOSAL_NOT_AGREED = "proposal_not_agreed", _("Proposal not agreed")
        INVITATION = "invitation", _("Invitation")
        PANEL_BOOKED = "panel_booked", _("Panel booked")
        PANEL_CHANGED = "panel_changed", _("Panel changed")
        PANEL_CANCELLED = "panel_cancelled", _("Session cancelled")
        CANDIDATES_MERGED = "candidates_merged", _("Candidates merged")
        CANDIDATES_IMPORTED = "candidates_imported", _("Candidates imported")
        EMAIL_TEMPLATE_CHANGED = "email_template", _("Email template changed")
        OFFER = "offer", _("Offer")
        WITHDRAWN_BY_CANDIDATE = "withdrawn", _("Withdrawn by the candidate")
        WITHDRAWN_BY_ERASURE = (
            "withdrawn_by_erasure",
            _("Withdrawn as the candidate's data was erased"),
        )
        CANDIDATE_ERASED = "candidate_erased", _("Candidate's data erased")
        LEGAL_HOLD = "legal_hold", _("Legal hold")
        DATA_EXPORTED = "data_exported", _("Candidate's data exported")
        CHECK_IN_SUBMITTED = "check_in", _("Check-in submitted")
        OPENING_CREATED = "opening_created", _("Opening created")
        OPENING_CHANGED = "opening_changed", _("Opening changed")
        CRITERION_ADDED = "criterion_added", _("Scorecard criterion added")
        CRITERION_CHANGED = "criterion_changed", _("Scorecard criterion changed")
        CRITERION_REMOVED = "criterion_removed", _("Scorecard criterion removed")
        CRITERION_MOVED = "criterion_moved", _("Scorecard criterion moved")
        QUESTION_ADDED = "question_added", _("Application question added")
        QUESTION_CHANGED = "question_changed", _("Application question changed")
        QUESTION_REMOVED = "question_removed", _("Application question removed")
        QUESTION_MOVED = "question_moved", _("Application question moved")

    # None for the organisation's own events (a person's role changed).
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("team"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("application"),
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action)
    details = models.TextField(_("details"), blank=True)
    at = models.DateTimeField(pgettext_lazy("moment", "at"), default=timezone.now)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["application", "at"]),
            models.Index(fields=["team", "at"]),
            # The admin's list of every event, newest first: a page of them, not a sort of all.
            models.Index(fields=["at"], name="audit_event_at"),
            # The team page's latest events of the team itself: not found by reading through
            # every event of its applications, which grow with each one.
            models.Index(
                fields=["team", "at"], condition=Q(application=None), name="team_audit_trail"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'Teamfit'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")

    @classmethod
    def record(cls, action, actor, team, application=None, details=""):
        event = cls.of(action, actor, team, application, details)
        event.save()
        return event

    @classmethod
    def of(cls, action, actor, team, application=None, details=""):
        """The event, not saved yet: for a write that saves it with others (move_through)."""
        return cls(action=action, actor=actor, team=team, application=application, details=details)


def create_together(model, objects):
    """`objects` of `model` inserted in one statement, each then sending the post_save its own
    save would have sent: the cached pages and the reports' figures follow them (freshness,
    figures) as they would one by one. Their save() is not called."""
    made = model._default_manager.bulk_create(objects)
    for instance in made:
        models.signals.post_save.send(
            model,
            instance=instance,
            created=True,
            update_fields=None,
            raw=False,
            using=instance._state.db,
        )
    return made


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This log is append-only.")

    def delete(self):
        raise TypeError("This log is append-only.")


class CandidateAccess(models.Model):
    """Who opened a candidate's page, résumé or export: written once, never edited; rows older
    than the retention period are pruned by the retention run, the one deletion."""

    class What(models.TextChoices):
        APPLICATION = "application", _("Opened an application's page")
        RESUME = "resume", _("Downloaded the résumé")
        PRIVACY = "privacy", _("Opened the candidate's privacy page")
        EXPORT = "export", _("Downloaded the data export")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("candidate")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    # None when the candidate themselves downloaded their export.
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    what = models.CharField(_("what"), max_length=12, choices=What)
    at = models.DateTimeField(pgettext_lazy("moment", "at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["candidate", "at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.get_what_display()} by {self.user or 'the candidate'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("This log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("This log is append-only.")

    @classmethod
    def record(cls, what, user, candidate, application=None):
        return cls.objects.create(
            what=what, user=user, candidate=candidate, application=application
        )

    @classmethod
    def move(cls, from_candidate, to_candidate):
        """When two records of one person merge, their log goes with them: the one change
        allowed, made past the append-only guard on purpose."""
        rows = cls.objects.filter(candidate=from_candidate)
        models.QuerySet.update(rows, candidate=to_candidate)


def export_path(instance, filename):
    return f"exports/{uuid.uuid4().hex}/{filename}"


class DataExport(models.Model):
    """A ZIP of everything held about a candidate, built by a worker and downloaded through a
    signed link until it expires (hiring/privacy/export.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready to download")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    SALT = "teamfit.data-export"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="exports", verbose_name=_("candidate")
    )
    # None when the candidate asked for it from their link.
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # Percent done, for the progress bar.
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    # The applications whose feedback a staff export leaves out, as it was built
    # (hiring.privacy.export.withheld_applications): its reader may read less by its download.
    withheld = models.JSONField(_("withheld applications"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Export for {self.candidate}"

    @classmethod
    def delete_stored(cls, name):
        """Delete a stored export and, on a local disk, the folder of its own that export_path
        made for it, which would otherwise stay behind empty, one for every export."""
        storage = cls._meta.get_field("file").storage
        storage.delete(name)
        with contextlib.suppress(NotImplementedError, OSError):  # no local path; not empty
            Path(storage.path(name)).parent.rmdir()


# The reports' running figures (hiring/reports/figures.py): sums per team and UTC day of the
# applications created that day (or, for interviews, the sessions starting that day), rebuilt
# for a day whenever something on it changes. A report then reads a few thousand rows.
class StageReached(models.Model):
    """Applications created on `day` that reached `stage` or went beyond."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    stage = models.CharField(max_length=12)
    applications = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "day", "stage"], name="one_reached_per_day")
        ]

    def __str__(self):
        return f"{self.team_id} {self.day}: {self.applications} reached {self.stage}"


class DurationCount(models.Model):
    """How many of the applications created on `day` spent `tenths` tenths of a day on
    `measure`: a stage (time in stage), "decision" (to a decision) or "hire" (to a hire)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    measure = models.CharField(max_length=12)
    tenths = models.IntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "measure", "tenths"], name="one_duration_count_per_day"
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.day}: {self.count} x {self.tenths / 10} days, {self.measure}"


class CalibrationSums(models.Model):
    """An interviewer's gaps to the rest of their panels, on applications created on `day`
    whose debrief opened with nobody still scoring."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    interviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rating_gaps = models.FloatField()
    rating_cells = models.PositiveIntegerField()
    vote_gaps = models.FloatField()
    vote_panels = models.PositiveIntegerField()
    rating_panels = models.PositiveIntegerField()
    panels = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "interviewer"], name="one_calibration_per_day"
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.day}: calibration of {self.interviewer_id}"


class Coincidences(models.Model):
    """Krippendorff's coincidences o_ck for one of the team's criteria (by its key) over the
    applications created on `day` whose debrief opened with nobody still scoring. The matrix is
    symmetric: o_ck is kept once, for c <= k."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    criterion_key = models.UUIDField()
    pairable = models.PositiveIntegerField()
    o11 = models.FloatField(default=0)
    o12 = models.FloatField(default=0)
    o13 = models.FloatField(default=0)
    o14 = models.FloatField(default=0)
    o22 = models.FloatField(default=0)
    o23 = models.FloatField(default=0)
    o24 = models.FloatField(default=0)
    o33 = models.FloatField(default=0)
    o34 = models.FloatField(default=0)
    o44 = models.FloatField(default=0)

    class Meta:
        verbose_name_plural = "coincidences"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "criterion_key"], name="one_coincidences_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.day}: coincidences on {self.criterion_key}"


class ClosingCount(models.Model):
    """How many of the applications created on `day` are closed in `to_stage` (Rejected or
    Withdrawn) for `reason` (a ClosingReason; blank when none was recorded), by the stage
    they left (`from_stage`; blank for an application that came in closed, as an import)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    from_stage = models.CharField(max_length=12, blank=True)
    to_stage = models.CharField(max_length=12)
    reason = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "day", "from_stage", "to_stage", "reason"],
                name="one_closing_count_per_day",
            )
        ]

    def __str__(self):
        closed = f"{self.from_stage} -> {self.to_stage} ({self.reason or '-'})"
        return f"{self.team_id} {self.day}: {self.count} {closed}"


class InterviewCount(models.Model):
    """A person's interviews for the team starting in the quarter hour from `start` (UTC): every
    time zone's midnight falls on a quarter hour, so anyone's weeks and periods add these up."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    interviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    interviews = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "interviewer", "start"], name="one_interview_count_per_quarter"
            )
        ]
        indexes = [models.Index(fields=["team", "start"])]

    def __str__(self):
        return f"{self.team_id} {self.start}: {self.interviews} by {self.interviewer_id}"


class FiguresOutdated(models.Model):
    """Written in the same transaction as a change to the team's applications created on `day`
    or its interviews starting then: that day's figures are rebuilt before a report reads them."""

    # No constraint: a team's deletion marks the days of what it deletes on the way.
    team = models.ForeignKey(
        Team, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    day = models.DateField()

    class Meta:
        verbose_name_plural = "figures outdated"

    def __str__(self):
        return f"{self.team_id} {self.day}"
