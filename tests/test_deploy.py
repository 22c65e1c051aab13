import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def production_environ(**variables):
    """This environment as production sets it, with `variables` added."""
    # conftest allows async-unsafe ORM calls for Playwright; production never does.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdef",
        "ALLOWED_HOSTS": "teamfit.example",
        "DJANGO_SETTINGS_MODULE": "hiring.settings",
        **variables,
    }


def production_settings(*names, **variables):
    """The settings `names` as hiring/settings.py makes them in production with `variables`."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n, None) for n in sys.argv[1:]}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=production_environ(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environ(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "x0123456789" * 5}, "SECRET_KEY"),
        ({"SECRET_KEY": "abcd" * 20}, "SECRET_KEY"),  # long, four characters
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_a_missing_or_weak_setting_stops_the_server_as_it_starts(variables, named):
    """Not at the first request: each would have answered every request with an error."""
    started = subprocess.run(
        [sys.executable, "-c", "import hiring.wsgi"],  # what gunicorn's workers load
        cwd=ROOT,
        env=production_environ(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode != 0
    [message] = started.stderr.strip().splitlines()[-1:]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert named in message


def test_a_log_line_says_when_how_bad_and_where_without_an_email_address():
    stderr = logged(
        "logging.getLogger('hiring.tasks').warning('Sending to %s failed', 'nina@example.com')"
    )

    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING hiring.tasks: "
        r"Sending to <email address> failed\n",
        stderr,
    )


def logged(statement):
    """What a production process logs on stderr running `statement` once Django is set up."""
    return subprocess.run(
        [sys.executable, "-c", f"import django, logging; django.setup(); {statement}"],
        cwd=ROOT,
        env=production_environ(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stderr


def test_a_long_line_is_blanked_in_one_pass():
    """A 404's path of 200,000 letters: tried at each of them, the blanking took half an hour."""
    stderr = logged(
        "logging.getLogger('django.request')"
        ".warning('Not Found: /%s/ana@example.com', 'a' * 200000)"
    )

    assert stderr.endswith("a/<email address>\n")


def test_with_redis_the_cache_fails_open_and_sessions_stay_in_the_database():
    found = production_settings("CACHES", "SESSION_ENGINE", REDIS_URL="redis://redis.internal/1")

    assert found["CACHES"]["default"]["BACKEND"] == "hiring.cache.FailOpenRedisCache"
    assert found["CACHES"]["default"]["LOCATION"] == "redis://redis.internal/1"
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


TRANSPORT = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


@pytest.fixture
def production_transport(settings):
    """Apply to this test's settings how production serves HTTP, given its environment."""

    def apply(**variables):
        for name, value in production_settings(*TRANSPORT, **variables).items():
            setattr(settings, name, tuple(value) if isinstance(value, list) else value)

    return apply


def log_in_as_a_browser(client, user, origin, **headers):
    """Log in with the CSRF cookie and token the login page gave, as a browser at `origin`."""
    page = client.get("/accounts/login/", **headers)
    token = page.cookies["csrftoken"].value
    return client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=origin,
        **headers,
    )


def test_behind_a_tls_proxy_production_serves_https_only(production_transport, member):
    production_transport()
    # The proxy passes the browser's Host on, as the README asks.
    browser = Client(enforce_csrf_checks=True, HTTP_HOST="testserver")

    direct = browser.get("/accounts/login/")
    proxied = browser.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    login = log_in_as_a_browser(
        browser, member, "https://testserver", HTTP_X_FORWARDED_PROTO="https"
    )

    assert direct.status_code == 301
    assert direct["Location"] == "https://testserver/accounts/login/"
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")
    assert proxied.cookies["csrftoken"]["secure"]
    assert login.status_code == 302
    assert login.cookies["sessionid"]["secure"]


def test_insecure_http_serves_plain_http_when_the_operator_says_so(production_transport, member):
    production_transport(INSECURE_HTTP="true")
    browser = Client(enforce_csrf_checks=True)

    page = browser.get("/accounts/login/")
    login = log_in_as_a_browser(browser, member, "http://testserver")

    assert page.status_code == 200
    assert "Strict-Transport-Security" not in page
    assert not page.cookies["csrftoken"]["secure"]
    assert login.status_code == 302
    assert not login.cookies["sessionid"]["secure"]


def test_pages_carry_a_content_security_policy_without_inline_script(client, member):
    client.force_login(member)
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_htmx_is_served_from_our_own_static_files(client, member):
    client.force_login(member)
    page = client.get("/").text
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert 'hx-headers=\'{"X-CSRFToken"' in page


