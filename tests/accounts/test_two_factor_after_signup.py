"""Someone who has just signed up, with the password they typed seconds ago, sets up the
two-factor authentication their organisation requires without being asked for it again; a
sign-up long past, or a plain login, is still asked."""

import time

import pytest
from allauth.account import app_settings as account_settings

# allauth's own record of how this session authenticated: internal, so an allauth upgrade that
# renames or reshapes it fails here rather than silently asking every newcomer again.
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

from hiring.models import Invitation, User
from tests.accounts.test_accounts import (
    REAUTHENTICATE,
    TOTP_ACTIVATE,
    log_in,
    require_mfa_for_staff,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up_invited(client, org_admin, email="nina@example.com"):
    invitation = Invitation.objects.create(
        email=email, role=User.Role.RECRUITER, invited_by=org_admin
    )
    client.get(invitation.get_absolute_url())
    fields = {"display_name": "Nina Newcomer", "time_zone": "Europe/Berlin"}
    passwords = {"password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {"email": email, **fields, **passwords})


def later(monkeypatch, seconds):
    """The clock, `seconds` from now."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_newcomer_sets_up_two_factor_without_typing_the_password_again(client, org_admin):
    require_mfa_for_staff(True)
    assert sign_up_invited(client, org_admin).status_code == 302
    assert client.get("/")["Location"] == TOTP_ACTIVATE

    assert client.get(TOTP_ACTIVATE).status_code == 200


def test_the_sign_up_is_recorded_as_what_it_was_a_password_typed_to_sign_up(client, org_admin):
    sign_up_invited(client, org_admin)

    [record] = client.session[AUTHENTICATION_METHODS_SESSION_KEY]
    assert record["method"] == "password"
    assert record["email"] == "nina@example.com"
    assert (record["signup"], record["reauthenticated"]) == (True, True)


def test_a_sign_up_older_than_the_reauthentication_timeout_is_asked(client, org_admin, monkeypatch):
    require_mfa_for_staff(True)
    sign_up_invited(client, org_admin)

    later(monkeypatch, account_settings.REAUTHENTICATION_TIMEOUT + 1)

    assert client.get(TOTP_ACTIVATE)["Location"].startswith(REAUTHENTICATE)


def test_logging_in_is_no_sign_up_and_is_still_asked(client, org_admin):
    require_mfa_for_staff(True)
    sign_up_invited(client, org_admin)
    client.post("/accounts/logout/")

    log_in(client, "nina@example.com")

    assert client.get(TOTP_ACTIVATE)["Location"].startswith(REAUTHENTICATE)
