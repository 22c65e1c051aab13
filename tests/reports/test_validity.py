"""The validity page: which criteria and interviewers predicted how a team's hires did."""

import csv
import io
import zoneinfo
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from hiring import freshness
from hiring.models import Application, Membership, StageChange, User
from hiring.reports import cached, validity
from hiring.reports.forms import VALIDITY_PERIOD
from hiring.reports.shown import SHOWN_ROWS
from hiring.reports.views import VALIDITY_COLUMNS
from scorecards.models import CheckIn, CheckInRating, CheckInReview, Criterion, Feedback
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted

URL = "/reports/validity/"


def hire(opening, panel, later, would="yes", days_ago=120, day=90, submit=True):
    """An application of `opening` scored by `panel` ({interviewer: score}, each voting by their
    score), hired `days_ago` days ago, with a check-in at `day` where one colleague rated every
    criterion `later` (submitted unless `submit` is False)."""
    application = ApplicationFactory(opening=opening)
    votes = {1: "strong_no", 2: "no", 3: "yes", 4: "strong_yes"}
    version = None
    for interviewer, score in panel.items():
        version = submitted(application, interviewer, "team_fit", votes[score], score).version
    hired_at = timezone.now() - timedelta(days=days_ago)
    StageChange.objects.create(
        application=application, from_stage="offer", to_stage="hired", at=hired_at
    )
    Application.objects.filter(pk=application.pk).update(stage="hired", debrief_opened_at=hired_at)
    check_in(application, version, later, would, hired_at, day, submit)
    return application


def check_in(application, version, score, would, hired_at, day, submit=True):
    due = hired_at + timedelta(days=day)
    made = CheckIn.objects.create(
        application=application, day=day, due_at=due, closes_at=due + timedelta(days=30),
        version=version,
    )  # fmt: skip
    review = CheckInReview.objects.create(
        check_in=made,
        rater=UserFactory(),
        would_hire_again=would,
        submitted_at=due if submit else None,
    )
    for criterion in version.criteria.all():
        CheckInRating.objects.create(review=review, criterion=criterion, score=score)
    return made


def hires(opening, interviewer, count, signal=True, days_ago=120):
    """`count` hires whose check-in score follows the panel's (or runs against it)."""
    for number in range(count):
        score = 1 + number % 4
        later = score if signal else 5 - score
        hire(opening, {interviewer: score}, later, ["no", "yes"][later > 2], days_ago)


@pytest.fixture
def opening(team):
    return OpeningFactory(team=team)


def rows(response, kind):
    return {row["name"]: row for row in response.context[kind]}


def test_a_criterion_that_predicted_is_shown_with_its_interval(client, member, opening):
    hires(opening, member, 16)
    client.force_login(member)

    response = client.get(URL)

    collaboration = rows(response, "criteria")["Collaboration"]
    assert collaboration["hires"] == 16
    assert collaboration["estimate"] == pytest.approx(1.0)
    assert not collaboration["weak"]
    assert collaboration["low"] <= collaboration["high"]
    assert response.context["vote"]["estimate"] > 0.8
    assert rows(response, "interviewers")["Ana Member"]["hires"] == 16
    assert "Range restriction" in response.text


def test_a_figure_shows_from_5_hires_and_is_weak_below_15(client, member, opening):
    hires(opening, member, 4)
    client.force_login(member)

    few = client.get(URL)
    assert not rows(few, "criteria")["Collaboration"]["shown"]
    assert "Too few hires (under 5)" in few.text
    assert not few.context["interviewers"]
    assert few.context["interviewers_too_few"] == 1

    hires(opening, member, 1)
    cache.clear()
    weak = client.get(URL)
    row = rows(weak, "criteria")["Collaboration"]
    assert (row["shown"], row["weak"], row["hires"]) == (True, True, 5)
    assert "(weak)" in weak.text
    assert rows(weak, "interviewers")["Ana Member"]["weak"]


def test_a_side_where_every_hire_scored_alike_is_said_to_have_no_order(client, member, opening):
    for number in range(6):
        score = 1 + number % 4
        hire(opening, {member: score}, score, would="yes")  # everyone would hire them again
    client.force_login(member)

    response = client.get(URL)

    vote = response.context["vote"]
    assert (vote["shown"], vote["estimate"], vote["weak"]) == (True, None, None)
    # Neither a figure nor weak: a row, not a dash.
    assert 'Overall vote</td><td colspan="2" class="muted">No order to compare' in response.text


def test_the_chart_says_why_it_has_no_dot(client, member, opening):
    client.force_login(member)
    for number in range(4):
        hire(opening, {member: 1 + number % 4}, 3)  # every hire rated 3 at the check-in

    few = client.get(URL).text
    assert "No criterion has enough hires with a check-in yet." in few

    hire(opening, {member: 2}, 3)
    cache.clear()
    alike = client.get(URL).text
    assert "No criterion has an order to compare: its hires scored alike" in alike
    assert "enough hires with a check-in" not in alike


