"""Login rate limits count per client, also when every request arrives through our proxy."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.2"
# allauth's limit on failed logins from one address is 10 a minute.
STUFFING_ATTEMPTS = 11


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database, and so starts with clean rate-limit counters."""


def behind_the_proxy(address, header="HTTP_X_FORWARDED_FOR"):
    """A browser at `address` whose requests reach us through the proxy."""
    return Client(REMOTE_ADDR=PROXY, **{header: address})


def log_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def stuff_credentials(client):
    """Passwords tried against many addresses, as a credential-stuffing attack does."""
    for attempt in range(STUFFING_ATTEMPTS):
        response = log_in(client, f"guess{attempt}@example.com", "wrong-guess")
    assert "Too many failed login attempts" in response.text


@pytest.mark.parametrize(
    ("setting", "value", "header"),
    [
        ("ALLAUTH_TRUSTED_PROXY_COUNT", 1, "HTTP_X_FORWARDED_FOR"),
        ("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "X-Real-IP", "HTTP_X_REAL_IP"),
    ],
)
def test_one_client_behind_the_proxy_does_not_lock_out_another(settings, setting, value, header):
    setattr(settings, setting, value)
    attacker = behind_the_proxy("203.0.113.7", header)
    colleague = behind_the_proxy("198.51.100.9", header)
    user = UserFactory()

    stuff_credentials(attacker)
    response = log_in(colleague, user.email)

    assert response.status_code == 302
    assert colleague.session[SESSION_KEY] == str(user.pk)


def test_without_the_proxy_setting_everyone_behind_it_counts_as_one_client():
    attacker, colleague = behind_the_proxy("203.0.113.7"), behind_the_proxy("198.51.100.9")
    user = UserFactory()

    stuff_credentials(attacker)
    response = log_in(colleague, user.email)

    assert "Too many failed login attempts" in response.text
    assert SESSION_KEY not in colleague.session


def test_a_users_bad_passwords_lock_out_only_that_user(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    target, bystander = UserFactory(), UserFactory()
    attacker = behind_the_proxy("203.0.113.7")
    for _ in range(5):
        log_in(attacker, target.email, "wrong-guess")

    locked = log_in(behind_the_proxy("198.51.100.9"), target.email)
    response = log_in(behind_the_proxy("198.51.100.10"), bystander.email)

    assert "Too many failed login attempts" in locked.text
    assert response.status_code == 302
