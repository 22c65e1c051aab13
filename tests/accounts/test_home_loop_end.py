"""The hiring loop's end on the home page of those who run the pipeline: the hires with no
offer, to prepare one, and the offers that expired unanswered, to follow up."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hiring.models import Application, Decision, Offer, User
from hiring.offers import offers
from tests.accounts.test_home_next_steps import draft_offer, hire, home, read, section
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_OFFER = "Hires with no offer"
EXPIRED = "Offers expired unanswered"


def expired_offer(application, by, expired_at):
    """An offer sent to `application`'s candidate, expired unanswered at `expired_at`."""
    offer = draft_offer(application, by)
    Offer.objects.filter(pk=offer.pk).update(status="sent", expires_at=expired_at)
    offers.expire_due(now=expired_at)  # as beat does
    offer.refresh_from_db()
    return offer


# Hires with no offer.


def test_a_hire_with_no_offer_waits_for_those_who_run_the_teams_pipeline_in_their_zone(
    client, member, recruiter, outsider, leadership, team
):
    User.objects.filter(pk=member.pk).update(time_zone="Asia/Singapore")
    decided = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    application = hire(team, "Nina Park", member, at=decided)

    waiting = section(home(client, member), NO_OFFER)

    assert f'href="/applications/{application.pk}/offer/">Nina Park</a>' in waiting
    assert "decided to hire Mon 4 Mar, 18:00 Singapore time" in read(waiting)
    assert "Nina Park" in section(home(client, recruiter), NO_OFFER)
    assert section(home(client, outsider), NO_OFFER) is None  # a member of another team
    assert section(home(client, UserFactory()), NO_OFFER) is None  # in no team
    assert section(home(client, leadership), NO_OFFER) is None


def test_a_live_offer_takes_the_hire_off_the_list_and_a_withdrawn_one_puts_it_back(
    client, recruiter, team, member
):
    application = hire(team, "Nina Park", member)
    draft = draft_offer(application, recruiter)
    assert section(home(client, recruiter), NO_OFFER) is None

    offers.withdraw(draft, recruiter)  # the cached list follows the offer's team

    assert "Nina Park" in section(home(client, recruiter), NO_OFFER)


def test_only_a_decision_in_force_to_hire_of_an_application_still_open_counts(
    client, recruiter, team, member, teammate
):
    now = timezone.now()
    first = hire(team, "Confirmed Later", member, at=now - timedelta(days=5))
    # Departing from the recommendation: in force once a second member confirms it.
    Decision.objects.filter(application=first).update(
        recommendation="no_hire", confirmed_by=teammate, confirmed_at=now - timedelta(days=1)
    )
    hire(team, "Decided Before", member, at=now - timedelta(days=2))
    waits = hire(team, "Waiting For Confirmation", member)
    Decision.objects.filter(application=waits).update(recommendation="no_hire")
    hire(team, "Already Hired", member, stage=Application.Stage.HIRED)
    hire(team, "Withdrew", member, stage=Application.Stage.WITHDRAWN)

    waiting = read(section(home(client, recruiter), NO_OFFER))

    assert waiting.index("Decided Before") < waiting.index("Confirmed Later")
    for name in ("Waiting For Confirmation", "Already Hired", "Withdrew"):
        assert name not in waiting


# Offers expired unanswered.


def test_an_offer_expired_unanswered_waits_for_those_who_run_the_teams_pipeline(
    client, member, recruiter, outsider, leadership, team
):
    User.objects.filter(pk=recruiter.pk).update(time_zone="America/New_York")
    application = hire(team, "Nina Park", member)
    expired_offer(application, recruiter, datetime(2030, 3, 4, 10, 0, tzinfo=UTC))

    expired = section(home(client, recruiter), EXPIRED)

    assert f'href="/applications/{application.pk}/">Nina Park</a>' in expired
    assert "Nina Park · Platform Engineer · Platform" in read(expired)
    assert "expired Mon 4 Mar, 05:00 New York time" in read(expired)
    assert "Nina Park" in section(home(client, member), EXPIRED)
    assert section(home(client, outsider), EXPIRED) is None
    assert section(home(client, UserFactory()), EXPIRED) is None
    assert section(home(client, leadership), EXPIRED) is None


def test_expired_offers_come_latest_first_until_a_newer_one_or_the_application_moves_on(
    client, recruiter, team, member
):
    now = timezone.now()
    earlier = hire(team, "Expired Earlier", member)
    expired_offer(earlier, recruiter, now - timedelta(days=3))
    later = hire(team, "Expired Later", member)
    expired_offer(later, recruiter, now - timedelta(days=1))
    twice = hire(team, "Expired Twice", member)
    expired_offer(twice, recruiter, now - timedelta(days=9))
    expired_offer(twice, recruiter, now - timedelta(days=2))

    expired = read(section(home(client, recruiter), EXPIRED))

    assert re.search("Expired Later .* Expired Twice .* Expired Earlier", expired)
    assert expired.count("Expired Twice") == 1  # its latest offer only
    draft_offer(later, recruiter)  # a revised offer
    earlier.move_to(Application.Stage.WITHDRAWN, None)
    expired = read(section(home(client, recruiter), EXPIRED))
    assert "Expired Later" not in expired
    assert "Expired Earlier" not in expired
    assert "Expired Twice" in expired


def test_beat_expiring_a_sent_offer_shows_on_the_cached_home_page(client, recruiter, team, member):
    application = hire(team, "Nina Park", member)
    offer = draft_offer(application, recruiter)
    Offer.objects.filter(pk=offer.pk).update(status="sent")
    page = home(client, recruiter)
    assert section(page, EXPIRED) is None
    assert section(page, NO_OFFER) is None

    offers.expire_due(now=offer.expires_at)

    page = home(client, recruiter)
    assert "Nina Park" in section(page, EXPIRED)
    assert section(page, NO_OFFER) is None  # followed up as expired, listed once


def test_a_members_own_application_is_not_theirs_to_offer_or_follow_up(
    client, member, teammate, recruiter, team
):
    hire(team, "Member Applying", teammate, candidate__email=member.email)
    offered = hire(team, "Member Offered", teammate, candidate__email=member.email)
    expired_offer(offered, recruiter, timezone.now() - timedelta(days=1))
    hire(team, "Nina Park", teammate)

    page = home(client, member)

    assert "Member Applying" not in section(page, NO_OFFER)
    assert section(page, EXPIRED) is None
    page = home(client, teammate)
    assert "Member Applying" in section(page, NO_OFFER)
    assert "Member Offered" in section(page, EXPIRED)
