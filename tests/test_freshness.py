"""The cached board and reports: served again until their data changes, or the clock does."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiring import freshness
from hiring.debrief import decisions
from hiring.models import (
    Application,
    AuditEvent,
    CandidateEmail,
    Decision,
    FiguresOutdated,
    InterviewSession,
    Membership,
    Panel,
    SessionInterviewer,
    StageChange,
    Team,
    User,
)
from hiring.pipeline import applications, board
from hiring.reports import cached as cached_reports
from scorecards import scoring
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted


def column_text(response, stage):
    found = re.search(
        rf'aria-labelledby="col-{stage}">(.*?)</section>', response.content.decode(), re.S
    )
    return found.group(1)


def board_of(response):
    return response.text.split('id="board"')[1]


def test_a_cached_board_is_served_without_its_column_queries(
    client, leadership, team, django_assert_max_num_queries
):
    ApplicationFactory(opening=OpeningFactory(team=team), candidate__name="Ola Quinn")
    client.force_login(leadership)
    first = client.get("/pipeline/")

    # Session, user, organisation and the cache read: who sees every team reads no team.
    with django_assert_max_num_queries(4) as queries:
        again = client.get("/pipeline/")

    assert board_of(again) == board_of(first)
    assert "Ola Quinn" in again.text
    assert not any("hiring_application" in query["sql"] for query in queries.captured_queries)


def test_the_board_shows_a_stage_move_once_it_commits(
    client, member, team, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(opening=OpeningFactory(team=team), candidate__name="Ola Quinn")
    client.force_login(member)
    assert "Ola Quinn" in column_text(client.get("/pipeline/"), "applied")

    with django_capture_on_commit_callbacks(execute=True):
        applications.move_stage(application, Application.Stage.SCREEN, by=member)

    response = client.get("/pipeline/")
    assert "Ola Quinn" not in column_text(response, "applied")
    assert "Ola Quinn" in column_text(response, "screen")


def test_the_board_counts_scorecards_as_they_are_assigned_and_submitted(
    client, member, teammate, team, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    client.force_login(member)
    assert "0 of 0 submitted" in client.get("/pipeline/").text

    with django_capture_on_commit_callbacks(execute=True):
        item = scoring.assign(application, teammate, "skills", assigned_by=member)
    assert "0 of 1 submitted" in client.get("/pipeline/").text

    ratings = {criterion.pk: {"score": 3} for criterion in item.criteria.all()}
    with django_capture_on_commit_callbacks(execute=True):
        draft = scoring.save_draft(item, teammate, ratings=ratings, vote="yes")
    assert "0 of 1 submitted" in client.get("/pipeline/").text  # a draft changes nothing here
    with django_capture_on_commit_callbacks(execute=True):
        scoring.submit(item, teammate, draft.number)
    assert "1 of 1 submitted" in client.get("/pipeline/").text


def test_renaming_a_candidate_or_an_interviewer_reaches_cached_pages(
    client, leadership, member, teammate, team, django_capture_on_commit_callbacks
):
    # No team-fit quorum, so the two scorecards open the debrief and reach the reports.
    opening = OpeningFactory(team=team, min_team_fit_peers=0)
    application = ApplicationFactory(opening=opening, candidate__name="Ola Quinn")
    submitted(application, member, "skills", "yes")
    submitted(application, teammate, "skills", "no")
    client.force_login(leadership)
    assert "Ola Quinn" in client.get("/pipeline/").text
    assert "Ben Teammate" in client.get("/reports/").text

    application.candidate.name = "Ola Quinn-Reyes"
    with django_capture_on_commit_callbacks(execute=True):
        application.candidate.save()
    teammate.display_name = "Ben Renamed"
    teammate.save()

    assert "Ola Quinn-Reyes" in client.get("/pipeline/").text
    reports_page = client.get("/reports/").text
    assert "Ben Renamed" in reports_page
    assert "Ben Teammate" not in reports_page


def test_a_sign_in_leaves_cached_pages_alone(leadership, team):
    team.refresh_from_db()
    version = team.data_version
    leadership.last_login = timezone.now()
    leadership.save(update_fields=["last_login"])

    team.refresh_from_db()
    assert team.data_version == version


def versions():
    return dict(Team.objects.values_list("pk", "data_version"))


def interviewed_then_left(person, application):
    team = application.opening.team
    team.memberships.create(user=person)
    scoring.assign(application, person, "skills", assigned_by=person)
    team.memberships.filter(user=person).delete()


def seated(person, application):
    panel = Panel.objects.create(application=application, created_by=person)
    session = InterviewSession.objects.create(panel=panel, focus="skills")
    SessionInterviewer.objects.create(session=session, user=person)


def confirmed(person, application):
    recorder = UserFactory()
    Decision.objects.create(
        application=application,
        outcome="hire",
        recommendation="no_hire",
        recorded_by=recorder,
        confirmed_by=person,
    )


# Each way a person shows on a team's cached pages; all but the first without being a member.
SHOWN = {
    "member": lambda person, application: application.opening.team.memberships.create(user=person),
    "interviewer": interviewed_then_left,
    "seated on a panel": seated,
    "actor": lambda person, application: AuditEvent.record(
        AuditEvent.Action.STAGE_CHANGED, person, application.opening.team, application
    ),
    "decision recorder": lambda person, application: Decision.objects.create(
        application=application, outcome="hire", recommendation="hire", recorded_by=person
    ),
    "decision confirmer": confirmed,
    "stage mover": lambda person, application: StageChange.objects.create(
        application=application, to_stage="screen", by=person
    ),
    "email writer": lambda person, application: CandidateEmail.objects.create(
        application=application, kind="message", to="ola@example.com", created_by=person
    ),
    "referrer": lambda person, application: ApplicationFactory(
        opening=application.opening, source="referral", referred_by=person
    ),
}


@pytest.mark.parametrize("show", SHOWN.values(), ids=SHOWN.keys())
def test_a_change_to_a_person_moves_the_teams_that_show_them_alone(show, outsider, team):
    person = UserFactory(display_name="Dee Shown")
    show(person, ApplicationFactory(opening=OpeningFactory(team=team)))
    elsewhere = outsider.teams.get()
    before = versions()

    person.display_name = "Dee Renamed"
    person.save()

    after = versions()
    assert after[team.pk] > before[team.pk]
    assert after[elsewhere.pk] == before[elsewhere.pk]


def test_a_change_to_a_person_moves_their_teams_in_one_update(
    member, teammate, team, django_assert_max_num_queries
):
    for _ in range(3):
        application = ApplicationFactory(opening=OpeningFactory(team=team))
        submitted(application, member, "skills", "yes")
        submitted(application, teammate, "skills", "yes")
    before = versions()

    member.display_name = "Ana Renamed"
    with django_assert_max_num_queries(2):  # their row, and their teams' versions
        member.save()

    assert versions()[team.pk] > before[team.pk]


def test_a_new_person_moves_no_team(member, outsider, team):
    before = versions()

    User.objects.create_user("nia@example.com", display_name="Nia New")

    assert versions() == before


@pytest.fixture
def referral(team):
    """An application to `team` that Rob Referrer referred."""
    referrer = UserFactory(display_name="Rob Referrer")
    opening = OpeningFactory(team=team)
    return ApplicationFactory(opening=opening, source="referral", referred_by=referrer)


def test_renaming_a_referrer_reaches_the_cached_application_page(client, member, referral):
    client.force_login(member)
    assert "by Rob Referrer" in client.get(referral.get_absolute_url()).text

    referral.referred_by.display_name = "Rob Renamed"
    referral.referred_by.save()

    assert "by Rob Renamed" in client.get(referral.get_absolute_url()).text


def test_a_deleted_person_leaves_the_cached_application_page(client, member, referral):
    client.force_login(member)
    assert "Rob Referrer" in client.get(referral.get_absolute_url()).text

    referral.referred_by.delete()  # the referral keeps no referrer (SET_NULL sends no signal)

    assert "Rob Referrer" not in client.get(referral.get_absolute_url()).text


def test_a_new_role_reads_a_cached_page_anew_though_no_team_moved(
    client, leadership, outsider, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    stage_form = f'action="/applications/{application.pk}/stage/"'
    client.force_login(leadership)
    assert stage_form not in client.get(application.get_absolute_url()).text
    before = versions()

    # Leadership shows on no page: their cached entries go with their role.
    leadership.assign_role(User.Role.RECRUITER)

    assert stage_form in client.get(application.get_absolute_url()).text
    assert versions() == before


def test_a_change_to_one_team_leaves_the_others_cached(member, outsider, team):
    other = outsider.teams.get()
    before = {t.pk: t.data_version for t in Team.objects.all()}

    ApplicationFactory(opening=OpeningFactory(team=team))

    after = {t.pk: t.data_version for t in Team.objects.all()}
    assert after[team.pk] > before[team.pk]
    assert after[other.pk] == before[other.pk]


def test_saving_a_team_read_earlier_never_puts_its_version_back(team):
    earlier = Team.objects.get(pk=team.pk)
    freshness.team_changed([team.pk])
    moved_on = Team.objects.get(pk=team.pk).data_version

    earlier.description = "We run the platform."
    earlier.save()

    team.refresh_from_db()
    assert team.description == "We run the platform."
    assert team.data_version > moved_on


def test_no_board_column_expires_by_the_clock_but_on_the_stale_board(member, team):
    now = timezone.now()
    turning = now - board.STALE_AFTER + timedelta(hours=1)
    ApplicationFactory(opening=OpeningFactory(team=team), stage_changed_at=turning)

    # Its days in stage and flags are read against the clock on each request, in its card.
    columns, joins_at = board.first_pages(member, board.Filters(), now=now)

    assert joins_at == {}


def test_the_stale_board_expires_when_the_next_card_turns_stale(member, team):
    now = timezone.now()
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening, stage="panel", stage_changed_at=now - timedelta(days=30))
    turning = now - board.STALE_AFTER + timedelta(hours=2)
    ApplicationFactory(opening=opening, stage="panel", stage_changed_at=turning)
    ApplicationFactory(
        opening=opening, stage="screen", stage_changed_at=turning - timedelta(hours=1)
    )
    ApplicationFactory(opening=opening, stage="hired", stage_changed_at=turning)  # closed: never

    columns, joins_at = board.first_pages(member, board.Filters(stale=True), now=now)

    assert joins_at == {
        "panel": turning + board.STALE_AFTER,
        "screen": turning - timedelta(hours=1) + board.STALE_AFTER,
    }


def test_an_entry_whose_moment_has_passed_is_not_kept(team):
    calls = []

    def compute():
        calls.append(1)
        return "figures", timezone.now() - timedelta(seconds=1)

    freshness.cached("test", ("x",), [team], compute)
    freshness.cached("test", ("x",), [team], compute)

    assert len(calls) == 2


def test_reports_move_on_when_a_scorecard_is_submitted(client, leadership, member, teammate, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "team_fit", "yes")
    client.force_login(leadership)
    assert "No shared panels in this period." in client.get("/reports/").text

    submitted(application, teammate, "team_fit", "no")

    response = client.get("/reports/funnel.csv")
    assert response.status_code == 200
    page = client.get("/reports/").text
    assert "No shared panels in this period." not in page
    assert "Ben Teammate" in page


def test_a_new_member_sees_their_new_teams_board(client, team):
    newcomer = UserFactory(display_name="Nia New")
    ApplicationFactory(opening=OpeningFactory(team=team), candidate__name="Ola Quinn")
    client.force_login(newcomer)
    assert "Ola Quinn" not in client.get("/pipeline/").text

    team.memberships.create(user=newcomer)

    assert "Ola Quinn" in client.get("/pipeline/").text


def stage_form_token(response):
    form = re.search(r'action="/applications/\d+/stage/".*?</form>', response.text, re.S).group()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_a_cached_application_page_carries_a_token_of_the_current_session(member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    browser.get(application.get_absolute_url())  # cached for this session

    del browser.cookies["csrftoken"]  # as after signing in again: a new CSRF secret
    page = browser.get(application.get_absolute_url())
    moved = browser.post(
        f"{application.get_absolute_url()}stage/",
        {"stage": "screen", "csrfmiddlewaretoken": stage_form_token(page)},
    )

    assert moved.status_code == 302
    page = browser.get(application.get_absolute_url())
    assert '<span class="badge">Screen</span>' in page.text


def test_the_application_page_shows_a_new_panel_and_a_teammates_submission(
    client, member, teammate, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "skills", "yes")
    client.force_login(member)
    page = client.get(application.get_absolute_url()).text
    assert "Schedule a panel" in page
    assert "<td>Ben Teammate</td>" not in page

    Panel.objects.create(application=application, created_by=member)
    submitted(application, teammate, "team_fit", "no")

    page = client.get(application.get_absolute_url()).text
    assert "Panel and schedule" in page
    assert "<td>Ben Teammate</td>" in page


def test_the_debrief_shows_an_excusal_at_once(client, member, teammate, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "skills", "yes")
    waiting = scoring.assign(application, teammate, "team_fit", assigned_by=member)
    client.force_login(member)
    url = f"{application.get_absolute_url()}debrief/"
    assert "<span>Ben Teammate · Team fit</span>" in client.get(url).text

    decisions.excuse(waiting, member, "On leave for a month")

    assert "<span>Ben Teammate · Team fit</span>" not in client.get(url).text


def test_the_feedback_form_shows_each_saved_draft_and_the_submission(client, member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    item = scoring.assign(application, member, "skills", assigned_by=member)
    client.force_login(member)
    assert "ZEBRA-NOTE" not in client.get(item.get_absolute_url()).text

    [criterion] = item.criteria.all()
    draft = scoring.save_draft(
        item, member, ratings={criterion.pk: {"score": 3, "notes": "ZEBRA-NOTE"}}, vote="yes"
    )
    assert "ZEBRA-NOTE" in client.get(item.get_absolute_url()).text

    scoring.submit(item, member, draft.number)
    page = client.get(item.get_absolute_url()).text
    assert "Submitted feedback never changes" in page
    assert "ZEBRA-NOTE" in page


def test_the_worker_warms_the_reports_people_open_first(
    client, leadership, member, teammate, outsider, team, django_assert_max_num_queries
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "team_fit", "yes")
    submitted(application, teammate, "team_fit", "no")

    # Everyone's teams (leadership), Platform (Ana and Ben), Payments (the outsider).
    assert cached_reports.warm_default_reports() == 3

    for reader in (leadership, member, outsider):
        client.force_login(reader)
        # Session, user, organisation (made by the first request), teams, the reader's own
        # hires (4: their addresses, the records holding one as theirs, those holding one merged
        # in, the hires who joined at one of them), the cache read and the form's teams (twice
        # on a process's first page: what it shows, then its options): none of the reports' own
        # queries.
        with django_assert_max_num_queries(14) as queries:
            page = client.get("/reports/")
        assert page.status_code == 200
        assert not any("scorecards_rating" in query["sql"] for query in queries.captured_queries)
        assert ("Ben Teammate" in page.text) == (reader != outsider)
        # The validity page too: its hires and their check-ins are not read again.
        with django_assert_max_num_queries(12) as queries:
            page = client.get("/reports/validity/")
        assert page.status_code == 200
        assert not any("scorecards_checkin" in query["sql"] for query in queries.captured_queries)


def test_a_warming_run_with_nothing_changed_costs_the_same_queries_for_3_readers_and_for_30(
    leadership, member, outsider, team, django_assert_num_queries
):
    cached_reports.warm_default_reports()
    with CaptureQueriesContext(connection) as few:
        cached_reports.warm_default_reports()
    for _ in range(27):
        Membership.objects.create(team=team, user=UserFactory(time_zone=member.time_zone))
    cached_reports.warm_default_reports()  # the new readers' scopes are their teammates'

    # Each reader's teams are read together (every reader's query was 27 more).
    with django_assert_num_queries(len(few)):
        assert cached_reports.warm_default_reports() == 3


def test_one_warming_run_at_a_time(leadership, member, outsider, team):
    cache.add(cached_reports.WARMING, True, 60)  # a run in progress

    assert cached_reports.warm_default_reports() == 0

    cache.delete(cached_reports.WARMING)
    assert cached_reports.warm_default_reports() == 3  # everyone's teams, Platform, Payments


def test_every_model_a_team_reaches_is_watched_or_says_why_not():
    """A new model that team pages could show must be watched by freshness, or be listed as
    not shown on a cached page, with the reason."""
    ours = {"hiring", "scorecards"}
    reached, todo = set(), [Team]
    while todo:
        model = todo.pop()
        if model in reached:
            continue
        reached.add(model)
        todo += [
            field.related_model
            for field in model._meta.get_fields()
            if field.is_relation and field.related_model._meta.app_label in ours
        ]

    assert reached - set(freshness.WATCHED) - set(freshness.NOT_WATCHED) == set()
    assert set(freshness.WATCHED) & set(freshness.NOT_WATCHED) == set()


def page_computed(client, url, reads="scorecards_feedback"):
    """Whether `url`'s cached content was computed for this request: it read the table
    `reads`, which only its content reads (the panel; a scorecard's criteria)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return any(f'FROM "{reads}"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("path", ["", "debrief/"])
def test_another_applications_change_leaves_an_applications_pages_cached(
    client, member, teammate, team, path
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "skills", "yes")
    other = ApplicationFactory(opening=application.opening)
    client.force_login(member)
    url = f"{application.get_absolute_url()}{path}"
    assert page_computed(client, url)
    team_before = Team.objects.get(pk=team.pk).data_version

    applications.move_stage(other, "screen", member)
    submitted(other, teammate, "team_fit", "no")

    assert Team.objects.get(pk=team.pk).data_version > team_before  # the reports move on
    assert not page_computed(client, url)


def test_the_feedback_form_stays_cached_through_another_applications_change(
    client, member, teammate, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    item = scoring.assign(application, member, "skills", assigned_by=member)
    client.force_login(member)
    url = f"/feedback/{item.pk}/"
    assert page_computed(client, url, reads="scorecards_criterion")

    applications.move_stage(ApplicationFactory(opening=application.opening), "screen", member)

    assert not page_computed(client, url, reads="scorecards_criterion")


def test_a_change_every_page_of_the_team_shows_reaches_an_applications_page(
    client, member, teammate, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team, title="SRE"))
    client.force_login(member)
    assert "SRE" in client.get(application.get_absolute_url()).text

    application.opening.title = "Site reliability engineer"
    application.opening.save()

    assert "Site reliability engineer" in client.get(application.get_absolute_url()).text


def test_saving_an_application_read_earlier_keeps_what_updates_wrote(member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    earlier = Application.objects.get(pk=application.pk)
    freshness.pages_changed(Application.objects.filter(pk=application.pk))
    Application.objects.filter(pk=application.pk).update(panel_booked=True)
    moved_on = Application.objects.get(pk=application.pk).page_version

    earlier.note = "Referred at the meetup."
    earlier.save()

    application.refresh_from_db()
    assert application.note == "Referred at the meetup."
    assert application.panel_booked
    assert application.page_version > moved_on


# One write, many rows: what they change is written once, as the write ends.


def all_versions(team):
    team.refresh_from_db()
    return team.data_version, team.shared_version, team.hires_version


def test_a_write_moves_its_teams_and_pages_once_whatever_rows_it_saves(member, outsider, team):
    here = ApplicationFactory(opening=OpeningFactory(team=team))
    elsewhere = outsider.teams.get()
    here.refresh_from_db()
    before, page_before = all_versions(team), here.page_version
    other_before = all_versions(elsewhere)
    FiguresOutdated.objects.all().delete()

    with freshness.one_write():
        applications.move_stage(here, "screen", member)
        applications.move_stage(here, "panel", member)
        AuditEvent.record(AuditEvent.Action.STAGE_CHANGED, member, team, here, details="noted")

    data, shared, hires = all_versions(team)
    assert (data, shared, hires) == (before[0] + 1, before[1], before[2])
    here.refresh_from_db()
    assert here.page_version == page_before + 1
    assert all_versions(elsewhere) == other_before
    assert FiguresOutdated.objects.filter(team=team).count() == 1


def test_a_write_moves_what_each_of_its_changes_asks_for(member, outsider, team):
    hired = ApplicationFactory(opening=OpeningFactory(team=team), stage="hired")
    elsewhere = outsider.teams.get()
    other = ApplicationFactory(opening=OpeningFactory(team=elsewhere))
    before, other_before = all_versions(team), all_versions(elsewhere)

    with freshness.one_write():
        # A hire's page and a team-wide change here; an application's page elsewhere.
        freshness.pages_changed(Application.objects.filter(pk=other.pk))
        AuditEvent.record(AuditEvent.Action.STAGE_CHANGED, member, team, hired, details="hire")
        team.memberships.get(user=member).save()

    after, other_after = all_versions(team), all_versions(elsewhere)
    assert all(now > then for now, then in zip(after, before, strict=True))
    assert other_after[0] > other_before[0]
    assert other_after[1:] == other_before[1:]


def test_a_write_that_fails_leaves_nothing_noted_for_the_next(member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    before = all_versions(team)
    FiguresOutdated.objects.all().delete()

    def failing_write():
        with freshness.one_write():
            applications.move_stage(application, "screen", member)
            raise RuntimeError("the write fails")

    with pytest.raises(RuntimeError):
        failing_write()
    assert all_versions(team) == before
    assert not FiguresOutdated.objects.filter(team=team).exists()

    with freshness.one_write():
        pass
    assert all_versions(team) == before
