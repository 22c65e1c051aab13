"""The organisation a fault run works on, made through the ORM the way the app makes it.

A team with members, an opening with its scorecard, applications in several stages (some with
submitted feedback, so the board and the reports have something to show), one interviewer's
assigned feedback for the two-tab scenario, and pairs of panels to book at the same instant
where only one of each pair fits.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from hiring.models import Application, User
from hiring.scheduling import booking
from hiring.scheduling.views import OPTION_SALT
from scorecards.editing import copy_scorecard, create_template
from scorecards.models import Category
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    OpeningFactory,
    TeamFactory,
    UserFactory,
    assigned,
    nine_to_five,
    skill_fields,
    submitted,
)

DOMAIN = "faults.example"
PAIRS_PER_KIND = 8
# Who is booked in each kind of conflict: (buffer minutes, weekly cap), and the two times of a
# pair as (days after the pair's Monday, hour, minute); each session lasts an hour.
CONFLICTS = {
    "overlap": ((0, None), ((0, 10, 0), (0, 10, 30))),
    "buffer": ((30, None), ((0, 10, 0), (0, 11, 15))),
    "weekly cap": ((0, 1), ((0, 10, 0), (2, 14, 0))),
}


@dataclass
class Pair:
    """Two bookings, each fine alone, that together break one person's calendar."""

    kind: str
    bookings: list  # [(application id, signed option as the panel page posts it)] * 2


@dataclass
class World:
    password: str
    leader: str  # emails of the people who sign in
    recruiters: list
    member: str
    interviewer: str
    admin: User
    feedback_id: int
    tab_fields: dict  # tab name -> the form fields only that tab writes
    pages: dict  # email of a reader under load -> the paths they read
    pairs: list = field(default_factory=list)
    booked: dict = field(default_factory=dict)  # user id -> (buffer minutes, weekly cap)


def person(local, role=User.Role.MEMBER, **fields):
    return UserFactory(email=f"{local}@{DOMAIN}", display_name=local.title(), role=role, **fields)


def build():
    leader = person("leader", User.Role.LEADERSHIP)
    recruiters = [person(f"recruiter{n}", User.Role.RECRUITER) for n in (1, 2)]
    admin = person("admin", User.Role.ADMIN)
    interviewer, member = person("ivy"), person("mo")
    colleagues = [person(f"colleague{n}") for n in range(3)]
    booked = {
        kind: person(f"booked-{kind.replace(' ', '-')}", time_zone="UTC") for kind in CONFLICTS
    }
    team = TeamFactory(name="Faults", members=[interviewer, member, *colleagues, *booked.values()])
    opening = OpeningFactory(
        team=team, title="Site reliability engineer", scorecard=scorecard(team)
    )
    shown = applications_in_stages(opening, recruiters[0], colleagues)
    feedback = assigned(shown[0], interviewer, Category.SKILLS)
    criteria = list(feedback.criteria.order_by("position", "pk"))
    world = World(
        password=PASSWORD,
        leader=leader.email,
        recruiters=[r.email for r in recruiters],
        member=member.email,
        interviewer=interviewer.email,
        admin=admin,
        feedback_id=feedback.pk,
        # Each tab writes its own criteria, so a save that got its 200 is never replaced by
        # the other tab: whatever of it is missing afterwards was lost.
        tab_fields={
            "A": [f"{kind}_{c.pk}" for c in criteria[:2] for kind in ("score", "notes")] + ["vote"],
            "B": [f"{kind}_{c.pk}" for c in criteria[2:] for kind in ("score", "notes")]
            + ["takeaways"],
        },
        pages={
            leader.email: ["/pipeline/", "/reports/", shown[1].get_absolute_url()],
            recruiters[0].email: ["/pipeline/", shown[2].get_absolute_url(), "/"],
            interviewer.email: [
                shown[0].get_absolute_url(),
                reverse("feedback_form", args=[feedback.pk]),
            ],
        },
    )
    for kind, user in booked.items():
        (buffer, cap), _ = CONFLICTS[kind]
        user.buffer_minutes, user.weekly_interview_cap = buffer, cap
        user.save(update_fields=["buffer_minutes", "weekly_interview_cap"])
        nine_to_five(user)
        world.booked[user.pk] = (buffer, cap)
    world.pairs = conflicting_pairs(opening, recruiters[0], booked)
    return world


def scorecard(team):
    """Four skills, so two tabs can each own two, and one team-fit criterion for panels."""
    criteria = [skill_fields(f"Skill {n}") for n in range(1, 5)]
    criteria.append({**skill_fields("Team fit"), "category": Category.TEAM_FIT})
    return copy_scorecard(create_template(team, "Faults template", criteria), name="SRE scorecard")


def applications_in_stages(opening, recruiter, colleagues):
    """A dozen applications across the open stages, half with submitted feedback."""
    stages = [Application.Stage.APPLIED, Application.Stage.SCREEN, Application.Stage.PANEL]
    made = []
    for n in range(12):
        application = ApplicationFactory(opening=opening)
        application.move_to(stages[n % 3], recruiter)
        if n % 2 and n > 2:
            for index, colleague in enumerate(colleagues):
                submitted(application, colleague, Category.SKILLS, score=2 + index % 3)
        made.append(application)
    return made


def conflicting_pairs(opening, recruiter, booked):
    """PAIRS_PER_KIND pairs of each kind, each pair on a day (or week) of its own."""
    today = timezone.now().astimezone(UTC).date()
    # Two weeks ahead, on a Monday: free of anything else, inside the slot finder's horizon.
    monday = today + timedelta(days=14 - today.weekday())
    pairs = []
    for kind, (_, times) in CONFLICTS.items():
        for n in range(PAIRS_PER_KIND):
            if kind == "weekly cap":
                week = monday + timedelta(weeks=n)
            else:  # one weekday after another
                week = monday + timedelta(weeks=n // 5, days=n % 5)
            starts = [
                datetime(week.year, week.month, week.day, hour, minute, tzinfo=UTC)
                + timedelta(days=days)
                for days, hour, minute in times
            ]
            bookings = [offered(opening, recruiter, booked[kind], start) for start in starts]
            pairs.append(Pair(kind, bookings))
    return pairs


def offered(opening, recruiter, interviewer, start):
    """A new application's one-hour team-fit panel with `interviewer`, and the option at
    `start` as the panel page offers it: found by the slot finder, signed."""
    application = ApplicationFactory(opening=opening)
    panel = booking.create_panel(
        application,
        recruiter,
        [{"focus": Category.TEAM_FIT, "duration_minutes": 60, "interviewers": [interviewer]}],
    )
    options = booking.find_options(panel, start, start + timedelta(hours=1), limit=1)
    if not options or options[0]["sessions"][0]["start"] != start.isoformat():
        raise RuntimeError(f"The slot finder offers no {start:%a %d %b %H:%M} for {interviewer}")
    return application.pk, signing.dumps(options[0], salt=OPTION_SALT, compress=True)
