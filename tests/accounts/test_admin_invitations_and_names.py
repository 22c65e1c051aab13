"""What the Django admin shows the organisation's admin of invitations, and names that stay on
one line wherever people set them."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from hiring.models import Invitation, User
from tests.factories import PASSWORD


def test_the_admin_reads_no_teams_invitation_in_the_django_admin(client, org_admin, team, member):
    """A team's invitation follows its own proposal: the product's organisation page leaves it
    out, and so does the Django admin."""
    Invitation.objects.create(email="rosa@example.com", role="recruiter", invited_by=org_admin)
    theirs = Invitation.objects.create(email="sam@example.com", team=team, invited_by=member)
    client.force_login(org_admin)

    listed = client.get(reverse("admin:hiring_invitation_changelist"))
    opened = client.get(reverse("admin:hiring_invitation_change", args=[theirs.pk]))

    assert "rosa@example.com" in listed.text
    assert "sam@example.com" not in listed.text
    assert opened.status_code == 302  # the admin's "no such invitation", back to its index


def test_the_operator_still_reads_every_invitation(client, superuser, team, member):
    Invitation.objects.create(email="sam@example.com", team=team, invited_by=member)
    client.force_login(superuser)

    listed = client.get(reverse("admin:hiring_invitation_changelist"))

    assert "sam@example.com" in listed.text


LINE_BREAK = "Ana\nSign in again at https://evil.example"


def test_a_display_name_on_two_lines_is_refused_beside_the_field(client, member):
    client.force_login(member)
    data = {"display_name": LINE_BREAK, "time_zone": "Europe/London", "language": ""}

    response = client.post(reverse("profile"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["display_name"] == [
        "Write this on one line, without line breaks or control characters."
    ]
    member.refresh_from_db()
    assert "\n" not in member.display_name


def test_the_admin_names_nobody_on_two_lines(client, org_admin, member):
    client.force_login(org_admin)
    data = {"display_name": "Ana\r\nAlves", "role": member.role, "is_active": "on"}

    response = client.post(reverse("person_edit", args=[member.pk]), data)

    assert response.status_code == 400
    assert "display_name" in response.context["form"].errors
    assert User.objects.get(pk=member.pk).display_name == member.display_name


@pytest.mark.parametrize("name", [LINE_BREAK, "Zoe\x1b[2J"])
def test_signing_up_with_a_name_on_two_lines_is_refused(client, org_admin, name):
    invitation = Invitation.objects.create(email="zoe@example.com", invited_by=org_admin)
    client.get(invitation.get_absolute_url())
    password = "Sup3r-secret-pass!"
    data = {"email": "zoe@example.com", "password1": password, "password2": password}

    response = client.post(
        reverse("account_signup"), {**data, "display_name": name, "time_zone": "UTC"}
    )

    assert response.status_code == 200  # allauth's form, again, with the error
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="zoe@example.com").exists()


# Signing up by invitation

SIGN_UP = {"password1": "Sup3r-secret-pass!", "password2": "Sup3r-secret-pass!", "time_zone": "UTC"}


def test_an_address_a_colleague_added_unverified_does_not_turn_the_invited_away(
    client, org_admin, member
):
    """Anyone may add an address to their account, unverified: the invitation's link proves
    whose it is."""
    EmailAddress.objects.create(user=member, email="zoe@example.com", verified=False)
    invitation = Invitation.objects.create(email="zoe@example.com", invited_by=org_admin)
    client.get(invitation.get_absolute_url())

    response = client.post(
        reverse("account_signup"), {**SIGN_UP, "email": "zoe@example.com", "display_name": "Zoe"}
    )

    assert response.status_code == 302
    zoe = User.objects.get(email="zoe@example.com")
    assert EmailAddress.objects.get(email="zoe@example.com").user == zoe
    invitation.refresh_from_db()
    assert invitation.accepted_by == zoe


def test_an_invitation_opened_in_this_browser_leaves_another_accounts_reset_alone(
    client, org_admin, member
):
    invitation = Invitation.objects.create(email="zoe@example.com", invited_by=org_admin)
    client.get(invitation.get_absolute_url())

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_a_superuser_changes_no_role_in_the_django_admin(client, superuser, org_admin):
    """People's names, roles and active flags change on the Organisation page, audited, and
    an admin taken out of the role leaves no invitation of theirs waiting (accounts/people.py)."""
    before = (org_admin.display_name, org_admin.role, org_admin.is_active)
    client.force_login(superuser)
    url = reverse("admin:hiring_user_change", args=[org_admin.pk])
    changed = {"display_name": "X", "role": "member", "is_active": ""}

    response = client.post(url, {"email": org_admin.email, "time_zone": "UTC", **changed})

    assert response.status_code == 302  # saved what it may change
    org_admin.refresh_from_db()
    assert (org_admin.display_name, org_admin.role, org_admin.is_active) == before
    assert org_admin.time_zone == "UTC"


def test_someone_reactivated_signs_in_again_rather_than_finding_their_old_sessions(
    client, org_admin, member
):
    """Whoever kept a deactivated person's session (a laptop left behind) gets nothing back
    when the admin reactivates them."""
    theirs = Client()  # signed in as people are, through the page that records the session
    theirs.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.force_login(org_admin)
    url = reverse("person_edit", args=[member.pk])
    shown = {"display_name": member.display_name, "role": member.role}

    client.post(url, {**shown, "is_active": ""})
    client.post(url, {**shown, "is_active": "on"})
    response = theirs.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("home")).status_code == 200  # the admin's own stays


def test_the_operator_makes_no_second_account_at_an_address_in_another_case(
    client, superuser, member, outsider
):
    client.force_login(superuser)
    password = {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    added = {"email": "ANA@example.com", "display_name": "Ana Again", **password}
    EmailAddress.objects.create(user=outsider, email="eve.home@example.com", verified=True)

    response = client.post(reverse("admin:hiring_user_add"), added)
    verified = client.post(
        reverse("admin:hiring_user_add"), {**added, "email": "Eve.Home@example.com"}
    )
    changed = client.post(
        reverse("admin:hiring_user_change", args=[outsider.pk]),
        {"email": "Ana@Example.com", "display_name": "Eve Outsider", "time_zone": "UTC"},
    )
    kept = client.post(
        reverse("admin:hiring_user_change", args=[member.pk]),
        {"email": member.email, "display_name": "Ana Member", "time_zone": "Europe/Oslo"},
    )

    assert "ANA@example.com already has an account." in response.text
    assert "Eve.Home@example.com already has an account." in verified.text
    assert "Ana@example.com already has an account." in changed.text
    assert kept.status_code == 302  # their own address, unchanged
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1
    outsider.refresh_from_db()
    assert outsider.email == "eve@example.com"


def test_an_address_the_operator_replaced_no_longer_signs_in_nor_gets_a_reset_link(
    client, superuser, member, mailoutbox, django_capture_on_commit_callbacks
):
    """Replaced because it is no longer theirs (a mailbox handed on, say): whoever reads it
    takes nothing over. The new one is theirs once they confirm it, at their next sign-in."""
    client.force_login(superuser)
    client.post(
        reverse("admin:hiring_user_change", args=[member.pk]),
        {"email": "ana.new@example.com", "display_name": "Ana Member", "time_zone": "UTC"},
    )
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ana@example.com"})
    signed_in = client.post(
        reverse("account_login"), {"login": "ana@example.com", "password": PASSWORD}
    )

    [email] = mailoutbox  # allauth's word to an address it knows no account of, and no link
    assert "/accounts/password/reset/key/" not in email.body
    assert "_auth_user_id" not in client.session
    assert signed_in.status_code == 200  # the form again, saying why
    [address] = EmailAddress.objects.filter(user=member)
    assert (address.email, address.primary, address.verified) == (
        "ana.new@example.com",
        True,
        False,
    )


def test_an_address_the_operator_spells_anew_stays_verified(client, superuser, member):
    client.force_login(superuser)
    client.post(
        reverse("admin:hiring_user_change", args=[member.pk]),
        {"email": "Ana@example.com", "display_name": "Ana Member", "time_zone": "UTC"},
    )

    [address] = EmailAddress.objects.filter(user=member)
    assert (address.email, address.primary, address.verified) == ("Ana@example.com", True, True)
