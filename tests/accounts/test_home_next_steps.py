"""Each home page says what its person should do next, each item a link, in a bounded number
of queries, and nothing their role may not act on or read."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from hiring.models import (
    Application,
    CandidateWindow,
    Decision,
    EmailTemplate,
    InterviewSession,
    Membership,
    Offer,
    Panel,
    SlotOffer,
    User,
)
from hiring.offers import offers
from hiring.outreach import messages
from hiring.pipeline.board import STALE_AFTER
from hiring.teams import membership
from scorecards import scoring
from tests.factories import ApplicationFactory, OpeningFactory, TeamFactory, propose, submit

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def section(page, heading):
    """The text of the home page's section under `heading`, or None."""
    found = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)</section>", page, re.S)
    return found and found.group(1)


def read(fragment):
    return " ".join(strip_tags(fragment).split())


def interview(application, interviewer, end, by):
    """`interviewer`'s scorecard for a one-hour interview ending at `end`."""
    panel, _ = Panel.objects.get_or_create(application=application, defaults={"created_by": by})
    session = InterviewSession.objects.create(
        panel=panel, focus="skills", start=end - timedelta(hours=1), end=end
    )
    # Booked as booking.book() leaves it (tests/scheduling checks it keeps the flag).
    Application.objects.filter(pk=application.pk).update(panel_booked=True)
    item = scoring.assign(application, interviewer, "skills", assigned_by=by)
    item.session = session
    item.save(update_fields=["session"])
    return item


def panel_stage(team, name="Nina Park", **fields):
    return ApplicationFactory(
        opening__team=team, candidate__name=name, stage=Application.Stage.PANEL, **fields
    )


def offered(panel, by, at=None):
    return SlotOffer.objects.create(
        panel=panel, options=[], created_by=by, created_at=at or timezone.now()
    )


def proposed(panel, at=None):
    start = timezone.now() + timedelta(days=3)
    return CandidateWindow.objects.create(
        panel=panel, start=start, end=start + timedelta(hours=2), created_at=at or timezone.now()
    )


def draft_offer(application, by):
    now = timezone.now()
    return Offer.objects.create(
        application=application,
        created_by=by,
        title="Platform Engineer",
        start_date=(now + timedelta(days=30)).date(),
        terms="€70,000 a year.",
        expires_at=now + timedelta(days=7),
    )


