"""In real Chromium: someone the admin invited as a recruiter opens the emailed link, signs up,
sets up the two-factor authentication the organisation requires of its staff (without typing
the password just set again), and reaches their home page."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from hiring.models import Organisation, User
from hiring.teams.invitations import invite
from tests.browser import new_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def code_for(secret):
    """The code an authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_an_invited_recruiter_signs_up_and_sets_up_two_factor(
    browser, live_server, org_admin, settings
):
    Organisation.objects.filter(pk=Organisation.current().pk).update(require_mfa_for_staff=True)
    # A code read at the end of its 30 seconds is still taken when it arrives a moment later.
    settings.MFA_TOTP_TOLERANCE = 1
    invitation = invite("nina@example.com", org_admin, role=User.Role.RECRUITER)
    (email,) = mail.outbox
    assert email.to == ["nina@example.com"]
    link = re.search(r"https?://\S+(/invitations/\S+/)", email.body).group(1)

    errors = []
    page = new_page(browser, errors, timezone_id="Europe/Berlin")
    page.goto(live_server.url + link)
    expect(page.get_by_label("Email")).to_have_value("nina@example.com")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")  # the browser's
    page.get_by_label("Display name").fill("Nina Newcomer")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    # No address to verify (the link did), but two-factor to set up, straight away: the
    # password was typed seconds ago, so it is not asked again.
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirm Access")).to_have_count(0)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(code_for(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    page.get_by_role("link", name="Continue").click()

    expect(page.get_by_role("heading", name="Hello, Nina Newcomer")).to_be_visible()
    expect(page.get_by_role("link", name="Nina Newcomer Recruiter")).to_be_visible()
    page.context.close()
    assert errors == []
    user = User.objects.get(email="nina@example.com")
    assert (user.display_name, user.time_zone, user.role) == (
        "Nina Newcomer",
        "Europe/Berlin",
        User.Role.RECRUITER,
    )
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=user, email="nina@example.com", verified=True).exists()
    # The invitation, and the notice of the two-factor set up: no verification email.
    assert mail.outbox[0] == email
    assert [notice.subject for notice in mail.outbox[1:]] == [
        "[Teamfit] Authenticator App Activated"
    ]
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
