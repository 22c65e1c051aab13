"""Invitations: signed, single-use links that bring a person into the organisation, with a
role the admin chose or into a team that agreed to them."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..checkins import checkins
from ..models import AuditEvent, Invitation, Membership, Organisation, Team, User, stored_words
from ..tasks import (
    send_invitation,
    send_leadership_granted_notices,
    send_leadership_invited_notices,
)


@transaction.atomic
def invite(email, invited_by, role=User.Role.MEMBER, team=None):
    """Create an invitation and email its link once the transaction commits."""
    # One invitation at a time into the team (or the organisation): two sent at once to the
    # same address find each other, and only one goes out.
    if team:
        Team.objects.select_for_update().get(pk=team.pk)
    else:
        Organisation.objects.select_for_update().get(pk=Organisation.current().pk)
    email = User.objects.normalize_email(email.strip())
    if team is None and has_account(email):
        raise ValidationError(_("%(email)s already has an account.") % {"email": email})
    check_not_invited(email, team)
    invitation = Invitation.objects.create(email=email, role=role, team=team, invited_by=invited_by)
    send_invitation.delay_on_commit(invitation.pk)
    if team is None:  # a team's invitation follows its proposal, audited there
        audit_invitation(invitation, invited_by, "sent")
    if role == User.Role.LEADERSHIP:  # told now, so the grant can be withdrawn before it is used
        send_leadership_invited_notices.delay_on_commit(invitation.pk)
    return invitation


def has_account(email, but=None):
    """Whether an account signs in with `email`, in any case: its own, or another address it
    verified. An invitation to one would be turned away at sign-up, the address being taken.
    `but`: an account's id, not counted (an address changed to itself)."""
    users = User.objects.filter(email__iexact=email).exclude(pk=but)
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user=but)
    return users.exists() or verified.exists()


def audit_invitation(invitation, by, what):
    """An invitation to the organisation in its audit trail: a role granted by email is traced
    as one granted on the People page is (`by` None: the operator's command)."""
    with stored_words():
        role = User.Role(invitation.role).label
    AuditEvent.record(
        AuditEvent.Action.INVITATION, by, None, details=f"{invitation.email} as {role}: {what}"
    )


@transaction.atomic
def withdraw(invitation, by):
    """The admin withdraws an invitation to the organisation, audited; ValidationError saying
    why when it no longer waits: accepted, or withdrawn already (a double click, another tab)."""
    if not invitation.revoke():
        invitation.refresh_from_db(fields=["accepted_at", "declined_at", "revoked_at"])
        raise ValidationError(no_longer_withdrawn(invitation))
    audit_invitation(invitation, by, "withdrawn")
    return invitation


def no_longer_withdrawn(invitation):
    """Why `invitation` is no longer to be withdrawn: accepted, declined, or withdrawn already
    (a page opened before, another tab); None while nobody has."""
    if invitation.accepted_at:
        return _("That invitation was already accepted.")
    if invitation.declined_at:
        return _("That invitation was already declined.")
    if invitation.revoked_at:
        return _("That invitation was already withdrawn.")
    return None


def no_longer_waiting_page(invitation, back, keep):
    """What the page asking to withdraw `invitation` (hiring/confirm.html) says once it no longer
    waits (no_longer_withdrawn()): why, and only a link `keep` to `back`, no button to refuse;
    None while it waits."""
    ended = no_longer_withdrawn(invitation)
    if ended is None:
        return None
    if invitation.team:
        consequence = _("The invitation to %(email)s no longer waits for an answer.")
    else:
        consequence = _("The invitation for %(email)s no longer waits for an answer.")
    return {
        "title": ended,
        "consequence": consequence % {"email": invitation.email},
        "settled": True,
        "keep": keep,
        "back": back,
    }


def is_invited(email, team=None):
    """Whether an invitation to the address (to the organisation, or to `team`) waits for an
    answer."""
    return Invitation.objects.pending().filter(email__iexact=email, team=team).exists()


