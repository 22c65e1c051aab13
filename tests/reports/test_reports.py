"""Reports: figures from the database, scoped to who may see them, downloadable as CSV."""

import csv
import io
import re
from datetime import timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hiring import freshness
from hiring.models import (
    Application,
    ClosingReason,
    Decision,
    InterviewSession,
    Panel,
    SessionInterviewer,
    StageChange,
)
from hiring.pipeline import applications, board
from hiring.reports import queries
from hiring.reports.forms import DEFAULT_PERIOD
from scorecards import scoring
from scorecards.agreement import LEANING_MIN_RATINGS
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted


def moved(application, *stages, days_each=2):
    """Walk an application through `stages`, `days_each` apart, ending now."""
    when = timezone.now() - timedelta(days=days_each * len(stages))
    previous = application.stage
    for stage in stages:
        application.stage_changes.filter(left_at=None).update(left_at=when)
        StageChange.objects.create(
            application=application, from_stage=previous, to_stage=stage, at=when
        )
        previous, when = stage, when + timedelta(days=days_each)
    application.stage = previous
    application.save(update_fields=["stage"])


def section_svg(page, name):
    """The SVG of the chart of a section of the reports page, or None."""
    found = re.search(rf'<svg[^>]*aria-labelledby="{name}-title.*?</svg>', page, re.DOTALL)
    return found and found.group()


def test_funnel_counts_applications_that_reached_each_stage_or_beyond(client, leadership, team):
    opening = OpeningFactory(team=team)
    moved(ApplicationFactory(opening=opening), "screen", "panel", "debrief")
    moved(ApplicationFactory(opening=opening), "panel")  # skipped the screen
    ApplicationFactory(opening=opening)
    client.force_login(leadership)

    funnel = {row["stage"]: row for row in client.get("/reports/").context["funnel"]}

    assert funnel["Applied"]["reached"] == 3
    assert funnel["Screen"]["reached"] == 2
    assert funnel["Panel"]["reached"] == 2
    assert funnel["Debrief"]["reached"] == 1
    assert funnel["Debrief"]["pass_through_pct"] == 50


def test_time_in_stage_is_the_median_between_moves(client, leadership, team):
    opening = OpeningFactory(team=team)
    for days in (2, 2, 8):
        moved(ApplicationFactory(opening=opening), "screen", "panel", days_each=days)
    moved(ApplicationFactory(opening=opening), "screen", "panel", "debrief", days_each=4)
    client.force_login(leadership)

    rows = {row["stage"]: row for row in client.get("/reports/").context["time_in_stage"]}

    assert rows["Screen"] == {"stage": "Screen", "median_days": 3.0, "moves": 4}  # 2, 2, 4, 8
    assert rows["Panel"] == {"stage": "Panel", "median_days": 4.0, "moves": 1}


def test_the_funnel_says_how_many_applications_are_still_in_progress(client, leadership, team):
    opening = OpeningFactory(team=team)
    moved(ApplicationFactory(opening=opening), "screen", "offer", "hired")
    moved(ApplicationFactory(opening=opening), "screen", "offer")  # its offer still open
    moved(ApplicationFactory(opening=opening), "screen", "rejected")
    moved(ApplicationFactory(opening=opening), "screen", "offer", "hired", "withdrawn")
    client.force_login(leadership)

    response = client.get("/reports/")
    text = response.content.decode()
    funnel_csv = client.get("/reports/funnel.csv").content.decode("utf-8-sig").splitlines()

    # The open offer is not through Hired yet: said beside the 33% rather than read as a loss.
    assert response.context["funnel"][-1]["pass_through_pct"] == 33
    assert response.context["in_progress"] == 1
    assert "1 application of the period is still in progress" in text
    assert funnel_csv[-3:] == ["", "Still in progress", "1"]