def test_practice_scorecards_drafts_and_earlier_check_ins_do_not_count(
    client, member, teammate, opening
):
    hires(opening, member, 6)
    # The teammate's practice scorecards run against the check-ins: they must not count.
    for feedback in Feedback.objects.filter(interviewer=member):
        application = feedback.application
        # Back before the debrief and the hire, for the practice to be written.
        opened = application.debrief_opened_at
        Application.objects.filter(pk=application.pk).update(stage="panel", debrief_opened_at=None)
        application.refresh_from_db()
        item = submitted(application, teammate, "skills", "strong_no", 1)
        Feedback.objects.filter(pk=item.pk).update(practice=True)
        Application.objects.filter(pk=application.pk).update(
            stage="hired", debrief_opened_at=opened
        )
    # A later check-in, still a draft, that says the opposite.
    for made in CheckIn.objects.all():
        hired_at = made.due_at - timedelta(days=90)
        check_in(made.application, made.version, 1, "no", hired_at, 180, submit=False)
    client.force_login(member)

    response = client.get(URL)

    assert rows(response, "criteria")["Collaboration"]["estimate"] == pytest.approx(1.0)
    assert "Problem solving" not in rows(response, "criteria")  # only the practice rated it
    assert "Ben Teammate" not in rows(response, "interviewers")


def test_the_latest_check_in_with_submissions_is_read_and_said(client, member, opening):
    hires(opening, member, 5, signal=False, days_ago=300)
    for made in CheckIn.objects.all():
        hired_at = made.due_at - timedelta(days=90)
        panel = made.application.feedback.get().latest_submission.ratings.get().score
        check_in(made.application, made.version, panel, "yes", hired_at, 180)  # closed too
    client.force_login(member)

    response = client.get(URL)

    assert rows(response, "criteria")["Collaboration"]["estimate"] == pytest.approx(1.0)
    assert response.context["check_in_days"] == [(180, 5)]
    assert "5 read at their 180-day check-in" in response.text


def test_hires_outside_the_period_or_without_a_debrief_are_left_out(client, member, opening):
    hires(opening, member, 5)
    hire(opening, {member: 2}, 2, days_ago=900)
    late = hire(opening, {member: 2}, 2)
    Feedback.objects.create(
        application=late,
        interviewer=UserFactory(),
        focus="skills",
        version=late.feedback.first().version,
        assigned_by=member,
    )  # still to score: nothing of this hire counts yet
    client.force_login(member)

    response = client.get(URL)

    assert response.context["hires"] == 5


def test_a_hire_who_joined_the_team_reads_the_figures_without_their_own_hire(
    client, member, teammate, leadership, opening
):
    hires(opening, teammate, 5)
    own = hire(opening, {teammate: 3}, 3)
    own.candidate.email = member.email.upper()
    own.candidate.save()

    client.force_login(member)
    assert client.get(URL).context["hires"] == 5
    client.force_login(leadership)
    assert client.get(URL).context["hires"] == 6


def test_two_teams_criteria_of_one_name_are_a_row_each_named_with_their_team(
    client, leadership, member, outsider, opening
):
    """Both teams rate a "Collaboration" of their own: Platform's predicted, the other's ran
    against it. As one row by name they made a figure of nothing either team rated."""
    hires(opening, member, 5)
    other = OpeningFactory(team=outsider.memberships.get().team)
    hires(other, outsider, 5, signal=False)
    client.force_login(leadership)

    criteria = rows(client.get(URL), "criteria")

    platform = criteria["Collaboration (Platform)"]
    theirs = criteria[f"Collaboration ({other.team.name})"]
    assert (platform["hires"], platform["estimate"]) == (5, pytest.approx(1.0))
    assert (theirs["hires"], theirs["estimate"]) == (5, pytest.approx(-1.0))
    assert "Collaboration" not in criteria
    assert rows(client.get(f"{URL}?team={opening.team.pk}"), "criteria").keys() == {"Collaboration"}


def test_a_teams_openings_copies_of_a_criterion_pool_under_its_latest_name(client, member, opening):
    """Each opening rates its own copy of the template's Collaboration: one criterion to the
    team, as a renamed criterion is one under its latest name."""
    hires(opening, member, 3)
    hires(OpeningFactory(team=opening.team), member, 3)
    renamed = Criterion.objects.get(version__scorecard=opening.scorecard, name="Collaboration")
    client.force_login(member)
    assert rows(client.get(URL), "criteria")["Collaboration"]["hires"] == 6

    renamed.name = "Teamwork"
    renamed.save()
    criteria = rows(client.get(URL), "criteria")

    assert (criteria["Teamwork"]["hires"], criteria["Collaboration"]["hires"]) == (3, 3)


