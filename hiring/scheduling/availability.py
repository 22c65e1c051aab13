"""When people can interview: busy blocks imported from .ics files and feeds."""

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolveTimeout
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import BusyBlock, User, WorkingHours, single_line, whole_number
from .ics import MAX_ICS_BYTES, CalendarError, busy_events

logger = logging.getLogger(__name__)

# How far ahead imported calendars block time: the slot finder never looks further.
HORIZON = timedelta(days=120)
# How the UIDs of Teamfit's own invites end (models.new_uid).
TEAMFIT_UID_END = "@teamfit"


# Busy times the availability page lists of each kind at once: those added by hand, which it
# offers to remove, a page at a time, and those imported, up to 4,000 from one calendar.
BLOCKS_SHOWN = 100
# Busy times ahead one person may add by hand: more than any diary holds, and few enough
# pages to look through.
MOST_ADDED_AHEAD = 500


def busy_times_ahead(user, now, page=None):
    """The busy times ahead the person's page lists, by start: the page `page` (as typed: the
    first if it is no number, the last if it is past it) of those added by hand, BLOCKS_SHOWN a
    page, so every one can be seen and removed; the next BLOCKS_SHOWN imported, and how many
    imported ones it leaves out."""
    ahead = user.busy_blocks.filter(end__gt=now).order_by("start", "pk")
    added = Paginator(ahead.filter(source=BusyBlock.Source.MANUAL), BLOCKS_SHOWN).get_page(page)
    imported = ahead.exclude(source=BusyBlock.Source.MANUAL)
    shown = list(imported[:BLOCKS_SHOWN])
    left_out = imported.count() - len(shown) if len(shown) == BLOCKS_SHOWN else 0
    return added, shown, left_out


@transaction.atomic
def add_busy_time(user, start, end, summary=""):
    """A busy time `user` added by hand; ValidationError once they have MOST_ADDED_AHEAD ahead.
    Under their row's lock, as a booking reads their busy times: two added at once can't both
    take the last place."""
    User.objects.select_for_update(no_key=True).values("pk").get(pk=user.pk)
    ahead = user.busy_blocks.filter(source=BusyBlock.Source.MANUAL, end__gt=timezone.now())
    if ahead.count() >= MOST_ADDED_AHEAD:
        raise ValidationError(
            gettext(
                "You have %(count)s busy times ahead added by hand, the most kept: remove some "
                "you no longer need first."
            )
            % {"count": MOST_ADDED_AHEAD}
        )
    return BusyBlock.objects.create(user=user, start=start, end=end, summary=summary)


@transaction.atomic
def set_working_hours(user, ranges):
    """Replace `user`'s working hours with `ranges`: {weekday: [(start, end), ...]}."""
    user.working_hours.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(user=user, weekday=day, start=start, end=end)
        for day, day_ranges in ranges.items()
        for start, end in day_ranges
    )


_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES


def overlapping_hours(ranges):
    """The pairs of working hours in `ranges` ({weekday: [(start, end), ...]}) that overlap,
    as (earlier, later) WorkingHours. A range that ends at or before its start runs past
    midnight into the next day's ranges, Sunday's into Monday's."""
    spans = []
    for day, day_ranges in ranges.items():
        for start, end in day_ranges:
            hours = WorkingHours(weekday=day, start=start, end=end)
            opens = day * _DAY_MINUTES + _minutes(start)
            closes = opens + (_minutes(end) - _minutes(start)) % _DAY_MINUTES
            spans.append((opens, closes, hours))
            if closes > _WEEK_MINUTES:  # from Sunday into the Monday that starts the week
                spans.append((opens - _WEEK_MINUTES, closes - _WEEK_MINUTES, hours))
    spans.sort(key=lambda span: span[:2])
    pairs = []
    still_open = []  # (closes, hours) of the spans begun so far
    for opens, closes, later in spans:
        still_open = [(ends, hours) for ends, hours in still_open if opens < ends]
        for _, earlier in still_open:
            # Two ranges past Sunday midnight overlap both in the week and shifted back.
            if (earlier, later) not in pairs:
                pairs.append((earlier, later))
        still_open.append((closes, later))
    return pairs


def _minutes(clock):
    return clock.hour * 60 + clock.minute


def replace_blocks(user, source, data):
    """Parse `data` first, then swap the blocks of `source`: a bad file leaves the old ones."""
    now = timezone.now()
    events = busy_events(
        data, start=now - timedelta(days=1), end=now + HORIZON, time_zone=user.time_zone
    )
    with transaction.atomic():
        user.busy_blocks.filter(source=source).delete()
        BusyBlock.objects.bulk_create(
            BusyBlock(user=user, start=e.start, end=e.end, summary=kept_summary(e), source=source)
            for e in events
        )
    return len(events)


