"""When people can interview: busy blocks imported from .ics files and feeds."""

import logging
import urllib.request
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import BusyBlock, User, WorkingHours
from .ics import MAX_ICS_BYTES, CalendarError, busy_events

logger = logging.getLogger(__name__)

# How far ahead imported calendars block time: the slot finder never looks further.
HORIZON = timedelta(days=120)


@transaction.atomic
def set_working_hours(user, ranges):
    """Replace `user`'s working hours with `ranges`: {weekday: [(start, end), ...]}."""
    user.working_hours.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(user=user, weekday=day, start=start, end=end)
        for day, day_ranges in ranges.items()
        for start, end in day_ranges
    )


def replace_blocks(user, source, data):
    """Parse `data` first, then swap the blocks of `source`: a bad file leaves the old ones."""
    now = timezone.now()
    events = busy_events(
        data, start=now - timedelta(days=1), end=now + HORIZON, time_zone=user.time_zone
    )
    with transaction.atomic():
        user.busy_blocks.filter(source=source).delete()
        BusyBlock.objects.bulk_create(
            BusyBlock(user=user, start=e.start, end=e.end, summary=e.summary[:200], source=source)
            for e in events
        )
    return len(events)


def fetch_feed(url):
    request = urllib.request.Request(url, headers={"User-Agent": "Teamfit calendar refresh"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (http(s) only, by the form)
            data = response.read(MAX_ICS_BYTES + 1)
    except OSError as error:
        raise CalendarError(f"The calendar feed could not be read: {error}.") from error
    return data


def refresh_feeds():
    """Re-read every feed; one that fails keeps its previous blocks and is logged."""
    refreshed = 0
    for user in User.objects.exclude(calendar_feed_url=""):
        try:
            replace_blocks(user, BusyBlock.Source.FEED, fetch_feed(user.calendar_feed_url))
        except CalendarError as error:
            logger.warning("Calendar feed of %s not refreshed: %s", user.email, error)
        else:
            refreshed += 1
    return refreshed
