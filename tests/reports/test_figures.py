"""The running figures: a period adds up stored days and its partial days in any time zone,
medians come from counts, and every way data arrives keeps them up to date."""

import io
import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hiring.models import (
    CandidateImport,
    ClosingCount,
    FiguresOutdated,
    InterviewSession,
    Panel,
    SessionInterviewer,
    StageReached,
)
from hiring.reports import figures, queries
from hiring.reports.queries import median_of_counts
from scorecards import agreement
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.imports.conftest import upload

KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+5:30: its midnights fall on half hours in UTC


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@given(st.lists(st.integers(0, 400), min_size=1, max_size=30))
def test_the_median_of_counts_is_the_median_of_the_values(values):
    counts = {value: values.count(value) for value in set(values)}

    assert median_of_counts(counts) == statistics.median(values)


def test_gaps_compare_each_rater_with_the_mean_of_the_others():
    assert agreement.gaps({"ann": 4, "bo": 2, "cy": 3}) == {"ann": 1.5, "bo": -1.5, "cy": 0.0}
    assert agreement.gaps({"ann": 4}) == {}


@given(st.lists(st.integers(1, 4), max_size=6))
def test_a_units_coincidences_add_up_to_its_pairable_values(values):
    matrix = agreement.unit_coincidences(values)

    # Each pairable value is in m - 1 ordered pairs, each worth 1 / (m - 1).
    assert sum(matrix.values()) == pytest.approx(len(values) if len(values) > 1 else 0)


@pytest.mark.django_db
def test_a_period_in_a_half_hour_zone_counts_exactly_the_applications_of_its_days(
    team, member, teammate
):
    opening = OpeningFactory(team=team)
    for created in [
        utc(2026, 3, 1, 18, 29),  # Sunday 1 March 23:59 in Kolkata: before the period
        utc(2026, 3, 1, 18, 31),  # Monday 2 March 00:01 in Kolkata: its first partial day
        utc(2026, 3, 5, 12, 0),  # a whole UTC day inside
        utc(2026, 3, 15, 18, 29),  # Sunday 15 March 23:59 in Kolkata: its last partial day
        utc(2026, 3, 15, 18, 31),  # Monday 16 March in Kolkata: after it
    ]:
        ApplicationFactory(opening=opening, created_at=created)
    # The load counts interviewers' weeks in their own zone: theirs is Kolkata's too.
    for person in (member, teammate):
        person.time_zone = "Asia/Kolkata"
        person.save(update_fields=["time_zone"])
    application = ApplicationFactory(opening=opening, created_at=utc(2026, 3, 5, 12, 0))
    panel = Panel.objects.create(application=application, created_by=member)
    for start, person in [
        (utc(2026, 3, 8, 18, 29), member),  # Sunday 23:59 in Kolkata: the week of 2 March
        (utc(2026, 3, 8, 18, 31), teammate),  # Monday 00:01 there: the week of 9 March
        (utc(2026, 3, 9, 9, 0), member),  # Monday afternoon there: the week of 9 March
    ]:
        session = InterviewSession.objects.create(
            panel=panel, focus="skills", start=start, end=start + timedelta(hours=1)
        )
        SessionInterviewer.objects.create(
            session=session, user=person, start=session.start, end=session.end
        )

    with timezone.override(KOLKATA):
        scope = queries.scope_for([team], date(2026, 3, 2), date(2026, 3, 15))
        reached = {row["stage"]: row["reached"] for row in queries.funnel(scope)}
        load = {
            (row["interviewer_id"], row["week"]): row["interviews"]
            for row in queries.interviewer_load(scope)
        }

    assert reached["Applied"] == 4
    assert load == {
        (member.pk, date(2026, 3, 2)): 1,
        (teammate.pk, date(2026, 3, 9)): 1,
        (member.pk, date(2026, 3, 9)): 1,
    }


@pytest.mark.django_db
def test_a_change_marks_its_day_and_a_report_rebuilds_it_first(team):
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening, created_at=utc(2026, 3, 5, 12, 0))
    assert list(FiguresOutdated.objects.values_list("team", "day")) == [(team.pk, date(2026, 3, 5))]

    scope = queries.scope_for([team], date(2026, 3, 1), date(2026, 3, 31))
    queries.funnel(scope)

    assert not FiguresOutdated.objects.exists()
    assert StageReached.objects.get(stage="applied").applications == 1


@pytest.mark.django_db
def test_a_rebuild_stores_what_it_read_when_nothing_changed_meanwhile(team):
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening, created_at=utc(2026, 3, 5, 12, 0))
    read = figures.read_days(team.pk, FiguresOutdated.objects.values_list("pk", "day"))

    figures.store_days(read)

    assert not FiguresOutdated.objects.exists()
    assert list(StageReached.objects.values_list("day", "stage", "applications")) == [
        (date(2026, 3, 5), "applied", 1)
    ]


