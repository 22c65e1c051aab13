import re
import threading
from datetime import UTC, datetime, time, timedelta
from textwrap import dedent
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from hiring.models import (
    Application,
    AuditEvent,
    Ballot,
    CalibrationSums,
    Candidate,
    ClosingCount,
    Coincidences,
    Decision,
    DurationCount,
    InterviewCount,
    Invitation,
    Membership,
    Opening,
    Proposal,
    StageChange,
    StageReached,
    Team,
    User,
    WorkingHours,
)
from hiring.reports import figures
from hiring.scheduling import booking
from hiring.scheduling.ics import BusyEvent, busy_events
from hiring.scheduling.slots import Interval, SessionRequest
from hiring.teams import membership
from scorecards import scoring
from scorecards.aggregation import Criterion
from scorecards.editing import copy_scorecard, create_template
from scorecards.models import Category, Feedback, FeedbackRevision, Rating
from scorecards.recommendation import Method

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email who can sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    time_zone = "Europe/London"
    password = factory.django.Password(PASSWORD)

    @classmethod
    def _create(cls, model_class, *args, role=User.Role.MEMBER, **kwargs):
        """Made in their role (User.take_role()), saved once: saving it afterwards would move
        the versions of every team showing them."""
        user = model_class(*args, **kwargs)
        user.take_role(role)
        user.save(force_insert=True)
        return user

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )


class TeamFactory(factory.django.DjangoModelFactory):
    """A team; `members=[...]` makes them its members."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(team, create, extracted, **kwargs):
        for user in extracted or []:
            Membership.objects.create(team=team, user=user)


class OpeningFactory(factory.django.DjangoModelFactory):
    """An open opening with its own copy of a fresh scorecard template of its team."""

    class Meta:
        model = Opening

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Engineer {n}")
    scorecard = factory.LazyAttribute(
        lambda o: copy_scorecard(create_template(o.team, "Template"), name=f"{o.title} scorecard")
    )


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.Sequence(lambda n: f"candidate{n}@candidates.example")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateFactory)
    opening = factory.SubFactory(OpeningFactory)


# Scorecards and panels the way the app makes them, for tests that need them as a given.


def assigned(application, interviewer, focus):
    """`interviewer` asked (by themselves) to score `application` on `focus`."""
    return scoring.assign(application, interviewer, focus, assigned_by=interviewer)


def submit(item, vote="yes", score=3, notes=""):
    """Rate every criterion of the scorecard `item`, vote and submit; returns it refreshed."""
    ratings = {c.pk: {"score": score, "notes": notes} for c in item.criteria.all()}
    draft = scoring.save_draft(item, item.interviewer, ratings=ratings, vote=vote)
    scoring.submit(item, item.interviewer, draft.number)
    item.refresh_from_db()
    return item


def submitted(application, interviewer, focus, vote="yes", score=3, notes=""):
    return submit(assigned(application, interviewer, focus), vote, score, notes)


def team_fit_panel(application, interviewers, by):
    """A panel of one hour-long team-fit session with these interviewers, not yet booked."""
    return booking.create_panel(
        application,
        by,
        [{"focus": "team_fit", "duration_minutes": 60, "interviewers": interviewers}],
    )


def at_once(*requests):
    """Run the callables together from a common start; return their results in order."""
    start = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            start.wait()
            results[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# Pages through the client.

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_error(name, message, prefix="id"):
    """The error Django renders beside the field `name` (its id `prefix`_`name`)."""
    return f'<ul class="errorlist" id="{prefix}_{name}_error"><li>{message}</li></ul>'


def field_errors(text, name):
    found = re.search(rf'id="id_{name}_error">(.*?)</ul>', text, re.DOTALL)
    return found.group(1) if found else ""


# Feedback pages.

SKILLS, TEAM_FIT = Category.SKILLS, Category.TEAM_FIT


def checked(criterion, value):
    """The radio button of `criterion` with `value`, checked, as the form renders it."""
    return re.compile(rf'name="score_{criterion.pk}" value="{value}" checked')


def skill_fields(name):
    return {
        "name": name,
        "category": SKILLS,
        "description": f"{name}, measured.",
        "anchor_1": f"{name}: level one",
        "anchor_2": f"{name}: level two",
        "anchor_3": f"{name}: level three",
        "anchor_4": f"{name}: level four",
        "weight": 1,
    }


def submit_as(item, author, score=3, notes="Solid", vote="yes", takeaways=""):
    """`author` rates every criterion of `item` alike, votes and submits; returns revision 1.

    The feedback page modules import it as `submit`.
    """
    ratings = {c.pk: {"score": score, "notes": notes} for c in item.criteria.all()}
    scoring.save_draft(item, author, ratings=ratings, vote=vote, takeaways=takeaways)
    revision = scoring.submit(item, author, revision_number=1)
    item.refresh_from_db()
    return revision


def shown_draft_version(feedback):
    """The draft version the feedback page shows now, as its form posts it (0 before a draft)."""
    draft = feedback.revisions.filter(submitted_at=None).first()
    return draft.version if draft else 0


def complete_post(item, score="3", notes="Solid", vote="yes", revision="1", **extra):
    """The feedback form as its page posts it now, every criterion rated."""
    data = {
        "revision": revision,
        "draft_version": shown_draft_version(item),
        "vote": vote,
        "takeaways": "Would hire",
        **extra,
    }
    for criterion in item.criteria.all():
        data[f"score_{criterion.pk}"] = score
        data[f"notes_{criterion.pk}"] = notes
    return data


def feedback_state():
    return (
        sorted(
            FeedbackRevision.objects.values_list(
                "pk", "feedback_id", "number", "takeaways", "vote", "amend_reason", "submitted_at"
            )
        ),
        sorted(Rating.objects.values_list("pk", "revision_id", "criterion_id", "score", "notes")),
        sorted(Feedback.objects.values_list("pk", "interviewer_id", "focus", "submitted_at")),
    )


# Debriefs and decisions.

NON_MEMBERS = ["outsider", "leadership", "recruiter", "org_admin"]
NOTES = "ZEBRA-NOTES-about-the-on-call-rota"
Action = AuditEvent.Action
Stage = Application.Stage


def fresh(application):
    return Application.objects.get(pk=application.pk)


def events(application, action):
    return list(AuditEvent.objects.filter(application=application, action=action))


def stages(application):
    return list(
        StageChange.objects.filter(application=application)
        .order_by("at", "pk")
        .values_list("to_stage", flat=True)
    )


def decision_state():
    return sorted(
        Decision.objects.values_list("pk", "outcome", "rationale", "recorded_by", "confirmed_by")
    )


# Team membership.

Status = Proposal.Status


def db_state():
    """Everything a membership action could change, to prove a refused one changed nothing."""
    return (
        sorted(Membership.objects.values_list("team_id", "user_id")),
        sorted(Proposal.objects.values_list("id", "status", "kind", "subject_id", "email")),
        sorted(Ballot.objects.values_list("proposal_id", "voter_id", "approve")),
        sorted(Team.objects.values_list("id", "name", "membership_rule")),
        sorted(Invitation.objects.values_list("id", "email")),
    )


def propose(team, proposer, email="newcomer@example.com"):
    return membership.propose_member(team, proposer, email)


# The decision rule on plain data (scorecards.recommendation).

METHODS = (Method.UNANIMOUS, Method.MAJORITY, Method.WEIGHTED)
SKILL = Criterion(id=1, category="skills", weight=1.0)
FIT = Criterion(id=2, category="team_fit", weight=1.0)
CRITERIA = (SKILL, FIT)


# Finding interview times on plain data (hiring/scheduling/slots.py).

MINUTES_15 = timedelta(minutes=15)
WEEKDAYS_9_TO_5 = {day: ((time(9), time(17)),) for day in range(5)}


def utc_on(month, day, hour=0, minute=0, year=2025):
    """A UTC time in 2025 unless told; the slot modules import it as `utc`."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def meeting(start, minutes=60):
    return Interval(start, start + timedelta(minutes=minutes))