def test_two_criteria_of_one_name_on_one_scorecard_are_a_row_each_told_apart(
    client, member, opening
):
    """A second "Collaboration" stored on the scorecard before a second of one name was
    refused: pooled by name, each hire counted twice in one row."""
    version = opening.scorecard.current_version()
    anchors = {f"anchor_{level}": "-" for level in range(1, 5)}
    Criterion.objects.create(
        version=version, position=9, name="Collaboration", category="team_fit",
        description="-", **anchors,
    )  # fmt: skip
    hires(opening, member, 6)
    client.force_login(member)

    criteria = rows(client.get(URL), "criteria")

    assert {name: row["hires"] for name, row in criteria.items()} == {
        "Collaboration (Team fit, #1)": 6,
        "Collaboration (Team fit, #2)": 6,
    }


def test_recruiters_and_admins_never_see_it(client, recruiter, org_admin):
    for user in (recruiter, org_admin):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.get("/reports/validity.csv").status_code == 404


def test_a_member_sees_only_their_teams(client, member, outsider, opening):
    hires(opening, member, 5)
    client.force_login(outsider)

    assert client.get(URL).context["hires"] == 0
    assert client.get(f"{URL}?team={opening.team.pk}").status_code == 404


def test_leadership_reads_the_organisation_and_each_team(client, leadership, member, opening):
    hires(opening, member, 5)
    client.force_login(leadership)

    assert client.get(URL).context["hires"] == 5
    assert client.get(f"{URL}?team={opening.team.pk}").context["hires"] == 5


