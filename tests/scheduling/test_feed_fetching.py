"""Fetching calendar feeds (hiring/scheduling/availability.py): public addresses only.

Nothing here leaves this machine: addresses are checked as literals or through names this
machine knows ("localhost"), DNS answers are faked where a test needs a name, and fetches go
to a server each test starts on 127.0.0.1, let through by `allow=loopback`, which production
never passes.
"""

import ipaddress
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiring.models import BusyBlock
from hiring.scheduling.availability import (
    check_feed_url,
    fetch_feed,
    is_public_address,
    refresh_feeds,
)
from hiring.scheduling.ics import MAX_ICS_BYTES, CalendarError
from tests.factories import UserFactory

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//EN\r\nEND:VCALENDAR\r\n"


def loopback(address):
    return address.is_loopback


class FeedServer:
    """An HTTP server on 127.0.0.1 answering each path as told, noting what it was asked.

    A route is (status, headers, body, seconds to wait before sending the body).
    """

    def __init__(self, tls=None):
        self.routes = {}
        self.requests = []  # (path, Host header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                server.requests.append((self.path, self.headers["Host"]))
                status, headers, body, wait = server.routes.get(self.path, (404, {}, b"", 0))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    if value is not None:
                        self.send_header(name, value)
                self.end_headers()
                time.sleep(wait)
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.block_on_close = False  # a handler may still be sleeping at the end
        self.httpd.handle_error = lambda request, address: None  # the client hung up: fine
        if tls:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def route(self, path, status=200, body=b"", headers=None, wait=0):
        self.routes[path] = (status, headers or {}, body, wait)

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    started = FeedServer()
    yield started
    started.close()


# Public addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.9",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",  # shared by carriers' NAT
        "169.254.169.254",  # the cloud's metadata service
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_a_private_or_special_address_is_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2002:5db8:d822::1"]
)
def test_an_address_on_the_internet_is_public(address):
    assert is_public_address(ipaddress.ip_address(address))


# Checking a feed URL when it is saved ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/calendar.ics", "must start with https:// or http://"),
        ("file:///etc/passwd", "must start with https:// or http://"),
        ("gopher://example.org/", "must start with https:// or http://"),
        ("https://user:secret@example.org/calendar.ics", "cannot hold a user name or password"),
        ("https:///calendar.ics", "has no host name"),
        ("https://example.org:99999/calendar.ics", "not a valid URL"),
        ("http://127.0.0.1/calendar.ics", "not on the public internet"),
        ("http://[::1]:8000/calendar.ics", "not on the public internet"),
        ("http://169.254.169.254/latest/meta-data/", "not on the public internet"),
        ("http://[::ffff:169.254.169.254]/", "not on the public internet"),
        ("http://10.0.0.5/calendar.ics", "not on the public internet"),
        (
            "http://localhost:8000/calendar.ics",
            "host localhost could not be found on the public internet",
        ),
    ],
)
def test_a_feed_url_we_would_not_fetch_is_refused_when_saved(url, message):
    with pytest.raises(ValidationError, match=message):
        check_feed_url(url)


@pytest.mark.parametrize("url", ["http://0x7f.1/calendar.ics", "http://2130706433/"])
def test_127_0_0_1_written_otherwise_is_refused(url):
    with pytest.raises(ValidationError, match="not on the public internet|could not be found"):
        check_feed_url(url)


def test_a_feed_url_on_a_public_address_is_accepted_and_none_is_fine():
    check_feed_url("https://93.184.216.34/calendar.ics")
    check_feed_url("")


def fake_dns(monkeypatch, answers):
    """Answer look-ups of the names in `answers` (name -> [address, ...] per look-up)."""
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        addresses = answers[host][min(len(asked), len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_host_with_any_private_address_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"feed.example": [["93.184.216.34", "10.0.0.7"]]})

    with pytest.raises(ValidationError) as private:
        check_feed_url("https://feed.example/calendar.ics")

    # Told as a name that does not exist: the refusal does not confirm an internal name.
    assert private.value.messages == [
        "The calendar feed's host feed.example could not be found on the public internet."
    ]