@pytest.mark.django_db
def test_a_rebuild_reads_its_days_again_when_a_change_marked_them_meanwhile(team):
    """The worker reads a team's outdated days with no lock held: an application added on one
    of them before it stores is counted, and one on another day keeps its mark."""
    opening = OpeningFactory(team=team)
    ApplicationFactory(opening=opening, created_at=utc(2026, 3, 5, 12, 0))
    read = figures.read_days(team.pk, FiguresOutdated.objects.values_list("pk", "day"))
    ApplicationFactory(opening=opening, created_at=utc(2026, 3, 5, 18, 0))
    ApplicationFactory(opening=opening, created_at=utc(2026, 3, 9, 9, 0))

    figures.store_days(read)

    assert list(StageReached.objects.values_list("day", "stage", "applications")) == [
        (date(2026, 3, 5), "applied", 2)
    ]
    assert list(FiguresOutdated.objects.values_list("day", flat=True)) == [date(2026, 3, 9)]


@pytest.mark.django_db
def test_the_rebuild_command_gives_back_the_figures_kept(team):
    opening = OpeningFactory(team=team)
    for day in (3, 4, 4):
        ApplicationFactory(opening=opening, created_at=utc(2026, 3, day, 9, 0))
    figures.bring_up_to_date([team])
    kept = sorted(StageReached.objects.values_list("day", "stage", "applications"))
    StageReached.objects.all().delete()

    call_command("rebuild_figures", stdout=io.StringIO())

    assert sorted(StageReached.objects.values_list("day", "stage", "applications")) == kept
    assert (date(2026, 3, 4), "applied", 2) in kept


@pytest.mark.django_db
def test_closing_counts_kept_move_by_move_equal_the_rebuilt(team, member):
    """Each closed application counts once, by its closing move: the stage it left, where it
    is and why (blank where none was recorded)."""
    opening = OpeningFactory(team=team)
    created = utc(2026, 3, 5, 12, 0)
    first, second, third = (ApplicationFactory(opening=opening, created_at=created) for _ in "abc")
    first.move_to("rejected", member, reason="skills")
    second.move_to("screen", member)
    second.move_to("withdrawn", member, reason="other_offer", reason_note="Elsewhere")
    third.move_to("withdrawn", member)
    figures.bring_up_to_date([team])
    kept = sorted(
        ClosingCount.objects.values_list("day", "from_stage", "to_stage", "reason", "count")
    )

    call_command("rebuild_figures", stdout=io.StringIO())

    assert kept == [
        (date(2026, 3, 5), "applied", "rejected", "skills", 1),
        (date(2026, 3, 5), "applied", "withdrawn", "", 1),
        (date(2026, 3, 5), "screen", "withdrawn", "other_offer", 1),
    ]
    assert (
        sorted(ClosingCount.objects.values_list("day", "from_stage", "to_stage", "reason", "count"))
        == kept
    )


@pytest.mark.django_db
def test_imported_applications_reach_the_reports(
    client, member, team, django_capture_on_commit_callbacks
):
    """An import writes its rows in bulk (no signal): it marks their day itself."""
    opening = OpeningFactory(team=team)
    client.force_login(member)
    upload(
        client,
        opening,
        "First Name,Last Name,Email\nLia,Lever,lia@example.com\nMax,Muster,max@example.com\n",
    )
    candidate_import = CandidateImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task runs here
        client.post(reverse("import_start", args=[candidate_import.pk]))
    today = timezone.localdate()

    scope = queries.scope_for([team], today - timedelta(days=1), today)

    assert {row["stage"]: row["reached"] for row in queries.funnel(scope)}["Applied"] == 2


@pytest.mark.django_db
def test_an_interview_moved_to_another_day_leaves_the_day_it_was_on(team, member):
    application = ApplicationFactory(
        opening=OpeningFactory(team=team), created_at=utc(2026, 3, 2, 9, 0)
    )
    panel = Panel.objects.create(application=application, created_by=UserFactory())
    start = utc(2026, 3, 3, 9, 0)
    session = InterviewSession.objects.create(
        panel=panel, focus="skills", start=start, end=start + timedelta(hours=1)
    )
    seat = SessionInterviewer.objects.create(
        session=session, user=member, start=start, end=session.end
    )
    figures.bring_up_to_date([team])

    session.start, session.end = start + timedelta(days=7), session.end + timedelta(days=7)
    session.save()
    seat.start, seat.end = session.start, session.end
    seat.save()
    scope = queries.scope_for([team], date(2026, 3, 1), date(2026, 3, 31))

    assert [(row["week"], row["interviews"]) for row in queries.interviewer_load(scope)] == [
        (date(2026, 3, 9), 1)
    ]