def test_the_chart_draws_each_criterion_with_its_interval(client, member, opening):
    hires(opening, member, 8)
    client.force_login(member)

    text = client.get(URL).text

    svg = text[text.index('<svg class="chart"') : text.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="validity-title">' in svg
    assert "<desc" in svg
    assert svg.count('class="chart-range"') == 1
    assert svg.count('class="chart-estimate"') == 1
    assert 'class="chart-interval weak"' in svg


def test_the_csv_has_its_headers_in_words_and_every_predictor(client, member, opening):
    hires(opening, member, 6)
    client.force_login(member)

    response = client.get("/reports/validity.csv")

    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == list(VALIDITY_COLUMNS.values())
    for word in table[0]:
        assert word[0].isupper(), word
        assert "_" not in word, word
    kinds = [row[0] for row in table[1:]]
    assert kinds == ["Criterion", "Category", "Overall vote", "Interviewer"]
    assert "no-store" in response["Cache-Control"]


def test_the_csv_speaks_the_readers_language(client, member, opening):
    member.language = "de"
    member.save()
    client.force_login(member)

    header = client.get("/reports/validity.csv").content.decode("utf-8-sig").splitlines()[0]

    assert "Kategorie" in header.split(";")  # translated as the CSV is written


def queries_for(client):
    cache.clear()
    freshness.fragments.clear()  # the period fields each process keeps
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_runs_the_same_queries_whatever_the_data(
    client, member, teammate, opening, django_assert_max_num_queries
):
    client.force_login(member)
    hires(opening, member, 5)
    few = queries_for(client)
    hires(opening, teammate, 12)
    hires(OpeningFactory(team=opening.team), member, 5)

    assert queries_for(client) == few
    cache.clear()
    # Session, user, teams, the reader's own hires (3: their addresses, the candidates and the
    # hires who joined at one of them), 7 figures (the criteria's latest names among them), and
    # the database cache's reads and writes (the page's up-to-date entry and its latest one,
    # hiring/reports/cached.py).
    with django_assert_max_num_queries(31):
        client.get(URL)
    with django_assert_max_num_queries(9):  # cached
        client.get(URL)


def test_readers_in_other_zones_share_the_figures_of_the_same_hires(member, opening):
    hires(opening, member, 5)
    teams = [opening.team]

    def read_in(zone):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            end = timezone.localdate()
            scope = cached.hires_scope(teams, end - VALIDITY_PERIOD, end)
            return scope, cached.validity_data(scope, teams)

    scope, figures = read_in("Europe/Berlin")
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        same = (translation.get_language(), validity.rows(scope))
    key = freshness.cache_key(cached.VALIDITY_FIGURES, (same, []))
    assert cache.get(key)[0] == figures  # kept with the seconds it took
    # What Berlin's reader computed is what Singapore's reader is given, not computed again.
    cache.set(key, ({**figures, "hires": 999}, 0.0))

    assert read_in("Asia/Singapore")[1]["hires"] == 999


def validity_names(client, delimiter=","):
    text = client.get("/reports/validity.csv").content.decode("utf-8-sig")
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return {(kind, name) for kind, name, *_ in list(rows)[1:]}


def test_the_validity_figures_are_in_each_readers_language(client, leadership, member, opening):
    hires(opening, member, 5)
    german = UserFactory(role=User.Role.LEADERSHIP, language="de")
    client.force_login(leadership)
    assert ("Overall vote", "Overall vote") in validity_names(client)
    assert ("Category", "Team fit") in validity_names(client)

    client.force_login(german)
    names = validity_names(client, delimiter=";")  # a German reader's Excel's
    page = client.get("/reports/validity/").content.decode()

    assert ("Gesamtstimme", "Gesamtstimme") in names
    assert ("Kategorie", "Teampassung") in names
    assert "Team fit" not in page


def test_the_page_shows_the_25_strongest_relations_either_way_and_the_csv_every_one(
    client, member, opening
):
    """A row per team's criterion is some 400 across a large organisation, each a line of the
    chart and of the table. Shown the best first and cut, the criteria whose score ran against
    how the hires did were the ones left out."""
    version = opening.scorecard.current_version()
    anchors = {f"anchor_{level}": "-" for level in range(1, 5)}
    for number in range(1, 30):  # 30 team-fit criteria with Collaboration
        Criterion.objects.create(
            version=version, position=number, name=f"Criterion {number}", category="team_fit",
            description="-", **anchors,
        )  # fmt: skip
    hires(opening, member, 6)  # each check-in score as the panel's: rho 1
    # Criteria 1-3 ran against how the hires did; the others followed it loosely.
    later = dict(zip(Application.objects.order_by("pk"), [2, 1, 4, 3, 3, 1], strict=True))
    for rating in CheckInRating.objects.select_related("review__check_in__application"):
        if rating.criterion.name == "Collaboration":
            continue
        application = rating.review.check_in.application
        if rating.criterion.name in ("Criterion 1", "Criterion 2", "Criterion 3"):
            rating.score = 5 - rating.score
        else:
            rating.score = later[application]
        rating.save()
    client.force_login(member)

    response = client.get(URL)
    page = response.content.decode()
    table = list(csv.reader(io.StringIO(client.get("/reports/validity.csv").text.lstrip("\ufeff"))))

    names = ["Collaboration"] + [f"Criterion {number}" for number in range(1, 30)]
    shown = [name for name in names if f"<td>{name} <" in page]
    assert len(shown) == SHOWN_ROWS
    assert {"Collaboration", "Criterion 1", "Criterion 2", "Criterion 3"} <= set(shown)
    assert rows(response, "criteria")["Criterion 1"]["estimate"] == pytest.approx(-1.0)
    assert f"The {SHOWN_ROWS} of 30 criteria with the strongest relation" in page
    assert page.count('class="chart-estimate"') == SHOWN_ROWS
    assert len([row for row in table if row[0] == "Criterion"]) == 30


def test_the_interviewers_table_shows_the_25_strongest_relations_either_way(
    client, member, opening
):
    """Each interviewer from 5 hires is a row: hundreds across a large organisation. Two whose
    ratings ran against how the hires did are among those shown, as the criteria's are."""
    noise = [UserFactory(display_name=f"Noise {number:02}") for number in range(25)]
    against = [UserFactory(display_name=f"Zed Against {number}") for number in (1, 2)]
    for person in [*noise, *against]:
        Membership.objects.create(team=opening.team, user=person)
    for number, score in enumerate([1, 2, 3, 4, 1]):
        panel = dict.fromkeys(noise, 2 if number == 0 else score)
        panel.update(dict.fromkeys(against, 5 - score))
        hire(opening, panel, score)
    client.force_login(member)

    page = client.get(URL).content.decode()

    shown = [person for person in [*noise, *against] if f"<td>{person.display_name} <" in page]
    assert len(shown) == SHOWN_ROWS
    assert set(against) <= set(shown)
    assert f"The {SHOWN_ROWS} of 27 interviewers with the strongest relation" in page


def test_two_interviewers_of_one_name_are_told_apart_by_their_address(
    client, leadership, member, opening
):
    namesake = UserFactory(display_name=member.display_name, email="other.ana@example.com")
    Membership.objects.create(team=opening.team, user=namesake)
    hires(opening, member, 5)
    hires(opening, namesake, 5, signal=False)
    client.force_login(leadership)

    response = client.get(URL)

    interviewers = rows(response, "interviewers")
    assert interviewers["Ana Member (ana@example.com)"]["estimate"] > 0
    assert interviewers["Ana Member (other.ana@example.com)"]["estimate"] < 0
    assert "<td>Ana Member (other.ana@example.com)" in response.text