def test_database_connections_are_kept_and_checked_before_reuse():
    found = production_settings("DATABASES", DATABASE_URL="postgres://teamfit@db.internal/teamfit")

    assert found["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert found["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_mail_server_that_hangs_fails_the_send_in_seconds():
    assert production_settings("EMAIL_TIMEOUT") == {"EMAIL_TIMEOUT": 10}
    assert production_settings("EMAIL_TIMEOUT", EMAIL_TIMEOUT="3") == {"EMAIL_TIMEOUT": 3}


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_costs_no_request(client, member):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: checked in CI's second run")
    client.force_login(member)
    assert client.get("/").status_code == 200

    terminate(connection.connection.info.backend_pid)
    # What Django does as each request starts under a real server; the test client skips it.
    close_old_connections()

    assert client.get("/").status_code == 200


def terminate(backend_pid):
    """Drop a PostgreSQL connection from the server's side, as a restart or failover would."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        other.close()


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: checked in CI's second run")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_rate_limits_read_the_client_address_as_the_environment_says():
    names = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")
    defaults = production_settings(*names)
    behind_proxy = production_settings(
        *names, TRUSTED_PROXY_COUNT="1", CLIENT_IP_HEADER="X-Real-IP"
    )

    assert defaults == {"ALLAUTH_TRUSTED_PROXY_COUNT": 0, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": None}
    assert behind_proxy == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 1,
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP",
    }


# The health checks a load balancer or an orchestrator probes (hiring/health.py).
@pytest.fixture
def probe(production_transport):
    """A probe as it comes in production: to the host's own address, over plain HTTP."""
    production_transport()
    return Client(HTTP_HOST="10.0.0.7")


@pytest.mark.django_db
def test_live_and_ready_answer_a_probe_that_pages_refuse(probe):
    live = probe.get("/health/live/")
    ready = probe.get("/health/ready/")
    page = probe.get("/careers/")

    assert (live.status_code, live.text) == (200, "ok\n")
    assert (ready.status_code, ready.text) == (200, "ok\n")
    assert live["Cache-Control"] == ready["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in ready
    # Anything else still checks the host (and would send plain HTTP to HTTPS).
    assert page.status_code == 400


@contextmanager
def database_unreachable(django_db_blocker, tmp_path):
    """The database's address made one where nothing answers, for what runs inside."""
    unreachable = (
        {"HOST": "127.0.0.1", "PORT": "9"}  # nothing listens on the discard port
        if connection.vendor == "postgresql"
        else {"NAME": str(tmp_path / "no-such-folder" / "teamfit.sqlite3")}
    )
    with django_db_blocker.unblock():
        kept = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(unreachable)
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(kept)


def test_ready_answers_503_while_the_database_cannot_be_reached(probe, django_db_blocker, tmp_path):
    with database_unreachable(django_db_blocker, tmp_path):
        down = probe.get("/health/ready/")
        live = probe.get("/health/live/")
    with django_db_blocker.unblock():
        up = probe.get("/health/ready/")

    assert (down.status_code, down.text) == (503, "database unreachable\n")
    assert live.status_code == 200  # the process itself still answers
    assert up.status_code == 200


# Error pages in production: ours, in the reader's language, with the pages' security headers.
FRAMING = ("Content-Security-Policy", "X-Frame-Options")


@pytest.mark.django_db
def test_a_request_for_another_host_gets_our_page_with_the_security_headers(
    production_transport,
):
    production_transport()
    browser = Client(HTTP_HOST="evil.example", HTTP_X_FORWARDED_PROTO="https")

    refused = browser.get("/careers/", HTTP_ACCEPT_LANGUAGE="de")

    assert refused.status_code == 400
    assert "<h1>Das konnte nicht gelesen werden</h1>" in refused.text
    assert '<html lang="de">' in refused.text
    for header in FRAMING:
        assert header in refused, header
    assert "frame-ancestors 'none'" in refused["Content-Security-Policy"]


def test_the_server_error_page_needs_no_database(production_transport, django_db_blocker, tmp_path):
    """The database down: the page still renders, in the browser's language, with its headers."""
    production_transport()
    browser = Client(
        HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="de", raise_request_exception=False
    )
    with database_unreachable(django_db_blocker, tmp_path):
        failed = browser.get("/careers/")

    assert failed.status_code == 500
    assert "<h1>Etwas ist schiefgegangen</h1>" in failed.text
    assert '<html lang="de">' in failed.text
    assert "OperationalError" not in failed.text
    for header in FRAMING:
        assert header in failed, header


@pytest.mark.django_db
def test_too_many_sign_in_attempts_get_our_page_in_the_readers_language(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    browser = Client(HTTP_ACCEPT_LANGUAGE="de")
    attempt = {"login": "nobody@example.com", "password": "wrong"}

    first = browser.post("/accounts/login/", attempt)
    refused = browser.post("/accounts/login/", attempt)

    assert first.status_code == 200
    assert refused.status_code == 429
    assert "<h1>Zu viele Versuche</h1>" in refused.text
    assert 'href="/static/css/teamfit.css"' in refused.text
    for header in FRAMING:
        assert header in refused, header