def test_a_host_that_cannot_be_found_is_refused(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(ValidationError) as missing:
        check_feed_url("https://feed.example/calendar.ics")

    assert missing.value.messages == [
        "The calendar feed's host feed.example could not be found on the public internet."
    ]


# Fetching -------------------------------------------------------------------------------------


def test_a_feed_is_fetched_with_its_own_host_name(server):
    server.route("/calendar.ics", body=CALENDAR)

    assert fetch_feed(server.url("/calendar.ics", host="localhost"), allow=loopback) == CALENDAR
    assert server.requests == [("/calendar.ics", f"localhost:{server.port}")]


def test_the_connection_goes_to_the_address_that_was_checked(server, monkeypatch):
    # A second answer to the same name (DNS rebinding) would be a private address.
    server.route("/calendar.ics", body=CALENDAR)
    asked = fake_dns(monkeypatch, {"feed.example": [["127.0.0.1"], ["10.0.0.7"]]})

    assert fetch_feed(server.url("/calendar.ics", host="feed.example"), allow=loopback) == CALENDAR
    assert asked == ["feed.example"]
    assert server.requests == [("/calendar.ics", f"feed.example:{server.port}")]


def test_the_production_default_refuses_this_machine(server):
    server.route("/calendar.ics", body=CALENDAR)

    with pytest.raises(CalendarError, match="not on the public internet"):
        fetch_feed(server.url("/calendar.ics"))
    assert server.requests == []


def test_a_redirect_is_followed(server):
    server.route("/old.ics", status=301, headers={"Location": "/calendar.ics"})
    server.route("/calendar.ics", body=CALENDAR)

    assert fetch_feed(server.url("/old.ics"), allow=loopback) == CALENDAR


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "not on the public internet"),
        ("http://10.0.0.5/calendar.ics", "not on the public internet"),
        ("file:///etc/passwd", "must start with https:// or http://"),
    ],
)
def test_a_redirect_is_checked_like_the_feed_url(server, location, message):
    server.route("/calendar.ics", status=302, headers={"Location": location})

    with pytest.raises(CalendarError, match=message):
        fetch_feed(server.url("/calendar.ics"), allow=loopback)


def test_more_than_three_redirects_are_refused(server):
    server.route("/loop.ics", status=307, headers={"Location": "/loop.ics"})

    with pytest.raises(CalendarError, match="redirects more than 3 times"):
        fetch_feed(server.url("/loop.ics"), allow=loopback)
    assert len(server.requests) == 4


@pytest.mark.parametrize("status", [404, 500, 401])
def test_an_error_answer_is_refused_without_its_body(server, status):
    server.route("/calendar.ics", status=status, body=b"<h1>internal token sk-12345</h1>")

    with pytest.raises(CalendarError) as raised:
        fetch_feed(server.url("/calendar.ics"), allow=loopback)

    assert str(raised.value) == f"The calendar feed answered HTTP {status}."


@pytest.mark.parametrize("length", ["given", "not given"])
def test_a_feed_over_the_size_limit_is_refused(server, length):
    body = b"x" * (MAX_ICS_BYTES + 1)
    headers = {} if length == "given" else {"Content-Length": None}
    server.route("/calendar.ics", body=body, headers=headers)

    with pytest.raises(CalendarError, match=r"too large \(at most 2 MB\)"):
        fetch_feed(server.url("/calendar.ics"), allow=loopback)


def test_a_feed_ending_before_its_content_length_is_refused(server):
    server.route("/calendar.ics", body=CALENDAR, headers={"Content-Length": "100000"})

    with pytest.raises(CalendarError, match="ended before its Content-Length"):
        fetch_feed(server.url("/calendar.ics"), allow=loopback)


@pytest.mark.parametrize("length", ["²", "1, 2", "-1"])
def test_a_content_length_that_is_no_number_is_refused(server, length):
    """Where the body ends is unknown: "²" passed str.isdigit() and int() refused it."""
    server.route("/calendar.ics", body=CALENDAR, headers={"Content-Length": length})

    with pytest.raises(CalendarError, match="did not answer as a web server does"):
        fetch_feed(server.url("/calendar.ics"), allow=loopback)


def test_a_slow_feed_is_cut_off_at_the_time_limit(server):
    # The server keeps the connection open and sends nothing for a minute.
    server.route("/calendar.ics", body=CALENDAR, wait=60)

    with pytest.raises(CalendarError, match="took too long to answer"):
        fetch_feed(server.url("/calendar.ics"), allow=loopback, timeout=0.5)


def test_a_feed_that_is_not_http_is_refused_without_quoting_it(server):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_garbage():
        connection, _ = listener.accept()
        connection.recv(1024)
        connection.sendall(b"SSH-2.0-OpenSSH secret banner\r\n")
        connection.close()

    threading.Thread(target=answer_garbage, daemon=True).start()

    with pytest.raises(CalendarError) as raised:
        fetch_feed(f"http://127.0.0.1:{port}/calendar.ics", allow=loopback)

    assert "secret" not in str(raised.value)
    listener.close()


