"""The availability page: working hours, settings, busy blocks, .ics uploads and feeds."""

import threading
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hiring.models import BusyBlock, WorkingHours
from hiring.scheduling.availability import MOST_ADDED_AHEAD, refresh_feeds
from hiring.scheduling.ics import MAX_EVENTS, MAX_ICS_BYTES
from tests.factories import UserFactory, field_errors

PERSONAS = ["member", "outsider", "recruiter", "leadership", "org_admin"]
# The session, the user, the organisation; those added by hand counted for their pages, and a
# page of them; the imported, and their count when a hundred are listed.
AVAILABILITY_PAGE_MAX_QUERIES = 7


def next_monday_at(hour):
    """A Monday in the coming weeks, at `hour` UTC: inside the window imports look at."""
    today = timezone.now().date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(hour), tzinfo=UTC)


def weekly_ics(summary, first_start, count):
    """A calendar with one hour-long weekly event repeating `count` times, in UTC."""
    stamp = f"{first_start:%Y%m%dT%H%M%SZ}"
    end = f"{first_start + timedelta(hours=1):%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tests//EN",
        "BEGIN:VEVENT",
        f"UID:{summary}@tests",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{stamp}",
        f"DTEND:{end}",
        f"SUMMARY:{summary}",
        f"RRULE:FREQ=WEEKLY;COUNT={count}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def block(user, source, start, summary=""):
    return BusyBlock.objects.create(
        user=user, start=start, end=start + timedelta(hours=1), summary=summary, source=source
    )


def blocks_of(user, source):
    return sorted(
        (b.start, b.end, b.summary) for b in BusyBlock.objects.filter(user=user, source=source)
    )


@pytest.fixture
def client_of(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# The page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_has_an_availability_page(persona, request, client_of):
    user = request.getfixturevalue(persona)

    response = client_of(user).get(reverse("availability"))

    assert response.status_code == 200
    assert "Your availability" in response.text


def test_the_page_needs_a_sign_in(client, db):
    response = client.get(reverse("availability"))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# Working hours -------------------------------------------------------------------------------


def test_several_ranges_on_a_weekday_save_as_rows(member, client_of):
    response = client_of(member).post(
        reverse("working_hours"), {"day_0": "09:00-12:00, 13:00-17:00", "day_4": "10:00-15:00"}
    )

    assert response.status_code == 302
    assert sorted(member.working_hours.values_list("weekday", "start", "end")) == [
        (0, time(9), time(12)),
        (0, time(13), time(17)),
        (4, time(10), time(15)),
    ]


def test_saving_working_hours_replaces_the_old_ones(member, client_of):
    WorkingHours.objects.create(user=member, weekday=2, start=time(8), end=time(18))

    client_of(member).post(reverse("working_hours"), {"day_1": "09:00-17:00"})

    assert list(member.working_hours.values_list("weekday", "start", "end")) == [
        (1, time(9), time(17))
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-5pm", "“9-5pm” is not a range like 09:00-17:00."),
        ("09:00-09:00", "“09:00-09:00” starts and ends at the same time"),
        ("09:00-12:00, 11:00-13:00", "These ranges overlap."),
        # Read as times by time.fromisoformat(): an offset was a 500 on SQLite.
        ("09:00+01:00-10:00+01:00", "“09:00+01:00-10:00+01:00” is not a range like 09:00-17:00."),
        ("T09-T10", "“T09-T10” is not a range like 09:00-17:00."),
        ("09:00:00.5-10:00", "“09:00:00.5-10:00” is not a range like 09:00-17:00."),
        ("9:5-10:00", "“9:5-10:00” is not a range like 09:00-17:00."),
    ],
)
def test_bad_working_hours_are_refused_beside_the_weekday(member, client_of, text, message):
    WorkingHours.objects.create(user=member, weekday=2, start=time(8), end=time(18))

    response = client_of(member).post(
        reverse("working_hours"), {"day_0": "09:00-17:00", "day_2": text}
    )

    assert response.status_code == 400
    assert message in field_errors(response.text, "day_2")
    assert field_errors(response.text, "day_0") == ""
    assert list(member.working_hours.values_list("weekday", "start", "end")) == [
        (2, time(8), time(18))
    ]