def hire(team, name, by, at=None, stage=Application.Stage.OFFER, **fields):
    """`name`'s application at `stage` that `team` decided to hire at `at`, following the
    rule, recorded by `by`."""
    application = ApplicationFactory(
        opening__team=team, candidate__name=name, stage=stage, **fields
    )
    Decision.objects.create(
        application=application,
        outcome="hire",
        recommendation="hire",
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    return application


# An interviewer's scorecards, each due when its interview ends.


def test_an_interviewer_sees_each_scorecard_due_in_their_zone(client, member, team):
    User.objects.filter(pk=member.pk).update(time_zone="Asia/Singapore")
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    ends = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    item = interview(application, member, ends, member)

    scorecards = section(home(client, member), "Your scorecards to write")

    assert f'href="{item.get_absolute_url()}">Nina Park</a>' in scorecards
    assert "interview Mon 4 Mar, 17:00 Singapore time · due Mon 4 Mar, 18:00 Singapore time" in (
        read(scorecards)
    )


def test_an_overdue_scorecard_says_since_when_and_comes_first(client, member, team):
    later = ApplicationFactory(opening__team=team, candidate__name="Later Interview")
    overdue = ApplicationFactory(opening__team=team, candidate__name="Past Interview")
    unscheduled = ApplicationFactory(opening__team=team, candidate__name="No Interview Yet")
    interview(later, member, timezone.now() + timedelta(days=2), member)
    interview(overdue, member, timezone.now() - timedelta(days=1), member)
    scoring.assign(unscheduled, member, "team_fit", assigned_by=member)

    scorecards = read(section(home(client, member), "Your scorecards to write"))

    assert scorecards.index("Past Interview") < scorecards.index("Later Interview")
    assert scorecards.index("Later Interview") < scorecards.index("No Interview Yet")
    assert re.search(r"Past Interview .* overdue since", scorecards)
    assert re.search(r"No Interview Yet · [^·]+ · Team fit not scheduled yet", scorecards)


def test_a_submitted_scorecard_leaves_the_list(client, member, team):
    application = ApplicationFactory(opening__team=team)
    submit(interview(application, member, timezone.now(), member))

    assert section(home(client, member), "Your scorecards to write") is None


# A member's votes and decisions to confirm.


def test_a_member_is_asked_for_their_vote_and_their_confirmation(client, member, teammate, team):
    propose(team, teammate, "newcomer@example.com")
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    Decision.objects.create(
        application=application, outcome="hire", recommendation="no_hire", recorded_by=teammate
    )

    page = home(client, member)

    votes = section(page, "Waiting for your vote")
    assert f'href="/teams/{team.pk}/#proposals">Platform</a>: Add newcomer@example.com' in votes
    decisions = section(page, "Decisions waiting for your confirmation")
    assert f'href="/applications/{application.pk}/debrief/">Nina Park</a>' in decisions
    # Neither is the recorder's, nor the proposer's, to act on.
    assert section(home(client, teammate), "Waiting for your vote") is None
    assert section(home(client, teammate), "Decisions waiting for your confirmation") is None


def test_a_member_still_to_write_is_not_asked_to_confirm(client, member, teammate, team):
    """They take no part in the decision until their scorecard is in (confirming is refused),
    and neither the debrief nor the board tells them that it waits for a confirmation: that
    says it departs from what the rule made of the feedback they may not read yet. The
    teammate who recorded it, who reads the feedback, is flagged on the board."""
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    scoring.assign(application, member, "skills", assigned_by=teammate)
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    Decision.objects.create(
        application=application, outcome="hire", recommendation="no_hire", recorded_by=teammate
    )

    assert section(home(client, member), "Decisions waiting for your confirmation") is None
    debrief = client.get(f"/applications/{application.pk}/debrief/").text
    # Not even that one was recorded: one not in force would show its outcome.
    assert "recorded by" not in debrief
    assert "confirm" not in debrief.lower()
    assert "<strong>Hire</strong>" not in debrief
    assert "decision to confirm" not in client.get("/pipeline/").text
    client.force_login(teammate)
    assert "decision to confirm" in client.get("/pipeline/").text


# A recruiter's panels to schedule, and candidates who proposed their own times.


def test_a_recruiter_sees_the_panels_to_schedule(client, recruiter, member, team):
    no_panel = panel_stage(team, "No Panel")
    waiting = panel_stage(team, "Times Offered")
    booked = panel_stage(team, "Already Booked")
    ApplicationFactory(opening__team=team, candidate__name="Still Screening", stage="screen")
    offered(Panel.objects.create(application=waiting, created_by=recruiter), recruiter)
    interview(booked, member, timezone.now() + timedelta(days=1), recruiter)

    panels = section(home(client, recruiter), "Panels to schedule")

    assert f'href="/applications/{no_panel.pk}/panel/">No Panel</a>' in panels
    assert re.search(r"No Panel · .* no panel yet", read(panels))
    assert re.search(r"Times Offered · .* times offered .*, no answer yet", read(panels))
    assert "Already Booked" not in panels
    assert "Still Screening" not in panels
    assert section(home(client, member), "Panels to schedule") is None  # the recruiter's


def test_a_candidates_own_times_wait_until_new_times_are_offered(client, recruiter, team):
    application = panel_stage(team)
    panel = Panel.objects.create(application=application, created_by=recruiter)
    offered(panel, recruiter, at=timezone.now() - timedelta(days=2))
    proposed(panel, at=timezone.now() - timedelta(days=1))
    proposed(panel, at=timezone.now() - timedelta(days=1))

    page = home(client, recruiter)
    times = section(page, "Candidates who proposed their own times")

    assert f'href="/applications/{application.pk}/panel/">Nina Park</a>' in times
    assert "2 times proposed" in read(times)
    assert section(page, "Panels to schedule") is None  # listed once, with what they proposed
    offered(panel, recruiter)
    page = home(client, recruiter)
    assert section(page, "Candidates who proposed their own times") is None
    assert "Nina Park" in section(page, "Panels to schedule")


def test_a_member_hears_of_proposed_times_only_for_the_times_they_offered(
    client, member, teammate, outsider, recruiter, team
):
    application = panel_stage(team)
    panel = Panel.objects.create(application=application, created_by=member)
    offered(panel, member, at=timezone.now() - timedelta(days=1))
    proposed(panel)

    heading = "Candidates who proposed their own times"
    assert "Nina Park" in section(home(client, member), heading)
    assert section(home(client, teammate), heading) is None
    assert section(home(client, outsider), heading) is None
    assert "Nina Park" in section(home(client, recruiter), heading)


# Offers to send.


def test_draft_offers_wait_for_those_who_run_the_teams_pipeline(
    client, recruiter, member, outsider, leadership, team
):
    application = ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage="offer")
    draft = draft_offer(application, recruiter)

    to_send = section(home(client, recruiter), "Offers to send")

    assert f'href="/applications/{application.pk}/offers/{draft.pk}/send/">Nina Park</a>' in to_send
    assert "Nina Park" in section(home(client, member), "Offers to send")
    assert section(home(client, outsider), "Offers to send") is None
    assert section(home(client, leadership), "Offers to send") is None
    offers.withdraw(draft, recruiter)  # the cached list follows the offer's team
    assert section(home(client, recruiter), "Offers to send") is None