def session(*ids, minutes=60, **kwargs):
    return SessionRequest(timedelta(minutes=minutes), interviewer_ids=ids, **kwargs)


def starts(options):
    return [option.start for option in options]


# Reading .ics files (hiring/scheduling/ics.py).

BERLIN = ZoneInfo("Europe/Berlin")

BERLIN_VTIMEZONE = """
BEGIN:VTIMEZONE
TZID:{tzid}
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def ics(*blocks: str, header: str = "") -> bytes:
    """A calendar around the given blocks, with the CRLF line ends of RFC 5545."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tests//EN"]
    if header:
        lines.append(header)
    for block in blocks:
        lines.extend(line for line in dedent(block).strip().splitlines())
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def spans(events: list[BusyEvent]) -> list[tuple[datetime, datetime]]:
    return [(event.start, event.end) for event in events]


YEAR_START, YEAR_END = utc(2025, 1, 1), utc(2026, 1, 1)


def read(data: bytes, start=YEAR_START, end=YEAR_END, time_zone="UTC"):
    return busy_events(data, start=start, end=end, time_zone=time_zone)


# Panel pages.


def nine_to_five(*users):
    for user in users:
        WorkingHours.objects.bulk_create(
            WorkingHours(user=user, weekday=day, start=time(9), end=time(17)) for day in range(5)
        )


def management(total):
    return {
        "sessions-TOTAL_FORMS": str(total),
        "sessions-INITIAL_FORMS": str(total),
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "6",
    }


def url(name, application, *args):
    return reverse(name, args=[application.pk, *args])


# The reports' running figures as stored (hiring/reports/figures.py), to compare kept with rebuilt.
STORED = {
    StageReached: ["team", "day", "stage", "applications"],
    DurationCount: ["team", "day", "measure", "tenths", "count"],
    CalibrationSums: ["team", "day", "interviewer", *figures.CALIBRATION_SUMS],
    Coincidences: [
        "team",
        "day",
        "criterion_key",
        "pairable",
        *(f"o{c}{k}" for c, k in figures.LEVEL_PAIRS),
    ],
    InterviewCount: ["team", "interviewer", "start", "interviews"],
    ClosingCount: ["team", "day", "from_stage", "to_stage", "reason", "count"],
}


def stored_figures():
    return {
        model.__name__: sorted(model.objects.values_list(*fields))
        for model, fields in STORED.items()
    }


class RolledBack(RuleBasedStateMachine):
    """A hypothesis state machine whose every sequence of changes is rolled back after it."""

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @classmethod
    def run(cls, steps):
        """60 sequences of up to `steps` changes, however slow (each a few database writes)."""
        run_state_machine_as_test(
            cls,
            settings=settings(
                max_examples=60,
                stateful_step_count=steps,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
