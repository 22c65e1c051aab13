"""A synthetic organisation for `manage.py bench`, written as plain rows.

Sizes follow issue 6: the large scale has 100,000 applications, about 400,000 feedback and
2,000,000 ratings, 40 teams and 400 interviewers. Teams grow with the square root of the
applications (4 at 1,000, 40 at 100,000), each with 10 members who interview and 5 openings.

Rows are made with bulk_create in batches inside one transaction, with primary keys given
here so rows can refer to each other without reading anything back; no domain function runs
per row (they would take hours at the large scale). The same seed on the same day makes the
same organisation. What an application went through follows one of a few paths through the
stages:

- every application has its stage changes (and the audit events of the moves) since it was
  created; open ones moved within the last six months, closed ones over the last year;
- from the panel stage on, a panel of two 45-minute sessions (skills, team fit) with three
  interviewers each from the team, booked on a grid of hourly slots so no interviewer is ever
  in two places (PostgreSQL refuses overlapping seats); one feedback per seat, with one
  revision (a draft while not submitted, 2% amended) rating every criterion of its focus;
- every interviewer works 9 to 17, Monday to Friday, in their own time zone;
- each opening has its own copy of a scorecard with 10 criteria (6 skills, 4 team fit);
- applications past the debrief have the team's decision, a few departing from the
  recommendation; some in debrief have a departing decision waiting for confirmation;
- applications come from the careers page (with the candidate's consent), referrals by a
  team member, recruiters and imports (SOURCES); every hire accepted an offer, some offers
  were declined (the application withdrawn), and applications at the offer stage have one
  sent or still in draft;
- every hire has its check-ins (90, 180 and 365 days after the hire) whose day has come, each
  rated by two colleagues (submitted once it closed, most of the open ones too). The signal is
  known: on the criteria in SIGNAL the check-in score is the panel's mean score at hire plus
  noise, on the others it is noise alone, and would-hire-again follows the panel's mean vote;
  so the validity report must find the first predictive and the rest not.
"""

import math
import random
import uuid
from collections import Counter, defaultdict, namedtuple
from datetime import UTC, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from hiring.models import (
    WITHDRAWAL_REASONS,
    Application,
    AuditEvent,
    Candidate,
    ClosingReason,
    Consent,
    Decision,
    InterviewSession,
    Membership,
    Offer,
    Opening,
    Organisation,
    Panel,
    PoolMember,
    SessionInterviewer,
    StageChange,
    Team,
    User,
    WorkingHours,
    mark_older_matches,
)
from hiring.reports import figures
from hiring.scheduling import booking
from scorecards.models import (
    Category,
    CheckIn,
    CheckInRating,
    CheckInReview,
    Criterion,
    Feedback,
    FeedbackRevision,
    Rating,
    Scorecard,
    ScorecardVersion,
    Vote,
)

VOTES = [Vote.STRONG_NO, Vote.NO, Vote.YES, Vote.STRONG_YES]
VOTE_LEVELS = {vote: level for level, vote in enumerate(VOTES, start=1)}
SCALES = {"small": 1_000, "medium": 10_000, "large": 100_000}
SEED = 6
BATCH_SIZE = 5_000
MARKER_TABLE = "bench_marker"
DOMAIN = "bench.example"
LEADERSHIP_EMAIL = f"cto@{DOMAIN}"
RECRUITER_EMAIL = f"recruiter@{DOMAIN}"

MEMBERS_PER_TEAM = 10
OPENINGS_PER_TEAM = 5
PANEL_SIZE = 3  # interviewers in each of the two sessions
SESSION = timedelta(minutes=45)
SLOT_HOURS = range(8, 18)  # UTC hours an interview may start, Monday to Friday
DAY = timedelta(days=1)

