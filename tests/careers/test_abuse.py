"""Robots and floods: a filled trap and a submission past a limit are refused, nothing stored."""

import pytest

from hiring.models import Application, Candidate, CandidateEmail, Consent
from tests.careers.conftest import stored_files
from tests.factories import OpeningFactory, field_errors

SLOW_DOWN = "Too many applications were sent"


def nothing_stored_since(candidates, media, files):
    return Candidate.objects.count() == candidates and len(stored_files(media)) == files


def test_a_filled_trap_is_refused_and_nothing_stored(send, opening, media, mailoutbox):
    response = send(opening, website="https://spam.example")

    assert response.status_code == 400
    assert "Leave this field empty." in field_errors(response.content.decode(), "website")
    assert nothing_stored_since(0, media, 0)
    assert Consent.objects.count() == CandidateEmail.objects.count() == 0
    assert mailoutbox == []


def test_one_address_is_limited_per_hour(send, opening, media, settings, mailoutbox):
    settings.CAREERS_APPLICATIONS_PER_ADDRESS_HOUR = 2
    for n in range(2):
        assert send(opening, email=f"person{n}@candidates.example").status_code == 302

    response = send(opening, email="third@candidates.example")

    assert response.status_code == 429
    assert "sent from your network in the last hour" in response.content.decode()
    assert nothing_stored_since(2, media, 2)
    assert Consent.objects.count() == 2
    assert len(mailoutbox) == 2
    # Another address is not held back.
    assert (
        send(opening, email="third@candidates.example", remote_addr="198.51.100.7").status_code
        == 302
    )


def test_one_email_is_limited_per_day(send, team, opening, media, settings):
    settings.CAREERS_APPLICATIONS_PER_EMAIL_DAY = 1
    other = OpeningFactory(team=team)
    assert send(opening, remote_addr="192.0.2.1").status_code == 302

    response = send(other, email=" DANA@Candidates.example ", remote_addr="192.0.2.2")

    assert response.status_code == 429
    assert "sent with this email address today" in response.content.decode()
    assert nothing_stored_since(1, media, 1)
    assert Application.objects.count() == 1


def test_the_address_is_the_client_behind_our_proxy(send, opening, settings, client):
    """Counted per client, not per proxy: one busy client does not lock out the others."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.CAREERS_APPLICATIONS_PER_ADDRESS_HOUR = 1
    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"
    assert send(opening, email="a@candidates.example").status_code == 302
    assert send(opening, email="b@candidates.example").status_code == 429

    client.defaults["HTTP_X_FORWARDED_FOR"] = "203.0.113.2"
    assert send(opening, email="b@candidates.example").status_code == 302


@pytest.mark.parametrize(
    "limit", ["CAREERS_APPLICATIONS_PER_ADDRESS_HOUR", "CAREERS_APPLICATIONS_PER_EMAIL_DAY"]
)
def test_a_cache_that_fails_lets_candidates_apply(send, opening, settings, caplog, limit):
    settings.CACHES = {
        "default": {
            "BACKEND": "hiring.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    setattr(settings, limit, 0)

    assert send(opening).status_code == 302
    assert Application.objects.count() == 1
    assert "careers-address not counted: the cache failed" in caplog.text