def test_time_to_decision_is_the_median_over_decided_applications(client, leadership, member, team):
    opening = OpeningFactory(team=team)
    now = timezone.now()
    for days in (1, 5, 30):
        application = ApplicationFactory(opening=opening, created_at=now - timedelta(days=days))
        Decision.objects.create(
            application=application,
            outcome="hire",
            recommendation="hire",
            recorded_by=member,
            recorded_at=now,
        )
    client.force_login(leadership)

    response = client.get("/reports/")

    assert response.context["to_decision"] == {"median_days": 5.0, "decisions": 3}
    assert "Median time to decision: <strong>5.0 days</strong> over 3 decisions" in response.text


def test_one_decision_is_no_median_and_none_is_no_figure(client, leadership, member, team):
    application = ApplicationFactory(
        opening=OpeningFactory(team=team), created_at=timezone.now() - timedelta(days=6)
    )
    Decision.objects.create(
        application=application, outcome="hire", recommendation="hire", recorded_by=member
    )
    client.force_login(leadership)

    text = client.get("/reports/").text

    assert "Time to decision: <strong>6.0 days</strong>, for the one decision of the" in text
    assert "too few for a median" in text
    assert "Time to hire: no application of the period was hired." in text
    assert "No application of the period has moved on from a stage." in text
    assert "Median time" not in text
    assert "– days" not in text


def test_time_to_decision_runs_to_the_confirmation_of_a_decision_that_needs_one(
    client, leadership, member, teammate, team
):
    opening = OpeningFactory(team=team)
    now = timezone.now()
    departing = {"outcome": "hire", "recommendation": "no_hire", "recorded_by": member}
    waiting = ApplicationFactory(opening=opening, created_at=now - timedelta(days=9))
    Decision.objects.create(application=waiting, recorded_at=now, **departing)
    confirmed = ApplicationFactory(opening=opening, created_at=now - timedelta(days=4))
    Decision.objects.create(
        application=confirmed,
        recorded_at=now - timedelta(days=3),
        confirmed_by=teammate,
        confirmed_at=now,
        **departing,
    )
    client.force_login(leadership)

    response = client.get("/reports/")

    # The one waiting for a second member is not decided yet; the other took four days.
    assert response.context["to_decision"] == {"median_days": 4.0, "decisions": 1}


def test_time_to_hire_runs_from_the_application_to_the_accepted_offer(client, leadership, team):
    opening = OpeningFactory(team=team)
    for days_each in (3, 5, 10):  # applied 5 steps ago, hired 1 step ago: 12, 20 and 40 days
        application = ApplicationFactory(
            opening=opening, created_at=timezone.now() - timedelta(days=5 * days_each)
        )
        moved(application, "screen", "panel", "offer", "hired", days_each=days_each)
    moved(ApplicationFactory(opening=opening), "screen", "rejected")
    client.force_login(leadership)

    response = client.get("/reports/")

    assert response.context["to_hire"] == {"median_days": 20.0, "hires": 3}
    assert "Median time to hire: <strong>20.0 days</strong> over 3 hires" in response.text


def test_a_team_member_sees_only_their_teams(client, member, outsider, team):
    ApplicationFactory(opening=OpeningFactory(team=team))
    ApplicationFactory(opening=OpeningFactory(team=outsider.teams.get()))
    client.force_login(member)

    response = client.get("/reports/")

    assert response.context["funnel"][0]["reached"] == 1
    other_team = outsider.teams.get().pk
    assert client.get(f"/reports/?team={other_team}").status_code == 404
    assert client.get(f"/reports/funnel.csv?team={other_team}").status_code == 404


def test_a_team_that_is_no_number_is_an_error_beside_the_field(client, leadership, team):
    client.force_login(leadership)

    for url in ("/reports/", "/reports/validity/"):
        for team_given in ("abc", "1.5", "%C2%B2", "-1"):
            response = client.get(f"{url}?team={team_given}")
            assert response.status_code == 400, (url, team_given)
            assert 'id="id_team_error"' in response.text
    for csv_url in ("/reports/funnel.csv", "/reports/validity.csv"):
        response = client.get(f"{csv_url}?team=abc")
        assert (response.status_code, response.text) == (400, "The team is not valid.")
    assert client.get(f"/reports/?team={team.pk + 1000}").status_code == 404