def kept_summary(event):
    """What a busy block keeps of its event's summary: one line without control characters
    (PostgreSQL stores no NUL), and nothing of Teamfit's own invites, which name the candidate
    where erasure never reaches."""
    if event.uid.endswith(TEAMFIT_UID_END):
        return ""
    return single_line(event.summary)[: BusyBlock._meta.get_field("summary").max_length]


# Calendar feeds ---------------------------------------------------------------------------------
#
# A feed URL is typed by a user and fetched by our servers, so it must not reach what only
# they can: this machine, the private network, the cloud's metadata service. Only http(s)
# to public addresses: the host is resolved, every address it has is checked, and the
# connection goes to a checked address (so a second DNS answer cannot swap it), with the
# original Host header and TLS server name. A redirect is checked the same way.

# The whole fetch of one feed, from resolving its host to the last byte, redirects included.
FEED_TIMEOUT = 10  # seconds
MAX_REDIRECTS = 3

_REDIRECTS = {301, 302, 303, 307, 308}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024
# 6to4 and NAT64 addresses carry an IPv4 address that decides where they lead.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `address` is on the public internet, as is any IPv4 address it carries.

    Not loopback, private, shared (100.64/10), link-local (169.254.169.254 is the cloud's
    metadata service), multicast, reserved, unspecified or IPv6 site-local.
    """
    return all(_is_public(candidate) for candidate in (address, *_carried_ipv4(address)))


def _is_public(address) -> bool:
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or getattr(address, "is_site_local", False)
    )


def _carried_ipv4(address) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    carried = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if any(address in network for network in _NAT64):
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ipv4 for ipv4 in carried if ipv4 is not None]


def check_feed_url(url: str, *, allow=is_public_address) -> None:
    """Raise ValidationError unless `url` is a feed we would fetch (see fetch_feed()).

    An empty URL (no feed) passes. Resolves the host, so a name that does not resolve
    now is refused.
    """
    if not url:
        return
    try:
        _checked_target(url, allow, time.monotonic() + FEED_TIMEOUT)
    except CalendarError as error:
        raise ValidationError(str(error), code="feed_url") from error


def fetch_feed(url: str, *, allow=is_public_address, timeout: float = FEED_TIMEOUT) -> bytes:
    """The body of the feed at `url`, at most MAX_ICS_BYTES, fetched within `timeout` seconds.

    `allow` decides which addresses may be connected to; tests allow their own server on
    127.0.0.1 with it. Raises CalendarError, which never holds what the server sent.
    """
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        target = _checked_target(url, allow, deadline)
        status, location, body = _get(target, deadline)
        if status not in _REDIRECTS:
            return body
        if not location:
            raise CalendarError(
                gettext("The calendar feed answered HTTP %(status)s without a Location.")
                % {"status": status}
            )
        url = urljoin(url, location)
    raise CalendarError(
        gettext("The calendar feed redirects more than %(count)s times.") % {"count": MAX_REDIRECTS}
    )


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    addresses: list  # of the host, each allowed


def _checked_target(url: str, allow, deadline: float) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError as error:  # a port that is no number, or out of range
        raise CalendarError(gettext("The calendar feed URL is not a valid URL.")) from error
    if parts.scheme not in _DEFAULT_PORTS:
        raise CalendarError(gettext("A calendar feed URL must start with https:// or http://."))
    if not parts.hostname:
        raise CalendarError(gettext("The calendar feed URL has no host name."))
    if parts.username is not None or parts.password is not None:
        raise CalendarError(gettext("A calendar feed URL cannot hold a user name or password."))
    addresses = _resolve(parts.hostname, port, deadline)
    if not all(allow(address) for address in addresses):
        if _is_address(parts.hostname):
            raise CalendarError(
                gettext("The calendar feed's host %(host)s is not on the public internet.")
                % {"host": parts.hostname}
            )
        # A private name is told as one that does not exist: which internal names resolve
        # is no business of whoever types a feed URL.
        raise CalendarError(_not_found(parts.hostname))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme, parts.hostname, port, path, addresses)


def _resolve(host: str, port: int, deadline: float) -> list:
    """The addresses of `host`. getaddrinfo() has no timeout, so it waits in a thread."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        found = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        answers = found.result(timeout=_remaining(deadline))
    except ResolveTimeout as error:
        raise CalendarError(
            gettext("The calendar feed's host %(host)s took too long to look up.") % {"host": host}
        ) from error
    except (OSError, UnicodeError) as error:
        raise CalendarError(_not_found(host)) from error
    finally:
        pool.shutdown(wait=False)
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is no part of the address.
    addresses = {ipaddress.ip_address(answer[4][0].partition("%")[0]) for answer in answers}
    if not addresses:
        raise CalendarError(_not_found(host))
    return sorted(addresses, key=lambda address: (address.version, address))


def _not_found(host):
    return gettext(
        "The calendar feed's host %(host)s could not be found on the public internet."
    ) % {"host": host}


