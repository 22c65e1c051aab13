"""Invitations: the only way in. Sent once, used once, for the invited address only."""

import re
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from hiring.models import (
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    SignedAt,
    Team,
    User,
)
from hiring.tasks import send_invitation
from hiring.teams import invitations, membership
from tests.debrief.test_lock_order import while_waiting
from tests.factories import PASSWORD, UserFactory, at_once, field_errors

INVITE = "/organisation/invitations/"
SIGNUP = "/accounts/signup/"


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database, and so starts with clean rate-limit counters."""


def invitation_linked_from(body):
    """The invitation behind the link in an email."""
    [token] = re.findall(r"/invitations/([^/\s]+)/", body)
    return Invitation.from_token(token)


def invitation_for(email, invited_by, **fields):
    return Invitation.objects.create(email=email, invited_by=invited_by, **fields)


def sign_up(client, email, **fields):
    return client.post(
        SIGNUP,
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Nina Newcomer",
            "time_zone": "Europe/Berlin",
            **fields,
        },
    )


def token_signed_at(pk, when):
    """A link to invitation `pk` signed at `when` (as Invitation.token() signs one at the
    invitation's creation)."""
    return SignedAt(when, salt=Invitation.SALT).sign_object(pk)


def assert_unusable(response, reason):
    assert response.status_code == 410
    assert "This invitation can't be used" in response.text
    assert reason in response.text


# Inviting people to the organisation


def test_admin_invites_a_recruiter_and_one_email_carries_the_link(
    client, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.team) == (
        "rosa@example.com",
        User.Role.RECRUITER,
        None,
    )
    assert invitation.invited_by == org_admin
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["rosa@example.com"]
    assert invitation_linked_from(mailoutbox[0].body) == invitation


def test_the_email_says_when_the_link_expires_in_utc_and_names_it(
    client, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})

    # Nobody knows the invitee's zone yet: the moment in UTC, said to be.
    expires = Invitation.objects.get().expires_at
    [email] = mailoutbox
    assert f"expires on {expires:%-d %B %Y, %H:%M} UTC." in email.body


def test_the_organisation_page_says_until_when_an_invitation_waits_in_the_admins_zone(
    client, org_admin
):
    org_admin.time_zone = "America/New_York"
    org_admin.save()
    invitation = Invitation.objects.create(email="rosa@example.com", invited_by=org_admin)
    client.force_login(org_admin)

    page = " ".join(strip_tags(client.get(reverse("organisation")).text).split())

    expires = invitation.expires_at.astimezone(ZoneInfo("America/New_York"))
    assert f"Pending until {expires:%-d %b %Y, %H:%M} New York time" in page


def test_link_in_the_email_signs_the_recruiter_up(
    client, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})
    client.logout()
    link = re.search(r"^http://\S+(/invitations/\S+/)$", mailoutbox[0].body, re.M).group(1)
    client.get(link)
    assert sign_up(client, "rosa@example.com").status_code == 302
    assert User.objects.get(email="rosa@example.com").role == User.Role.RECRUITER


def test_an_invitations_link_is_the_same_whenever_it_is_made(org_admin, monkeypatch):
    """Every copy of its email, and invite_admin run again, give the one link, signed at the
    invitation's creation: the clock's second when it is made again changes nothing."""
    invitation = invitation_for("rosa@example.com", org_admin)
    link = invitation.get_absolute_url()
    now = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now + 3600)

    assert invitation.get_absolute_url() == link
    assert Invitation.from_token(invitation.token()) == invitation


