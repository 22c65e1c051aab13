"""The home page's next steps, cached for each reader until their teams' data or the clock
changes them; what no team's version follows (votes, the teams' table) is read on every
request."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring.accounts import next_steps
from hiring.accounts.views import lasting_steps, teams_read_by
from hiring.models import Membership, Panel
from hiring.pipeline.board import STALE_AFTER
from hiring.teams import membership
from tests.accounts.test_home_next_steps import fill, interview, offered, panel_stage, proposed
from tests.accounts.test_home_next_steps import section as section_of
from tests.checkins.helpers import hired
from tests.factories import ApplicationFactory, OpeningFactory, propose, submit

pytestmark = pytest.mark.django_db

SCORECARDS = "Your scorecards to write"
STALE = "Pipelines that stopped moving"


def content(response):
    """The page below its header, whose forms carry a new token on every request."""
    return re.search(r"<main.*</main>", response.text, re.S).group()


def section(client, heading):
    """The text under `heading` on the signed-in reader's home page, or "" without it."""
    return section_of(client.get("/").text, heading) or ""


def lasting_at(user, now):
    """The cached part of `user`'s home page as rendered at `now`, and until when it holds."""
    request = RequestFactory().get("/")
    request.user = user
    teams = teams_read_by(user)
    return lasting_steps(request, next_steps.for_user(user, now, teams), now, teams)


# Served again from the cache, in a constant number of queries.

WARM_QUERIES = {"member": 7, "recruiter": 6, "leadership": 6}


def test_a_warm_home_page_reads_only_what_no_team_version_follows(
    member, teammate, recruiter, leadership, team, django_assert_max_num_queries
):
    """Each persona's home, read cold then warm on the same data at two sizes (made once for
    them all)."""
    readers = {"member": member, "recruiter": recruiter, "leadership": leadership}
    clients, warm_counts = {}, {persona: [] for persona in WARM_QUERIES}
    for persona, user in readers.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    for added in (1, 12):
        fill(team, member, teammate, recruiter, added)  # moves the team on: read afresh
        for persona, reader in clients.items():
            with django_assert_max_num_queries(30) as cold:
                first = reader.get("/")
            with django_assert_max_num_queries(WARM_QUERIES[persona]) as warm:
                again = reader.get("/")

            assert len(warm) < len(cold), persona
            assert content(again) == content(first), persona
            warm_counts[persona].append(len(warm))
    for persona, counts in warm_counts.items():
        assert counts[0] == counts[1], persona


# A change to what the page shows shows at once.


def test_an_interviewer_sees_a_new_interview_a_submission_and_a_stage_move_at_once(
    client, member, teammate, team
):
    soon = timezone.now() + timedelta(days=2)
    nina = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    item = interview(nina, member, soon, teammate)
    client.force_login(member)
    assert "Nina Park" in section(client, SCORECARDS)

    omar = ApplicationFactory(opening__team=team, candidate__name="Omar Diaz")
    interview(omar, member, soon, teammate)
    assert "Omar Diaz" in section(client, SCORECARDS)

    submit(item)
    assert "Nina Park" not in section(client, SCORECARDS)
    omar.move_to("withdrawn", teammate)
    assert section(client, SCORECARDS) == ""
    assert "Nothing is waiting for you." in client.get("/").text


def test_a_scorecard_leaves_the_home_page_at_once_when_its_interviewer_leaves_the_team(
    client, member, teammate, team
):
    """They no longer open it (the team excuses them)."""
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    interview(application, member, timezone.now() + timedelta(days=1), teammate)
    client.force_login(member)
    assert "Nina Park" in section(client, SCORECARDS)

    membership.leave_team(team, member)

    assert section(client, SCORECARDS) == ""


def test_leadership_sees_a_stalled_pipeline_move_again_at_once(client, leadership, member, team):
    long_ago = timezone.now() - STALE_AFTER - timedelta(days=6)
    application = ApplicationFactory(
        opening__team=team, opening__title="SRE", stage="screen", stage_changed_at=long_ago
    )
    client.force_login(leadership)
    assert "SRE" in section(client, STALE)

    application.move_to("panel", member)

    assert section(client, STALE) == ""


def test_votes_proposed_times_and_panels_to_schedule_show_at_once(
    client, member, teammate, recruiter, team
):
    client.force_login(member)
    client.get("/")
    propose(team, teammate, "newcomer@example.com")  # still open: no team moves on
    assert "Add newcomer@example.com" in section(client, "Waiting for your vote")
    assert re.search(r"Platform</a>.*?<td>2</td>\s*<td>1</td>", client.get("/").text, re.S)

    application = panel_stage(team)
    panel = Panel.objects.create(application=application, created_by=recruiter)
    offered(panel, recruiter, at=timezone.now() - timedelta(days=1))
    client.force_login(recruiter)
    assert "Nina Park" in section(client, "Panels to schedule")
    proposed(panel)  # the candidate's own times
    assert "Nina Park" in section(client, "Candidates who proposed their own times")
    assert section(client, "Panels to schedule") == ""


