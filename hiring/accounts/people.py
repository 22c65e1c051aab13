"""The people of the organisation, as its admin manages them: name, role and whether the
account is active. Each change is audited; nobody changes their own role or deactivates
themselves, so the organisation always keeps an admin who can act."""

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..checkins import checkins
from ..models import (
    AuditEvent,
    Invitation,
    Organisation,
    User,
    refuse_if_saved_since,
    stored_words,
    version_of,
)
from ..tasks import send_departure_notices, send_leadership_granted_notices
from ..widgets import changes_in

# What the admin changes of a person, on the person's page.
PERSON_FIELDS = ["display_name", "role", "is_active"]


def person_version(person):
    """The version of `person` their page carries, to tell on saving whether someone changed
    them since (change_person)."""
    return version_of(getattr(person, name) for name in PERSON_FIELDS)


@transaction.atomic
def change_person(person, by, *, display_name, role, is_active, based_on=None):
    """`based_on`: the version (person_version()) the person's page showed; when another admin
    changed them since, ChangedMeanwhile, nothing saved: a page opened before a deactivation
    would otherwise reactivate them, or set back a role just changed, with a rename."""
    # FOR NO KEY UPDATE: rows that only name the person (an audit event of a vote being settled
    # in one of their teams) are not held up by it.
    # The admin acting is locked with them, in id order: two admins demoting each other at once
    # take turns, and the second is no longer an admin (the organisation keeps one).
    locked = User.objects.select_for_update(no_key=True).filter(pk__in={person.pk, by.pk})
    rows = {user.pk: user for user in locked.order_by("pk")}
    person, acting = rows[person.pk], rows[by.pk]
    if not (acting.is_active and acting.is_org_admin):
        raise ValidationError(_("You are no longer the organisation's admin."))
    if person == by and (role != person.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    if person.is_superuser and not acting.is_superuser and (role != person.role or not is_active):
        # The operator's way into the Django admin and out of a lock-out: theirs to change.
        raise ValidationError(
            _("The operator's account: only the operator changes its role or deactivates it.")
        )
    refuse_if_saved_since(
        person,
        PERSON_FIELDS,
        {"display_name": display_name, "role": role, "is_active": is_active},
        based_on,
        _(
            "Someone changed this person after you opened this page. Your changes are below, "
            "not saved, and the person as they are now under them: save again to replace it "
            "with yours."
        ),
    )
    changes = []
    was_admin = person.role == User.Role.ADMIN
    was_leadership, was_active = person.is_leadership, person.is_active
    if display_name != person.display_name:
        changes.append(f"name {person.display_name} → {display_name}")
        person.display_name = display_name
        person.save(update_fields=["display_name"])
    if role != person.role:
        with stored_words():
            changes.append(f"role {person.get_role_display()} → {User.Role(role).label}")
        person.assign_role(role)
    if was_admin and (role != User.Role.ADMIN or not is_active):
        _withdraw_admins_invitations(person, changes)
    if is_active != person.is_active:
        changes.append("reactivated" if is_active else "deactivated")
        person.is_active = is_active
        person.save(update_fields=["is_active"])
        if not is_active:
            end_sessions(person)
            checkins.end_for_leaver(person, person.teams.all(), by, timezone.now())
    if changes:
        event = AuditEvent.record(
            AuditEvent.Action.PERSON_CHANGED, by, None, details=f"{person}: {'; '.join(changes)}"
        )
        if person.is_leadership and person.is_active and not (was_leadership and was_active):
            # Made leadership, or a leadership account reactivated: from now on they read every
            # team's feedback, which the admin does not (access.told_of_leadership_grant).
            how = "reactivation" if was_leadership else "role"
            send_leadership_granted_notices.delay_on_commit(
                person.pk, by.pk, event.at.isoformat(), how
            )
        if was_active and not person.is_active:
            # Interviews still to come seat them: who schedules each replaces them in time.
            send_departure_notices.delay_on_commit(person.pk, event.at.isoformat())
    return person


def _withdraw_admins_invitations(person, changes):
    """An admin who leaves, or no longer runs the organisation, leaves no invitation of theirs
    to the organisation waiting: one to a private address let them back in, as leadership
    (who read everything) or as an admin."""
    waiting = Invitation.objects.pending().to_organisation().filter(invited_by=person)
    now = timezone.now()
    if withdrawn := waiting.update(revoked_at=now):
        changes.append(f"{withdrawn} invitation(s) withdrawn")


def end_sessions(person):
    """Sign someone out everywhere: deactivated, or given a password by the admin. A
    deactivated person's sessions would only pause while they are inactive, and come back,
    with whoever held them, once the admin reactivates them.
    Their sessions are those recorded as they signed in (UserSession, and the upgrade's
    migration 0047 for those before): no one else's is read."""
    theirs = UserSession.objects.filter(user=person)
    Session.objects.filter(session_key__in=theirs.values("session_key")).delete()
    theirs.delete()


@transaction.atomic
def readdressed(person, old):
    """The operator gave `person` another address (in the Django admin), `old` the one it
    replaced: allauth signs in by, and sends password resets to, the addresses it keeps, so
    the replaced one goes (whoever reads it now takes nothing over). The new one is theirs once
    they confirm it, asked at their next sign-in; only spelt anew, or verified already as
    another of theirs, it stays verified."""
    addresses = EmailAddress.objects.filter(user=person)
    addresses.filter(email__iexact=old).exclude(email__iexact=person.email).delete()
    addresses.update(primary=False)
    address = addresses.filter(email__iexact=person.email).first() or EmailAddress(user=person)
    address.email, address.primary = person.email, True
    address.save()


# What the admin changes of the organisation, on its page.
ORGANISATION_FIELDS = ["name", "require_mfa_for_staff", "retention_months"]


def organisation_version(organisation):
    """The version of the settings the organisation's page carries (change_organisation)."""
    return version_of(getattr(organisation, name) for name in ORGANISATION_FIELDS)


@transaction.atomic
def change_organisation(form, by, based_on=None):
    """The organisation's settings as the admin's valid OrganisationForm has them, audited
    with each value before and after: the two-factor requirement, and the retention period,
    whose lowering erases candidates' data, are traced as a role change is. `based_on`: the
    version (organisation_version()) the page showed; when another admin saved the settings
    since, ChangedMeanwhile, nothing saved: a page opened before would turn the two-factor
    requirement off again, say, with a new name."""
    current = Organisation.objects.select_for_update().get(pk=form.instance.pk)
    refuse_if_saved_since(
        current,
        ORGANISATION_FIELDS,
        form.cleaned_data,
        based_on,
        _(
            "Someone saved the settings after you opened this page. Yours are below, not "
            "saved, and the settings as they are now under them: save again to replace them "
            "with yours."
        ),
    )
    changes = changes_in(form)
    organisation = form.save()
    if changes:
        AuditEvent.record(
            AuditEvent.Action.ORGANISATION_CHANGED, by, None, details="; ".join(changes)
        )
    return organisation