def test_the_operator_invites_the_first_admin_who_signs_up_and_runs_the_organisation(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite_admin", " Ada@Example.com ", stdout=out)
    again = StringIO()
    call_command("invite_admin", "ada@example.com", stdout=again)

    [email] = mailoutbox
    assert email.to == ["Ada@example.com"]
    assert "You are invited to set up Teamfit as admin." in email.body
    link = re.search(r"^http://\S+(/invitations/\S+/)$", out.getvalue(), re.M).group(1)
    assert "Invitation to the admin role emailed to Ada@example.com." in out.getvalue()
    assert "has an invitation waiting: not sent again." in again.getvalue()
    assert link in again.getvalue()
    client.get(link)
    assert sign_up(client, "Ada@example.com").status_code == 302
    ada = User.objects.get(email__iexact="ada@example.com")
    assert ada.role == User.Role.ADMIN
    client.force_login(ada)
    assert "The operator" in client.get("/organisation/").text  # who invited her


def test_the_operators_invitation_is_refused_for_a_bad_or_known_address(org_admin):
    refusals = {}
    for email in ("not an address", org_admin.email):
        with pytest.raises(CommandError) as refused:
            call_command("invite_admin", email, stdout=StringIO())
        refusals[email] = str(refused.value)

    assert refusals == {
        "not an address": "Enter a valid email address.",
        org_admin.email: f"{org_admin.email} already has an account.",
    }
    assert not Invitation.objects.exists()


def test_the_operator_is_not_handed_a_waiting_invitation_of_another_role(client, org_admin):
    """Its link made a member: not the way back in the command promises."""
    client.force_login(org_admin)
    client.post(INVITE, {"email": "opsback@example.com", "role": "member"})

    with pytest.raises(CommandError, match="waiting as Team member: withdraw it"):
        call_command("invite_admin", "OpsBack@example.com", stdout=StringIO())

    assert list(Invitation.objects.values_list("role", flat=True)) == ["member"]


def test_invitation_email_waits_for_the_commit(
    client, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})
    assert mailoutbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize("persona", ["member", "recruiter", "leadership"])
