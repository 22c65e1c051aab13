"""Account pages that say what they want: why two-factor authentication is asked for, the way
on after the recovery codes, and each password error told once."""

import re
from datetime import UTC, datetime

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.utils import timezone

from hiring.models import Invitation
from tests.accounts.test_accounts import (
    TOTP_ACTIVATE,
    confirm_password,
    enrol_totp,
    log_in,
    require_mfa_for_staff,
)
from tests.factories import HTMX

pytestmark = pytest.mark.django_db
WHY = "Your organisation requires two-factor authentication for your role"
RECOVERY_CODES = "/accounts/2fa/recovery-codes/"


def words(page):
    return " ".join(page.split())


def continue_link(page):
    return re.search(r'<a class="button" href="([^"]*)">Continue</a>', page)[1]


@pytest.mark.parametrize(
    ("persona", "role"),
    [("recruiter", "Recruiter"), ("leadership", "Leadership"), ("org_admin", "Admin")],
)
def test_the_forced_set_up_says_why(client, request, persona, role):
    user = request.getfixturevalue(persona)
    require_mfa_for_staff(True)
    log_in(client, user.email)

    password_first = words(client.get(client.get("/").url, follow=True).text)
    confirm_password(client)
    set_up = words(client.get(TOTP_ACTIVATE).text)
    elsewhere = words(client.get("/accounts/email/").text)

    assert f"{WHY} ({role}). Confirm your password to set it up." in password_first
    assert f"{WHY} ({role}). Set it up here with an authenticator app, then you can" in set_up
    assert f'{WHY} ({role}). <a href="{TOTP_ACTIVATE}">Set it up</a> to go on.' in elsewhere


@pytest.mark.parametrize("required", [True, False])
def test_whoever_chooses_two_factor_is_not_told_it_is_required(client, member, required):
    require_mfa_for_staff(required)
    log_in(client, member.email)
    confirm_password(client)

    assert WHY not in client.get(TOTP_ACTIVATE).text


def test_after_the_recovery_codes_continue_leads_where_they_were_going(client, recruiter):
    require_mfa_for_staff(True)
    log_in(client, recruiter.email)
    client.get("/pipeline/?stale=1")

    enrol_totp(client)
    codes = client.get(RECOVERY_CODES)

    assert codes.status_code == 200
    assert continue_link(codes.text) == "/pipeline/?stale=1"
    assert client.get(continue_link(codes.text)).status_code == 200


def test_continue_leads_home_when_nothing_was_interrupted(client, member):
    client.post("/accounts/login/", {"login": member.email, "password": "correct-horse-battery"})
    enrol_totp(client)

    assert continue_link(client.get(RECOVERY_CODES).text) == "/"


def test_a_partial_is_not_where_they_continue(client, recruiter):
    require_mfa_for_staff(True)
    log_in(client, recruiter.email)
    client.get("/pipeline/?stale=1")
    client.get("/search/?q=ana", **HTMX)
    client.post("/search/", {"q": "ana"})

    enrol_totp(client)

    assert continue_link(client.get(RECOVERY_CODES).text) == "/pipeline/?stale=1"


def test_a_page_back_restores_is_where_they_continue(client, recruiter):
    """Back, after htmx swapped a part, asks for the page with HX-Request and
    HX-History-Restore-Request: the whole page, so a place to come back to."""
    require_mfa_for_staff(True)
    log_in(client, recruiter.email)
    client.get("/pipeline/?team=1", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    enrol_totp(client)

    assert continue_link(client.get(RECOVERY_CODES).text) == "/pipeline/?team=1"


# Passwords


def password_errors(page):
    return re.findall(r"<li>(.*?)</li>", re.search(r'id="id_password1_error">(.*?)</ul>', page)[1])


def visible_text(page):
    return re.sub(r"<[^>]+>", " ", page.split("<main")[1])


def test_a_short_new_password_is_told_each_thing_once(client, member):
    client.force_login(member)
    form = client.get("/accounts/password/change/").text

    page = client.post(
        "/accounts/password/change/",
        {"oldpassword": "correct-horse-battery", "password1": "abc", "password2": "abc"},
    ).text

    assert "Your password must contain at least 8 characters." in form  # the rules, before
    assert password_errors(page) == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
    ]
    assert visible_text(page).count("8 characters") == 1
    assert visible_text(page).count("common") == 1
    assert member.check_password("correct-horse-battery")


def test_a_password_change_is_told_to_the_accounts_address_in_its_zone(
    client, member, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """As reported: nobody was told when their password changed (allauth's notices were off),
    so whoever took an account over went unnoticed."""
    member.time_zone = "America/New_York"
    member.save(update_fields=["time_zone"])
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 3, 4, 14, 0, tzinfo=UTC))
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/change/",
            {
                "oldpassword": "correct-horse-battery",
                "password1": "a-new-long-passphrase",
                "password2": "a-new-long-passphrase",
            },
            HTTP_USER_AGENT="Firefox <Linux> & co",
        )

    assert response.status_code == 302
    [notice] = mailoutbox
    assert notice.to == [member.email]
    assert "Your password has been changed." in notice.body
    # 14:00 UTC is 09:00 in New York in early March (before US daylight saving starts).
    assert "Date: Monday 4 March 2030, 09:00 New York time" in notice.body
    assert "Browser: Firefox <Linux> & co" in notice.body


def test_the_notice_of_an_address_replaced_reads_in_the_accounts_zone_at_the_old_one(
    member, rf, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """The address replaced is no longer the account's: found by it, nobody was, and the
    notice read in the zone of whichever browser asked."""
    member.time_zone = "America/New_York"
    member.email = "ana.home@example.com"  # the change made
    member.save(update_fields=["time_zone", "email"])
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 3, 4, 14, 0, tzinfo=UTC))
    request = rf.get("/accounts/email/")
    request.user = member
    changed = {"from_email": "ana@example.com", "to_email": "ana.home@example.com"}

    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_notification_mail(
            "account/email/email_changed", member, changed, email="ana@example.com"
        )

    [notice] = mailoutbox
    assert notice.to == ["ana@example.com"]
    assert "from ana@example.com to ana.home@example.com" in notice.body
    assert "Date: Monday 4 March 2030, 09:00 New York time" in notice.body


def test_signing_up_with_a_weak_password_tells_each_error_once_beside_the_field(client, org_admin):
    invitation = Invitation.objects.create(
        email="new@example.com", role="recruiter", invited_by=org_admin
    )
    client.get(invitation.get_absolute_url(), follow=True)

    page = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "display_name": "Noa New",
            "time_zone": "UTC",
            "password1": "12345678",
            "password2": "12345678",
        },
    ).text

    assert password_errors(page) == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert visible_text(page).count("numeric") == 1
    # Beside its field: after the input, inside the field's own box.
    field = re.search(r"<div>\s*<label for=\"id_password1\">.*?</div>", page, re.S)[0]
    assert 'id="id_password1_error"' in field
    assert AUTH_SESSION_KEY not in client.session


TOTP_DEACTIVATE = "/accounts/2fa/totp/deactivate/"


@pytest.mark.parametrize(("persona", "required", "stays"), [
    ("recruiter", True, True),
    ("recruiter", False, False),
    ("member", True, False),
])  # fmt: skip
def test_two_factor_the_organisation_requires_stays_on(client, request, persona, required, stays):
    user = request.getfixturevalue(persona)
    log_in(client, user.email)
    enrol_totp(client)
    require_mfa_for_staff(required)

    response = client.post(TOTP_DEACTIVATE)

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists() == stays
    if stays:
        assert "requires two-factor authentication for your role: it stays on." in response.text
