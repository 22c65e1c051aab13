"""Signing in through allauth: verification, rate limits, two-factor, profile, closed sign-up."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django import forms as django_forms
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.mail.backends import locmem

from hiring import tasks
from hiring.accounts import forms, people
from hiring.models import Organisation, UnqueuedTask, User
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORDS = {"password1": "a-new-and-long-passphrase", "password2": "a-new-and-long-passphrase"}

LOGIN = "/accounts/login/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
REAUTHENTICATE = "/accounts/reauthenticate/"


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database, and so starts with clean rate-limit counters."""


def log_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def totp_codes(secret):
    """Every code the authenticator app could show right now."""
    return {
        format_hotp_value(hotp_value(secret, counter))
        for counter in yield_hotp_counters_from_time()
    }


def current_code(secret):
    """The code an authenticator app shows for this 30-second period."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 1:  # don't post a code in its last moment
        time.sleep(1)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(secret, counter))


def wrong_code(secret):
    valid = totp_codes(secret)
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def confirm_password(client, password=PASSWORD, next_url=TOTP_ACTIVATE):
    """allauth asks for the password again before changing two-factor settings or addresses."""
    response = client.post(f"{REAUTHENTICATE}?next={next_url}", {"password": password})
    assert response.status_code == 302
    assert response["Location"] == next_url


def enrol_totp(client):
    """Set up TOTP as the signed-in user would with an authenticator app; returns the secret."""
    confirm_password(client)
    assert client.get(TOTP_ACTIVATE).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(TOTP_ACTIVATE, {"code": current_code(secret)})
    assert response.status_code == 302
    return secret


def require_mfa_for_staff(required):
    organisation = Organisation.current()
    organisation.require_mfa_for_staff = required
    organisation.save()


# Logging in


def test_verified_user_logs_in_with_email_and_password(client):
    user = UserFactory()
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    assert client.get("/").status_code == 200


def test_wrong_password_does_not_log_in(client):
    user = UserFactory()
    response = log_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert AUTH_SESSION_KEY not in client.session
    assert "The email address and/or password you specified are not correct." in response.text


def test_unverified_user_is_sent_to_verify_their_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = log_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert AUTH_SESSION_KEY not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert client.get("/").status_code == 302


def test_repeated_failed_logins_lock_out_even_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        assert log_in(client, user.email, "wrong-guess").status_code == 200
    response = log_in(client, user.email)
    assert "Too many failed login attempts. Try again later." in response.text
    assert response.status_code == 200  # allauth shows the form again, with the error
    assert AUTH_SESSION_KEY not in client.session


def test_failed_logins_for_one_email_do_not_lock_out_another(client):
    target, bystander = UserFactory(), UserFactory()
    for _ in range(5):
        log_in(client, target.email, "wrong-guess")
    response = log_in(client, bystander.email)
    assert response.status_code == 302
    assert client.session[AUTH_SESSION_KEY] == str(bystander.pk)


# Two-factor authentication


def test_enrolling_totp_creates_authenticator_and_recovery_codes(client):
    user = UserFactory()
    log_in(client, user.email)
    enrol_totp(client)
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_enrolling_totp_refuses_a_wrong_code(client):
    user = UserFactory()
    log_in(client, user.email)
    confirm_password(client)
    client.get(TOTP_ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(TOTP_ACTIVATE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Incorrect code." in response.text
    assert not Authenticator.objects.filter(user=user).exists()


def test_login_with_totp_asks_for_the_code_and_checks_it(client):
    user = UserFactory()
    log_in(client, user.email)
    secret = enrol_totp(client)
    client.post("/accounts/logout/")
    assert AUTH_SESSION_KEY not in client.session

    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE
    assert AUTH_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302

    response = client.post(MFA_AUTHENTICATE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Incorrect code." in response.text
    assert AUTH_SESSION_KEY not in client.session

    response = client.post(MFA_AUTHENTICATE, {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    assert client.get("/").status_code == 200


def test_changing_ones_addresses_asks_for_the_password_first(client, member, mailoutbox):
    """Whoever finds a session open (a laptop left unlocked) would otherwise add their own
    address, make it the account's, and take the account over by a password reset to it."""
    client.force_login(member)  # signed in a while ago: no password typed in this session

    response = client.post("/accounts/email/", {"action_add": "", "email": "eve@evil.example"})

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert not EmailAddress.objects.filter(email="eve@evil.example").exists()
    assert mailoutbox == []

    confirm_password(client, next_url="/accounts/email/")
    client.post("/accounts/email/", {"action_add": "", "email": "ana.home@example.com"})
    assert EmailAddress.objects.filter(user=member, email="ana.home@example.com").exists()


