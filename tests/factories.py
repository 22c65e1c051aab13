import threading

import factory
from allauth.account.models import EmailAddress
from django.db import connection

from hiring.models import Application, Candidate, Membership, Opening, Team, User
from hiring.scheduling import booking
from scorecards import scoring
from scorecards.editing import copy_scorecard, create_template

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

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.assign_role(extracted)


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