def _is_address(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _get(target: _Target, deadline: float) -> tuple[int, str | None, bytes]:
    """(status, Location, body) of a GET of `target`; only a 200's body is read."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target.host, target.port, target.addresses, _remaining(deadline))
    # Socket timeouts bound each wait; this bounds them all, however slowly the server sends.
    hang_up = threading.Timer(_remaining(deadline), _hang_up, [connection])
    hang_up.daemon = True
    hang_up.start()
    try:
        connection.request("GET", target.path, headers=_HEADERS)
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            return response.status, response.getheader("Location"), b""
        if response.status != 200:
            raise CalendarError(
                gettext("The calendar feed answered HTTP %(status)s.") % {"status": response.status}
            )
        return response.status, None, _body(response, deadline)
    except CalendarError:
        raise
    except (OSError, http.client.HTTPException) as error:
        raise _unreadable(error, deadline) from error
    finally:
        hang_up.cancel()
        connection.close()


_HEADERS = {
    "User-Agent": "Teamfit calendar refresh",
    "Accept": "text/calendar, */*;q=0.1",
    "Accept-Encoding": "identity",  # a compressed body could unpack past MAX_ICS_BYTES
}


def _body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length is not None:
        # A length that is no number ("²", "1, 2") leaves where the body ends unknown (RFC 9112).
        size = whole_number(length.strip())
        if size is None:
            raise _not_http()
        if size > MAX_ICS_BYTES:
            raise _too_large()
    body = bytearray()
    # read1() waits on the socket once at most, and _hang_up() ends that wait at the deadline.
    while chunk := response.read1(_CHUNK):
        body += chunk
        if len(body) > MAX_ICS_BYTES:
            raise _too_large()
    if time.monotonic() >= deadline:
        raise _too_slow()  # hung up on, mid-body
    if response.length:
        raise CalendarError(gettext("The calendar feed's answer ended before its Content-Length."))
    return bytes(body)


def _unreadable(error: Exception, deadline: float) -> CalendarError:
    if time.monotonic() >= deadline:
        return _too_slow()
    if isinstance(error, OSError):
        reason = error.strerror or type(error).__name__
        return CalendarError(
            gettext("The calendar feed could not be read (%(reason)s).") % {"reason": reason}
        )
    # Not the message of an HTTPException: it may quote what the server sent.
    return _not_http()


def _not_http() -> CalendarError:
    return CalendarError(gettext("The calendar feed did not answer as a web server does."))


def _hang_up(connection) -> None:
    # The connection's own .sock is gone once a response that closes the connection starts.
    sock = connection.pinned_socket
    if sock is not None:
        with contextlib.suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RDWR)


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow()
    return remaining


def _too_slow() -> CalendarError:
    return CalendarError(gettext("The calendar feed took too long to answer."))


def _too_large() -> CalendarError:
    return CalendarError(gettext("The calendar feed is too large (at most 2 MB)."))


def _connect(addresses: list, port: int, timeout: float) -> socket.socket:
    """A connection to the first of the checked `addresses` that answers."""
    error = None
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as failure:
            error = failure
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to `host` (the Host header) at one of its checked addresses, not a new lookup."""

    def __init__(self, host: str, port: int, addresses: list, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses
        self.pinned_socket = None

    def connect(self) -> None:
        self.sock = self.pinned_socket = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `host` (Host header, TLS server name and certificate) at a checked address."""

    def __init__(self, host: str, port: int, addresses: list, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses
        self.pinned_socket = None

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.pinned_socket = self.tls.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.do_handshake()  # after pinning, so that _hang_up() can end it too


def refresh_feeds(*, allow=is_public_address):
    """Re-read every feed, one after another; returns how many were refreshed.

    Each takes at most FEED_TIMEOUT to fetch, then a parse bounded by the limits in ics.py
    (about a second at worst), so one slow or hostile feed holds up the others by that much.
    One that fails or is refused keeps its previous blocks and is logged, with our message
    only; one that fails in a way we did not foresee (a bug of ours) with its traceback, and
    never stops the run for the feeds after it.
    """
    refreshed = 0
    for user in User.objects.exclude(calendar_feed_url="").order_by("pk"):
        try:
            if refresh_feed(user, allow=allow):
                refreshed += 1
        except SoftTimeLimitExceeded:
            raise  # the run's time is up: the next one refreshes what this one did not reach
        except Exception:
            logger.exception("Calendar feed of user %s not refreshed", user.pk)
    return refreshed


def refresh_feed(user, *, allow=is_public_address) -> bool:
    """Re-read `user`'s feed, within FEED_TIMEOUT and a bounded parse; False, logged, if it
    could not be."""
    try:
        data = fetch_feed(user.calendar_feed_url, allow=allow, timeout=FEED_TIMEOUT)
        replace_blocks(user, BusyBlock.Source.FEED, data)
    except CalendarError as error:
        logger.warning("Calendar feed of user %s not refreshed: %s", user.pk, error)
        return False
    return True
