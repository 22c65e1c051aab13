"""Times that have passed are never offered, booked or picked: the slot finder searches from
now, a time found or offered earlier is refused once it has passed, and a search is bounded
in dates (year 9999 overflowed into a 500)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from hiring.models import SessionInterviewer, SlotOffer, WorkingHours
from hiring.scheduling import booking
from hiring.scheduling.views import OPTION_SALT
from tests.factories import field_errors, url

DAY = timedelta(days=1)


def yesterdays_option(panel):
    """An option of the day before, as a page found or an offer made then would hold it."""
    start = timezone.now() - 8 * DAY
    [option, *_] = booking.find_options(panel, start, start + 7 * DAY)
    return option


def test_a_search_starts_today_at_the_earliest_and_within_ten_years(
    panel, application, signed_in, recruiter
):
    client = signed_in(recruiter)
    today = timezone.localdate()

    for start, message in [
        (today - DAY, "Search from today or later."),
        (today + timedelta(days=3700), "Search within the next ten years."),
    ]:
        response = client.get(url("panel_times", application), {"start": start, "days": 10})
        assert response.status_code == 400
        assert message in field_errors(response.text, "start")
    response = client.get(url("panel_times", application), {"start": "9999-12-31", "days": 30})
    assert response.status_code == 400


def test_todays_search_offers_no_hour_already_gone(panel, application, signed_in, recruiter):
    # Working round the clock every day: a search from midnight found today's early hours.
    WorkingHours.objects.all().delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(user_id=user, weekday=day, start=time(0), end=time(23, 45))
        for user in panel.sessions.get().interviewers.values_list("user", flat=True)
        for day in range(7)
    )
    response = signed_in(recruiter).get(
        url("panel_times", application), {"start": timezone.localdate(), "days": 7}
    )

    signed = dict.fromkeys(re.findall(r'name="option" value="([^"]+)"', response.text))
    starts = [
        datetime.fromisoformat(entry["start"])
        for value in signed
        for entry in signing.loads(value, salt=OPTION_SALT)["sessions"]
    ]
    assert starts
    assert min(starts) > timezone.now() - timedelta(minutes=1)


def test_a_time_that_has_passed_is_not_booked(panel, application, signed_in, recruiter, mailoutbox):
    signed = signing.dumps(yesterdays_option(panel), salt=OPTION_SALT, compress=True)

    response = signed_in(recruiter).post(url("panel_book", application), {"option": signed})

    assert response.status_code == 302  # back to fresh options
    assert (
        "That time has passed. Here are fresh options."
        in signed_in(recruiter).get(response.url).text
    )
    assert panel.sessions.get().start is None
    assert not SessionInterviewer.objects.exclude(start=None).exists()
    assert mailoutbox == []


def test_a_time_that_has_passed_is_not_offered_nor_shown_nor_picked(client, panel, recruiter):
    passed = yesterdays_option(panel)
    [ahead, *_] = booking.find_options(panel, timezone.now(), timezone.now() + 14 * DAY)

    with pytest.raises(ValidationError, match="One of these times has passed"):
        booking.offer_to_candidate(panel, [ahead, passed], recruiter)
    # An offer made while both were ahead, read once the first has passed.
    offer = SlotOffer.objects.create(panel=panel, options=[passed, ahead], created_by=recruiter)
    page = client.get(offer.get_absolute_url())
    picked = client.post(offer.get_absolute_url(), {"pick": "0"})

    assert 'name="pick" value="0"' not in page.text
    assert 'name="pick" value="1"' in page.text
    assert picked.status_code == 409
    assert "That time has passed. These are still free." in picked.text
    assert panel.sessions.get().start is None
