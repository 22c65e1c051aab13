"""Leadership reads every team's feedback, and the admin, who reads none, hands out roles: every
grant of leadership (an invitation as leadership, sent and accepted; a role raised to it; a
leadership account reactivated) is emailed at once to the other leadership, else to the admins
other than the one who acted, so somebody independent hears."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from hiring.accounts import people
from hiring.models import Notification, User
from hiring.tasks import send_leadership_granted_notices
from hiring.teams import invitations
from tests.factories import TeamFactory, UserFactory

PEOPLE_PAGE = f"{settings.SITE_URL}{reverse('organisation')}#people-heading"


@pytest.fixture
def cto(db):
    return UserFactory(
        display_name="Carla CTO",
        email="carla@example.com",
        role=User.Role.LEADERSHIP,
        time_zone="Asia/Singapore",
    )


@pytest.fixture
def second_admin(db):
    return UserFactory(display_name="Olga Admin", role=User.Role.ADMIN)


def promote(person, by, **changes):
    fields = {"display_name": person.display_name, "role": person.role, "is_active": True}
    return people.change_person(person, by, **(fields | changes))


def told(mailoutbox):
    return sorted(address for mail in mailoutbox for address in mail.to)


def test_a_role_raised_to_leadership_is_told_to_the_other_leadership_in_their_zone(
    org_admin, cto, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(role=User.Role.LEADERSHIP, is_active=False)  # deactivated: not told

    with django_capture_on_commit_callbacks(execute=True):
        promote(recruiter, org_admin, role=User.Role.LEADERSHIP)

    [mail] = mailoutbox
    assert mail.to == [cto.email]
    assert mail.subject == "Rita Recruiter now reads every team's feedback"
    assert f"Alex Admin changed the role of Rita Recruiter ({recruiter.email}) to Leadership" in (
        mail.body
    )
    assert "Singapore time" in mail.body  # when, in the reader's zone, named
    # Leadership does not open the organisation's page: asked to go to its admins instead.
    assert PEOPLE_PAGE not in mail.body
    assert "ask the organisation's admins to change the role back" in mail.body
    # Keyed by ids: the ledger holds no address.
    [key] = Notification.objects.values_list("key", flat=True)
    assert "@" not in key
    assert key.endswith(f":{cto.pk}")


def test_with_no_other_leadership_the_other_admins_are_told(
    org_admin, second_admin, member, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(role=User.Role.ADMIN, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        promote(member, org_admin, role=User.Role.LEADERSHIP)

    assert told(mailoutbox) == [second_admin.email]  # not the admin who acted, nor the new one
    assert PEOPLE_PAGE in mailoutbox[0].body  # where the admin changes it back


def test_the_one_admin_who_acts_alone_is_not_told_of_their_own_grant(
    org_admin, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(member, org_admin, role=User.Role.LEADERSHIP)

    assert mailoutbox == []


def test_a_leadership_account_reactivated_is_told_and_other_changes_are_not(
    org_admin, cto, mailoutbox, django_capture_on_commit_callbacks
):
    dormant = UserFactory(display_name="Dora", role=User.Role.LEADERSHIP, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        promote(dormant, org_admin, is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        promote(dormant, org_admin, display_name="Dora Lead")  # already reads everything

    [mail] = mailoutbox
    assert mail.to == [cto.email]
    assert f"Alex Admin reactivated the account of Dora ({dormant.email})" in mail.body


def test_a_role_raised_while_deactivating_is_told_once_the_account_is_reactivated(
    org_admin, cto, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        promote(member, org_admin, role=User.Role.LEADERSHIP, is_active=False)
    assert mailoutbox == []  # signs in nowhere yet

    with django_capture_on_commit_callbacks(execute=True):
        promote(member, org_admin, role=User.Role.LEADERSHIP)

    assert told(mailoutbox) == [cto.email]


def test_a_leadership_invitation_is_told_when_sent_and_when_accepted(
    org_admin, cto, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite("alt@example.com", invited_by=org_admin, role="leadership")

    sent = next(mail for mail in mailoutbox if mail.to == [cto.email])
    assert sent.subject == "Alex Admin invited alt@example.com to Teamfit as Leadership"
    assert "Singapore time" in sent.body
    assert f"{settings.SITE_URL}{reverse('organisation')}" not in sent.body  # not for leadership
    assert "an admin can withdraw it on the organisation's page" in sent.body
    mailoutbox.clear()

    newcomer = UserFactory(display_name="Alt Account", email="alt@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invitations.accept_invitation(invitation, newcomer)

    [accepted] = mailoutbox
    assert accepted.to == [cto.email]  # the newcomer, leadership now, is not told of themselves
    assert accepted.subject == "Alt Account now reads every team's feedback"
    assert "Alt Account (alt@example.com) accepted an invitation from Alex Admin" in accepted.body
    assert "@" not in "".join(Notification.objects.values_list("key", flat=True))


def test_invitations_to_other_roles_and_to_teams_are_not_told(
    org_admin, cto, member, mailoutbox, django_capture_on_commit_callbacks
):
    team = TeamFactory(members=[member])
    with django_capture_on_commit_callbacks(execute=True):
        recruiting = invitations.invite("rosa@example.com", invited_by=org_admin, role="recruiter")
        joining = invitations.invite("tom@example.com", invited_by=member, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.accept_invitation(recruiting, UserFactory(email="rosa@example.com"))
        invitations.accept_invitation(joining, UserFactory(email="tom@example.com"))

    assert cto.email not in told(mailoutbox)


def test_who_is_told_is_asked_as_the_notice_is_sent(
    org_admin, second_admin, cto, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        promote(member, org_admin, role=User.Role.LEADERSHIP)
    cto.is_active = False  # left before the worker ran: the other admin hears instead
    cto.save(update_fields=["is_active"])
    for callback in queued:
        callback()

    assert told(mailoutbox) == [second_admin.email]


def test_a_grant_is_told_once_however_often_its_task_runs(cto, member, org_admin, mailoutbox):
    at = datetime(2030, 3, 4, 9, tzinfo=UTC).isoformat()

    sent = [send_leadership_granted_notices(member.pk, org_admin.pk, at, "role") for _ in range(2)]

    assert sent == [1, 0]
    assert "4 Mar 2030, 17:00 Singapore time" in mailoutbox[0].body
