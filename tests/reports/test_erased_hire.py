"""A hire who joined the team reads nothing derived from their own panel, their candidate data
erased or not: erasure takes every address that knew them as the candidate, not the account
they joined with (Application.member)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import Invitation, Team
from hiring.privacy import erasure
from hiring.reports import cached, validity
from hiring.teams import invitations, membership
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, submitted


@pytest.fixture
def hire(team, member, teammate, peer):
    """Sara's application, rated by two of the team, hired and proposed to join at her work
    address."""
    application = ApplicationFactory(
        opening=OpeningFactory(team=team),
        candidate__name="Sara Lind",
        candidate__email="sara@mail.example",
    )
    submitted(application, teammate, "team_fit", "yes")
    submitted(application, peer, "team_fit", "no")
    application.move_to("hired", member)
    team.membership_rule = Team.MembershipRule.ANY_MEMBER
    team.save(update_fields=["membership_rule"])
    membership.propose_member(team, member, "sara.lind@teamfit.example", hire=application)
    return application


@pytest.fixture
def sara(hire):
    """The hire, who took up the team's invitation at her work address."""
    user = UserFactory(display_name="Sara Lind", email="sara.lind@teamfit.example")
    invitations.accept_invitation(Invitation.objects.get(email=user.email), user)
    return user


def erase(application, by, capture):
    with capture(execute=True):
        assert erasure.erase(application.candidate, by=by)


def test_an_erased_hire_reads_no_calibration_of_their_own_panel(
    client, hire, sara, recruiter, django_capture_on_commit_callbacks
):
    erase(hire, recruiter, django_capture_on_commit_callbacks)
    hire.refresh_from_db()
    assert (hire.member_email, hire.member) == ("", sara)  # the address gone, the account kept
    client.force_login(sara)

    page = client.get("/reports/").text
    csv_rows = client.get("/reports/calibration.csv").content.decode("utf-8-sig").splitlines()

    assert "Calibration and agreement are left out: your own hiring" in page
    assert "Ben Teammate" not in page
    assert len(csv_rows) == 1  # the header


def test_an_erased_hire_is_left_out_of_the_validity_they_read(
    hire, sara, team, recruiter, django_capture_on_commit_callbacks
):
    erase(hire, recruiter, django_capture_on_commit_callbacks)
    today = timezone.localdate()

    year = cached.hires_scope([team], today - timedelta(days=365), today)

    assert validity.own_applications(sara, year) == (hire.pk,)