def test_a_member_who_left_is_shown_neither_their_scorecard_nor_the_teams_decisions_and_offers(
    client, member, teammate, recruiter, team
):
    """The scorecard they left unwritten no longer opens for them (the team excuses them): the
    home page linked it, a 404; the team's confirmations, offers and proposed times are for its
    members (next_steps.own_teams)."""
    Membership.objects.create(team=TeamFactory(), user=member)  # still runs a pipeline
    scored = ApplicationFactory(opening__team=team, candidate__name="Omar Diaz")
    interview(scored, member, timezone.now() + timedelta(days=1), teammate)
    decided = ApplicationFactory(opening__team=team, candidate__name="Nina Park")
    Decision.objects.create(
        application=decided, outcome="hire", recommendation="no_hire", recorded_by=teammate
    )
    draft_offer(ApplicationFactory(opening__team=team, candidate__name="Ada Wong"), recruiter)
    panel = Panel.objects.create(application=panel_stage(team, "Ben Ito"), created_by=member)
    offered(panel, member, at=timezone.now() - timedelta(days=1))
    proposed(panel)
    page = home(client, member)
    assert "Nina Park" in section(page, "Decisions waiting for your confirmation")
    assert "Ada Wong" in section(page, "Offers to send")
    assert "Ben Ito" in section(page, "Candidates who proposed their own times")

    assert "Omar Diaz" in section(page, "Your scorecards to write")

    membership.leave_team(team, member)

    page = home(client, member)
    assert section(page, "Your scorecards to write") is None
    assert client.get(reverse("feedback_form", args=[scored.feedback.get().pk])).status_code == 404
    assert section(page, "Decisions waiting for your confirmation") is None
    assert section(page, "Offers to send") is None
    assert section(page, "Candidates who proposed their own times") is None


# Emails to candidates waiting for a person to send them.


def rejection(team, name, **fields):
    application = ApplicationFactory(
        opening__team=team, candidate__name=name, stage="rejected", **fields
    )
    return messages.queue_email(
        application, EmailTemplate.Kind.REJECTED_AFTER_SCREEN, awaiting_confirmation=True
    )


HEADING = "Emails to candidates waiting for your confirmation"


def test_rejection_emails_wait_for_those_who_run_the_teams_pipeline(
    client, recruiter, member, outsider, leadership, team
):
    email = rejection(team, "Nina Park")

    waiting = section(home(client, recruiter), HEADING)

    url = f"/applications/{email.application_id}/#candidate-emails"
    assert f'href="{url}">Nina Park</a>' in waiting
    assert "Nina Park · " + email.application.opening.title in read(waiting)
    assert "Rejection after screen" in read(waiting)
    assert "Nina Park" in section(home(client, member), HEADING)
    assert section(home(client, outsider), HEADING) is None
    assert section(home(client, leadership), HEADING) is None
    # Sent or discarded, it leaves the list at once (the page reads it on every request).
    messages.confirm(email)
    assert section(home(client, recruiter), HEADING) is None
    assert section(home(client, member), HEADING) is None


def test_a_members_own_rejection_is_not_theirs_to_send(client, member, teammate, team):
    rejection(team, "Member Applying", candidate__email=member.email)
    rejection(team, "Nina Park")

    waiting = section(home(client, member), HEADING)

    assert "Nina Park" in waiting
    assert "Member Applying" not in waiting
    assert "Member Applying" in section(home(client, teammate), HEADING)