# Each reader their own page.


def test_a_reader_never_receives_another_readers_cached_page(client, member, teammate, team):
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    interview(application, member, timezone.now() + timedelta(days=1), teammate)
    client.force_login(member)
    assert "Nina Park" in section(client, SCORECARDS)

    client.force_login(teammate)  # the same browser: the same CSRF cookie
    page = client.get("/").text

    assert "Hello, Ben Teammate" in page
    assert "Nina Park" not in page


# What changes with the clock alone holds until it does.


def test_a_scorecard_reads_the_same_until_its_interview_ends(member, teammate, team):
    now = timezone.now()
    ends = now + timedelta(hours=3)
    interview(ApplicationFactory(opening__team=team), member, ends, teammate)

    shown, until = lasting_at(member, now)

    assert until == ends
    assert lasting_at(member, until - timedelta(seconds=1))[0] == shown
    assert "overdue since" in lasting_at(member, until)[0]["content"]


def test_a_check_in_reads_the_same_until_it_closes_then_until_the_next_comes_due(
    member, teammate, team
):
    application = hired(team, member, days_ago=90)  # day 90's check-in is open
    open_now, next_due = application.check_ins.get(day=90), application.check_ins.get(day=180)
    now = timezone.now()

    shown, until = lasting_at(teammate, now)
    assert "day 90" in shown["content"]
    assert until == open_now.closes_at
    assert lasting_at(teammate, until - timedelta(seconds=1))[0] == shown

    closed, until = lasting_at(teammate, open_now.closes_at)
    assert not closed["any"]
    assert until == next_due.due_at
    assert "day 180" in lasting_at(teammate, until)[0]["content"]


def test_a_stalled_pipeline_reads_the_same_until_its_day_count_or_another_stalls(leadership, team):
    now = timezone.now()
    ApplicationFactory(
        opening__team=team,
        opening__title="SRE",
        stage="screen",
        stage_changed_at=now - STALE_AFTER - timedelta(days=6, hours=20),
    )
    moved = now - STALE_AFTER + timedelta(hours=2)
    ApplicationFactory(
        opening__team=team, opening__title="Frontend", stage="screen", stage_changed_at=moved
    )

    shown, until = lasting_at(leadership, now)
    assert until == moved + STALE_AFTER
    assert lasting_at(leadership, until - timedelta(seconds=1))[0] == shown

    stalled, until = lasting_at(leadership, until + timedelta(seconds=1))
    assert "Frontend" in stalled["content"]
    assert until == now + timedelta(hours=4)  # SRE's 21st day without a move
    assert "no move for 21 days" in lasting_at(leadership, until)[0]["content"]


def test_a_pipeline_stalls_when_its_latest_move_turns_stale_not_its_earliest(leadership, team):
    now = timezone.now()
    opening = OpeningFactory(team=team, title="Frontend")
    ApplicationFactory(
        opening=opening, stage="screen", stage_changed_at=now - STALE_AFTER + timedelta(hours=2)
    )
    latest = now - STALE_AFTER + timedelta(hours=5)
    ApplicationFactory(opening=opening, stage="panel", stage_changed_at=latest)

    shown, until = lasting_at(leadership, now)

    assert until == latest + STALE_AFTER
    assert lasting_at(leadership, until - timedelta(seconds=1))[0] == shown
    assert "Frontend" in lasting_at(leadership, until + timedelta(seconds=1))[0]["content"]


def test_times_offered_read_the_same_until_the_offer_expires(recruiter, team):
    now = timezone.now()
    panel = Panel.objects.create(application=panel_stage(team), created_by=recruiter)
    offer = offered(panel, recruiter, at=now - timedelta(days=1))

    shown, until = lasting_at(recruiter, now)

    assert until == offer.expires_at
    assert "no answer yet" in shown["content"]
    assert lasting_at(recruiter, until - timedelta(seconds=1))[0] == shown
    assert "no time booked or offered" in lasting_at(recruiter, until)[0]["content"]


# Only what the reader can have anything in is looked for.


def test_who_is_in_no_team_is_not_looked_for_what_needs_a_membership(
    client, leadership, member, teammate, recruiter, team
):
    fill(team, member, teammate, recruiter, 1)  # decisions, votes, offers, proposed times
    client.force_login(leadership)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    read = " ".join(query["sql"] for query in queries)
    for table in ("scorecards_checkin", "hiring_decision", "hiring_ballot", "hiring_offer"):
        assert f'"{table}"' not in read

    Membership.objects.create(team=team, user=leadership)
    propose(team, member, "after.joining@example.com")  # they vote on what is proposed since
    assert "Waiting for your vote" in client.get("/").text
    assert section(client, "Decisions waiting for your confirmation")
    assert section(client, "Offers to send")
