"""Every time on a signed-in person's pages is in their own zone and names it
(hiring/accounts/zones.py, the |zoned filter, UserTimeZoneMiddleware)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from hiring.accounts import zones
from hiring.models import AuditEvent, Decision, StageChange, User
from hiring.reports import cached as cached_reports
from hiring.scheduling import booking
from scorecards.models import Feedback, FeedbackRevision
from tests.factories import ApplicationFactory, nine_to_five, team_fit_panel
from tests.offers.conftest import hired_by_the_team

# 09:00 UTC on Monday 4 March 2030: 17:00 in Singapore, 04:00 in New York (standard time).
AT = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
SINGAPORE = "4 Mar 2030, 17:00 Singapore time"
NEW_YORK = "4 Mar 2030, 04:00 New York time"


def in_zone(user, zone):
    User.objects.filter(pk=user.pk).update(time_zone=zone)  # no signal: nothing else moves


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return strip_tags(response.text)


@pytest.fixture
def application(team, member):
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    StageChange.objects.create(application=application, to_stage=application.stage, at=AT)
    AuditEvent.objects.create(
        action=AuditEvent.Action.STAGE_CHANGED, team=team, application=application, at=AT
    )
    return application


@pytest.fixture
def singapore(client, member):
    in_zone(member, "Asia/Singapore")
    client.force_login(member)
    return client


def test_the_application_page_shows_its_stage_history_and_timeline_in_the_viewers_zone(
    singapore, application
):
    page = singapore.get(application.get_absolute_url()).text

    stage_history, timeline = page.split('id="timeline-heading"')
    assert f'<time datetime="2030-03-04T09:00:00Z">{SINGAPORE}</time>' in stage_history
    assert f'<time datetime="2030-03-04T09:00:00Z">{SINGAPORE}</time>' in timeline
    assert "UTC" not in strip_tags(page)


def test_a_cached_page_is_never_served_in_another_zone(singapore, application, member):
    assert SINGAPORE in text(singapore, application.get_absolute_url())

    # Nothing the page shows changed, so only the zone in its cache key can tell them apart.
    in_zone(member, "America/New_York")
    page = text(singapore, application.get_absolute_url())

    assert NEW_YORK in page
    assert "Singapore" not in page


def test_changing_ones_zone_on_the_profile_changes_every_page(singapore, application):
    assert SINGAPORE in text(singapore, application.get_absolute_url())

    response = singapore.post(
        reverse("profile"), {"display_name": "Ana Member", "time_zone": "America/New_York"}
    )

    assert response.status_code == 302
    assert NEW_YORK in text(singapore, application.get_absolute_url())


def test_the_home_page_shows_the_interview_to_score_in_the_viewers_zone(
    client, team, member, recruiter
):
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    nine_to_five(member)
    panel = team_fit_panel(application, [member], recruiter)
    [option, *_] = booking.find_options(panel, AT, AT.replace(hour=23))
    booking.book(panel, option, recruiter)
    in_zone(member, "Asia/Singapore")
    client.force_login(member)

    assert "interview Mon 4 Mar, 17:00 Singapore time" in text(client, reverse("home"))


def test_the_debrief_shows_when_the_decision_was_recorded_in_the_viewers_zone(
    singapore, application, member, teammate
):
    hired_by_the_team(application, member, teammate)
    Decision.objects.filter(application=application).update(recorded_at=AT)

    page = text(singapore, reverse("debrief", args=[application.pk]))

    assert f"recorded by Ana Member {SINGAPORE}" in " ".join(page.split())


def test_the_feedback_form_shows_when_it_was_submitted_in_the_viewers_zone(
    singapore, application, member, teammate
):
    hired_by_the_team(application, member, teammate)
    feedback = Feedback.objects.get(application=application, interviewer=member)
    FeedbackRevision.objects.filter(feedback=feedback).update(submitted_at=AT)

    assert f"Submitted {SINGAPORE}." in text(singapore, feedback.get_absolute_url())


def test_the_organisation_page_shows_its_timeline_in_the_admins_zone(client, org_admin):
    AuditEvent.objects.create(action=AuditEvent.Action.PERSON_CHANGED, actor=org_admin, at=AT)
    in_zone(org_admin, "Asia/Singapore")
    client.force_login(org_admin)

    assert SINGAPORE in text(client, reverse("organisation"))


def test_the_worker_warms_each_readers_reports_in_their_zone(
    client, leadership, team, member, teammate, django_assert_max_num_queries
):
    hired_by_the_team(ApplicationFactory(opening__team=team), member, teammate)
    in_zone(leadership, "Asia/Singapore")

    cached_reports.warm_default_reports()
    client.force_login(leadership)
    # As in test_freshness: none of the reports' own queries.
    with django_assert_max_num_queries(14) as queries:
        page = client.get(reverse("reports"))

    assert page.status_code == 200
    assert not any("scorecards_rating" in query["sql"] for query in queries.captured_queries)


def test_a_request_leaves_no_zone_behind_on_its_thread(singapore, application):
    singapore.get(application.get_absolute_url())

    assert timezone.get_current_timezone_name() == "UTC"


# The menu


def test_the_menu_lists_the_zones_people_live_in_and_no_aliases():
    listed = zones.listed()

    assert {"UTC", "Asia/Singapore", "Europe/Oslo", "America/New_York", "Asia/Kolkata"} <= set(
        listed
    )
    for technical in ["Factory", "localtime", "Etc/GMT+3", "Etc/UTC", "GMT", "US/Pacific"]:
        assert technical not in listed
    assert "Asia/Calcutta" not in listed  # an alias of Asia/Kolkata
    assert 350 < len(listed) < 500


def test_the_menu_is_grouped_by_region_and_each_label_leads_with_its_city():
    groups = dict(zones.menu())

    assert list(groups)[0] == "UTC"
    assert ("Asia/Singapore", "Singapore") in groups["Asia"]
    assert ("America/Los_Angeles", "Los Angeles — United States (Pacific Time)") in groups[
        "Americas"
    ]
    # A country of one zone name needs none (Germany's two are both Central European Time).
    assert ("Europe/Berlin", "Berlin — Germany") in groups["Europe"]
    labels = [label for _, label in groups["Europe"]]
    assert labels == sorted(labels, key=zones.alphabetical)
    assert labels.index("Zurich — Switzerland") > labels.index("Warsaw — Poland")


def test_the_menu_and_the_zones_names_are_in_the_readers_language():
    with translation.override("de"):
        groups = dict(zones.menu())
        label = zones.label("Europe/Vienna")

    assert ("Europe/Vienna", "Wien — Österreich") in groups["Europa"]
    assert ("America/Denver", "Denver — Vereinigte Staaten (Rocky-Mountains-Zeit)") in groups[
        "Amerika"
    ]
    assert groups["UTC"] == [("UTC", "UTC — Koordinierte Weltzeit")]
    # Accents aside: Zürich among the Zs, after Warschau.
    labels = [label for _, label in groups["Europa"]]
    assert labels.index("Zürich — Schweiz") > labels.index("Warschau — Polen")
    assert label == "Zeit Wien"


def test_a_german_profile_lists_the_places_in_german(client, member):
    User.objects.filter(pk=member.pk).update(language="de", time_zone="Europe/Vienna")
    client.force_login(member)

    page = client.get(reverse("profile")).text

    assert '<option value="Europe/Vienna" selected>Wien — Österreich</option>' in page
    assert '<option value="Europe/Zurich">Zürich — Schweiz</option>' in page


def test_aliases_a_browser_may_report_are_read_as_the_menus_zone():
    assert zones.listed_as("Asia/Calcutta") == "Asia/Kolkata"
    assert zones.listed_as("Europe/Kiev") == "Europe/Kyiv"
    assert zones.listed_as("Etc/UTC") == "UTC"
    assert zones.listed_as("Etc/GMT+3") is None


def test_the_profile_menu_has_a_group_per_region(client, member):
    in_zone(member, "Asia/Singapore")
    client.force_login(member)

    page = client.get(reverse("profile")).text

    asia = page.split('<optgroup label="Asia">')[1].split("</optgroup>")[0]
    assert '<option value="Asia/Singapore" selected>Singapore</option>' in asia
    assert 'value="Factory"' not in page
    assert page.count("<optgroup") == len(zones.menu())


def test_the_profile_takes_an_alias_as_the_menus_zone(client, member):
    client.force_login(member)

    client.post(reverse("profile"), {"display_name": "Ana Member", "time_zone": "Asia/Calcutta"})

    member.refresh_from_db()
    assert member.time_zone == "Asia/Kolkata"


def test_a_zone_chosen_before_the_menu_left_it_out_shows_until_changed(client, member):
    in_zone(member, "Etc/GMT+3")
    client.force_login(member)

    page = client.get(reverse("profile")).text
    response = client.post(reverse("profile"), {"display_name": "Ana", "time_zone": "Etc/GMT+3"})

    assert '<option value="Etc/GMT+3" selected>Etc/GMT+3</option>' in page
    assert response.status_code == 400
    assert "Choose the place whose time you keep from the list." in response.text


# What people typed shaped like a moment: no date, or one the reader's calendar cannot reach.
NO_MOMENTS = [
    ("2025-02-30T10:00Z", "UTC"),
    ("9999-12-31T23:59Z", "Asia/Tokyo"),
    ("0001-01-01T00:00Z", "America/New_York"),
]


@pytest.mark.parametrize(("typed", "zone"), NO_MOMENTS)
def test_typed_text_shaped_like_a_moment_is_shown_as_typed_beside_real_ones(
    client, member, application, typed, zone
):
    """A timeline's details hold what people typed (an excuse, a file's name) beside the
    moments Teamfit wrote there."""
    in_zone(member, zone)
    AuditEvent.objects.create(
        action=AuditEvent.Action.STAGE_CHANGED,
        team=application.opening.team,
        application=application,
        at=AT,
        details=f"Ana {typed} at {zones.instant_text(AT)}",
    )
    client.force_login(member)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert f'Ana {typed} at <time datetime="2030-03-04T09:00:00Z">' in response.text


@pytest.mark.parametrize(("typed", "zone"), NO_MOMENTS)
def test_a_display_name_shaped_like_a_moment_leaves_the_team_page_readable(
    client, member, typed, zone
):
    client.force_login(member)
    profile = {"display_name": f"Ana {typed}", "time_zone": zone, "language": ""}
    assert client.post(reverse("profile"), profile).status_code == 302

    created = client.post(reverse("team_create"), {"name": "Data", "description": ""})
    page = client.get(created["Location"])

    assert page.status_code == 200
    assert f"Ana {typed}" in page.text