# Leadership's pipelines that stopped moving.


def test_leadership_sees_the_pipelines_that_stopped_moving(client, leadership, member, team):
    long_ago = timezone.now() - STALE_AFTER - timedelta(days=6)
    stuck = OpeningFactory(team=team, title="SRE")
    moving = OpeningFactory(team=team, title="Frontend")
    finished = OpeningFactory(team=team, title="Finished")
    for _ in range(2):
        ApplicationFactory(opening=stuck, stage="screen", stage_changed_at=long_ago)
    ApplicationFactory(opening=moving, stage="screen", stage_changed_at=long_ago)
    ApplicationFactory(opening=moving, stage="panel")  # moved today
    ApplicationFactory(opening=finished, stage="hired", stage_changed_at=long_ago)

    stale = section(home(client, leadership), "Pipelines that stopped moving")

    assert f'href="/pipeline/?team={team.pk}&amp;opening={stuck.pk}">SRE</a>' in stale
    assert "2 open applications, no move for 20 days" in read(stale)
    assert "Frontend" not in stale
    assert "Finished" not in stale
    assert section(home(client, member), "Pipelines that stopped moving") is None


def test_nothing_to_do_says_so(client, member):
    assert "Nothing is waiting for you." in home(client, member)


# A bounded number of queries, whatever the numbers waiting.


def fill(team, member, teammate, recruiter, count):
    long_ago = timezone.now() - STALE_AFTER - timedelta(days=1)
    for i in range(count):
        application = ApplicationFactory(opening__team=team)
        interview(application, member, timezone.now() + timedelta(days=i), member)
        panel = Panel.objects.get(application=application)
        InterviewSession.objects.filter(panel=panel).update(start=None, end=None)
        offered(panel, member, at=timezone.now() - timedelta(days=1))
        proposed(panel)
        Application.objects.filter(pk=application.pk).update(stage="panel", panel_booked=False)
        panel_stage(team, name=f"Unscheduled {i}")
        decided = ApplicationFactory(opening__team=team, stage="offer")
        Decision.objects.create(
            application=decided, outcome="hire", recommendation="no_hire", recorded_by=teammate
        )
        draft_offer(decided, recruiter)
        hire(team, f"No Offer {i}", teammate)
        expired = draft_offer(hire(team, f"Offer Expired {i}", teammate), recruiter)
        Offer.objects.filter(pk=expired.pk).update(status="expired")
        propose(team, teammate, f"newcomer{count}-{i}@example.com")
        rejection(team, f"Rejected {i}")
        ApplicationFactory(opening__team=team, stage="screen", stage_changed_at=long_ago)


SECTIONS = {
    "member": [
        "Your scorecards to write",
        "Decisions waiting for your confirmation",
        "Waiting for your vote",
        "Candidates who proposed their own times",
        "Offers to send",
        "Hires with no offer",
        "Offers expired unanswered",
        HEADING,
    ],
    "recruiter": [
        "Candidates who proposed their own times",
        "Panels to schedule",
        "Offers to send",
        "Hires with no offer",
        "Offers expired unanswered",
        HEADING,
    ],
    "leadership": ["Pipelines that stopped moving"],
}


def test_the_home_page_runs_a_bounded_number_of_queries(
    member, teammate, recruiter, leadership, team, django_assert_max_num_queries
):
    """Each persona's home, read on the same data at two sizes (made once for them all)."""
    readers = {"member": member, "recruiter": recruiter, "leadership": leadership}
    clients, counts, pages = {}, {persona: [] for persona in SECTIONS}, {}
    for persona, user in readers.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
        clients[persona].get("/")  # the session and the organisation settled
    for added in (1, 14):
        fill(team, member, teammate, recruiter, added)
        for persona, reader in clients.items():
            # 24: leadership's stalled pipelines count the open applications of those shown,
            # and proposed times look first whether any candidate proposed some.
            with django_assert_max_num_queries(24) as queries:
                pages[persona] = reader.get("/").text
            counts[persona].append(len(queries))

    for persona, headings in SECTIONS.items():
        assert counts[persona][0] == counts[persona][1], persona
        for heading in headings:
            rows = section(pages[persona], heading)
            assert rows.count("<li>") == 10, (persona, heading)  # and a link to the rest
            assert re.search(r'<p><a href="[^"]+">[^<]+</a></p>\s*$', rows), (persona, heading)