CRITERIA = [
    ("Problem solving", Category.SKILLS),
    ("System design", Category.SKILLS),
    ("Code quality", Category.SKILLS),
    ("Testing", Category.SKILLS),
    ("Debugging", Category.SKILLS),
    ("Domain knowledge", Category.SKILLS),
    ("Collaboration", Category.TEAM_FIT),
    ("Communication", Category.TEAM_FIT),
    ("Ownership", Category.TEAM_FIT),
    ("Feedback", Category.TEAM_FIT),
]
ANCHORS = [
    "Could not show it, even with help.",
    "Showed it with frequent hints.",
    "Showed it alone, with the main cases covered.",
    "Showed it unprompted and explained the trade-offs.",
]
TEAM_NAMES = [
    "Platform", "Payments", "Search", "Mobile", "Data", "Growth", "Identity", "Billing",
    "Checkout", "Messaging", "Maps", "Security", "Reliability", "Insights", "Onboarding",
    "Catalogue", "Pricing", "Support", "Ads", "Media",
]  # fmt: skip
TITLES = [
    "Backend engineer", "Frontend engineer", "Staff engineer", "Engineering manager",
    "Site reliability engineer", "Data engineer", "Mobile engineer", "Product designer",
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "Ben", "Cai", "Dan", "Eve", "Fay", "Gus", "Hana", "Ivo", "Jin", "Kim", "Lea",
    "Max", "Nia", "Oto", "Pia", "Quin", "Rui", "Sam", "Tia", "Uma", "Vic", "Wen", "Yara",
]  # fmt: skip
LAST_NAMES = [
    "Alves", "Baker", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Patel", "Rossi", "Silva",
    "Tanaka", "Vogel", "Weber", "Yilmaz", "Zhou",
]  # fmt: skip
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore", "UTC"]
# Every interviewer works 9 to 17 on weekdays in their zone. In these, everyone's hours meet
# for two hours at least (New York's morning is Berlin's afternoon), enough for a panel's two
# sessions back to back; Singapore's meet none of New York's.
NINE, SEVENTEEN = time(9), time(17)
MEETING_ZONES = {"Europe/London", "Europe/Berlin", "America/New_York", "UTC"}

# (weight, the stages an application went through after "applied"); the last is where it is.
PATHS = [
    (12, ()),
    (10, ("screen",)),
    (10, ("screen", "withdrawn")),
    (14, ("screen", "panel")),
    (4, ("screen", "panel", "withdrawn")),
    (5, ("screen", "panel", "debrief")),
    (3, ("screen", "panel", "debrief", "decided")),
    (2, ("screen", "panel", "debrief", "decided", "offer")),
    (8, ("screen", "panel", "debrief", "decided", "offer", "hired")),
    (1, ("screen", "panel", "debrief", "decided", "offer", "withdrawn")),  # offer declined
    (32, ("screen", "panel", "debrief", "decided", "rejected")),
]
OPEN_STAGES = {"applied", "screen", "panel", "debrief"}
# Why a candidate withdrew before an offer, in turn by application; one in seven said nothing
# that was recorded ("").
WITHDRAWN_BECAUSE = [*WITHDRAWAL_REASONS, ""]
# (weight, where applications come from), about as careers pages, referrals and sourcing split.
SOURCES = [(55, "careers"), (12, "referral"), (23, "recruiter"), (10, "imported")]
# The decision behind the end of a path: (outcome, the recommendation it usually follows).
OUTCOMES = {
    "decided": ("hold", "not_yet"),
    "offer": ("hire", "hire"),
    "hired": ("hire", "hire"),
    "rejected": ("no_hire", "no_hire"),
}
# Criteria whose check-in score follows the panel's score at hire (plus CHECK_IN_NOISE); the
# others' check-in scores are noise (uniform on the scale).
SIGNAL = {"Problem solving", "System design", "Code quality", "Collaboration", "Ownership"}
CHECK_IN_NOISE = 0.5
CHECK_IN_DAYS = (90, 180, 365)
CHECK_IN_OPEN = timedelta(days=30)
CHECK_IN_RATERS = 2

RULE = {
    "decision_method": "majority",
    "min_scorecards": 2,
    "min_team_fit_peers": 1,
    "skills_threshold": 2.5,
    "team_fit_threshold": 2.5,
    "strong_no_veto": True,
    "vote_counting": "interviewer",
}


# What the rows of one application's panel refer to.
Hiring = namedtuple("Hiring", "application team version criteria quality")


def teams_for(applications):
    return max(2, round(4 * math.sqrt(applications / 1000)))


def days(rng, low, high):
    return timedelta(days=rng.uniform(low, high))