def check_not_invited(email, team=None):
    """Refuse a second invitation to an address while one (to the organisation, or to the
    same team) waits to be accepted: the person would get the same email twice."""
    if is_invited(email, team):
        if team:
            message = _(
                "%(email)s already has an invitation to join %(team)s waiting to be accepted: "
                "no second one was sent."
            ) % {"email": email, "team": team}
        else:
            message = _(
                "%(email)s already has an invitation waiting to be accepted: "
                "no second one was sent."
            ) % {"email": email}
        raise ValidationError(message)


@transaction.atomic
def accept_invitation(invitation, user):
    """Apply an invitation to the account that took it up: its role, and its team."""
    invitation = _answerable(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.role == User.Role.LEADERSHIP and not user.is_leadership:
        send_leadership_granted_notices.delay_on_commit(
            user.pk, invitation.invited_by_id, invitation.accepted_at.isoformat(), "invitation"
        )
    if invitation.role != User.Role.MEMBER:
        user.assign_role(invitation.role)
    if invitation.team:
        Membership.objects.get_or_create(team=invitation.team, user=user)
        checkins.link_hires(invitation.team, [user])  # the team's hire joining, if they are
        _audit_answer(invitation, user, "joined")
    else:  # the role it grants starts now: traced beside its sending and withdrawal
        audit_invitation(invitation, user, "accepted")
    return invitation


@transaction.atomic
def sign_up_by(invitation, save_user):
    """A new account, made by `save_user()`, and the invitation it accepts, in one transaction.
    The invitation is locked and checked before the account is made: withdrawn or used (in
    another tab) since its sign-up page was shown, ValidationError saying why, and no account
    is left behind without it. Sign-ups to one address take turns: with two invitations to it
    (the organisation's and a team's) used at once, the second finds the first's account."""
    _one_sign_up_at_a_time(invitation.email)
    _answerable(invitation, None)
    if has_account(invitation.email):
        raise ValidationError(
            _(
                "An account with this address exists already: sign in with it, then open your "
                "invitation again."
            )
        )
    user = save_user()
    accept_invitation(invitation, user)
    return user


def _one_sign_up_at_a_time(email):
    """On PostgreSQL, the sign-ups to `email` (in any case) take turns, to the commit: two
    invitations are two rows, and their locks let both write the address (a 500 on the
    second). Taken first, before any row lock, so it waits behind nothing else. SQLite writes
    one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"sign-up:{email.lower()}"],
            )


@transaction.atomic
def decline_invitation(invitation, user=None):
    """The person a team agreed to invite does not join it: the team reads that they declined,
    and may propose them again. `user` None: someone without an account, through the link
    sent to their address."""
    invitation = _answerable(invitation, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    _audit_answer(invitation, user, "declined to join")
    return invitation


def _answerable(invitation, user):
    """The invitation, locked, if `user` may still accept or decline it. A team's invitation
    is locked after its team's row, as the team's members withdraw it (membership, and a hire
    who does not start): the other way round, an answer and a withdrawal at once deadlock."""
    if invitation.team_id:
        list(Team.objects.select_for_update().filter(pk=invitation.team_id).values_list("pk"))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.declined_at:
        raise ValidationError(_("This invitation was declined."))
    # Withdrawn or expired since its link was read, before this lock: nobody joins by it.
    if invitation.revoked_at:
        raise ValidationError(_("This invitation was withdrawn."))
    if timezone.now() >= invitation.expires_at:
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    if user is not None and not invitation.is_for(user):
        raise ValidationError(_("This invitation is for %(email)s.") % {"email": invitation.email})
    granted = invitation.role != User.Role.MEMBER  # a team's invitation grants no role
    if granted and user is not None and user.role not in (User.Role.MEMBER, invitation.role):
        # A role given since it was sent (the last admin's, say) is not changed by a link: the
        # admin changes roles on the People page, audited, the organisation keeping an admin.
        raise ValidationError(
            _(
                "You are already %(role)s: an invitation does not change your role. Ask the "
                "organisation's admin to change it."
            )
            % {"role": user.get_role_display()}
        )
    return invitation


def _audit_answer(invitation, user, what):
    """A team's invitation answered, in the team's audit trail (stored words: English)."""
    who = user or invitation.email  # erased with the proposal's address, if a candidate's
    AuditEvent.record(
        AuditEvent.Action.MEMBERSHIP_CHANGED, user, invitation.team, details=f"{who} {what}"
    )
