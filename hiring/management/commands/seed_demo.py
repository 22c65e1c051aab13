import random
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hiring.accounts import people as people_admin
from hiring.careers import careers, questions
from hiring.checkins import checkins
from hiring.debrief import decisions
from hiring.imports import imports
from hiring.models import (
    Application,
    BusyBlock,
    Candidate,
    CandidateAccess,
    CandidateEmail,
    CandidateImport,
    ClosingReason,
    Decision,
    EmailTemplate,
    InterviewSession,
    Membership,
    Offer,
    Opening,
    OpeningQuestion,
    Organisation,
    Panel,
    PoolMember,
    Proposal,
    SlotOffer,
    StageChange,
    Team,
    User,
    WorkingHours,
)
from hiring.offers import offers
from hiring.outreach import editing as email_editing
from hiring.outreach import messages
from hiring.pipeline import applications
from hiring.portal import status as own_page
from hiring.privacy import erasure
from hiring.privacy import export as data_export
from hiring.privacy.tasks import build_export
from hiring.reports import figures
from hiring.scheduling import booking
from hiring.teams import invitations, membership
from scorecards import editing, scoring
from scorecards.models import (
    Category,
    CheckIn,
    CheckInReview,
    Criterion,
    FeedbackRevision,
    Vote,
)

PASSWORD = "teamfit-demo"
DOMAIN = "teamfit.example"

PEOPLE = [
    # (local part, display name, role, time zone)
    ("cto", "Carla Ortiz (CTO)", User.Role.LEADERSHIP, "Europe/Berlin"),
    ("rita", "Rita Recruiter", User.Role.RECRUITER, "Europe/London"),
    ("admin", "Alex Admin", User.Role.ADMIN, "Europe/London"),
    ("ana", "Ana Alves", User.Role.MEMBER, "Europe/Lisbon"),
    ("ben", "Ben Baker", User.Role.MEMBER, "Europe/London"),
    ("cai", "Cai Chen", User.Role.MEMBER, "Asia/Singapore"),
    ("dan", "Dan Dubois", User.Role.MEMBER, "America/New_York"),
    ("eve", "Eve Evans", User.Role.MEMBER, "Europe/Dublin"),
    ("fay", "Fay Fischer", User.Role.MEMBER, "Europe/Berlin"),
    ("gus", "Gus Garcia", User.Role.MEMBER, "America/Sao_Paulo"),
]

TEAMS = [
    (
        "Platform",
        "Runs the infrastructure every product team builds on.",
        ["ana", "ben", "cai", "dan"],
    ),
    ("Payments", "Moves money: checkout, payouts and reconciliation.", ["eve", "fay", "gus"]),
]