class Rows:
    """Rows waiting to be written, per model, with the primary keys given out so far."""

    def __init__(self):
        self.pending = defaultdict(list)
        self.last_id = Counter()
        self.written = Counter()

    def add(self, model, **fields):
        self.last_id[model] += 1
        row_id = self.last_id[model]
        rows = self.pending[model]
        rows.append(model(id=row_id, **fields))
        if len(rows) >= BATCH_SIZE:
            self.flush(model)
        return row_id

    def flush(self, model=None):
        for each in [model] if model else list(self.pending):
            rows = self.pending[each]
            if rows:
                each.objects.bulk_create(rows, batch_size=BATCH_SIZE)
                self.written[each] += len(rows)
                self.pending[each] = []


class Calendar:
    """Hourly interview slots on weekdays, each taken at most once per interviewer."""

    def __init__(self, rng):
        self.rng = rng
        self.taken = defaultdict(set)

    def book(self, interviewers, earliest):
        """The start of the first slot all of them have free from `earliest`'s day on, within
        a week; None if there is none (the session then stays unbooked)."""
        first_day = earliest.astimezone(UTC).date().toordinal()
        for day in range(first_day, first_day + 7):
            if (day - 1) % 7 >= 5:  # ordinal 1 is a Monday
                continue
            hours = list(SLOT_HOURS)
            self.rng.shuffle(hours)
            for hour in hours:
                slot = day * 24 + hour
                if all(slot not in self.taken[person] for person in interviewers):
                    for person in interviewers:
                        self.taken[person].add(slot)
                    midnight = datetime.fromordinal(day).replace(tzinfo=UTC)
                    return midnight + timedelta(hours=hour)
        return None


def is_generated():
    """The marker row of a finished generation, or None."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT applications, seed, generated_at, seconds FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(["applications", "seed", "generated_at", "seconds"], row, strict=True))


def settle():
    """What autovacuum does soon after many rows were written (a bulk load, a migration that
    updates every row): the planner's statistics, and on PostgreSQL the visibility map, without
    which a count reads every row of the table instead of its index."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def closing_reason(application, from_stage, to_stage):
    """Why a move closes an application: a rejection after the panel is the team's decision,
    a withdrawal from the offer the offer declined, any other withdrawal one of the reasons in
    turn. From the application's number, not the generator's random numbers: the rest of the
    data stays as it was."""
    if to_stage == "rejected":
        return ClosingReason.TEAM_DECISION
    if to_stage != "withdrawn":
        return ""
    if from_stage == "offer":
        return ClosingReason.OFFER_DECLINED
    return WITHDRAWN_BECAUSE[application % len(WITHDRAWN_BECAUSE)]