def test_only_the_org_admin_manages_invitations(client, request, persona, org_admin):
    pending = invitation_for("someone@example.com", org_admin, role=User.Role.RECRUITER)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/organisation/").status_code == 404
    assert client.post("/organisation/", {"name": "Hijacked"}).status_code == 404
    assert client.post(INVITE, {"email": "x@example.com", "role": "admin"}).status_code == 404
    assert client.post(f"{INVITE}{pending.pk}/revoke/").status_code == 404
    pending.refresh_from_db()
    assert pending.revoked_at is None
    assert list(Invitation.objects.all()) == [pending]


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("ana@example.com", "ana@example.com already has an account."),
        ("ANA@example.com", "ANA@example.com already has an account."),
    ],
)
def test_bad_invitation_is_refused_beside_the_email_field(
    client, org_admin, member, mailoutbox, django_capture_on_commit_callbacks, email, error
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": email, "role": "recruiter"})
    assert response.status_code == 400
    field_error = re.search(
        r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', response.text, re.S
    )
    assert field_error, "the error is shown with the email field"
    assert error in field_error.group(1)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_admin_revokes_a_pending_invitation(client, org_admin):
    pending = invitation_for("someone@example.com", org_admin, role=User.Role.RECRUITER)
    client.force_login(org_admin)
    response = client.post(f"{INVITE}{pending.pk}/revoke/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.revoked_at is not None


def test_an_invitation_accepted_since_the_admin_read_it_is_not_withdrawn(org_admin):
    """The admin's page read it pending; the recruiter signed up before the click: they keep
    the role they joined with, and the admin is told."""
    read_by_the_page = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    rosa = UserFactory(email="rosa@example.com")
    invitations.accept_invitation(Invitation.objects.get(), rosa)

    assert read_by_the_page.revoke() is False

    assert Invitation.objects.get().revoked_at is None
    assert User.objects.get(pk=rosa.pk).role == User.Role.RECRUITER


def test_withdrawing_an_invitation_still_waiting_asks_first(client, org_admin):
    pending = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.force_login(org_admin)

    page = client.get(f"{INVITE}{pending.pk}/revoke/").text

    assert "Withdraw the invitation for rosa@example.com?" in page
    assert '<button type="submit" class="danger"' in page


@pytest.mark.parametrize(
    ("ended", "said"),
    [("withdrawn", "already withdrawn"), ("accepted", "already accepted")],
)
def test_withdrawing_an_invitation_no_longer_waiting_says_so_with_no_button(
    client, org_admin, ended, said
):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    if ended == "withdrawn":
        invitations.withdraw(invitation, org_admin)
    else:
        invitations.accept_invitation(invitation, UserFactory(email="rosa@example.com"))
    client.force_login(org_admin)

    response = client.get(f"{INVITE}{invitation.pk}/revoke/")

    assert response.status_code == 200
    assert f"That invitation was {said}." in response.text
    assert "Withdraw the invitation for rosa@example.com?" not in response.text
    assert '<button type="submit" class="danger"' not in response.text
    assert 'href="/organisation/"' in response.text


# Signing up through an invitation


def test_invitation_link_leads_to_sign_up_with_the_email_filled_in(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(SIGNUP)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="email"[^>]*value="rosa@example.com"', page.text)


def test_signing_up_through_the_link_gives_the_role_a_verified_email_and_a_session(
    client, org_admin
):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())
    response = sign_up(client, "rosa@example.com")
    assert response.status_code == 302

    user = User.objects.get(email="rosa@example.com")
    assert user.role == User.Role.RECRUITER
    assert not user.is_staff
    assert (user.display_name, user.time_zone) == ("Nina Newcomer", "Europe/Berlin")
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    assert client.get("/").status_code == 200

    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user


def test_the_team_reads_who_joined_by_the_name_they_signed_up_with(client, member, team):
    invitation = invitation_for("rosa@example.com", member, team=team)
    joining_from_the_link(client, invitation)

    sign_up(client, "rosa@example.com")

    [joined] = AuditEvent.objects.filter(team=team, details__endswith="joined")
    assert joined.details == "Nina Newcomer joined"


def test_plus_address_is_prefilled_intact(client, org_admin):
    invitation = invitation_for("rosa+jobs@example.com", org_admin, role=User.Role.RECRUITER)
    page = client.get(invitation.get_absolute_url(), follow=True)
    assert re.search(r'<input[^>]*name="email"[^>]*value="rosa\+jobs@example.com"', page.text)
    sign_up(client, "rosa+jobs@example.com")
    assert User.objects.get(email="rosa+jobs@example.com").role == User.Role.RECRUITER


def test_signing_up_sends_no_verification_email(client, org_admin, mailoutbox):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())
    sign_up(client, "rosa@example.com")
    assert mailoutbox == []


def test_signing_up_with_another_email_is_refused(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())
    response = sign_up(client, "someone-else@example.com")
    assert response.status_code == 200
    assert "Sign up with the invited address, rosa@example.com." in response.text
    assert not User.objects.filter(email="someone-else@example.com").exists()
    assert AUTH_SESSION_KEY not in client.session
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def joining_from_the_link(client, invitation):
    """A team's invitation, opened without an account: the page asks first, Join signs up."""
    link = invitation.get_absolute_url()
    page = client.get(link)
    assert "proposed you, and Platform agreed to invite you" in page.text
    response = client.post(link, {"answer": "join"})
    assert response["Location"].startswith(SIGNUP)


def test_team_invitation_makes_the_newcomer_a_member_of_the_team(client, member, team):
    invitation = invitation_for("nina@example.com", member, team=team)
    joining_from_the_link(client, invitation)
    sign_up(client, "nina@example.com")
    user = User.objects.get(email="nina@example.com")
    assert team.has_member(user)
    assert user.role == User.Role.MEMBER
    assert Membership.objects.filter(user=user).count() == 1


def test_without_an_account_they_may_decline_the_teams_invitation(client, member, team):
    """The link was sent to their address: it is enough to say no, and nobody is signed up."""
    invitation = invitation_for("nina@example.com", member, team=team)
    link = invitation.get_absolute_url()
    client.get(link)

    response = client.post(link, {"answer": "decline"})

    assert response.status_code == 200
    assert "You declined to join Platform." in response.text
    assert Invitation.objects.get().declined_at is not None
    assert not User.objects.filter(email="nina@example.com").exists()
    assert AuditEvent.objects.filter(team=team, details="nina@example.com declined to join")
    assert client.post(link, {"answer": "join"}).status_code == 410  # answered


def test_a_signed_in_invitee_answering_twice_is_not_asked_to_sign_in(client, member, team):
    invitee = UserFactory(email="dora@example.com")
    invitation = invitation_for(invitee.email, member, team=team)
    link = invitation.get_absolute_url()
    client.force_login(invitee)
    client.post(link, {"answer": "join"})

    again = client.post(link, {"answer": "join"})

    assert again.status_code == 410
    assert "This invitation has already been used." in again.text
    assert "if you already have an account" not in again.text


def test_link_for_an_existing_account_asks_to_sign_in(client, member, team, outsider):
    # One link throughout: two made in different seconds differ.
    link = invitation_for(outsider.email, member, team=team).get_absolute_url()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={link}"


# Accepting with an account already signed in


def test_signed_in_invitee_accepts_and_joins_the_team(client, member, team, outsider):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(outsider)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == team.get_absolute_url()
    assert team.has_member(outsider)
    invitation.refresh_from_db()
    assert invitation.accepted_by == outsider


def test_an_invitation_to_an_address_the_invitee_verified_is_theirs_to_accept(
    client, member, team, outsider
):
    """Another address of theirs (allauth refuses it to a new account: a dead end before)."""
    EmailAddress.objects.create(user=outsider, email="o.private@example.com", verified=True)
    invitation = invitation_for("O.Private@example.com", member, team=team)
    assert invitation.account == outsider
    client.force_login(outsider)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 302
    assert team.has_member(outsider)


def test_an_address_someone_added_and_never_verified_does_not_make_it_theirs(
    client, member, team, outsider
):
    EmailAddress.objects.create(user=outsider, email="squat@example.com", verified=False)
    invitation = invitation_for("squat@example.com", member, team=team)
    client.force_login(outsider)

    assert client.post(invitation.get_absolute_url()).status_code == 403
    assert not team.has_member(outsider)


def test_someone_else_signed_in_cannot_accept(client, member, team, outsider, recruiter):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(recruiter)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 403
    assert f"This invitation is for {outsider.email}." in response.text
    assert not team.has_member(recruiter)
    assert not team.has_member(outsider)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert recruiter.role == User.Role.RECRUITER


# A team proposes someone with an account: they join only if they say yes.


def test_a_person_with_an_account_the_team_agreed_to_is_invited_not_made_a_member(
    client, member, team, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    Team.objects.filter(pk=team.pk).update(membership_rule=Team.MembershipRule.ANY_MEMBER)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/teams/{team.pk}/proposals/member/", {"email": outsider.email})

    assert not team.has_member(outsider)
    [email] = mailoutbox
    assert email.to == [outsider.email]
    assert invitation_linked_from(email.body).team == team
    # Until they join, they read nothing of the team.
    client.force_login(outsider)
    assert client.get(team.get_absolute_url()).status_code == 404


def test_signed_in_the_invitee_is_asked_to_join_or_decline(client, member, team, outsider):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(outsider)

    page = client.get(invitation.get_absolute_url()).text

    assert "Ana Member proposed you, and Platform agreed to invite you." in page
    assert '<button type="submit" name="answer" value="join">Join</button>' in page
    assert 'name="answer" value="decline" class="secondary">Decline</button>' in page


def test_the_invitee_joins(client, member, team, outsider):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(outsider)

    response = client.post(invitation.get_absolute_url(), {"answer": "join"})

    assert response["Location"] == team.get_absolute_url()
    assert team.has_member(outsider)


def test_the_invitee_declines_and_the_link_is_spent(client, member, team, outsider):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(outsider)

    response = client.post(invitation.get_absolute_url(), {"answer": "decline"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "You declined to join Platform." in response.text
    assert not team.has_member(outsider)
    assert_unusable(client.get(invitation.get_absolute_url()), "This invitation was declined.")
    client.force_login(member)
    assert f"{outsider} declined to join" in client.get(team.get_absolute_url()).text


def test_someone_else_signed_in_cannot_decline(client, member, team, outsider, recruiter):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(recruiter)

    response = client.post(invitation.get_absolute_url(), {"answer": "decline"})

    assert response.status_code == 403
    assert f"This invitation is for {outsider.email}." in response.text
    invitation.refresh_from_db()
    assert invitation.is_pending


# Links that can no longer be used


def test_used_link_cannot_be_used_again(client, member, team, outsider):
    invitation = invitation_for(outsider.email, member, team=team)
    client.force_login(outsider)
    client.post(invitation.get_absolute_url())
    client.logout()
    response = client.get(invitation.get_absolute_url())
    assert_unusable(response, "This invitation has already been used. Sign in instead.")


def test_used_link_cannot_sign_up_a_second_account(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.ADMIN)
    link = invitation.get_absolute_url()
    client.get(link)
    sign_up(client, "rosa@example.com")
    client.logout()
    assert_unusable(client.get(link), "This invitation has already been used.")
    assert User.objects.filter(role=User.Role.ADMIN).count() == 2


def test_expired_link_is_refused(client, org_admin):
    eight_days_ago = timezone.now() - timedelta(days=8)
    invitation = invitation_for("rosa@example.com", org_admin, created_at=eight_days_ago)
    response = client.get(f"/invitations/{token_signed_at(invitation.pk, eight_days_ago)}/")
    assert_unusable(response, "This invitation has expired. Ask for a new one.")
    assert SIGNUP not in response.text


def test_link_within_its_lifetime_still_works(client, org_admin):
    six_days_ago = timezone.now() - timedelta(days=6)
    invitation = invitation_for("rosa@example.com", org_admin, created_at=six_days_ago)
    response = client.get(f"/invitations/{token_signed_at(invitation.pk, six_days_ago)}/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGNUP)


def test_expired_invitation_is_refused_even_with_a_freshly_signed_link(client, org_admin):
    """A link made late (say, by a delayed email) still ends with the invitation."""
    eight_days_ago = timezone.now() - timedelta(days=8)
    invitation = invitation_for("rosa@example.com", org_admin, created_at=eight_days_ago)
    assert not invitation.is_pending
    response = client.get(invitation.get_absolute_url())
    assert_unusable(response, "This invitation has expired. Ask for a new one.")


def test_link_expires_with_the_configured_lifetime(client, org_admin, settings):
    two_days_ago = timezone.now() - timedelta(days=2)
    invitation = invitation_for("rosa@example.com", org_admin, created_at=two_days_ago)
    settings.INVITATION_MAX_AGE_DAYS = 1
    response = client.get(f"/invitations/{token_signed_at(invitation.pk, two_days_ago)}/")
    assert_unusable(response, "This invitation has expired.")


def change_char(text, index):
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize("position", [0, -1])
def test_tampered_link_is_refused(client, org_admin, position):
    token = invitation_for("rosa@example.com", org_admin).token()
    tampered = change_char(token, position)
    response = client.get(f"/invitations/{tampered}/")
    assert_unusable(response, "This invitation link is not valid. Check that you copied all of it.")


def test_link_to_another_invitation_is_refused(client, org_admin):
    token = invitation_for("rosa@example.com", org_admin).token()
    payload, rest = token.split(":", 1)
    other = signing.dumps(12345, salt=Invitation.SALT).split(":", 1)[0]
    response = client.get(f"/invitations/{other}:{rest}/")
    assert payload != other
    assert_unusable(response, "This invitation link is not valid.")


def test_revoked_link_is_refused(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin)
    invitation.revoke()
    response = client.get(invitation.get_absolute_url())
    assert_unusable(response, "This invitation was withdrawn.")


def test_revoked_invitation_cannot_finish_a_sign_up_already_started(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.ADMIN)
    client.get(invitation.get_absolute_url())
    invitation.revoke()
    sign_up(client, "rosa@example.com")
    assert not User.objects.filter(email="rosa@example.com").exists()


def test_an_invitation_withdrawn_while_the_sign_up_is_saved_leaves_no_account(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())

    def withdrawn_meanwhile(sender, instance, **kwargs):
        # The admin withdraws it as the account is being written.
        if instance.email == "rosa@example.com":
            Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    pre_save.connect(withdrawn_meanwhile, sender=User)
    try:
        response = sign_up(client, "rosa@example.com")
    finally:
        pre_save.disconnect(withdrawn_meanwhile, sender=User)

    assert_unusable(response, "This invitation was withdrawn.")
    assert not User.objects.filter(email="rosa@example.com").exists()
    assert not EmailAddress.objects.filter(email="rosa@example.com").exists()


USED_IN_ANOTHER_TAB = (
    "If you signed up with yours already, in another tab perhaps, it has been used"
)


def test_a_second_tab_signing_up_once_the_first_has_is_asked_to_sign_in(client, org_admin):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())
    # Its page shown before the first tab signed up: it holds the session as it was then.
    other_tab = Client()
    other_tab.cookies.load({name: cookie.value for name, cookie in client.cookies.items()})
    sign_up(client, "rosa@example.com")

    response = sign_up(other_tab, "rosa@example.com")

    assert USED_IN_ANOTHER_TAB in response.text
    assert f'<a href="{reverse("account_login")}">sign in</a>' in response.text
    assert 'class="topbar"' in response.text  # in the page's frame, as all ours
    assert "Sign Up Closed" not in response.text
    assert User.objects.filter(email="rosa@example.com").count() == 1


def test_a_sign_up_failing_once_the_account_is_written_leaves_no_account(client, org_admin):
    """allauth writes the name, zone and address after the account: one failing left an
    account without them, its invitation spent."""
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())

    def address_fails(sender, instance, **kwargs):
        raise DatabaseError("the database went away")

    pre_save.connect(address_fails, sender=EmailAddress)
    try:
        with pytest.raises(DatabaseError):
            sign_up(client, "rosa@example.com")
    finally:
        pre_save.disconnect(address_fails, sender=EmailAddress)

    assert not User.objects.filter(email="rosa@example.com").exists()
    assert Invitation.objects.get().is_pending
    assert sign_up(client, "rosa@example.com").status_code == 302  # tried again, it works
    user = User.objects.get(email="rosa@example.com")
    assert (user.display_name, user.time_zone) == ("Nina Newcomer", "Europe/Berlin")
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db(transaction=True)
def test_one_invitation_signed_up_by_in_two_tabs_at_once_makes_one_account(client, org_admin):
    """The invitation's row is locked before the account is written: the second tab waits,
    then reads that the invitation was used, instead of a 500 on the address taken."""
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    client.get(invitation.get_absolute_url())
    other_tab = Client()
    other_tab.cookies = client.cookies

    responses = at_once(
        lambda: sign_up(client, "rosa@example.com"),
        lambda: sign_up(other_tab, "rosa@example.com"),
    )

    # The second, waiting for the first, reads why beside the form (SQLite's writers queue) or
    # on the link's page; one sent once the first had ended finds no invitation in the session
    # any more, and is asked to sign in.
    [signed_up] = [response for response in responses if response.status_code == 302]
    [other] = [response for response in responses if response is not signed_up]
    assert other.status_code in (400, 410) or USED_IN_ANOTHER_TAB in other.text
    assert User.objects.filter(email="rosa@example.com").count() == 1
    assert Invitation.objects.get().accepted_by == User.objects.get(email="rosa@example.com")


SIGN_IN_INSTEAD = (
    "An account with this address exists already: sign in with it, then open your invitation again."
)


def test_a_sign_up_to_an_address_given_an_account_meanwhile_says_to_sign_in(
    client, org_admin, member, team
):
    """As reported: an organisation's and a team's invitation to one address, signed up by in
    two browsers at once: the second, its form checked before the first made the account,
    failed with a 500 on the address taken. It finds the account (SQLite's writers queue; on
    PostgreSQL, sign-ups to one address take turns) and says to sign in."""
    invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    teams = invitation_for("rosa@example.com", member, team=team)
    UserFactory(email="Rosa@example.com")  # the first browser's account

    with pytest.raises(ValidationError, match=re.escape(SIGN_IN_INSTEAD)):
        invitations.sign_up_by(teams, lambda: UserFactory(email="rosa@example.com"))

    assert User.objects.filter(email__iexact="rosa@example.com").count() == 1
    assert Invitation.objects.get(pk=teams.pk).is_pending


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")
def test_two_invitations_to_one_address_signed_up_by_at_once_make_one_account(
    org_admin, member, team
):
    organisations = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    teams = invitation_for("rosa@example.com", member, team=team)

    def first(held):
        def save_user():
            user = UserFactory(email="rosa@example.com")
            held()  # the account written, not committed: the second sign-up starts
            return user

        invitations.sign_up_by(organisations, save_user)

    failures = while_waiting(
        first,
        lambda: invitations.sign_up_by(teams, lambda: UserFactory(email="rosa@example.com")),
    )

    assert [getattr(failure, "messages", failure) for failure in failures] == [[SIGN_IN_INSTEAD]]
    user = User.objects.get(email="rosa@example.com")
    assert Invitation.objects.get(pk=organisations.pk).accepted_by == user
    assert Invitation.objects.get(pk=teams.pk).is_pending


# The invitation email


def test_sending_an_invitation_twice_sends_one_email(org_admin, mailoutbox):
    invitation = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    send_invitation.delay(invitation.pk)
    send_invitation.delay(invitation.pk)
    assert len(mailoutbox) == 1
    notification = Notification.objects.get()
    assert notification.key == f"invitation:{invitation.pk}"
    assert notification.sent_at is not None


def test_revoked_invitation_sends_no_email(org_admin, mailoutbox):
    invitation = invitation_for("rosa@example.com", org_admin)
    invitation.revoke()
    send_invitation.delay(invitation.pk)
    assert mailoutbox == []
    assert not Notification.objects.filter(sent_at__isnull=False).exists()


# An address already invited is not invited twice.


def test_inviting_an_address_already_invited_says_so_beside_the_field(
    client, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})
        response = client.post(INVITE, {"email": "Rosa@Example.com", "role": "leadership"})

    assert response.status_code == 400
    error = field_errors(response.text, "email")
    assert "already has an invitation waiting to be accepted: no second one was sent." in error
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_invitations_sent_at_once_to_one_address_make_one(org_admin):
    """On PostgreSQL the organisation's row is locked while one is checked and made; on
    SQLite the IMMEDIATE transaction serialises."""

    def send():
        try:
            invitations.invite("rosa@example.com", invited_by=org_admin)
        except ValidationError:
            return "refused"
        return "sent"

    results = at_once(send, send, send)

    assert sorted(results) == ["refused", "refused", "sent"]
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_an_address_is_invited_again_once_its_invitation_ended(client, org_admin, ended):
    earlier = invitation_for("rosa@example.com", org_admin, role=User.Role.RECRUITER)
    if ended == "revoked":
        earlier.revoke()
    else:
        Invitation.objects.filter(pk=earlier.pk).update(
            created_at=timezone.now() - Invitation.max_age() - timedelta(minutes=1)
        )
    client.force_login(org_admin)

    response = client.post(INVITE, {"email": "rosa@example.com", "role": "recruiter"})

    assert response.status_code == 302
    assert Invitation.objects.count() == 2


def test_a_team_does_not_propose_an_address_its_invitation_waits_for(client, member, team):
    invitation_for("nina@example.com", member, team=team)
    client.force_login(member)

    response = client.post(f"/teams/{team.pk}/proposals/member/", {"email": "nina@example.com"})

    assert response.status_code == 400
    assert "invitation to join Platform waiting to be accepted" in field_errors(
        response.text, "email"
    )
    assert not team.proposals.exists()


def test_an_invitation_to_a_team_is_not_one_to_the_organisation(org_admin, member, team):
    invitation_for("nina@example.com", member, team=team)

    invitations.invite("nina@example.com", invited_by=org_admin, role=User.Role.RECRUITER)

    assert Invitation.objects.filter(email="nina@example.com").count() == 2


# The member who proposed them withdraws the team's invitation


def withdraw_link(team, invitation):
    return reverse("withdraw_team_invitation", args=[team.pk, invitation.pk])


def test_the_team_page_offers_the_proposer_to_withdraw_the_invitation(
    client, member, teammate, team
):
    invitation = invitation_for("nina@example.com", member, team=team)
    link = withdraw_link(team, invitation)
    client.force_login(member)
    assert link in client.get(team.get_absolute_url()).text
    client.force_login(teammate)
    page = client.get(team.get_absolute_url()).text
    assert "nina@example.com" in page
    assert link not in page


def test_the_proposer_is_asked_then_the_invitation_is_withdrawn(client, member, team):
    invitation = invitation_for("nina@example.com", member, team=team)
    client.force_login(member)

    question = client.get(withdraw_link(team, invitation))
    response = client.post(withdraw_link(team, invitation), follow=True)

    assert "Withdraw the invitation to nina@example.com?" in question.text
    assert response.redirect_chain == [(team.get_absolute_url(), 302)]
    assert "The invitation to nina@example.com is withdrawn." in response.text
    assert "Ana Member withdrew the invitation to nina@example.com" in response.text
    assert "Invited, not joined yet" not in response.text
    client.logout()
    assert_unusable(client.get(invitation.get_absolute_url()), "This invitation was withdrawn.")


@pytest.mark.parametrize(
    ("ended", "said"),
    [("withdrawn", "already withdrawn"), ("declined", "already declined")],
)
def test_the_proposer_opening_an_invitation_no_longer_waiting_is_told_so_with_no_button(
    client, member, team, ended, said
):
    invitation = invitation_for("nina@example.com", member, team=team)
    if ended == "withdrawn":
        membership.withdraw_invitation(invitation, member)
    else:
        invitations.decline_invitation(invitation)
    client.force_login(member)

    response = client.get(withdraw_link(team, invitation))

    assert response.status_code == 200
    assert f"That invitation was {said}." in response.text
    assert "Withdraw the invitation to nina@example.com?" not in response.text
    assert '<button type="submit" class="danger"' not in response.text
    assert f'href="{team.get_absolute_url()}"' in response.text


def test_another_member_is_told_only_the_proposer_withdraws(client, member, teammate, team):
    invitation = invitation_for("nina@example.com", member, team=team)
    client.force_login(teammate)

    response = client.post(withdraw_link(team, invitation))

    assert response.status_code == 400
    assert "Only the member who proposed them can withdraw the invitation." in response.text
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.parametrize("persona", ["outsider", "recruiter", "leadership", "org_admin"])
def test_nobody_outside_the_team_withdraws_its_invitation(client, request, member, team, persona):
    invitation = invitation_for("nina@example.com", member, team=team)
    client.force_login(request.getfixturevalue(persona))

    for method in (client.get, client.post):
        assert method(withdraw_link(team, invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_pending