def test_someone_deactivated_between_password_and_code_is_not_signed_in(client, org_admin):
    """Their session would have come back, with whoever held it, once they were reactivated."""
    user = UserFactory()
    log_in(client, user.email)
    secret = enrol_totp(client)
    client.post("/accounts/logout/")
    log_in(client, user.email)  # the password taken, the code asked for
    people.change_person(user, org_admin, display_name=user.display_name, role=user.role,
                         is_active=False)  # fmt: skip

    response = client.post(MFA_AUTHENTICATE, {"code": current_code(secret)})

    assert response["Location"] == "/accounts/inactive/"
    assert AUTH_SESSION_KEY not in client.session
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", ["leadership", "recruiter"])
def test_required_mfa_sends_staff_without_totp_to_set_it_up(client, request, persona):
    user = request.getfixturevalue(persona)
    require_mfa_for_staff(True)
    log_in(client, user.email)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == TOTP_ACTIVATE
    assert client.get("/me/")["Location"] == TOTP_ACTIVATE


def test_required_mfa_leaves_account_pages_reachable(client, leadership):
    require_mfa_for_staff(True)
    log_in(client, leadership.email)
    response = client.get(TOTP_ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert client.get(response["Location"]).status_code == 200
    confirm_password(client)
    assert client.get(TOTP_ACTIVATE).status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/email/").status_code == 200


def test_required_mfa_lets_staff_in_once_totp_is_set_up(client, recruiter):
    require_mfa_for_staff(True)
    log_in(client, recruiter.email)
    enrol_totp(client)
    assert client.get("/").status_code == 200


def test_required_mfa_does_not_apply_to_team_members(client, member):
    require_mfa_for_staff(True)
    log_in(client, member.email)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", ["leadership", "recruiter", "member"])
def test_without_required_mfa_nobody_is_redirected(client, request, persona):
    user = request.getfixturevalue(persona)
    require_mfa_for_staff(False)
    log_in(client, user.email)
    assert client.get("/").status_code == 200


# Profile


def test_profile_saves_display_name_and_time_zone(client, member):
    client.force_login(member)
    response = client.post("/me/", {"display_name": "Ana M.", "time_zone": "America/New_York"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Ana M."
    assert member.time_zone == "America/New_York"


def test_profile_rejects_an_unknown_time_zone_beside_the_field(client, member):
    client.force_login(member)
    response = client.post("/me/", {"display_name": "Ana M.", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    error = re.search(
        r'<ul class="errorlist" id="id_time_zone_error">(.*?)</ul>', response.text, re.S
    )
    assert error, "the time zone error is shown with the time zone field"
    assert "Choose the place whose time you keep from the list." in error.group(1)
    member.refresh_from_db()
    assert member.display_name == "Ana Member"
    assert member.time_zone == "Europe/London"


# Sign-up


def test_sign_up_is_closed_without_an_invitation(client):
    response = client.get("/accounts/signup/")
    assert "Sign-up is by invitation" in response.text
    assert 'name="password1"' not in response.text

    client.post(
        "/accounts/signup/",
        {
            "email": "walk-in@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Walk In",
            "time_zone": "UTC",
        },
    )
    assert not User.objects.filter(email="walk-in@example.com").exists()
    assert AUTH_SESSION_KEY not in client.session


def test_account_emails_go_out_from_the_worker_after_the_commit(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert mailoutbox == []  # nothing leaves before the transaction commits

    for callback in callbacks:
        callback()

    [email] = mailoutbox
    assert email.to == [member.email]
    assert "/accounts/password/reset/key/" in email.body


def test_a_reset_link_the_broker_did_not_take_is_sent_from_the_request(
    client, member, broker_down, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    """The person is waiting for it, and its link would wait in the database for beat: it goes
    from the request. The log names the task for the operator, never its address or link."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": member.email})

    [email] = mailoutbox
    assert "/accounts/password/reset/key/" in email.body
    assert not UnqueuedTask.objects.exists()
    assert "Task hiring.tasks.send_account_email" in caplog.text
    assert "not queued: the broker did not take it" in caplog.text
    assert "run in the request instead" in caplog.text
    assert member.email not in caplog.text
    assert "/accounts/password/reset/key/" not in caplog.text


def test_a_reset_link_neither_the_broker_nor_the_mail_server_took_is_kept_for_beat(
    client, member, broker_down, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(self, messages):
        raise ConnectionRefusedError("the mail server is down too")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refused)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.email})

    assert response.status_code == 302
    [kept] = UnqueuedTask.objects.all()
    assert kept.name == "hiring.tasks.send_account_email"
    assert member.email in kept.payload
    assert "failed when run in the request" in caplog.text
    assert "/accounts/password/reset/key/" not in caplog.text


def test_a_reset_link_sent_before_its_account_was_deactivated_sets_no_password(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": member.email})
    [link] = re.findall(r"https?://\S+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)
    member.is_active = False
    member.save(update_fields=["is_active"])

    response = client.get(link, follow=True)
    client.post(response.redirect_chain[-1][0] if response.redirect_chain else link, NEW_PASSWORDS)

    assert "The password reset link was invalid" in response.text
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORDS["password1"])
    member.is_active = True
    member.save(update_fields=["is_active"])
    response = client.get(link, follow=True)
    assert "The password reset link was invalid" not in response.text  # the link as it was


def test_an_account_email_is_written_in_its_recipients_language(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    member.language = "de"
    member.save(update_fields=["language"])
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
    german_browser = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": member.email}, **english_browser)
        # An address nobody has: written as the browser that asked for it reads.
        client.post("/accounts/password/reset/", {"email": "nobody@example.com"}, **german_browser)

    subjects = {email.to[0]: email.subject for email in mailoutbox}
    assert subjects == {
        member.email: "[Teamfit] E-Mail zum Zurücksetzen des Passworts",
        "nobody@example.com": "[Teamfit] Unbekanntes Konto",
    }
    # Formal, as every German text of Teamfit (allauth's own German says "du").
    for email in mailoutbox:
        assert "Sie " in email.body
        assert not re.search(r"\b(du|dich|dir|dein\w*)\b", email.body, re.IGNORECASE)


def test_an_account_email_is_sent_once_however_often_its_task_runs(mailoutbox):
    message = {
        "subject": "Confirm your email",
        "body": "Plain text",
        "content_subtype": "plain",
        "alternatives": [["<p>HTML</p>", "text/html"]],
        "from_email": "teamfit@teamfit.example",
        "to": ["ana@example.com"],
        "headers": {},
    }

    assert tasks.send_account_email("key-1", message) is True
    assert tasks.send_account_email("key-1", message) is False

    [email] = mailoutbox
    assert (email.subject, email.body, email.to) == (
        "Confirm your email",
        "Plain text",
        message["to"],
    )
    assert email.alternatives[0][1] == "text/html"


def test_the_time_zone_menu_is_the_one_django_would_render(client, member):
    menu = forms.TimeZoneField(detect_browser_zone=True)
    plain = django_forms.Select(attrs=menu.widget.attrs, choices=menu.choices)
    attrs = {"id": "id_time_zone", "required": True}

    ours = menu.widget.render("time_zone", "America/Sao_Paulo", attrs)
    django_s = plain.render("time_zone", "America/Sao_Paulo", attrs)

    assert re.sub(r"\s*\n\s*", "", django_s) == ours
    assert ours.count(" selected") == 1
    client.force_login(member)
    assert f'<option value="{member.time_zone}" selected>' in client.get("/me/").text


def test_a_password_reset_goes_only_to_an_address_the_account_verified(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    """An address added to an account and never verified (a typo, a colleague's) received the
    link to reset that account's password: whoever held it took the account over."""
    EmailAddress.objects.create(user=member, email="squat@example.com", verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "squat@example.com"})
        client.post("/accounts/password/reset/", {"email": member.email})

    assert "/accounts/password/reset/key/" not in " ".join(
        mail.body for mail in mailoutbox if mail.to == ["squat@example.com"]
    )
    [reset] = [mail for mail in mailoutbox if mail.to == [member.email]]
    assert "/accounts/password/reset/key/" in reset.body