class Command(BaseCommand):
    help = "Create the demo organisation. Safe to run again: it only adds what is missing."

    @transaction.atomic
    def handle(self, *args, **options):
        Organisation.current()
        self.names_given = {DUPLICATE}  # one person twice, on purpose: not another namesake
        people = {local: self.person(local, *rest) for local, *rest in PEOPLE}
        # One person reads Teamfit in German; the others in their browser's language.
        User.objects.filter(pk=people["fay"].pk).update(language="de")
        for name, description, members in TEAMS:
            team, created = Team.objects.get_or_create(
                name=name, defaults={"description": description}
            )
            if created:
                for local in members:
                    Membership.objects.create(team=team, user=people[local])
        # Someone who left: a member of Payments, asked for a scorecard on Kenji Sato before the
        # admin deactivated their account (below), so the team page shows who no longer votes,
        # Kenji's debrief whom the team waits for in vain (and no one can sign in as them).
        people["pat"] = self.person("pat", "Pat Parker", User.Role.MEMBER, "Europe/Madrid")
        Membership.objects.get_or_create(team=Team.objects.get(name="Payments"), user=people["pat"])
        platform = Team.objects.get(name="Platform")
        if not platform.proposals.exists():
            # A proposal still waiting for votes, so the team page shows self-selection at work.
            membership.propose_member(platform, people["ana"], f"hana@{DOMAIN}")
        for team_name, template in TEMPLATES.items():
            team = Team.objects.get(name=team_name)
            if not team.scorecards.exists():
                name, criteria = template
                editing.create_template(team, name, criteria)
        for team_name, title, description, candidates in OPENINGS:
            team = Team.objects.get(name=team_name)
            if not team.openings.filter(title=title).exists():
                self.opening(team, title, description, candidates, people)
        for local, ranges in WORKING_HOURS.items():
            self.availability(people[local], ranges)
        if people["pat"].is_active:
            self.departure(people)
        for team_name, pools in POOLS.items():
            team = Team.objects.get(name=team_name)
            for focus, locals_, trainee in pools:
                for local in locals_:
                    PoolMember.objects.get_or_create(
                        team=team, user=people[local], focus=focus, defaults={"trainee": trainee}
                    )
        payments_opening = Opening.objects.get(title="Backend Engineer, Payments")
        if not payments_opening.proposals.exists():
            # A rule change waiting for the team: proposed like a member, settled by its rule.
            rule = payments_opening.rule_snapshot()
            membership.propose_decision_rule(
                payments_opening, people["eve"], {**rule, "decision_method": "unanimous"}, rule
            )
        self.team_invitation_and_settings(people, platform)
        platform_opening = Opening.objects.get(title="Senior Platform Engineer")
        if not platform_opening.questions.exists():
            for fields in QUESTIONS:
                questions.add_question(platform_opening, fields, people["ana"])
        if not Panel.objects.exclude(application__candidate__name=DEPARTED_FROM).exists():
            self.panels(people)
        if not Decision.objects.exists():
            self.decisions(people)
        if not Application.objects.filter(created_at__lt=timezone.now() - timedelta(days=20)):
            self.history(people)
        if not CheckIn.objects.exists():
            self.past_hires(people)
        if not EmailTemplate.objects.filter(team=None, kind=RECEIVED_EMAIL["kind"]).exists():
            self.received_email(people)
        if not Offer.objects.exists():
            self.hiring_loop(people)
        if not Candidate.objects.filter(name=OFFER_WITHDRAWN).exists():
            self.loop_ends(people)
        # After the past hires (which run on a demo without check-ins) and before the edited
        # scorecard (his panel submits on the opening's first version).
        if not Candidate.objects.filter(name=LEFT_THE_TEAM[0]).exists():
            self.hire_who_left(people)
        if not Candidate.objects.exclude(erased_at=None).exists():
            self.privacy(people)
        if not Candidate.objects.filter(name=WITHDREW["name"]).exists():
            self.withdrawal()
        # After the histories and past hires, which submit on the opening's scorecard: its new
        # version holds drafts only.
        if not Criterion.objects.filter(name=NEW_CRITERION["name"]).exists():
            self.edited_scorecard(people)
        if not CandidateImport.objects.filter(status=CandidateImport.Status.EXPIRED).exists():
            self.expired_import(people)
        if not Candidate.objects.filter(name=STILL_NEEDED).exists():
            self.sessions_cancelled(people)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with any of these:"))
        for local, name, role, _ in PEOPLE:
            self.stdout.write(f"  {local + '@' + DOMAIN:<24} {PASSWORD}   {role.label}: {name}")
        self.stdout.write(f"The careers page: {settings.SITE_URL}/careers/")
        offer = SlotOffer.objects.filter(used_at=None).first()
        if offer:
            self.stdout.write(
                f"A candidate's scheduling link: {settings.SITE_URL}{offer.get_absolute_url()}"
            )
        offer = Offer.objects.filter(status=Offer.Status.SENT).first()
        if offer:
            link = settings.SITE_URL + offer.get_absolute_url()
            self.stdout.write(f"{offer.application.candidate}'s offer to answer: {link}")
            status = settings.SITE_URL + offer.application.status_url()
            self.stdout.write(f"{offer.application.candidate}'s own page: {status}")
        held = SlotOffer.objects.filter(panel__application__candidate__name=HELD).first()
        if held:
            link = settings.SITE_URL + held.get_absolute_url()
            self.stdout.write(f"{HELD}'s booked interview, beside the one already held: {link}")
        withdrawn = Application.objects.filter(candidate__name=OFFER_WITHDRAWN).first()
        if withdrawn:
            link = settings.SITE_URL + withdrawn.status_url()
            self.stdout.write(f"{OFFER_WITHDRAWN}'s own page, the offer sent him withdrawn: {link}")
        withdrew = Application.objects.filter(candidate__name=WITHDREW["name"]).first()
        if withdrew:
            link = settings.SITE_URL + withdrew.status_url()
            self.stdout.write(f"{withdrew.candidate}'s own page, withdrawn with her reason: {link}")
        expired = CandidateImport.objects.filter(status=CandidateImport.Status.EXPIRED).first()
        if expired:
            link = settings.SITE_URL + reverse("import_detail", args=[expired.pk])
            self.stdout.write(f"rita's import that expired unrun: {link}")

    def availability(self, user, ranges):
        if not user.working_hours.exists():
            WorkingHours.objects.bulk_create(
                WorkingHours(user=user, weekday=day, start=start, end=end)
                for day in range(5)
                for start, end in ranges
            )
        if not user.busy_blocks.exists():
            # A daily stand-up and a weekly planning meeting, in the person's own time zone.
            zone = zoneinfo.ZoneInfo(user.time_zone)
            today = timezone.localdate()
            for offset in range(-14, 28):
                day = today + timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                blocks = [(time(9, 30), time(9, 45), "Stand-up")]
                if day.weekday() == 1:
                    blocks.append((time(14), time(15, 30), "Planning"))
                for start, end, summary in blocks:
                    BusyBlock.objects.create(
                        user=user,
                        start=datetime.combine(day, start, tzinfo=zone),
                        end=datetime.combine(day, end, tzinfo=zone),
                        summary=summary,
                    )

    def panels(self, people):
        """Panels booked in the past, booked ahead, cancelled, one offered to the candidate, and
        one whose candidate proposed a time of their own instead of the times offered."""
        monday = next_monday() - timedelta(days=7)
        ana, ben, cai, dan, eve, fay, rita = (
            people[p] for p in ("ana", "ben", "cai", "dan", "eve", "fay", "rita")
        )
        plans = [
            (
                "Tom Okafor",
                monday - timedelta(days=14),
                "book",
                [(SKILLS, [ana]), (TEAM_FIT, [ben, dan])],
            ),
            (
                "Lena Vogel",
                monday + timedelta(days=7),
                "book",
                [(SKILLS, [ana]), (TEAM_FIT, [ben, cai])],
            ),
            (
                "Sara Lind",
                monday + timedelta(days=7),
                "cancel",
                [(SKILLS, [ben]), (TEAM_FIT, [cai])],
            ),
            (
                "Marco Rossi",
                monday + timedelta(days=7),
                "offer",
                [(SKILLS, [ana]), (TEAM_FIT, [ben])],
            ),
            (
                "Ola Nordmann",
                monday + timedelta(days=7),
                "propose",
                [(SKILLS, [eve]), (TEAM_FIT, [fay])],
            ),
        ]
        for name, start, plan, sessions in plans:
            application = Application.objects.get(candidate__name=name)
            panel = self.panel(application, rita, sessions)
            options = self.options(panel, start)
            if plan in ("offer", "propose"):
                offer = booking.offer_to_candidate(panel, options[:3], rita)
                if plan == "propose":
                    # None of the three suits: the afternoon of the Thursday after, in UTC.
                    free = datetime.combine(start + timedelta(days=10), time(13), UTC)
                    booking.propose_window(offer, free, free + timedelta(hours=3))
                continue
            booking.book(panel, options[0], rita)
            if plan == "cancel":
                booking.cancel_session(panel.sessions.first(), rita)

    def panel(self, application, by, sessions):
        """A panel of hour-long sessions, each `(focus, interviewers)`."""
        return booking.create_panel(
            application,
            by,
            [{"focus": f, "duration_minutes": 60, "interviewers": who} for f, who in sessions],
        )

    def options(self, panel, day):
        """The times the panel's sessions to place can take in the five days from `day`."""
        start = datetime.combine(day, time(), tzinfo=UTC)
        return booking.find_options(panel, start, start + timedelta(days=5))

    def at_panel(self, title, name, by):
        """`name`'s application to the opening `title`, moved on to the Panel stage."""
        application = applications.add_application(
            Opening.objects.get(title=title),
            by,
            name=name,
            email=f"{name.lower().replace(' ', '.')}@candidates.example",
        ).application
        for stage in (Application.Stage.SCREEN, Application.Stage.PANEL):
            application.move_to(stage, by)
        return application

    def departure(self, people):
        """Pat Parker left: the admin deactivated him on his page while an interview still to
        come seated him, so the recruiters are emailed to replace him (the worker sends it once
        this commits) and its panel's page offers to."""
        eve, pat, rita = people["eve"], people["pat"], people["rita"]
        application = self.at_panel("Backend Engineer, Payments", DEPARTED_FROM, rita)
        panel = self.panel(application, rita, [(SKILLS, [eve]), (TEAM_FIT, [pat])])
        booking.book(panel, self.options(panel, next_monday())[0], rita)
        people_admin.change_person(
            pat, people["admin"], display_name=pat.display_name, role=pat.role, is_active=False
        )

    def sessions_cancelled(self, people):
        """Panels on rita's home that wait for a session: one cancelled that no other session
        of its focus stands for, and one to book again beside the other, booked. And a candidate
        whose session booked again after the other was held was picked through their link:
        their page lists the held one apart from the one they are booked for."""
        ana, ben, cai, rita = (people[p] for p in ("ana", "ben", "cai", "rita"))
        week = next_monday()
        title = "Senior Platform Engineer"
        for name, cancelled in ((STILL_NEEDED, SKILLS), (BOOK_AGAIN, TEAM_FIT), (HELD, TEAM_FIT)):
            panel = self.panel(
                self.at_panel(title, name, rita), rita, [(SKILLS, [ana]), (TEAM_FIT, [cai])]
            )
            booking.book(panel, self.options(panel, week)[0], rita)
            if name == HELD:
                # Its skills interview was held the week before (a booking keeps to times
                # ahead): two weeks before its time next week.
                held = panel.sessions.get(focus=SKILLS)
                moved = {
                    "start": held.start - timedelta(days=14),
                    "end": held.end - timedelta(days=14),
                }
                InterviewSession.objects.filter(pk=held.pk).update(**moved)
                held.interviewers.update(**moved)
                figures.session_outdated(held.pk, moved["start"])  # plain updates: no signal
            session = panel.sessions.get(focus=cancelled)
            booking.cancel_session(session, rita)
            if name == STILL_NEEDED:
                continue
            booking.reopen_session(session, rita)
            if name == HELD:
                offer = booking.offer_to_candidate(panel, self.options(panel, week)[:3], rita)
                booking.candidate_pick(offer, 0)

    def opening(self, team, title, description, candidates, people):
        template = team.scorecards.get(opening=None)
        author = team.memberships.order_by("user__email").first().user
        opening = applications.create_opening(
            team, template, author, title=title, description=description
        )
        if team.name in ADAPTATIONS:
            editing.add_criterion(opening.scorecard, ADAPTATIONS[team.name], author)
        for name, stage, panel in candidates:
            self.candidate(opening, author, name, stage, panel, people)

    def candidate(self, opening, author, name, stage, panel, people):
        """`name`'s application to `opening`, at `stage`, with what `panel` wrote so far."""
        local = name.split()[0].lower()
        member = people.get(local)
        if member is not None and member.display_name == name:
            # One of the team applied on the careers page, at the address they sign in with.
            application = careers.apply(
                opening, name=name, email=member.email, time_zone=member.time_zone
            )
        else:
            application = applications.add_application(
                opening,
                author,
                name=name,
                email=f"{local}@candidates.example",
                links=f"https://github.com/{local}",
            ).application
        # The whole panel asked first, as a recruiter does: the debrief opens once all of
        # it wrote, not as soon as the first two did.
        asked = [
            (scoring.assign(application, people[interviewer], focus, assigned_by=author), rest)
            for interviewer, focus, *rest in panel
        ]
        for feedback, (state, scores, vote) in asked:
            self.write(feedback, state, scores, vote)
        if stage != Application.Stage.APPLIED:
            application.move_to(stage, author)
        return application

    def feedback(
        self, application, interviewer, focus, state, scores, vote, assigned_by, practice=False
    ):
        feedback = scoring.assign(
            application, interviewer, focus, assigned_by=assigned_by, practice=practice
        )
        self.write(feedback, state, scores, vote)

    def write(self, feedback, state, scores, vote):
        """What the interviewer of `feedback` wrote: nothing yet, a draft, or a submission."""
        interviewer = feedback.interviewer
        if state == "assigned":
            return
        criteria = list(feedback.criteria.order_by("position"))
        ratings = {
            c.pk: {"score": score, "no_evidence": score is None, "notes": NOTES[score]}
            for c, score in zip(criteria, scores, strict=False)
        }
        draft = scoring.save_draft(
            feedback, interviewer, ratings=ratings, takeaways=TAKEAWAYS[vote], vote=vote
        )
        if state == "draft":
            return
        scoring.submit(feedback, interviewer, draft.number)
        if state == "amended":
            amendment = scoring.start_amendment(feedback, interviewer)
            first = criteria[0]
            scoring.save_draft(feedback, interviewer, ratings={first.pk: {"score": 3}})
            scoring.submit(
                feedback,
                interviewer,
                amendment.number,
                amend_reason="Re-read my notes: the design answer was stronger than I scored.",
            )

    def decisions(self, people):
        """Decisions that follow the rule, one departing (confirmed), one awaiting confirmation."""
        for name, recorder, outcome, rationale, confirmer in DECISIONS:
            application = Application.objects.get(candidate__name=name)
            record = decisions.record_decision(application, people[recorder], outcome, rationale)
            if confirmer:
                decisions.confirm_decision(record, people[confirmer])

    def unique_name(self, rng):
        """A first and last name no other generated candidate has: two of one name would read
        as one person, and a number after a name reads as made up."""
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        at = names.index(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
        while names[at] in self.names_given:
            at = (at + 1) % len(names)
        self.names_given.add(names[at])
        return names[at]

    def history(self, people):
        """Six months of past applications, so the reports have something to show."""
        rng = random.Random(42)
        now = timezone.now()
        for team_name, interviewers in HISTORY_PANELS.items():
            team = Team.objects.get(name=team_name)
            opening = team.openings.first()
            author = people[interviewers[0]]
            for number in range(30):
                created = now - timedelta(days=rng.randint(25, 180))
                application = applications.add_application(
                    opening,
                    author,
                    name=self.unique_name(rng),
                    email=f"past{number}.{team_name.lower()}@candidates.example",
                ).application
                path = ["screen", "panel"][: rng.choice([0, 1, 2, 2, 2])]
                for stage in path:
                    application.move_to(stage, author)
                if "panel" not in path and number % 3 == 0:  # closed before the interviews
                    stage, reason, note = PAST_CLOSINGS[number // 3 % len(PAST_CLOSINGS)]
                    application.move_to(stage, author, reason=reason, reason_note=note)
                if "panel" in path:
                    for local, focus in zip(
                        interviewers, [SKILLS, TEAM_FIT, TEAM_FIT], strict=False
                    ):
                        self.feedback(
                            application,
                            people[local],
                            focus,
                            "submitted",
                            [rng.choice([1, 2, 3, 3, 4, 4, None]) for _ in range(4)],
                            rng.choice(
                                [Vote.NO, Vote.YES, Vote.YES, Vote.STRONG_YES, Vote.STRONG_NO]
                            ),
                            author,
                        )
                    application.refresh_from_db()
                    if application.debrief_opened_at:
                        recommendation = decisions.recommend(
                            application, decisions.panel_feedback(application)
                        ).outcome
                        decisions.record_decision(application, author, recommendation)
                self.backdate(application, created, rng)

    def past_hires(self, people):
        """A year of Platform's hires and their check-ins, so that its validity report shows a
        criterion that predicted how hires did (System design) and one that did not
        (Collaboration). Each hire has a knack for design that shows at hire and after."""
        rng = random.Random(16)
        now = timezone.now()
        team = Team.objects.get(name="Platform")
        opening = team.openings.first()
        ana, ben = people["ana"], people["ben"]
        # The team rated its hires all year: its members joined before them.
        team.memberships.update(joined_at=now - timedelta(days=730))

        def near(score):
            return min(4, max(1, score + rng.choice([-1, 0, 0, 0, 1])))

        for number in range(18):
            hired_at = now - timedelta(days=rng.randint(100, 365), hours=rng.randint(0, 23))
            application = applications.add_application(
                opening,
                ana,
                name=self.unique_name(rng),
                email=f"hire{number}@candidates.example",
            ).application
            for stage in ("screen", "panel"):
                application.move_to(stage, ana)
            design = rng.randint(1, 4)
            # System design first, then the other skills; Collaboration first of team fit.
            skills = [near(design)] + [rng.randint(2, 4) for _ in range(3)]
            vote = [Vote.NO, Vote.YES, Vote.YES, Vote.STRONG_YES][near(design) - 1]
            if number < len(DAN_PRACTICE):  # dan shadowed ana's interview and scored it too
                close = DAN_PRACTICE[number]
                practice = skills if close else [5 - score for score in skills]
                dan = people["dan"]
                self.feedback(application, dan, SKILLS, "submitted", practice, vote, ana, True)
            self.feedback(application, ana, SKILLS, "submitted", skills, vote, ana)
            together = [rng.randint(2, 4) for _ in range(4)]
            vote = rng.choice([Vote.NO, Vote.YES, Vote.STRONG_YES])
            self.feedback(application, ben, TEAM_FIT, "submitted", together, vote, ana)
            record = decisions.record_decision(
                application, ana, Decision.Outcome.HIRE, "We saw more than the scores say."
            )
            if not record.is_effective:  # it departed from the recommendation
                decisions.confirm_decision(record, ben)
            application.move_to(Application.Stage.HIRED, ana)
            self.backdate(application, hired_at - timedelta(days=30), rng)
            StageChange.objects.filter(application=application, to_stage="hired").update(
                at=hired_at
            )
            for check_in in application.check_ins.all():
                due_at = hired_at + timedelta(days=check_in.day)
                if due_at + checkins.OPEN_FOR < now:  # past: the team rated the hire then
                    CheckIn.objects.filter(pk=check_in.pk).update(due_at=now - timedelta(days=1))
                    check_in.refresh_from_db()
                    raters = [people["ana"], people["ben"], people["cai"]]
                    # Its own draws, the same on every database (not keyed by a row's id).
                    noise = random.Random(f"{SEED_CHECK_INS} {number} {check_in.day}")
                    self.check_in(check_in, raters, design, noise)
                    CheckInReview.objects.filter(check_in=check_in).update(
                        submitted_at=due_at + timedelta(days=rng.randint(1, 20))
                    )
                CheckIn.objects.filter(pk=check_in.pk).update(
                    due_at=due_at, closes_at=due_at + checkins.OPEN_FOR
                )

    def check_in(self, check_in, raters, design, rng):
        """The raters' reviews of a hire whose knack for design is `design`: System design
        follows it, the rest does not."""
        criteria = list(check_in.version.criteria.order_by("position"))
        for rater in raters:
            scores = [min(4, max(1, design + rng.choice([-1, 0, 0, 1])))]
            scores += [rng.randint(1, 4) for _ in criteria[1:]]
            ratings = {
                criterion.pk: {"score": score, "no_evidence": False}
                for criterion, score in zip(criteria, scores, strict=True)
            }
            vote = [Vote.STRONG_NO, Vote.NO, Vote.YES, Vote.STRONG_YES][scores[0] - 1]
            checkins.submit(check_in, rater, ratings, vote, "")

    def hiring_loop(self, people):
        """Where the loop begins and ends: applications from the careers page and a referral,
        the same person twice (to merge), a recruiter's email, and offers: Sara Lind accepted
        (a Hired card), Nina Park's waits for her answer, a past candidate declined."""
        platform = Opening.objects.get(title="Senior Platform Engineer")
        payments = Opening.objects.get(title="Backend Engineer, Payments")
        visa, project, on_call = platform.questions.all()
        careers.apply(
            platform,
            answers=[
                (visa, "yes"),
                (project, "Relay, our job queue"),
                (on_call, "Fewer pages: every alert someone acts on, the rest gone."),
            ],
            name="Leila Haddad",
            email="leila.haddad@candidates.example",
            links="https://github.com/leila-haddad",
            note="I run the on-call rota of a 40-service platform today.",
            time_zone="Africa/Cairo",
        )
        careers.apply(
            payments,
            source=Application.Source.REFERRAL,
            referred_by=people["fay"],
            consent=False,  # referred: they consent when they answer
            name="Tomás Reyes",
            email="tomas.reyes@candidates.example",
            note="We built reconciliation together at my last job; meticulous and kind.",
        )
        # The same person twice: rita added him with one address, he applied with another.
        applications.add_application(
            payments,
            people["rita"],
            name=DUPLICATE,
            email="jonas.berg@mail.example",
            phone="+44 7700 900123",
        )
        careers.apply(
            platform,
            answers=[(visa, "no"), (project, "None yet"), (on_call, "")],
            name=DUPLICATE,
            email="jberg@work.example",
            phone="+44 7700 900123",
            time_zone="Europe/Oslo",
        )
        messages.queue_email(
            Application.objects.get(candidate__name="Priya Natarajan"),
            EmailTemplate.Kind.MESSAGE,
            by=people["rita"],
            subject="Your application for {opening_title}",
            body="Hello {first_name},\n\nThe {team_name} team read your application and would "
            "like to talk. I will send you times for a first call this week.\n\n{sender_name}",
        )
        # The past no-hires' rejections were sent long ago: only Tom Okafor's awaits rita.
        for email in CandidateEmail.objects.filter(
            application__candidate__email__startswith="past",
            status=CandidateEmail.Status.AWAITING_CONFIRMATION,
        ):
            messages.cancel(email)
        answers = {"Sara Lind": offers.accept, "Nina Park": None}
        past = Application.objects.filter(
            stage=Application.Stage.OFFER, candidate__email__startswith="past"
        ).first()
        if past:
            answers[past.candidate.name] = lambda offer: offers.decline(
                offer, "I accepted another offer closer to home."
            )
        for name, answer in answers.items():
            offer = self.offer(Application.objects.get(candidate__name=name), people["rita"])
            if answer:
                answer(offer)
        # Hired: ben proposes her to join Platform at her new work address; the team votes.
        sara = Application.objects.get(candidate__name="Sara Lind")
        membership.propose_member(
            sara.opening.team, people["ben"], f"sara.lind@{DOMAIN}", hire=sara
        )

    def offer(self, application, by):
        """An offer `by` prepared for `application` and sent."""
        offer = offers.prepare(
            application,
            by,
            title=application.opening.title,
            start_date=timezone.localdate() + timedelta(days=35),
            terms="Salary 92,000 EUR, 0.1% equity over four years, 30 days of holiday.",
            expires_at=timezone.now() + timedelta(days=10),
        )
        return offers.send(offer, by)

    def loop_ends(self, people):
        """Hires at the loop's end, each decided on by its team: Chidi Okeke's offer, its email
        gone, withdrawn since (his own page says so; rita's home lists him with the hires with
        no offer), Sofia Brandt's expired unanswered (on rita's home, to follow up), and Elena
        Petrova hired for the Payments backend while her application to lead the team is still
        open (its card and page say she was hired)."""
        rita = people["rita"]
        for name, title, recorder, panel in LOOP_ENDS:
            offer = self.offered_hire(name, title, recorder, panel, people)
            application = offer.application
            if name == OFFER_WITHDRAWN:
                offers.withdraw(offer, rita)
            elif name == OFFER_EXPIRED:
                Offer.objects.filter(pk=offer.pk).update(
                    sent_at=timezone.now() - timedelta(days=12),
                    expires_at=timezone.now() - timedelta(days=2),
                )
                offers.expire_due()  # as beat does
            else:
                offers.accept(offer)
                lead = applications.add_application(
                    Opening.objects.get(title="Payments Tech Lead"),
                    rita,
                    name=name,
                    email=application.candidate.email,
                ).application
                lead.move_to(Application.Stage.SCREEN, rita)

    def offered_hire(self, name, title, recorder, panel, people):
        """`name`'s application to the opening `title`, which `panel` scored and `recorder`
        recorded the team's hire on, and rita's offer, sent."""
        opening = Opening.objects.get(title=title)
        debrief = Application.Stage.DEBRIEF
        application = self.candidate(opening, people[recorder], name, debrief, panel, people)
        decisions.record_decision(application, people[recorder], Decision.Outcome.HIRE)
        offer = self.offer(application, people["rita"])
        # Its email went out, as the worker sends it once this commits: the candidate was told
        # of the offer, so its withdrawal or expiry is theirs to read.
        application.emails.filter(kind=EmailTemplate.Kind.OFFER).update(
            status=CandidateEmail.Status.SENT, sent_at=timezone.now()
        )
        return offer

    def hire_who_left(self, people):
        """Rafael Souza accepted Platform's offer three months ago, started a month later,
        joined the team at his work address (ben proposed him as the team's hire, the team
        agreed, he signed up by its invitation) and has left it two months in: his check-ins,
        none due yet (days 90, 180 and 365), ended, said on his application's timeline. (One
        due already would stay open for his colleagues, on their home pages.)"""
        name, title, recorder, panel, time_zone = LEFT_THE_TEAM
        offer = self.offered_hire(name, title, recorder, panel, people)
        offers.accept(offer)
        application = offer.application
        # His history moved back (as the past hires'), then his offer and check-ins with it.
        self.backdate(application, timezone.now() - timedelta(days=110), random.Random(name))
        sent_at, hired_at = (
            application.stage_changes.get(to_stage=stage).at
            for stage in (Application.Stage.OFFER, Application.Stage.HIRED)
        )
        Offer.objects.filter(pk=offer.pk).update(
            created_at=sent_at,
            sent_at=sent_at,
            answered_at=hired_at,
            expires_at=sent_at + timedelta(days=10),
            start_date=timezone.localdate() - timedelta(days=60),
        )
        application.emails.filter(kind=EmailTemplate.Kind.OFFER).update(sent_at=sent_at)
        first_day = checkins.starts_at(application, hired_at)
        for check_in in application.check_ins.all():
            due_at = first_day + timedelta(days=check_in.day)
            CheckIn.objects.filter(pk=check_in.pk).update(
                due_at=due_at, closes_at=due_at + checkins.OPEN_FOR
            )
        platform = application.opening.team
        local = name.lower().replace(" ", ".")  # his work address, as the team proposed him
        address = f"{local}@{DOMAIN}"
        proposal = membership.propose_member(platform, people["ben"], address, hire=application)
        for voter in ("ana", "cai"):  # with ben's, the majority of four
            membership.cast_vote(proposal, people[voter], approve=True)
        invitation = platform.invitations.pending().get(email=address)
        hire = invitations.sign_up_by(
            invitation, lambda: self.person(local, name, User.Role.MEMBER, time_zone)
        )
        membership.leave_team(platform, hire)

    def received_email(self, people):
        """The organisation's own answer to an application, in English and in German: the
        templates page shows both versions, and each candidate gets the one in their language."""
        for language, (subject, body) in RECEIVED_EMAIL["texts"].items():
            email_editing.save(
                None,
                RECEIVED_EMAIL["kind"],
                people["rita"],
                subject=subject,
                body=body,
                language=language,
            )

    def privacy(self, people):
        """A past candidate erased at their request (the board and debrief keep the numbers as
        "Erased candidate"), an export rita asked for, and who opened which candidate."""
        erased = (
            Application.objects.filter(
                stage=Application.Stage.REJECTED,
                candidate__email__startswith="past",
                feedback__submitted_at__isnull=False,
            )
            .select_related("candidate")
            .first()
        )
        if erased:
            erasure.erase(erased.candidate, how=erasure.AT_THEIR_REQUEST)
        tomas = Candidate.objects.get(name="Tomás Reyes")
        export, _ = data_export.request_export(tomas, by=people["rita"])
        transaction.on_commit(lambda: build_export.delay(export.pk))
        now = timezone.now()
        for minutes, local, name, what in [
            (300, "rita", "Leila Haddad", CandidateAccess.What.APPLICATION),
            (290, "rita", "Leila Haddad", CandidateAccess.What.RESUME),
            (120, "ana", "Leila Haddad", CandidateAccess.What.APPLICATION),
            (60, "rita", "Tomás Reyes", CandidateAccess.What.PRIVACY),
            (30, "eve", "Tomás Reyes", CandidateAccess.What.APPLICATION),
        ]:
            candidate = Candidate.objects.get(name=name)
            CandidateAccess.objects.create(
                candidate=candidate,
                application=candidate.applications.first(),
                user=people[local],
                what=what,
                at=now - timedelta(minutes=minutes),
            )

    def withdrawal(self):
        """A candidate who withdrew on her own page, in her own words: her page shows them back,
        and the recruiters' notice of it tells them (the worker sends it once this commits)."""
        payments = Opening.objects.get(title="Backend Engineer, Payments")
        application = careers.apply(payments, **WITHDREW)
        own_page.withdraw(application, reason=ClosingReason.OTHER, note=WITHDREW_NOTE)

    def edited_scorecard(self, people):
        """Platform added a criterion to its opening's scorecard once panels had submitted on
        it: a new version, on which only one panel has started, in drafts. Removing the new
        criterion stays on that version and first counts the drafts that would lose a rating
        or notes on it."""
        opening = Opening.objects.get(title="Senior Platform Engineer")
        editing.add_criterion(opening.scorecard, NEW_CRITERION, people["ana"])
        self.candidate(opening, people["ana"], *NEW_VERSION_CANDIDATE, people)

    def expired_import(self, people):
        """rita checked a Lever export for the Payments opening and never ran it: the nightly
        retention run expired it, deleting its rows, and its page asks for the file again."""
        opening = Opening.objects.get(title="Backend Engineer, Payments")
        table = imports.read_csv(LEVER_EXPORT.encode())
        checked = imports.upload(opening, people["rita"], "lever-export.csv", table)
        imports.check(checked.pk)  # as the worker does
        days = settings.CANDIDATE_IMPORT_PREVIEW_DAYS
        uploaded = timezone.now() - timedelta(days=days + 3)
        CandidateImport.objects.filter(pk=checked.pk).update(created_at=uploaded)
        imports.expire_unrun(now=uploaded + timedelta(days=days + 1))  # that night's run

    def backdate(self, application, created, rng):
        """Spread the application's history from `created` on, a few days per move."""
        when = created
        Application.objects.filter(pk=application.pk).update(created_at=created)
        previous = None
        for change in application.stage_changes.order_by("at", "pk"):
            StageChange.objects.filter(pk=change.pk).update(at=when, left_at=None)
            StageChange.objects.filter(pk=previous).update(left_at=when)
            previous, last = change.pk, when
            when += timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 8))
        Application.objects.filter(pk=application.pk).update(stage_changed_at=last)
        Decision.objects.filter(application=application).update(recorded_at=last)
        FeedbackRevision.objects.filter(feedback__application=application).update(
            submitted_at=last, updated_at=last
        )
        # Plain updates send no signal: the reports' figures learn of the day it moved to.
        figures.outdated(application.opening.team_id, [created])

    def team_invitation_and_settings(self, people, platform):
        """Payments agreed to invite dan, who has an account: he joins only if he accepts (his
        home page lists it). On Platform, cai's proposal to raise the trainees' bar waits for
        the team: one member no longer changes its settings alone."""
        payments = Team.objects.get(name="Payments")
        if not payments.invitations.exists():
            proposal = membership.propose_member(payments, people["eve"], people["dan"].email)
            membership.cast_vote(proposal, people["fay"], approve=True)
        if not platform.proposals.filter(kind=Proposal.Kind.SETTINGS).exists():
            settings = {name: getattr(platform, name) for name in Team.SETTINGS_FIELDS}
            settings["practice_to_graduate"] += 1
            membership.propose_settings(
                platform, people["cai"], settings, shown=platform.settings_snapshot()
            )

    def person(self, local, display_name, role, time_zone):
        email = f"{local}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, PASSWORD, display_name=display_name, time_zone=time_zone
            )
            user.assign_role(role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


RECEIVED_EMAIL = {
    "kind": EmailTemplate.Kind.APPLICATION_RECEIVED,
    "texts": {
        "en-gb": (
            "We have your application for {opening_title}",
            "Hello {first_name},\n\nThank you for applying for {opening_title}. The "
            "{team_name} team reads every application itself and answers within two weeks.\n\n"
            "Where your application stands: {status_link}\n\n{organisation_name}",
        ),
        "de": (
            "Ihre Bewerbung für {opening_title} ist eingegangen",
            "Guten Tag {candidate_name},\n\nvielen Dank für Ihre Bewerbung für {opening_title}. "
            "Das Team {team_name} liest jede Bewerbung selbst und antwortet Ihnen innerhalb von "
            "zwei Wochen.\n\nWo Ihre Bewerbung steht: {status_link}\n\n{organisation_name}",
        ),
    },
}


def anchors(one, two, three, four):
    return {"anchor_1": one, "anchor_2": two, "anchor_3": three, "anchor_4": four}


SKILLS, TEAM_FIT = Category.SKILLS, Category.TEAM_FIT
TEMPLATES = {
    "Platform": (
        "Platform engineer",
        [
            {
                "name": "System design",
                "category": SKILLS,
                "weight": 2,
                "description": "Designs services that stay up, scale and can be operated.",
                "questions": (
                    "Design a rate limiter for our API gateway.\nHow would you roll it out?"
                ),
                **anchors(
                    "Names components without connecting them to the requirements.",
                    "A workable design; misses failure modes or operability.",
                    "Sound design with failure modes, capacity and rollout considered.",
                    "Weighs alternatives with numbers; designs for change and for on-call.",
                ),
            },
            {
                "name": "Operational excellence",
                "category": SKILLS,
                "weight": 1,
                "description": "Runs production well: observability, incidents, safe change.",
                "questions": "Tell us about the last incident you led.",
                **anchors(
                    "No production experience described.",
                    "Has been on call; reacts rather than prevents.",
                    "Leads incidents calmly; adds alerts and runbooks afterwards.",
                    "Changes how a whole team operates: SLOs, blameless reviews, automation.",
                ),
            },
            {
                "name": "Collaboration",
                "category": TEAM_FIT,
                "weight": 1,
                "description": "Works with peers: shares context, asks for and gives feedback.",
                "questions": "Tell us about a disagreement with a teammate and how it ended.",
                **anchors(
                    "Talks about work only as individual effort; dismissive of others.",
                    "Cooperates when asked; rarely seeks or offers feedback.",
                    "Seeks feedback, credits others, resolves disagreement openly.",
                    "Makes the people around them better; examples of mentoring and repair.",
                ),
            },
            {
                "name": "Ownership",
                "category": TEAM_FIT,
                "weight": 1,
                "description": "Takes problems to the end, including the unglamorous parts.",
                "questions": "What did you own that nobody asked you to?",
                **anchors(
                    "Hands problems off at the first obstacle.",
                    "Finishes assigned work; leaves loose ends for others.",
                    "Follows through, including docs, migration and clean-up.",
                    "Spots the orphaned problems and gets them solved with others.",
                ),
            },
        ],
    ),
    "Payments": (
        "Payments backend",
        [
            {
                "name": "Correctness with money",
                "category": SKILLS,
                "weight": 2,
                "description": "Builds code where every cent is accounted for.",
                "questions": "How do you make a payout safe to retry?",
                **anchors(
                    "Does not see why a retry could pay twice.",
                    "Knows idempotency keys; misses reconciliation.",
                    "Designs idempotent flows with a ledger and reconciliation.",
                    "Proves correctness with invariants and tests for partial failure.",
                ),
            },
            {
                "name": "Candour",
                "category": TEAM_FIT,
                "weight": 1,
                "description": "Says what they think, kindly, and changes their mind on evidence.",
                "questions": "When did you tell a lead they were wrong?",
                **anchors(
                    "Avoids disagreement or is harsh.",
                    "Disagrees privately but not in the room.",
                    "Raises concerns early and respectfully.",
                    "Makes it safe for others to disagree too.",
                ),
            },
        ],
    ),
}

# What each team adds to its template for the demo opening.
ADAPTATIONS = {
    "Platform": {
        "name": "Kubernetes depth",
        "category": SKILLS,
        "weight": 1,
        "description": "Knows how the platform we run behaves under load and failure.",
        "questions": "A node pool is draining slowly during an upgrade. What do you check?",
        **anchors(
            "Knows Kubernetes only as a word on a CV.",
            "Has deployed workloads; vague on scheduling and networking.",
            "Explains scheduling, probes and disruption budgets with real examples.",
            "Has run clusters at scale and can teach the failure modes.",
        ),
    },
}

NOTES = {
    None: "",
    1: "Struggled here even with prompting.",
    2: "Partial answer; needed hints.",
    3: "Solid, with good examples.",
    4: "Excellent: concrete, measured, and reflective.",
}
TAKEAWAYS = {
    Vote.STRONG_NO: "Not ready for this role.",
    Vote.NO: "Some strengths, but gaps we cannot close on the job.",
    Vote.YES: "Would do well here; a few areas to grow.",
    Vote.STRONG_YES: "Raises the bar for the team.",
}

# What Platform added to its opening's scorecard after the first panels submitted.
NEW_CRITERION = {
    "name": "Developer experience",
    "category": SKILLS,
    "weight": 1,
    "description": "Builds the paved road so that other teams choose to take it.",
    "questions": "Which internal tool of yours did other engineers adopt, and why?",
    **anchors(
        "Sees the platform's users as someone else's problem.",
        "Ships tools that work; leaves adoption to chance.",
        "Designs with the teams who use it; measures friction and adoption.",
        "Runs the platform as a product teams choose: defaults, docs, painless migrations.",
    ),
}

A = "assigned"
# (team, title, description, [(candidate, stage, [(interviewer, focus, state, scores, vote)])])
# The questions of its own the Platform opening's careers form asks.
QUESTIONS = [
    {
        "text": "Do you need a visa to work in Germany?",
        "help_text": "We sponsor visas; it only changes when you could start.",
        "kind": OpeningQuestion.Kind.YES_NO,
        "choices": [],
        "required": True,
    },
    {
        "text": "Which of our open-source projects have you used?",
        "help_text": "",
        "kind": OpeningQuestion.Kind.CHOICE,
        "choices": ["Relay, our job queue", "Ledgerlite", "None yet"],
        "required": False,
    },
    {
        "text": "What would you change first in how a platform team runs on-call?",
        "help_text": "A few sentences are plenty.",
        "kind": OpeningQuestion.Kind.LONG_TEXT,
        "choices": [],
        "required": False,
    },
]

OPENINGS = [
    (
        "Platform",
        "Senior Platform Engineer",
        "Own our Kubernetes platform and the paved road every team deploys on.",
        [
            ("Priya Natarajan", Application.Stage.APPLIED, []),
            (
                # Ben amended while Ana still drafts: she reads neither his scorecard nor why.
                "Marco Rossi",
                Application.Stage.PANEL,
                [
                    ("ana", SKILLS, "draft", [3, None], Vote.YES),
                    ("ben", TEAM_FIT, "amended", [3, 4], Vote.YES),
                ],
            ),
            (
                # The debrief is open: the team reads the panel, and nobody more is asked to
                # score (they may have read it).
                "Ivy Chen",
                Application.Stage.DEBRIEF,
                [
                    ("ana", SKILLS, "submitted", [3, 3, 2], Vote.YES),
                    ("ben", TEAM_FIT, "submitted", [3, 3], Vote.YES),
                ],
            ),
            (
                "Lena Vogel",
                Application.Stage.PANEL,
                [
                    ("ana", SKILLS, "submitted", [3, 2, 3], Vote.YES),
                    ("ben", TEAM_FIT, "submitted", [4, 3], Vote.STRONG_YES),
                    ("cai", TEAM_FIT, A, [], ""),
                ],
            ),
            (
                "Tom Okafor",
                Application.Stage.DEBRIEF,
                [
                    ("ana", SKILLS, "submitted", [2, 2, 1], Vote.NO),
                    ("ben", TEAM_FIT, "submitted", [3, 3], Vote.YES),
                    ("dan", TEAM_FIT, "submitted", [1, 2], Vote.STRONG_NO),
                ],
            ),
            (
                "Nina Park",
                Application.Stage.DEBRIEF,
                [
                    ("ana", SKILLS, "submitted", [3, 3, 3], Vote.YES),
                    ("ben", TEAM_FIT, "submitted", [3, 3], Vote.YES),
                    ("cai", TEAM_FIT, "submitted", [1, 2], Vote.STRONG_NO),
                ],
            ),
            (
                "Sara Lind",
                Application.Stage.DEBRIEF,
                [
                    ("ben", SKILLS, "amended", [2, 3, 3], Vote.YES),
                    ("cai", TEAM_FIT, "submitted", [4, 4], Vote.STRONG_YES),
                ],
            ),
        ],
    ),
    (
        "Payments",
        "Backend Engineer, Payments",
        "Build payouts and reconciliation that never lose a cent.",
        [
            ("Ola Nordmann", Application.Stage.SCREEN, []),
            (
                "Luca de la Vega",
                Application.Stage.DEBRIEF,
                [
                    ("eve", SKILLS, "submitted", [3], Vote.YES),
                    ("fay", TEAM_FIT, "submitted", [2], Vote.NO),
                    ("gus", TEAM_FIT, "submitted", [3], Vote.YES),
                ],
            ),
            (
                "Kenji Sato",
                Application.Stage.PANEL,
                [
                    ("eve", SKILLS, "submitted", [3], Vote.YES),
                    ("fay", TEAM_FIT, "draft", [None], Vote.NO),
                    ("pat", TEAM_FIT, "assigned", [], Vote.YES),
                ],
            ),
        ],
    ),
    (
        "Payments",
        "Payments Tech Lead",
        "Lead the team's design reviews and on-call rota, hands-on.",
        [
            (
                # gus, a member of the team, applied to lead it: his teammates read his panel
                # at the debrief; he reads none of it, is told why, and takes no part.
                "Gus Garcia",
                Application.Stage.DEBRIEF,
                [
                    ("eve", SKILLS, "submitted", [4], Vote.STRONG_YES),
                    ("fay", TEAM_FIT, "submitted", [3], Vote.YES),
                ],
            ),
        ],
    ),
]

# The only panel on the scorecard's new version so far: ana's draft rates the new criterion.
NEW_VERSION_CANDIDATE = (
    "Rosa Martins",
    Application.Stage.PANEL,
    [
        ("ana", SKILLS, "draft", [3, 3, 2, 4], Vote.YES),
        ("cai", TEAM_FIT, "draft", [3], Vote.YES),
    ],
)

# Weekday working hours, local to each person: four time zones in the Platform team alone.
WORKING_HOURS = {
    "cto": [(time(9), time(17))],
    "rita": [(time(8, 30), time(17))],
    "admin": [(time(9), time(17))],
    "ana": [(time(9), time(12, 30)), (time(13, 30), time(17, 30))],
    "ben": [(time(9), time(17))],
    "cai": [(time(11), time(20))],
    "dan": [(time(7), time(15))],
    "eve": [(time(9), time(17))],
    "fay": [(time(8), time(16))],
    "gus": [(time(7), time(15))],
    "pat": [(time(9), time(17))],
}

# (focus, members, trainee)
POOLS = {
    "Platform": [
        (SKILLS, ["ana", "ben"], False),
        (TEAM_FIT, ["ben", "cai", "dan"], False),
        (SKILLS, ["cai", "dan"], True),
    ],
    "Payments": [(SKILLS, ["eve", "gus"], False), (TEAM_FIT, ["fay", "gus"], False)],
}

# (candidate, recorded by, outcome, rationale, confirmed by)
DECISIONS = [
    ("Tom Okafor", "ana", "no_hire", "", None),
    ("Sara Lind", "ana", "hire", "", None),
    (
        "Nina Park",
        "ana",
        "hire",
        "Cai's veto was about on-call expectations we have since changed; "
        "everything else was strongly positive.",
        "ben",
    ),
    ("Luca de la Vega", "eve", "hold", "The budget for this role is frozen until January.", None),
]

# Who interviewed the past candidates of each team: skills first, then team fit.
# dan, a trainee interviewer on Platform's skills pool, half way: of his practice scorecards,
# these came within the team's tolerance of the panel (he needs three).
DAN_PRACTICE = [True, False, True, False]
SEED_CHECK_INS = 1
# How the past applications closed that went no further than the screen, in turn.
PAST_CLOSINGS = [
    (Application.Stage.REJECTED, ClosingReason.SKILLS, ""),
    (Application.Stage.WITHDRAWN, ClosingReason.OTHER_OFFER, ""),
    (Application.Stage.REJECTED, ClosingReason.REQUIREMENTS, ""),
    (Application.Stage.WITHDRAWN, ClosingReason.NO_RESPONSE, ""),
    (
        Application.Stage.REJECTED,
        ClosingReason.OTHER,
        "Looking for a management role; this one has no reports.",
    ),
    (Application.Stage.WITHDRAWN, ClosingReason.PAY, ""),
    (Application.Stage.REJECTED, ClosingReason.DUPLICATE, ""),
]
HISTORY_PANELS = {"Platform": ["ana", "ben", "dan"], "Payments": ["eve", "fay", "gus"]}
FIRST_NAMES = ["Aiko", "Bruno", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas"]
# Who applied twice with two addresses, for the merge (intake).
DUPLICATE = "Jonas Berg"
LAST_NAMES = ["Ahmed", "Berg", "Costa", "Dahl", "Egan", "Fox", "Gil", "Holm", "Ito", "Joshi"]

# Who had Pat Parker on their panel when he left (departure).
DEPARTED_FROM = "Amara Obi"
# Whose panels wait for a session on rita's home, and who booked one again (sessions_cancelled).
STILL_NEEDED = "Noah Schmidt"
BOOK_AGAIN = "Yusuf Demir"
HELD = "Kira Novak"

# The hires at the loop's end (loop_ends): (candidate, opening, who records the team's decision,
# the panel, all for hiring).
OFFER_WITHDRAWN = "Chidi Okeke"
OFFER_EXPIRED = "Sofia Brandt"
LOOP_ENDS = [
    (
        OFFER_WITHDRAWN,
        "Senior Platform Engineer",
        "ana",
        [
            ("ana", SKILLS, "submitted", [3, 3, 4, 3], Vote.YES),
            ("ben", TEAM_FIT, "submitted", [4, 3], Vote.STRONG_YES),
        ],
    ),
    (
        OFFER_EXPIRED,
        "Backend Engineer, Payments",
        "eve",
        [
            ("eve", SKILLS, "submitted", [4], Vote.STRONG_YES),
            ("fay", TEAM_FIT, "submitted", [3], Vote.YES),
            ("gus", TEAM_FIT, "submitted", [3], Vote.YES),
        ],
    ),
    (
        "Elena Petrova",
        "Backend Engineer, Payments",
        "eve",
        [
            ("eve", SKILLS, "submitted", [3], Vote.YES),
            ("fay", TEAM_FIT, "submitted", [4], Vote.STRONG_YES),
            ("gus", TEAM_FIT, "submitted", [3], Vote.YES),
        ],
    ),
]

# The hire who joined Platform and left it (hire_who_left): (candidate, opening, who records the
# team's decision, the panel, his time zone).
LEFT_THE_TEAM = (
    "Rafael Souza",
    "Senior Platform Engineer",
    "ana",
    [
        ("ana", SKILLS, "submitted", [3, 4, 3], Vote.YES),
        ("ben", TEAM_FIT, "submitted", [3, 3], Vote.YES),
    ],
    "Europe/Lisbon",
)

# Who withdrew on her own page, saying why in her words.
WITHDREW = {
    "name": "Maya Okonkwo",
    "email": "maya.okonkwo@candidates.example",
    "time_zone": "Africa/Lagos",
}
WITHDREW_NOTE = "We are moving to Lisbon next month, so I can't work from London after all."

# The candidates rita checked from Lever for the Payments opening, and never imported.
LEVER_EXPORT = (
    "Name,Email,Phone,Links,Stage,Owner\n"
    "Mei Tanaka,mei.tanaka@candidates.example,,https://github.com/mei-tanaka,New lead,Rita\n"
    "Omar Farouk,omar.farouk@candidates.example,+44 20 7946 0018,,Applied,Rita\n"
)