# Settings ------------------------------------------------------------------------------------


def test_settings_are_saved(member, client_of):
    response = client_of(member).post(
        reverse("availability_settings"),
        {"time_zone": "Asia/Tokyo", "buffer_minutes": "30", "weekly_interview_cap": "3"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.time_zone, member.buffer_minutes, member.weekly_interview_cap) == (
        "Asia/Tokyo",
        30,
        3,
    )


def test_an_unknown_time_zone_is_refused_beside_the_field(member, client_of):
    response = client_of(member).post(
        reverse("availability_settings"),
        {"time_zone": "Mars/Olympus_Mons", "buffer_minutes": "30", "weekly_interview_cap": "3"},
    )

    assert response.status_code == 400
    assert "Choose the place whose time you keep from the list." in field_errors(
        response.text, "time_zone"
    )
    member.refresh_from_db()
    assert (member.time_zone, member.buffer_minutes) == ("Europe/London", 15)


def test_a_refused_save_shows_the_busy_times_in_the_zone_still_kept(member, client_of):
    BusyBlock.objects.create(
        user=member,
        start=datetime(2030, 1, 14, 10, tzinfo=UTC),
        end=datetime(2030, 1, 14, 11, tzinfo=UTC),
    )

    response = client_of(member).post(
        reverse("availability_settings"),
        {"time_zone": "Asia/Tokyo", "buffer_minutes": "-5", "weekly_interview_cap": "3"},
    )

    assert response.status_code == 400
    assert "Times below are in London time." in response.text
    assert "Mon 14 Jan, 10:00–11:00" in response.text


# Busy blocks by hand --------------------------------------------------------------------------


def test_a_busy_block_is_entered_in_the_users_own_time_zone(member, client_of):
    member.time_zone = "Europe/Berlin"
    member.save()

    response = client_of(member).post(
        reverse("busy_block_add"),
        {"start": "2030-01-14T10:00", "end": "2030-01-14T11:30", "summary": "Dentist"},
    )

    assert response.status_code == 302
    [added] = member.busy_blocks.all()
    # Berlin is an hour ahead of UTC in winter.
    assert (added.start, added.end) == (
        datetime(2030, 1, 14, 9, tzinfo=UTC),
        datetime(2030, 1, 14, 10, 30, tzinfo=UTC),
    )
    assert (added.summary, added.source) == ("Dentist", BusyBlock.Source.MANUAL)
    # And the page shows it back in Berlin time.
    page = client_of(member).get(reverse("availability")).text
    assert "Mon 14 Jan, 10:00–11:30 Dentist" in page


def test_a_busy_block_on_the_night_the_clocks_change_is_taken(member, client_of):
    """Django refused the hour the clocks repeat and the one they skip ("may be ambiguous or
    may not exist"): a busy time there is read as the clock shows it."""
    member.time_zone = "Europe/Berlin"
    member.save()
    client = client_of(member)

    repeated = client.post(  # 27 October 2030: 02:00-03:00 comes twice in Berlin
        reverse("busy_block_add"), {"start": "2030-10-27T02:30", "end": "2030-10-27T04:00"}
    )
    skipped = client.post(  # 31 March 2030: 02:00-03:00 never comes
        reverse("busy_block_add"), {"start": "2030-03-31T01:30", "end": "2030-03-31T02:30"}
    )

    assert (repeated.status_code, skipped.status_code) == (302, 302)
    assert sorted((block.start, block.end) for block in member.busy_blocks.all()) == [
        # To 02:30, which never comes, read as standard time: 03:30 summer time.
        (datetime(2030, 3, 31, 0, 30, tzinfo=UTC), datetime(2030, 3, 31, 1, 30, tzinfo=UTC)),
        # The first 02:30 (summer time) to 04:00 winter time.
        (datetime(2030, 10, 27, 0, 30, tzinfo=UTC), datetime(2030, 10, 27, 3, tzinfo=UTC)),
    ]


def test_a_busy_block_from_the_hour_the_clocks_skip_is_ordered_in_time(
    member, client_of, monkeypatch
):
    """02:30 on 28 March 2027 never comes in Berlin and is read as 03:30: 02:30-03:15 ends
    before it starts, which the form compared on the wall clock and the database refused."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 3, 7, 12, tzinfo=UTC))
    member.time_zone = "Europe/Berlin"
    member.save()

    response = client_of(member).post(
        reverse("busy_block_add"), {"start": "2027-03-28T02:30", "end": "2027-03-28T03:15"}
    )

    assert response.status_code == 400
    assert field_errors(response.text, "start") == (
        "<li>02:30 Berlin time does not exist on 28 March 2027: the clocks go forward from "
        "02:00 to 03:00, so it would be 03:30.</li>"
    )
    assert not BusyBlock.objects.exists()


def test_a_busy_block_ending_before_it_starts_is_refused(member, client_of):
    response = client_of(member).post(
        reverse("busy_block_add"), {"start": "2030-01-14T10:00", "end": "2030-01-14T09:00"}
    )

    assert response.status_code == 400
    assert "The end must be after the start." in field_errors(response.text, "end")
    assert not BusyBlock.objects.exists()


def test_removing_your_own_busy_block(member, client_of):
    mine = block(member, BusyBlock.Source.MANUAL, datetime(2030, 1, 14, 9, tzinfo=UTC))

    response = client_of(member).post(reverse("busy_block_delete", args=[mine.pk]))

    assert response.status_code == 302
    assert not BusyBlock.objects.filter(pk=mine.pk).exists()


def test_remove_clicked_twice_shows_the_page_not_a_404(member, client_of):
    mine = block(member, BusyBlock.Source.MANUAL, datetime(2030, 1, 14, 9, tzinfo=UTC))
    client = client_of(member)
    client.post(reverse("busy_block_delete", args=[mine.pk]))

    response = client.post(reverse("busy_block_delete", args=[mine.pk]))

    assert response.status_code == 302
    assert response.url == reverse("availability")


def test_someone_elses_busy_block_cannot_be_removed(member, teammate, client_of):
    theirs = block(teammate, BusyBlock.Source.MANUAL, datetime(2030, 1, 14, 9, tzinfo=UTC))

    response = client_of(member).post(reverse("busy_block_delete", args=[theirs.pk]))

    assert response.status_code == 404
    assert BusyBlock.objects.filter(pk=theirs.pk).exists()


def test_a_busy_time_added_by_hand_after_a_calendars_hundred_can_be_removed(
    member, client_of, django_assert_max_num_queries
):
    """As found: the page listed the next hundred busy times only, an imported calendar's, so
    one added by hand after them could be neither seen nor removed, and nothing said so."""
    monday = timezone.now().replace(microsecond=0) + timedelta(days=1)
    BusyBlock.objects.bulk_create(
        BusyBlock(
            user=member,
            start=monday + timedelta(hours=hour),
            end=monday + timedelta(hours=hour, minutes=30),
            source=BusyBlock.Source.FEED,
        )
        for hour in range(150)
    )
    mine = block(member, BusyBlock.Source.MANUAL, monday + timedelta(days=30), "Dentist")
    client = client_of(member)

    with django_assert_max_num_queries(AVAILABILITY_PAGE_MAX_QUERIES):
        page = client.get(reverse("availability")).text

    assert "Dentist" in page
    assert reverse("busy_block_delete", args=[mine.pk]) in page
    assert "50 more busy times from your calendar are not listed." in page


def added_by_hand(user, count, first):
    """`count` half-hour busy times added by hand, an hour apart from `first`."""
    BusyBlock.objects.bulk_create(
        BusyBlock(
            user=user,
            start=first + timedelta(hours=hour),
            end=first + timedelta(hours=hour, minutes=30),
            summary=f"Busy {hour + 1}",
        )
        for hour in range(count)
    )


def test_every_busy_time_added_by_hand_is_listed_a_page_at_a_time(
    member, client_of, django_assert_max_num_queries
):
    """As found: the page listed the next hundred added by hand, and those after them could be
    neither seen nor removed, and nothing said so."""
    added_by_hand(member, 250, timezone.now().replace(microsecond=0) + timedelta(days=1))
    last = member.busy_blocks.order_by("start").last()
    client = client_of(member)

    first_page = client.get(reverse("availability")).text
    with django_assert_max_num_queries(AVAILABILITY_PAGE_MAX_QUERIES):
        third_page = client.get(reverse("availability"), {"page": "3"}).text

    assert "Busy times 1–100 of 250 added by hand." in first_page
    assert "Busy 100<" in first_page
    assert "Busy 101<" not in first_page
    assert f'{reverse("availability")}?&amp;page=2">Later busy times' in first_page
    assert "Busy times 201–250 of 250 added by hand." in third_page
    assert "Busy 200<" not in third_page
    assert "Busy 250<" in third_page
    assert reverse("busy_block_delete", args=[last.pk]) in third_page


def test_removing_a_busy_time_goes_back_to_its_page(member, client_of):
    added_by_hand(member, 250, timezone.now().replace(microsecond=0) + timedelta(days=1))
    last = member.busy_blocks.order_by("start").last()

    response = client_of(member).post(reverse("busy_block_delete", args=[last.pk]), {"page": "3"})

    assert response.url == f"{reverse('availability')}?page=3"
    assert not BusyBlock.objects.filter(pk=last.pk).exists()


def test_a_busy_time_past_the_most_ahead_is_refused_beside_the_start(member, client_of):
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    added_by_hand(member, MOST_ADDED_AHEAD, tomorrow)
    block(member, BusyBlock.Source.MANUAL, tomorrow - timedelta(days=2))  # past: not ahead
    block(member, BusyBlock.Source.FEED, tomorrow)  # imported: not added by hand

    response = client_of(member).post(
        reverse("busy_block_add"), {"start": "2030-01-14T10:00", "end": "2030-01-14T11:00"}
    )

    assert response.status_code == 400
    assert field_errors(response.text, "start") == (
        "<li>You have 500 busy times ahead added by hand, the most kept: remove some you no "
        "longer need first.</li>"
    )
    assert member.busy_blocks.filter(source=BusyBlock.Source.MANUAL).count() == 501


def test_a_busy_time_short_of_the_most_ahead_is_added(member, client_of):
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    added_by_hand(member, MOST_ADDED_AHEAD - 1, tomorrow)

    response = client_of(member).post(
        reverse("busy_block_add"), {"start": "2030-01-14T10:00", "end": "2030-01-14T11:00"}
    )

    assert response.status_code == 302
    assert member.busy_blocks.count() == MOST_ADDED_AHEAD


def test_a_busy_time_that_has_passed_is_refused_beside_the_end(member, client_of, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 1, 14, 12, tzinfo=UTC))

    response = client_of(member).post(
        reverse("busy_block_add"), {"start": "2030-01-14T10:00", "end": "2030-01-14T12:00"}
    )

    assert response.status_code == 400
    assert field_errors(response.text, "end") == (
        "<li>This time has passed: add busy times ahead.</li>"
    )
    assert not BusyBlock.objects.exists()


# .ics uploads ---------------------------------------------------------------------------------


def upload(data, name="calendar.ics"):
    return {"calendar": SimpleUploadedFile(name, data, content_type="text/calendar")}


def test_an_uploaded_calendar_replaces_the_earlier_upload_and_keeps_manual_blocks(
    member, client_of
):
    monday = next_monday_at(14)
    manual = block(member, BusyBlock.Source.MANUAL, monday + timedelta(hours=3), "By hand")
    block(member, BusyBlock.Source.UPLOAD, monday, "Old import")

    response = client_of(member).post(
        reverse("ics_upload"), upload(weekly_ics("Standup", monday, 3))
    )

    assert response.status_code == 302
    assert blocks_of(member, BusyBlock.Source.UPLOAD) == [
        (monday + timedelta(weeks=week), monday + timedelta(weeks=week, hours=1), "Standup")
        for week in range(3)
    ]
    assert list(member.busy_blocks.filter(source=BusyBlock.Source.MANUAL)) == [manual]


# Repeating, so read whatever today is; each repetition's end is six hours before its start.
REVERSED_WEEKLY = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Backwards\r\n"
    b"DTSTART:20200106T150000Z\r\nDTEND:20200106T090000Z\r\nRRULE:FREQ=WEEKLY\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a calendar at all\r\n", "This is not a valid iCalendar (.ics) file."),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Broken\r\n"
            b"DTSTART:tomorrow-ish\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "The event “Broken” has an invalid DTSTART",
        ),
        (b"x" * (MAX_ICS_BYTES + 1), "The calendar file is too large (at most 2 MB)."),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:Evil\r\nBEGIN:STANDARD\r\n"
            b"DTSTART:19700101T000000\r\nRRULE:FREQ=HOURLY\r\nTZOFFSETFROM:+0100\r\n"
            b"TZOFFSETTO:+0200\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            b"DTSTART;TZID=Evil:20200106T100000\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n",
            "The time zone “Evil” in the calendar changes its offset more often than once a year",
        ),
        (
            b"BEGIN:VCALENDAR\r\n"
            + b"BEGIN:VEVENT\r\nDTSTART:20200106T100000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
            * (MAX_EVENTS + 1)
            + b"END:VCALENDAR\r\n",
            "The calendar has too many events to import (more than 2,000",
        ),
        (REVERSED_WEEKLY, "The event “Backwards” ends before it starts: see its DTEND."),
    ],
    ids=[
        "garbage",
        "bad-dtstart",
        "over-2-MB",
        "hourly-time-zone",
        "too-many-events",
        "ends-before-it-starts",
    ],
)
def test_an_unreadable_calendar_is_refused_and_changes_nothing(member, client_of, data, message):
    monday = next_monday_at(14)
    block(member, BusyBlock.Source.UPLOAD, monday, "Old import")
    block(member, BusyBlock.Source.MANUAL, monday + timedelta(hours=3), "By hand")
    before = sorted(BusyBlock.objects.values_list("pk", "start", "end", "summary", "source"))

    response = client_of(member).post(reverse("ics_upload"), upload(data))

    assert response.status_code == 400
    assert message in field_errors(response.text, "calendar")
    assert sorted(BusyBlock.objects.values_list("pk", "start", "end", "summary", "source")) == (
        before
    )


def test_an_upload_needs_a_file(member, client_of):
    response = client_of(member).post(reverse("ics_upload"), {})

    assert response.status_code == 400
    assert "This field is required." in field_errors(response.text, "calendar")


# Calendar feeds, read from a real HTTP server ------------------------------------------------


class CalendarServer:
    """A local HTTP server answering every GET with `status` and `body`, changeable meanwhile."""

    def __init__(self):
        self.status, self.body = 200, b""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                self.send_response(server.status)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/calendar.ics"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def loopback(address):
    """Lets refresh_feeds() reach the tests' own server, on an address production refuses."""
    return address.is_loopback


@pytest.fixture
def feed_server(monkeypatch):
    # The request goes straight to our server, whatever proxy the environment names.
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = CalendarServer()
    yield server
    server.close()


@pytest.fixture
def subscriber(member, feed_server):
    member.calendar_feed_url = feed_server.url
    member.save()
    return member


def test_refreshing_a_feed_replaces_its_blocks(subscriber, feed_server):
    monday = next_monday_at(8)
    block(subscriber, BusyBlock.Source.FEED, monday, "Stale feed event")
    manual = block(subscriber, BusyBlock.Source.MANUAL, monday + timedelta(hours=5), "By hand")
    feed_server.body = weekly_ics("Planning", monday + timedelta(hours=2), 2)

    assert refresh_feeds(allow=loopback) == 1

    assert blocks_of(subscriber, BusyBlock.Source.FEED) == [
        (start, start + timedelta(hours=1), "Planning")
        for start in (monday + timedelta(hours=2), monday + timedelta(weeks=1, hours=2))
    ]
    assert list(subscriber.busy_blocks.filter(source=BusyBlock.Source.MANUAL)) == [manual]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b"<html><body>Please sign in</body></html>"),
        (200, b"garbage"),
        (404, b""),
        (200, REVERSED_WEEKLY),
    ],
    ids=["html", "garbage", "404", "ends-before-it-starts"],
)
def test_a_failing_feed_keeps_its_previous_blocks(subscriber, feed_server, status, body):
    monday = next_monday_at(8)
    feed_server.body = weekly_ics("Planning", monday, 2)
    refresh_feeds(allow=loopback)
    before = blocks_of(subscriber, BusyBlock.Source.FEED)
    assert len(before) == 2
    feed_server.status, feed_server.body = status, body

    assert refresh_feeds(allow=loopback) == 0

    assert blocks_of(subscriber, BusyBlock.Source.FEED) == before