def test_recruiters_have_no_reports(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/funnel.csv").status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(client, leadership):
    client.force_login(leadership)
    response = client.get("/reports/?start=2030-02-01&end=2030-01-01")
    assert response.status_code == 400
    assert "The period starts after it ends." in response.text


def test_agreement_and_calibration_come_from_submitted_scorecards(
    client, leadership, member, teammate, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    submitted(application, member, "team_fit", "yes")
    submitted(application, teammate, "team_fit", "no")
    client.force_login(leadership)

    response = client.get("/reports/")

    [row] = response.context["agreement"]
    assert row["criterion"] == "Collaboration"
    assert row["panels"] == 1
    offsets = {row["interviewer"]: row["vote_offset"] for row in response.context["calibration"]}
    assert offsets == {"Ana Member": 1.0, "Ben Teammate": -1.0}


@pytest.mark.parametrize("stage", ["hired", "debrief"])
def test_the_candidate_reads_no_calibration_nor_agreement_of_a_period_with_their_hiring(
    client, leadership, member, teammate, peer, team, stage
):
    """With their panel alone in the period, each interviewer's offset said how they voted: a
    hire who joined, and a member who applied to their own team's opening and was not hired."""
    own = ApplicationFactory(opening=OpeningFactory(team=team), candidate__email=member.email)
    submitted(own, teammate, "team_fit", "yes")
    submitted(own, peer, "team_fit", "no")
    if stage == "hired":
        own.move_to("hired", teammate)

    client.force_login(member)
    page = client.get("/reports/")
    csv_rows = (
        client.get("/reports/calibration.csv").content.decode("utf-8-sig").strip().splitlines()
    )
    client.force_login(leadership)
    leadership_page = client.get("/reports/")

    assert "Calibration and agreement are left out: your own hiring" in page.text
    assert "Ben Teammate" not in page.text
    assert len(csv_rows) == 1  # the header
    assert "Ben Teammate" in leadership_page.text
    assert "left out: your own hiring" not in leadership_page.text


def test_each_report_downloads_as_csv(client, leadership, team):
    moved(ApplicationFactory(opening=OpeningFactory(team=team)), "screen")
    client.force_login(leadership)

    response = client.get("/reports/funnel.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == {"Stage": "Applied", "Reached": "1", "Pass-through (%)": ""}
    assert client.get("/reports/nonsense.csv").status_code == 404


@pytest.mark.parametrize("size", [2, 25])
def test_reports_run_a_fixed_number_of_queries(
    client, leadership, member, teammate, team, size, django_assert_max_num_queries
):
    opening = OpeningFactory(team=team)
    for index in range(size):
        application = ApplicationFactory(opening=opening, stage=Application.Stage.PANEL)
        moved(application, "screen", "panel")
        submitted(application, member, "skills", "yes")
        submitted(application, teammate, "skills", "strong_yes")
        # As many closed, each with its own reason: a row of the closing counts each.
        closed = ApplicationFactory(opening=opening)
        reason = ClosingReason.values[index % len(ClosingReason.values)]
        closed.move_to(["rejected", "withdrawn"][index % 2], member, reason=reason)
    # A reader whose midnight is never UTC's (London's is, but only in winter): the partial
    # days at the period's ends are read from their rows on every day of the year.
    leadership.time_zone = "Asia/Kolkata"
    leadership.save()
    client.force_login(leadership)
    freshness.fragments.clear()

    # Not cached yet: session, user, organisation (created on this first request), teams three
    # times (the scope, and the period fields: what they show, then their options), the
    # reports, and the database cache: a read and a write for the figures and for the rendered
    # page, each write in a savepoint. The running figures of the day the
    # applications changed are rebuilt first, whatever their number: the team's row locked, the
    # day's rows read (applications, moves, decisions, feedback, ratings, seats) and its parts
    # replaced (hiring/reports/figures.py). The rendered page is kept twice: up to date, and as
    # last computed (hiring/reports/cached.py). The closing counts: one query reads them, and
    # the day's rebuild replaces them (a deletion and an insertion). The partial days at the
    # period's ends, read from their rows: the applications, their moves, decisions and
    # scorecards (figures.application_parts).
    with django_assert_max_num_queries(59):
        response = client.get("/reports/")

    assert sum(row["closed"] for row in response.context["closing"]) == size


def test_each_move_ends_the_stage_before_it(member, team):
    application = applications.add_application(
        OpeningFactory(team=team), member, name="Dana Candidate", email="dana@candidates.example"
    ).application
    applications.move_stage(application, "screen", by=member)
    applications.move_stage(application, "panel", by=member)

    applied, screen, panel = application.stage_changes.order_by("at", "pk")

    assert (applied.left_at, screen.left_at) == (screen.at, panel.at)
    assert panel.left_at is None


def test_a_teams_report_period_can_use_its_index_on_postgresql(team):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN is checked in CI's PostgreSQL run")
    ApplicationFactory(opening=OpeningFactory(team=team))
    today = timezone.localdate()
    scope = queries.scope_for([team], today - timedelta(days=30), today)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask what it could use
        plan = scope.created.explain()

    assert "application_opening_created" in plan


def late_scorecard(team, member):
    """An application of `team` whose interview ended three hours ago and whose scorecard
    `member` has not written: the application and the session."""
    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=member)
    ended = timezone.now() - timedelta(hours=3)
    session = InterviewSession.objects.create(
        panel=panel, focus="skills", start=ended - timedelta(hours=1), end=ended
    )
    late = scoring.assign(application, member, "skills", assigned_by=member)
    late.session = session
    late.save(update_fields=["session"])
    return application, session


def test_overdue_feedback_is_counted_per_interviewer_in_a_chart_a_table_and_a_csv(
    client, leadership, member, teammate, team
):
    application, session = late_scorecard(team, member)
    excused = scoring.assign(application, teammate, "skills", assigned_by=member)
    excused.session = session
    excused.excused_at = timezone.now()
    excused.save(update_fields=["session", "excused_at"])
    client.force_login(leadership)

    page = client.get("/reports/").text
    rows = list(
        csv.DictReader(io.StringIO(client.get("/reports/overdue.csv").content.decode("utf-8-sig")))
    )

    assert "<tr><td>Ana Member</td><td>1</td></tr>" in page
    assert "Ben Teammate</td>" not in page.split("Overdue feedback")[1].split("</section>")[0]
    assert rows == [{"Interviewer": "Ana Member", "Overdue scorecards": "1"}]


def test_a_closed_applications_unwritten_scorecard_is_not_overdue(client, leadership, member, team):
    """The candidate withdrew: nobody is reminded of it, nor counted as late with it."""
    application, _session = late_scorecard(team, member)
    applications.move_stage(application, Application.Stage.WITHDRAWN, member, reason="personal")
    client.force_login(leadership)

    rows = list(
        csv.DictReader(io.StringIO(client.get("/reports/overdue.csv").content.decode("utf-8-sig")))
    )
    card = Application.objects.get(pk=application.pk)
    board._with_scorecards([card])

    assert rows == []
    assert (card.submitted, card.overdue_feedback) == (0, None)


def test_a_scorecard_is_overdue_in_the_period_of_its_interview_not_of_its_application(
    client, leadership, member, team
):
    """An application from before the period, interviewed last week: its late scorecard is the
    period's. A period that ended before the interview holds none of it."""
    application, session = late_scorecard(team, member)
    Application.objects.filter(pk=application.pk).update(
        created_at=timezone.now() - timedelta(days=DEFAULT_PERIOD.days + 30)
    )
    client.force_login(leadership)
    # The day before the interview's in the reader's zone: three hours ago may be yesterday.
    interviewed_on = session.end.astimezone(ZoneInfo(leadership.time_zone)).date()
    before = {
        "start": interviewed_on - timedelta(days=60),
        "end": interviewed_on - timedelta(days=1),
    }

    this_period = client.get("/reports/overdue.csv").content.decode("utf-8-sig")
    earlier = client.get("/reports/overdue.csv", before).content.decode("utf-8-sig")

    assert list(csv.DictReader(io.StringIO(this_period))) == [
        {"Interviewer": "Ana Member", "Overdue scorecards": "1"}
    ]
    assert list(csv.DictReader(io.StringIO(earlier))) == []


def test_the_period_names_the_zone_its_days_are_counted_in(client, leadership):
    """Two readers in other zones read other numbers for the same dates: the page says why."""
    leadership.time_zone = "Europe/Berlin"
    leadership.save(update_fields=["time_zone"])
    client.force_login(leadership)

    for path in ("/reports/", "/reports/validity/"):
        assert "Days start at midnight, Berlin time." in client.get(path).text


def test_the_period_fields_show_the_default_period_in_the_readers_zone(client, leadership):
    leadership.time_zone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of UTC
    leadership.save(update_fields=["time_zone"])
    client.force_login(leadership)
    today = timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati"))

    page = client.get("/reports/").text

    assert f'name="start" value="{today - DEFAULT_PERIOD:%Y-%m-%d}"' in page
    assert f'name="end" value="{today:%Y-%m-%d}"' in page
    assert f"Left empty: {DEFAULT_PERIOD.days} days before the end." in page
    assert "Left empty: today." in page


def test_a_chosen_end_shows_the_start_it_implies(client, leadership):
    client.force_login(leadership)

    page = client.get("/reports/", {"start": "", "end": "2026-03-31"}).text

    assert 'name="start" value="2025-10-02"' in page  # 180 days before
    assert 'name="end" value="2026-03-31"' in page


def test_the_period_fields_follow_the_teams_and_the_language(client, leadership, team):
    client.force_login(leadership)
    assert f'<option value="{team.pk}">Platform</option>' in client.get("/reports/").text

    team.name = "Platform engineering"
    team.save()
    leadership.language = "de"
    leadership.save(update_fields=["language"])
    page = client.get("/reports/").text

    assert f'<option value="{team.pk}">Platform engineering</option>' in page
    assert "Left empty: today." not in page


def test_a_leaning_names_its_sample_and_is_not_told_from_too_few(
    client, leadership, member, teammate, team
):
    """Ana scores 4 where Ben scores 1 (one criterion): lenient only once the panels add up."""
    opening = OpeningFactory(team=team)

    def panel():
        application = ApplicationFactory(opening=opening)
        submitted(application, member, "team_fit", "strong_yes", score=4)
        submitted(application, teammate, "team_fit", "no", score=1)

    client.force_login(leadership)
    panel()
    few = client.get("/reports/").text
    for _ in range(LEANING_MIN_RATINGS - 1):
        panel()
    enough = client.get("/reports/").text

    assert '<td>not enough yet <span class="muted">(1 panel, 1 rating)</span></td>' in few
    assert "lenient" not in few
    assert '<td>lenient <span class="muted">(10 panels, 10 ratings)</span></td>' in enough
    assert '<td>severe <span class="muted">(10 panels, 10 ratings)</span></td>' in enough


def test_the_interviewer_tables_show_those_that_need_a_look_and_the_csv_every_one(
    client, leadership, team, settings
):
    from hiring.reports.shown import SHOWN_ROWS

    application = ApplicationFactory(opening=OpeningFactory(team=team))
    panel = Panel.objects.create(application=application, created_by=leadership)
    start = timezone.now() - timedelta(days=3)
    people = [UserFactory(display_name=f"Interviewer {n:02}") for n in range(30)]
    for n, person in enumerate(people):
        session = InterviewSession.objects.create(
            panel=panel, focus="skills", start=start, end=start + timedelta(hours=1)
        )
        # The last five are over their cap of 0 this week: they come first.
        person.weekly_interview_cap = 0 if n >= 25 else 5
        person.save()
        SessionInterviewer.objects.create(
            session=session, user=person, start=session.start, end=session.end
        )
    client.force_login(leadership)

    page = client.get("/reports/").content.decode()
    csv_rows = list(
        csv.DictReader(io.StringIO(client.get("/reports/load.csv").content.decode("utf-8-sig")))
    )

    shown = [f"Interviewer {n:02}" for n in range(30) if f"<td>Interviewer {n:02}</td>" in page]
    assert len(shown) == SHOWN_ROWS
    assert {f"Interviewer {n}" for n in range(25, 30)} <= set(shown)
    assert f"The {SHOWN_ROWS} of 30 interviewers most often over their cap" in page
    assert len({row["Interviewer"] for row in csv_rows}) == 30
    # Its chart draws the rows the table shows, no more.
    chart = section_svg(page, "load")
    assert chart.count("<rect") == SHOWN_ROWS
    assert chart.count('class="chart-bar over"') == 5


def test_the_agreement_table_shows_the_criteria_agreeing_least_and_the_csv_every_one(
    client, leadership
):
    """A row per team's criterion is a row per opening's copy of a template: thousands across a
    large organisation, each a bar and a table row, before the page showed the 25 agreeing
    least."""
    from hiring.reports.shown import SHOWN_ROWS
    from tests.reports.test_calibration import stored

    # Criteria 1 to 25 rated alike on each application (alpha 1), criterion 26 apart.
    ratings = [row for n in range(1, 26) for row in [(1, n, 1, 3), (1, n, 2, 3), (2, n, 1, 2)]]
    ratings += [(2, n, 2, 2) for n in range(1, 26)]
    ratings += [(1, 26, 1, 1), (1, 26, 2, 4), (2, 26, 1, 4), (2, 26, 2, 1)]
    stored(ratings, [])
    client.force_login(leadership)

    page = client.get("/reports/").content.decode()
    csv_text = client.get("/reports/agreement.csv").content.decode("utf-8-sig")

    shown = [n for n in range(1, 27) if f"<td>Criterion {n}</td>" in page]
    assert len(shown) == SHOWN_ROWS
    assert 26 in shown  # its raters disagree: it needs a look
    assert f"The {SHOWN_ROWS} of 26 criteria whose raters agree least" in page
    assert len(list(csv.DictReader(io.StringIO(csv_text)))) == 26
    assert section_svg(page, "agreement").count("<rect") == SHOWN_ROWS


def test_calibration_shows_the_told_leanings_furthest_first():
    def row(name, offset, panels=5, compared=10):
        return {
            "interviewer": name,
            "mean_offset": offset,
            "vote_offset": None,
            "leaning_from": "rating",
            "leaning_panels": panels,
            "leaning_compared": compared,
        }

    rows = [
        row("calibrated", 0.1),
        row("too few", 2.0, panels=2),
        row("severe", -0.9),
        row("lenient", 0.6),
    ]

    assert [r["interviewer"] for r in queries.leaning_furthest_first(rows)] == [
        "severe",
        "lenient",
        "calibrated",
        "too few",
    ]


def overdue_rows(client):
    return list(
        csv.DictReader(io.StringIO(client.get("/reports/overdue.csv").content.decode("utf-8-sig")))
    )


def test_two_interviewers_of_one_name_are_two_rows_of_overdue_scorecards(
    client, leadership, member, team
):
    namesake = UserFactory(display_name=member.display_name, email="other.ana@example.com")
    team.memberships.create(user=namesake)
    application, session = late_scorecard(team, member)
    late = scoring.assign(application, namesake, "team_fit", assigned_by=member)
    late.session = session
    late.save(update_fields=["session"])
    client.force_login(leadership)

    assert overdue_rows(client) == [
        {"Interviewer": "Ana Member (ana@example.com)", "Overdue scorecards": "1"},
        {"Interviewer": "Ana Member (other.ana@example.com)", "Overdue scorecards": "1"},
    ]


def test_interviewers_of_one_name_are_told_apart_by_their_address_in_each_table(
    client, leadership, member, teammate, team
):
    namesake = UserFactory(display_name="ana member", email="other.ana@example.com")
    team.memberships.create(user=namesake)
    application, session = late_scorecard(team, member)  # overdue, both
    late = scoring.assign(application, namesake, "team_fit", assigned_by=member)
    late.session = session
    late.save(update_fields=["session"])
    for person in (member, namesake, teammate):  # the week's load
        SessionInterviewer.objects.create(
            session=session, user=person, start=session.start, end=session.end
        )
    shared = ApplicationFactory(opening=application.opening)  # calibration
    for person, vote in ((member, "yes"), (namesake, "no"), (teammate, "yes")):
        submitted(shared, person, "team_fit", vote)
    client.force_login(leadership)

    page = client.get("/reports/").text

    for heading in ("Overdue feedback", "Interviewer load", "Interviewer calibration"):
        section = page.split(f"<h2>{heading}</h2>")[1].split("</section>")[0]
        assert "<td>Ana Member (ana@example.com)</td>" in section, heading
        assert "<td>ana member (other.ana@example.com)</td>" in section, heading
    assert "<td>Ben Teammate</td>" in page  # nobody's namesake: as they are called


def test_a_name_with_markup_is_text_in_the_svg_chart(client, leadership, member, team):
    member.display_name = """<b>Ana "&" 'Member'</b>"""
    member.save()
    late_scorecard(team, member)
    client.force_login(leadership)

    page = client.get("/reports/").content.decode()
    svg = page[page.index('<svg class="chart" role="img" aria-labelledby="overdue-title"') :]
    svg = svg[: svg.index("</svg>") + len("</svg>")]

    labels = [text.text for text in ElementTree.fromstring(svg).iter("text")]
    assert "<b>Ana " in labels[0]
    assert "<b>" not in svg


def test_the_csv_links_carry_the_period_and_team_chosen_and_nothing_else(client, leadership, team):
    client.force_login(leadership)
    today = timezone.localdate()

    page = client.get("/reports/", {"team": team.pk, "start": today, "utm": "<x>", "end": ""})
    default = client.get("/reports/", {"team": "", "utm": "x"}).content.decode()

    assert f'href="/reports/funnel.csv?team={team.pk}&amp;start={today}"' in page.text
    assert "utm" not in page.text
    assert 'href="/reports/funnel.csv?"' in default


def test_the_links_between_the_reports_and_validity_keep_the_team_chosen(client, leadership, team):
    client.force_login(leadership)

    reports = client.get("/reports/", {"team": team.pk, "start": "2026-01-01"}).text
    validity = client.get("/reports/validity/", {"team": team.pk}).text
    every_team = client.get("/reports/").text

    # The team, not the period: the validity page's period is the hires', and longer.
    assert f'href="/reports/validity/?team={team.pk}"' in reports
    assert f'href="/reports/?team={team.pk}"' in validity
    assert 'href="/reports/validity/"' in every_team


def test_the_team_menu_shows_the_team_reported_however_its_number_is_spelt(
    client, leadership, team
):
    client.force_login(leadership)

    page = client.get("/reports/", {"team": f"0{team.pk}"}).content.decode()

    assert f'<option value="{team.pk}" selected>Platform</option>' in page


def closing_table(page):
    """The rows of the closing reasons' table on the reports page, as text."""
    section = re.search(r'<section class="card" id="closing">.*?</section>', page, re.DOTALL)
    body = re.search(r"<tbody>(.*?)</tbody>", section.group(), re.DOTALL).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>.*?</tr>", body)]


def closed_with_reasons(team, member, created=None):
    """A team's applications closed with reasons, some with none recorded, and one still open."""
    opening = OpeningFactory(team=team)
    created = created or timezone.now() - timedelta(days=3)
    for stage, reason, after_screen in [
        ("rejected", "skills", False),
        ("rejected", "skills", False),
        ("rejected", "team_decision", True),
        ("withdrawn", "other_offer", True),
        ("withdrawn", "skills", False),  # a reason either side gives: counted in both
        ("withdrawn", "", False),
        ("rejected", "", True),
    ]:
        application = ApplicationFactory(opening=opening, created_at=created)
        if after_screen:
            application.move_to("screen", member)
            application.move_to("panel", member)
        application.move_to(stage, member, reason=reason, reason_note="A note")
    ApplicationFactory(opening=opening, created_at=created)


def test_why_applications_closed_counts_each_reason_of_the_period_and_team(
    client, leadership, member, teammate, team, outsider
):
    closed_with_reasons(team, member)
    other_team = outsider.teams.get()
    closed_with_reasons(other_team, outsider)  # another team's: not in the team's report
    before = timezone.now() - timedelta(days=DEFAULT_PERIOD.days + 5)
    closed_with_reasons(team, member, created=before)  # created before the period
    client.force_login(leadership)

    response = client.get(f"/reports/?team={team.pk}")

    assert response.context["closing"] == [
        {
            "reason": "Skills or experience",
            "rejected": 2,
            "withdrawn": 1,
            "before_interviews": 3,
            "after_interviews": 0,
            "closed": 3,
            "share_pct": 43,
        },
        {
            "reason": "The team decided not to hire",
            "rejected": 1,
            "withdrawn": 0,
            "before_interviews": 0,
            "after_interviews": 1,
            "closed": 1,
            "share_pct": 14,
        },
        {
            "reason": "Accepted another offer",
            "rejected": 0,
            "withdrawn": 1,
            "before_interviews": 0,
            "after_interviews": 1,
            "closed": 1,
            "share_pct": 14,
        },
        {
            "reason": "Not recorded",
            "rejected": 1,
            "withdrawn": 1,
            "before_interviews": 1,
            "after_interviews": 1,
            "closed": 2,
            "share_pct": 29,
        },
    ]
    assert closing_table(response.text)[0] == ["Skills or experience", "2", "1", "3", "0", "43%"]
    organisation = client.get("/reports/").context["closing"]
    assert [row["closed"] for row in organisation] == [6, 2, 2, 4]


def test_the_closing_chart_draws_the_rows_of_its_table(client, leadership, member, team):
    closed_with_reasons(team, member)
    client.force_login(leadership)

    page = client.get("/reports/").text
    svg = ElementTree.fromstring(section_svg(page, "closing"))

    # Each name whole, wrapped onto lines of its own.
    labels = " ".join(text.text for text in svg.findall("text[@class='chart-label']"))
    values = [text.text for text in svg.findall("text[@class='chart-value']")]
    rejected = [float(rect.get("width")) for rect in svg.findall("rect[@class='chart-bar']")]
    withdrawn = [float(rect.get("width")) for rect in svg.findall("rect[@class='chart-bar rest']")]
    assert labels == " ".join(row[0] for row in closing_table(page))
    assert values == ["3", "1", "1", "2"]
    # The longest bar is the most closed; each split as rejected (filled), withdrawn (hollow).
    assert rejected == [160.0, 80.0, 0.0, 80.0]
    assert withdrawn == [80.0, 80.0, 80.0]
    assert "style=" not in section_svg(page, "closing")


def test_why_applications_closed_downloads_as_csv(client, leadership, member, team):
    closed_with_reasons(team, member)
    client.force_login(leadership)

    response = client.get("/reports/closing.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == {
        "Reason": "Skills or experience",
        "Rejected": "2",
        "Withdrew": "1",
        "Before interviews": "3",
        "After interviews": "0",
        "Closed": "3",
        "Share of closed (%)": "43",
    }
    assert [row["Reason"] for row in rows] == [
        "Skills or experience",
        "The team decided not to hire",
        "Accepted another offer",
        "Not recorded",
    ]


def test_a_reader_whose_own_application_is_in_the_period_reads_why_applications_closed(
    client, member, teammate, team
):
    """Like the funnel, closing counts are pipeline counts: left in for a candidate too."""
    own = ApplicationFactory(opening=OpeningFactory(team=team), candidate__email=member.email)
    own.move_to("rejected", teammate, reason="team_decision")
    client.force_login(member)

    response = client.get("/reports/")

    assert "left out: your own hiring" in response.text
    assert closing_table(response.text) == [
        ["The team decided not to hire", "1", "0", "1", "0", "100%"]
    ]
