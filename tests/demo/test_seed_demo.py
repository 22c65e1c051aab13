"""seed_demo makes every persona and state the demo is made to show, and a second run over
it changes nothing."""

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command

from hiring.accounts import next_steps
from hiring.candidates import merging, search
from hiring.models import (
    Application,
    ApplicationAnswer,
    BusyBlock,
    Candidate,
    CandidateAccess,
    CandidateEmail,
    DataExport,
    InterviewSession,
    Invitation,
    Offer,
    OpeningQuestion,
    Proposal,
    Team,
    User,
)
from hiring.reports import cached, figures, validity
from hiring.teams import membership
from scorecards import practice
from scorecards.models import CheckInReview, Feedback, FeedbackRevision
from tests.factories import stored_figures


def counts():
    return [
        model.objects.count()
        for model in (
            User,
            Team,
            Application,
            InterviewSession,
            BusyBlock,
            FeedbackRevision,
            OpeningQuestion,
            ApplicationAnswer,
        )
    ]


def test_seed_demo_creates_every_persona_and_state_and_runs_again_unchanged(demo):
    first = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert counts() == first
    # Its histories are backdated by plain updates: the reports' figures still add up its rows.
    figures.bring_up_to_date(Team.objects.values("pk"))
    kept = stored_figures()
    figures.rebuild()
    assert kept == stored_figures()
    assert "cto@teamfit.example" in out.getvalue()
    # Leila Haddad answered the Platform opening's own questions on the careers form.
    leila = Application.objects.get(candidate__name="Leila Haddad")
    assert [answer.shown for answer in leila.answers.all()] == [
        "Yes",
        "Relay, our job queue",
        "Fewer pages: every alert someone acts on, the rest gone.",
    ]
    assert "/schedule/" in out.getvalue()  # a candidate link to try
    # A candidate who proposed a time of their own, waiting on the recruiter's home.
    rita = User.objects.get(email="rita@teamfit.example")
    proposed = next_steps.proposed_times(rita, own=[]).rows
    assert [(panel.application.candidate.name, panel.windows) for panel in proposed] == [
        ("Ola Nordmann", 1)
    ]
    # A name of three words, found by its last in the header's search.
    eve = User.objects.get(email="eve@teamfit.example")
    assert [c.name for c in search.find(eve, "vega")] == ["Luca de la Vega"]
    # Someone who left: still a member of Payments, who no longer votes.
    pat = User.objects.get(email="pat@teamfit.example")
    assert not pat.is_active
    assert Team.objects.get(name="Payments").has_member(pat)
    # Asked for a scorecard on Kenji before leaving: the team waits for it in vain.
    kenji = Application.objects.get(candidate__name="Kenji Sato")
    assert kenji.feedback.filter(interviewer=pat, submitted_at=None, excused_at=None).exists()
    assert InterviewSession.objects.exclude(cancelled_at=None).exists()
    assert InterviewSession.objects.filter(cancelled_at=None, start__isnull=False).count() >= 3
    assert FeedbackRevision.objects.filter(number=2).exists()  # an amendment
    # The whole panel asked before anyone wrote: Lena's debrief waits for cai's scorecard
    # (asked after it opened, cai was a panelist nobody waited for).
    lena = Application.objects.get(candidate__name="Lena Vogel")
    assert lena.debrief_opened_at is None
    assert lena.feedback.filter(interviewer__email="cai@teamfit.example", submitted_at=None)
    for item in Feedback.objects.exclude(submitted_at=None):
        submitted = item.revisions.exclude(submitted_at=None).order_by("-number")
        assert item.latest_submission == submitted.first()
    # The hiring loop's ends: sources, a duplicate, emails, offers in every answer.
    assert {"careers", "referral", "recruiter"} <= set(
        Application.objects.values_list("source", flat=True)
    )
    jonas = Candidate.objects.filter(name="Jonas Berg").first()
    assert [found.reason for found in merging.possible_duplicates(jonas)] == ["Same name and phone"]
    offers = dict(Offer.objects.values_list("application__candidate__name", "status"))
    assert {offers["Sara Lind"], offers["Nina Park"]} == {"accepted", "sent"}
    assert {"declined", "withdrawn", "expired"} <= set(offers.values())
    sara = Application.objects.get(candidate__name="Sara Lind")
    assert (sara.stage, sara.member_email) == ("hired", "sara.lind@teamfit.example")
    platform_proposals = Proposal.objects.filter(team__name="Platform", status="open")
    adding = list(platform_proposals.filter(kind=Proposal.Kind.ADD))
    hires = {p.email: p.hire for p in membership.with_hires(adding)}
    assert hires == {"hana@teamfit.example": None, "sara.lind@teamfit.example": sara}
    assert platform_proposals.filter(kind=Proposal.Kind.SETTINGS).exists()
    dan = User.objects.get(email="dan@teamfit.example")
    assert Invitation.objects.pending().get(team__name="Payments").email == dan.email
    assert not Team.objects.get(name="Payments").has_member(dan)
    assert CandidateEmail.objects.filter(kind="message").exists()
    assert "/offer/" in out.getvalue()
    assert "/status/" in out.getvalue()
    # Privacy: an erased past candidate whose numbers stay, an export, an access log.
    [erased] = Candidate.objects.exclude(erased_at=None)
    assert erased.name == "Erased candidate"
    assert Feedback.objects.filter(application__candidate=erased).exclude(submitted_at=None)
    assert DataExport.objects.filter(candidate__name="Tomás Reyes").exists()
    assert CandidateAccess.objects.count() >= 5
    # The team learns: a year of hires with check-ins, System design predicting how they did.
    assert CheckInReview.objects.exclude(submitted_at=None).count() >= 30
    platform = Team.objects.get(name="Platform")
    year = cached.hires_scope([platform], date.today() - timedelta(days=400), date.today())
    found = {row["name"]: row for row in validity.figures(year)["criteria"]}
    assert found["System design"]["low"] > 0.3
    assert found["Collaboration"]["low"] < 0 < found["Collaboration"]["high"]
    # dan, a trainee, half way: two of his four practice scorecards within the tolerance.
    dan = User.objects.get(email="dan@teamfit.example")
    comparisons = [case.comparison for case in practice.cases(dan, platform)]
    summary = practice.summarise(comparisons, platform.practice_tolerance)
    assert (summary.compared, summary.within) == (4, 2)
    assert not practice.graduation_ready(dan, platform)
    # Languages: fay reads Teamfit in German.
    assert User.objects.get(email="fay@teamfit.example").language == "de"