def test_one_failing_feed_does_not_stop_the_others(subscriber, feed_server):
    UserFactory(calendar_feed_url="http://127.0.0.1:9/nothing-listens-here.ics")
    feed_server.body = weekly_ics("Planning", next_monday_at(8), 1)

    assert refresh_feeds(allow=loopback) == 1

    assert len(blocks_of(subscriber, BusyBlock.Source.FEED)) == 1


def test_a_feed_on_this_machine_is_refused_and_keeps_its_blocks(subscriber, feed_server):
    feed_server.body = weekly_ics("Planning", next_monday_at(8), 1)
    refresh_feeds(allow=loopback)
    before = blocks_of(subscriber, BusyBlock.Source.FEED)

    assert refresh_feeds() == 0

    assert blocks_of(subscriber, BusyBlock.Source.FEED) == before


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Asia/Singapore", "0001-01-01T00:00", "0001-01-01T01:00"),  # before year 1 in UTC
        ("America/New_York", "9999-12-31T22:00", "9999-12-31T23:00"),  # after 9999 in UTC
    ],
)
def test_a_busy_block_at_the_calendars_edge_is_refused_beside_the_field(
    member, client_of, zone, start, end
):
    member.time_zone = zone
    member.save()

    response = client_of(member).post(reverse("busy_block_add"), {"start": start, "end": end})

    assert response.status_code == 400
    assert "Enter a time within ten years of today." in field_errors(response.text, "start")
    assert not BusyBlock.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "most"),
    [("buffer_minutes", "2000000000", 240), ("weekly_interview_cap", "99999999999", 40)],
)
def test_a_buffer_or_weekly_cap_past_any_real_one_is_refused(member, client_of, field, value, most):
    """SQLite stores any integer: a buffer of two billion minutes broke every search of the
    panels its person sat on."""
    data = {"time_zone": "Europe/London", "buffer_minutes": "30", "weekly_interview_cap": "3"}

    response = client_of(member).post(reverse("availability_settings"), {**data, field: value})

    assert response.status_code == 400
    assert f"less than or equal to {most}" in field_errors(response.text, field)
    member.refresh_from_db()
    assert (member.buffer_minutes, member.weekly_interview_cap) == (15, 6)
