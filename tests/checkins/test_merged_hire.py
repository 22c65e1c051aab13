"""A recruiter merges the hire's record into an older duplicate of theirs (another address, the
older kept): the address the hire joined the team at is now among the record's other emails,
and still tells them from their colleagues. They rate none of their check-ins, nor read their
panel."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring.candidates import merging
from hiring.checkins import checkins
from hiring.debrief.decisions import panel_feedback
from hiring.models import Application, Membership
from hiring.reports import cached, validity
from scorecards.access import reads_panel_feedback
from tests.checkins.helpers import first, hired
from tests.factories import ApplicationFactory, TeamFactory, UserFactory


def joined(team, name, email):
    user = UserFactory(display_name=name, email=email)
    Membership.objects.create(team=team, user=user, joined_at=timezone.now() - timedelta(days=89))
    return user


@pytest.fixture
def sara(team):
    """The hire, a member at the address she applied with."""
    return joined(team, "Sara Lind", "sara@mail.example")


@pytest.fixture
def application(team, member, sara, recruiter):
    application = hired(team, member, days_ago=90, name="Sara Lind", email="sara@mail.example")
    older = ApplicationFactory(
        opening__team=TeamFactory(), candidate__name="Sara Lind", candidate__email="s@old.example"
    ).candidate
    merging.merge(older, application.candidate, recruiter)
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    return Application.objects.select_related("candidate", "opening__team").get(pk=application.pk)


def test_the_merged_hire_rates_none_of_their_check_ins(application, team, sara, signed_in):
    # A colleague whose address is part of hers is not taken for her.
    ara = joined(team, "Ara Ozturk", "ara@mail.example")
    due = first(application)
    now = timezone.now()

    assert sara not in checkins.raters_of([due])[due.pk]
    assert list(checkins.to_fill(sara, now)) == []
    assert signed_in(sara).get(reverse("check_in_detail", args=[due.pk])).status_code == 404
    assert ara in checkins.raters_of([due])[due.pk]
    assert list(checkins.to_fill(ara, now)) == [due]


def test_the_merged_hire_reads_not_their_panel_nor_their_results(application, team, sara, teammate):
    panel = panel_feedback(application)
    year = cached.hires_scope([team], timezone.now() - timedelta(days=365), timezone.now())

    assert not reads_panel_feedback(sara, application, panel)
    assert reads_panel_feedback(teammate, application, panel)
    # The reports leave her own hire out of the figures she reads.
    assert validity.own_applications(sara, year) == (application.pk,)