class Generator:
    def __init__(self, applications, seed=SEED, progress=None, now=None):
        self.applications = applications
        self.rng = random.Random(seed)
        # Check-ins draw from their own generator: the rest is as it was before they came.
        self.check_in_rng = random.Random(seed + 16)
        self.seed = seed
        self.progress = progress or (lambda message: None)
        # Midnight, so that generating on one day always makes the same organisation.
        self.now = (now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
        # The submitted scores of the application being generated: {feedback: {criterion: score}}
        # (an amendment replaces its revision's), for its check-ins' known signal.
        self.panel_scores = {}
        self.panel_votes = {}
        self.signal_ids = set()
        self.rows = Rows()
        self.calendar = Calendar(random.Random(seed))
        # An application's latest stage change waits here until the next one says when it ended.
        self.open_change = None

    def run(self):
        began = timezone.now()
        with transaction.atomic():
            Organisation.objects.get_or_create(pk=1, defaults={"name": "Benchmark Ltd"})
            self.people()
            self.teams()
            self.progress(
                f"Generating {self.applications:,} applications for {len(self.team_ids)} teams"
            )
            step = max(1, self.applications // 10)
            for number in range(self.applications):
                self.application(number)
                if (number + 1) % step == 0:
                    self.progress(f"  {number + 1:,} applications")
            self.close_change()
            self.rows.flush()
            latest = FeedbackRevision.objects.filter(
                feedback=OuterRef("pk"), submitted_at__isnull=False
            ).order_by("-number")
            Feedback.objects.update(latest_submission=Subquery(latest.values("pk")[:1]))
            booking.keep_panel_booked(Application.objects.all())
            mark_older_matches(Candidate.objects.all())
            self.reset_sequences()
            self.progress("Building the reports' running figures")
            figures.rebuild()
            seconds = round((timezone.now() - began).total_seconds(), 1)
            with connection.cursor() as cursor:
                # A test database flushed between tests keeps the table of an earlier run.
                cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
                cursor.execute(
                    f"CREATE TABLE {MARKER_TABLE} (applications integer, seed integer,"
                    " generated_at varchar(40), seconds real)"
                )
                cursor.execute(
                    f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s)",
                    [self.applications, self.seed, began.isoformat(), seconds],
                )
        settle()
        return {model._meta.label: count for model, count in self.rows.written.items()}

    def reset_sequences(self):
        """Primary keys were given here; let the database's next ones follow them."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.rows.written))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def user(self, email, display_name, role=User.Role.MEMBER):
        return self.rows.add(
            User,
            email=email,
            display_name=display_name,
            role=role,
            password="!",  # unusable: the benchmark signs in with force_login
            time_zone=self.rng.choice(ZONES),
            date_joined=self.now - timedelta(days=400),
        )

    def people(self):
        self.leadership_id = self.user(LEADERSHIP_EMAIL, "Casey CTO", User.Role.LEADERSHIP)
        self.recruiter_id = self.user(RECRUITER_EMAIL, "Robin Recruiter", User.Role.RECRUITER)
        self.member_ids = []
        self.leniency = {}  # how much each interviewer rates above or below the others
        for number in range(teams_for(self.applications) * MEMBERS_PER_TEAM):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)]
            person = self.user(f"person{number}@{DOMAIN}", f"{first} {last} {number}")
            self.member_ids.append(person)
            self.leniency[person] = self.rng.gauss(0, 0.3)
            for weekday in range(5):  # Monday to Friday, 9 to 17 in their own zone
                self.rows.add(
                    WorkingHours, user_id=person, weekday=weekday, start=NINE, end=SEVENTEEN
                )

    def teams(self):
        self.team_ids, self.members, self.openings = [], {}, []
        created = self.now - timedelta(days=400)
        for number in range(teams_for(self.applications)):
            name = TEAM_NAMES[number % len(TEAM_NAMES)]
            if number >= len(TEAM_NAMES):
                name = f"{name} {number // len(TEAM_NAMES) + 1}"
            team = self.rows.add(
                Team, name=name, description=f"The {name} team.", created_at=created
            )
            self.team_ids.append(team)
            members = self.member_ids[number * MEMBERS_PER_TEAM : (number + 1) * MEMBERS_PER_TEAM]
            self.members[team] = members
            for person in members:
                self.rows.add(Membership, team_id=team, user_id=person, joined_at=created)
                for focus in Category.values:
                    self.rows.add(PoolMember, team_id=team, user_id=person, focus=focus)
            self.scorecard(team, f"{name} engineering scorecard")  # the library template
            for position in range(OPENINGS_PER_TEAM):
                title = TITLES[(number + position) % len(TITLES)]
                version, criteria = self.scorecard(team, f"{title} ({name}) scorecard")
                opening = self.rows.add(
                    Opening,
                    team_id=team,
                    title=title,
                    description=f"{title} in the {name} team.",
                    status=Opening.Status.CLOSED if position == 4 else Opening.Status.OPEN,
                    scorecard_id=self.rows.last_id[Scorecard],
                    created_at=created,
                )
                self.openings.append((opening, team, version, criteria))

    def scorecard(self, team, name):
        scorecard = self.rows.add(Scorecard, team_id=team, name=name, created_at=self.now)
        version = self.rows.add(ScorecardVersion, scorecard_id=scorecard, number=1)
        criteria = defaultdict(list)
        for position, (criterion_name, category) in enumerate(CRITERIA):
            criterion = self.rows.add(
                Criterion,
                version_id=version,
                key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                position=position,
                name=criterion_name,
                category=category,
                description=f"{criterion_name}, as the interview shows it.",
                anchor_1=ANCHORS[0],
                anchor_2=ANCHORS[1],
                anchor_3=ANCHORS[2],
                anchor_4=ANCHORS[3],
                questions=f"Tell us about a time {criterion_name.lower()} mattered.",
            )
            criteria[category].append(criterion)
            if criterion_name in SIGNAL:
                self.signal_ids.add(criterion)
        return version, criteria

    def application(self, number):
        rng = self.rng
        opening, team, version, criteria = rng.choice(self.openings)
        path = rng.choices([p for _, p in PATHS], weights=[w for w, _ in PATHS])[0]
        stage = path[-1] if path else "applied"
        # Sample the waits between moves first, to place the creation date so that open
        # applications moved within the last six months and closed ones within the year.
        waits = [days(rng, 1, 7) for _ in path]
        span = sum(waits, timedelta()) + (days(rng, 8, 20) if "debrief" in path else timedelta())
        if stage in OPEN_STAGES:
            idle = timedelta(days=min(rng.expovariate(1 / 20), 150))
            created = self.now - span - idle - (7 * DAY if "debrief" in path else timedelta())
        else:
            created = self.now - days(rng, span.days + 10, max(span.days + 10, 365))
        quality = {"hired": 3.2, "offer": 3.2, "rejected": 2.1}.get(stage, 2.6)
        quality = rng.gauss(quality, 0.4)

        self.panel_scores, self.panel_votes = {}, {}
        source = rng.choices([s for _, s in SOURCES], weights=[w for w, _ in SOURCES])[0]
        candidate = self.rows.add(
            Candidate,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            email=f"candidate{number}@example.net",
            time_zone=rng.choice(ZONES),
            created_at=created,
        )
        application = self.rows.last_id[Application] + 1
        if source == "careers":
            self.rows.add(
                Consent,
                candidate_id=candidate,
                application_id=application,
                notice_version="2026-12",
                given_at=created,
            )
        self.move(application, team, "", "applied", created, by=self.recruiter_id)
        at, previous, debrief_opened, panel_done = created, "applied", None, None
        for wait, next_stage in zip(waits, path, strict=True):
            moved_to_previous = at
            if next_stage in ("offer", "rejected"):
                wait = timedelta(seconds=1)  # the decision's own move, right after "decided"
            at = min(at + wait, self.now - timedelta(minutes=len(path)))
            if panel_done and next_stage in ("debrief", "withdrawn"):
                at = max(at, panel_done)  # after the last scorecard came in
            if next_stage == "debrief":
                debrief_opened = at
                self.audit(AuditEvent.Action.DEBRIEF_OPENED, None, team, application, at)
            if next_stage == "decided":
                self.decision(application, team, "offer" if "offer" in path else stage, at)
            if previous == "offer":  # the candidate answered the offer
                answer = "accepted" if stage == "hired" else "declined"
                self.offer(application, team, moved_to_previous, answer, answered=at)
            self.move(
                application,
                team,
                previous,
                next_stage,
                at,
                by=None if previous == "offer" else self.recruiter_id,
            )
            if next_stage == "panel":
                members = rng.sample(self.members[team], 2 * PANEL_SIZE)
                hiring = Hiring(application, team, version, criteria, quality)
                panel_done = self.panel(hiring, members, at, ongoing=stage == "panel")
            previous = next_stage
        if stage == "hired":
            self.check_ins(application, team, version, criteria, at)
        if stage == "debrief" and rng.random() < 0.3:
            self.decision(application, team, stage, at + days(rng, 0, 2))
        if stage == "offer":
            self.offer(application, team, at, rng.choice(["draft", "sent", "sent", "sent"]))
        self.rows.add(
            Application,
            candidate_id=candidate,
            opening_id=opening,
            source=source,
            referred_by_id=rng.choice(self.members[team]) if source == "referral" else None,
            stage=stage,
            stage_changed_at=at,
            decision_rule=RULE,
            debrief_opened_at=debrief_opened,
            created_at=created,
        )

    def move(self, application, team, from_stage, to_stage, at, by):
        self.close_change(left_at=at if from_stage else None)
        self.open_change = {
            "application_id": application,
            "from_stage": from_stage,
            "to_stage": to_stage,
            "by_id": by,
            "at": at,
            "reason": closing_reason(application, from_stage, to_stage),
        }
        if from_stage:
            details = f"{Application.Stage(from_stage).label} → {Application.Stage(to_stage).label}"
            self.audit(AuditEvent.Action.STAGE_CHANGED, by, team, application, at, details)

    def close_change(self, left_at=None):
        """Write the open stage change, ended at `left_at` (None while the application is there)."""
        if self.open_change is not None:
            self.rows.add(StageChange, **self.open_change, left_at=left_at)
            self.open_change = None

    def audit(self, action, actor, team, application, at, details=""):
        self.rows.add(
            AuditEvent,
            action=action,
            actor_id=actor,
            team_id=team,
            application_id=application,
            details=details,
            at=at,
        )

    def panel(self, hiring, members, moved_at, ongoing):
        """Two sessions with three interviewers each, and their feedback; returns when the last
        scorecard came in. While the application is at the panel stage (`ongoing`) sessions may
        lie ahead, and some scorecards of past ones are still drafts: overdue."""
        rng = self.rng
        panel = self.rows.add(
            Panel,
            application_id=hiring.application,
            created_by_id=self.recruiter_id,
            created_at=moved_at,
        )
        done = moved_at
        earliest = moved_at + days(rng, 1, 10)
        for position, focus in enumerate(Category.values):
            interviewers = members[position * PANEL_SIZE : (position + 1) * PANEL_SIZE]
            start = self.calendar.book(interviewers, earliest)
            end = start + SESSION if start else None
            session = self.rows.add(
                InterviewSession,
                panel_id=panel,
                position=position,
                focus=focus,
                duration_minutes=45,
                start=start,
                end=end,
                # Booked, its invites sent: a move of it is announced as one (0074 fills them so).
                announced_start=start,
                uid=f"bench-{self.rows.last_id[InterviewSession] + 1}@teamfit",
            )
            for person in interviewers:
                self.rows.add(
                    SessionInterviewer, session_id=session, user_id=person, start=start, end=end
                )
                submitted = None
                if end and end < self.now and (not ongoing or rng.random() < 0.7):
                    submitted = min(end + days(rng, 0.05, 3), self.now - timedelta(minutes=10))
                    done = max(done, submitted)
                self.feedback(hiring, person, focus, session, moved_at, submitted)
            earliest = start or earliest
        return done

    def feedback(self, hiring, person, focus, session, assigned, submitted):
        rng = self.rng
        feedback = self.rows.add(
            Feedback,
            application_id=hiring.application,
            interviewer_id=person,
            focus=focus,
            session_id=session,
            version_id=hiring.version,
            assigned_by_id=self.recruiter_id,
            assigned_at=assigned,
            submitted_at=submitted,
        )
        criteria = hiring.criteria[focus]
        for criterion in criteria:
            self.rows.add(Feedback.criteria.through, feedback_id=feedback, criterion_id=criterion)
        level = hiring.quality + self.leniency[person]
        self.revision(feedback, 1, criteria, level, submitted, draft=submitted is None)
        if submitted:
            self.audit(
                AuditEvent.Action.FEEDBACK_SUBMITTED,
                person,
                hiring.team,
                hiring.application,
                submitted,
            )
            if rng.random() < 0.02:
                amended = min(submitted + days(rng, 0.1, 2), self.now)
                self.revision(feedback, 2, criteria, level + 0.3, amended, draft=False)
                self.audit(
                    AuditEvent.Action.FEEDBACK_AMENDED,
                    person,
                    hiring.team,
                    hiring.application,
                    amended,
                )

    def revision(self, feedback, number, criteria, level, at, draft):
        rng = self.rng
        scores, rated = [], []
        revision = self.rows.last_id[FeedbackRevision] + 1
        for criterion in criteria:
            score, no_evidence = round(min(4, max(1, rng.gauss(level, 0.6)))), False
            if draft and rng.random() < 0.5:
                score = None
            elif not draft and rng.random() < 0.02:
                score, no_evidence = None, True
            if score:
                scores.append(score)
                rated.append((criterion, score))
            self.rows.add(
                Rating,
                revision_id=revision,
                criterion_id=criterion,
                score=score,
                no_evidence=no_evidence,
            )
        vote = ""
        if not draft:
            mean = sum(scores) / len(scores) if scores else level
            vote = [Vote.STRONG_NO, Vote.NO, Vote.YES, Vote.STRONG_YES][
                min(3, max(0, round(mean + rng.gauss(0, 0.3)) - 1))
            ]
            self.panel_scores[feedback] = dict(rated)
            self.panel_votes[feedback] = VOTE_LEVELS[vote]
        self.rows.add(
            FeedbackRevision,
            feedback_id=feedback,
            number=number,
            takeaways="" if draft else "Solid examples; see the ratings.",
            vote=vote,
            amend_reason="Corrected a rating after the debrief notes." if number > 1 else "",
            updated_at=at or self.now,
            submitted_at=None if draft else at,
        )

    def check_ins(self, application, team, version, criteria, hired_at):
        """The hire's check-ins whose day has come, with the known signal (see SIGNAL): each
        rater's score on a signal criterion is the panel's mean score at hire plus noise, on
        the others a score drawn at random; would-hire-again follows the panel's mean vote."""
        rng = self.check_in_rng
        at_hire = defaultdict(list)
        for scores in self.panel_scores.values():
            for criterion, score in scores.items():
                at_hire[criterion].append(score)
        votes = list(self.panel_votes.values())
        vote_at_hire = sum(votes) / len(votes) if votes else 3
        for day in CHECK_IN_DAYS:
            due = hired_at + timedelta(days=day)
            if due > self.now:
                break
            closes = due + CHECK_IN_OPEN
            check_in = self.rows.add(
                CheckIn,
                application_id=application,
                day=day,
                due_at=due,
                closes_at=closes,
                version_id=version,
            )
            for rater in rng.sample(self.members[team], CHECK_IN_RATERS):
                submitted = due + days(rng, 0.5, 25)
                if submitted > self.now or (closes > self.now and rng.random() < 0.2):
                    continue  # not rated yet, or missed
                again = round(min(4, max(1, vote_at_hire + rng.gauss(0, CHECK_IN_NOISE))))
                review = self.rows.add(
                    CheckInReview,
                    check_in_id=check_in,
                    rater_id=rater,
                    would_hire_again=VOTES[again - 1],
                    notes="Settled in; see the scores.",
                    updated_at=submitted,
                    submitted_at=submitted,
                )
                for criterion in criteria[Category.SKILLS] + criteria[Category.TEAM_FIT]:
                    panel = at_hire.get(criterion)
                    if criterion in self.signal_ids and panel:
                        level = sum(panel) / len(panel) + rng.gauss(0, CHECK_IN_NOISE)
                        score = round(min(4, max(1, level)))
                    else:
                        score = rng.randint(1, 4)
                    self.rows.add(
                        CheckInRating, review_id=review, criterion_id=criterion, score=score
                    )

    def offer(self, application, team, decided, status, answered=None):
        """The offer prepared after the decision to hire (`decided`), sent unless a draft, and
        answered when the candidate moved it on."""
        rng = self.rng
        prepared = min(decided + timedelta(hours=2), answered or self.now)
        sent = None if status == "draft" else prepared + timedelta(minutes=30)
        if answered:
            sent = min(sent, answered)
        at = answered or prepared
        self.rows.add(
            Offer,
            application_id=application,
            status=status,
            title="Engineer",
            start_date=(at + days(rng, 20, 60)).date(),
            terms="Salary, equity and benefits as discussed.",
            expires_at=(sent or at) + 14 * DAY,
            created_by_id=self.recruiter_id,
            created_at=prepared,
            sent_at=sent,
            answered_at=answered,
            decline_reason="Accepted another offer." if status == "declined" else "",
        )
        if sent:
            self.audit(AuditEvent.Action.OFFER, self.recruiter_id, team, application, sent, "Sent")
        if answered:
            details = f"{status.title()} by the candidate"
            self.audit(AuditEvent.Action.OFFER, None, team, application, answered, details)

    def decision(self, application, team, stage, at):
        """The team's decision; one in ten departs from the recommendation and was confirmed by
        a second member. In the debrief stage it departs and waits for that confirmation."""
        rng = self.rng
        at = min(at, self.now)
        outcome, recommendation = OUTCOMES.get(stage, ("hire", "no_hire"))
        departs = stage == "debrief" or outcome != recommendation or rng.random() < 0.1
        if departs and outcome == recommendation:
            recommendation = "no_hire" if outcome == "hire" else "hire"
        recorder, confirmer = rng.sample(self.members[team], 2)
        confirmed = departs and stage != "debrief"
        self.rows.add(
            Decision,
            application_id=application,
            outcome=outcome,
            rationale="The panel saw more than the scores say." if departs else "",
            recommendation=recommendation,
            recommendation_reasons=["Quorum met: 6 scorecards."],
            recorded_by_id=recorder,
            recorded_at=at,
            confirmed_by_id=confirmer if confirmed else None,
            confirmed_at=at + timedelta(hours=2) if confirmed else None,
        )
        self.audit(AuditEvent.Action.DECISION_RECORDED, recorder, team, application, at)
        if confirmed:
            self.audit(AuditEvent.Action.DECISION_CONFIRMED, confirmer, team, application, at)
        return outcome