@pytest.fixture
def tls_server(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make a certificate")
    key, certificate = tmp_path / "key.pem", tmp_path / "certificate.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificate, key)
    tls.server_names = []
    tls.sni_callback = lambda sock, name, context: tls.server_names.append(name)
    started = FeedServer(tls=tls)
    started.tls = tls
    yield started
    started.close()


def test_an_https_feed_is_checked_against_its_host_name(tls_server):
    tls_server.route("/calendar.ics", body=CALENDAR)
    url = tls_server.url("/calendar.ics", host="localhost", scheme="https")

    with pytest.raises(CalendarError, match="certificate verify failed"):
        fetch_feed(url, allow=loopback)
    # Connected to 127.0.0.1, it named the host it wants, which the certificate must match.
    assert tls_server.tls.server_names == ["localhost"]


# Refreshing every feed ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_or_failing_feed_is_logged_without_what_it_sent(server, caplog):
    server.route("/error.ics", status=500, body=b"internal token sk-12345")
    refused = UserFactory(calendar_feed_url="http://169.254.169.254/latest/meta-data/")
    failing = UserFactory(calendar_feed_url=server.url("/error.ics"))

    with caplog.at_level(logging.WARNING, logger="hiring.scheduling.availability"):
        assert refresh_feeds(allow=loopback) == 0

    assert "sk-12345" not in caplog.text
    host = "The calendar feed's host 169.254.169.254"
    assert f"user {refused.pk} not refreshed: {host}" in caplog.text
    assert f"user {failing.pk} not refreshed: The calendar feed answered HTTP 500." in caplog.text
    assert not BusyBlock.objects.exists()


@pytest.mark.django_db
def test_a_slow_feed_is_given_up_and_the_next_one_refreshed(server, monkeypatch):
    monkeypatch.setattr("hiring.scheduling.availability.FEED_TIMEOUT", 0.5)
    server.route("/slow.ics", body=CALENDAR, wait=60)
    server.route("/calendar.ics", body=CALENDAR)
    UserFactory(calendar_feed_url=server.url("/slow.ics"))
    UserFactory(calendar_feed_url=server.url("/calendar.ics"))

    started = time.monotonic()
    assert refresh_feeds(allow=loopback) == 1

    assert [path for path, _ in server.requests] == ["/slow.ics", "/calendar.ics"]
    # A sanity bound, far above the half second and below the default ten.
    assert time.monotonic() - started < 8


@pytest.mark.django_db
def test_a_feed_with_a_content_length_of_superscript_two_is_refused_and_the_next_refreshed(
    server, caplog
):
    server.route("/hostile.ics", body=CALENDAR, headers={"Content-Length": "²"})
    server.route("/calendar.ics", body=CALENDAR)
    hostile = UserFactory(calendar_feed_url=server.url("/hostile.ics"))
    UserFactory(calendar_feed_url=server.url("/calendar.ics"))

    with caplog.at_level(logging.WARNING, logger="hiring.scheduling.availability"):
        assert refresh_feeds(allow=loopback) == 1

    assert [path for path, _ in server.requests] == ["/hostile.ics", "/calendar.ics"]
    message = "did not answer as a web server does"
    assert f"user {hostile.pk} not refreshed: The calendar feed {message}." in caplog.text


@pytest.mark.django_db
def test_a_feed_failing_as_nobody_foresaw_is_logged_and_the_next_refreshed(
    server, monkeypatch, caplog
):
    """Whatever one feed raises, the hourly run goes on to the others."""
    server.route("/calendar.ics", body=CALENDAR)
    looked_up = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "broken.example":
            raise RuntimeError("the resolver broke")
        return looked_up(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    broken = UserFactory(calendar_feed_url="https://broken.example/calendar.ics")
    UserFactory(calendar_feed_url=server.url("/calendar.ics"))

    with caplog.at_level(logging.WARNING, logger="hiring.scheduling.availability"):
        assert refresh_feeds(allow=loopback) == 1

    assert [path for path, _ in server.requests] == ["/calendar.ics"]
    assert f"user {broken.pk} not refreshed" in caplog.text
    assert "RuntimeError: the resolver broke" in caplog.text


def feed_saved(client, member, url):
    """The availability settings posted by `member` with the feed at `url`."""
    client.force_login(member)
    settings = {"time_zone": "Europe/London", "buffer_minutes": "10", "weekly_interview_cap": "5"}
    return client.post(reverse("availability_settings"), {**settings, "calendar_feed_url": url})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/calendar.ics",
        "http://[::1]/x.ics",
        "http://169.254.169.254/",
        "ftp://x/",
        "webcal://127.0.0.1/calendar.ics",
    ],
)
def test_the_availability_page_refuses_a_feed_inside_beside_the_field(client, member, url):
    response = feed_saved(client, member, url)

    assert response.status_code == 400
    assert 'id="id_calendar_feed_url_error"' in response.text
    member.refresh_from_db()
    assert member.calendar_feed_url == ""


def test_a_webcal_feed_is_taken_as_https(client, member):
    """What iCloud and Outlook hand out; it was "Enter a valid URL."."""
    response = feed_saved(client, member, "WebCal://93.184.215.14/home/calendar.ics")

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.calendar_feed_url == "https://93.184.215.14/home/calendar.ics"
