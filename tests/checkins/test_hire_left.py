"""A hire who leaves the team they were hired into (they leave, the team removes them, or the
admin deactivates them) is not rated at their later check-ins: those not yet due end; the one
due stays open for its raters to finish, its submitted reviews kept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring.accounts import people
from hiring.checkins import checkins
from hiring.models import Application, AuditEvent, Membership
from hiring.reports import cached, validity
from hiring.reports.forms import VALIDITY_PERIOD
from hiring.teams import membership
from scorecards.models import CheckIn, CheckInReview
from tests.checkins.helpers import first, review
from tests.factories import TeamFactory


def leave(team, sara, member, teammate, org_admin):
    membership.leave_team(team, sara)


def removed(team, sara, member, teammate, org_admin):
    proposal = membership.propose_removal(team, member, sara)
    membership.cast_vote(proposal, teammate, approve=True)
    assert not team.has_member(sara)


def deactivated(team, sara, member, teammate, org_admin):
    people.change_person(
        sara, org_admin, display_name=sara.display_name, role=sara.role, is_active=False
    )


def days(application):
    return list(application.check_ins.order_by("day").values_list("day", flat=True))


@pytest.mark.parametrize("gone", [leave, removed, deactivated])
def test_a_hire_gone_ends_the_check_ins_not_yet_due_and_keeps_the_open_one(
    gone, application, sara, team, member, teammate, org_admin, signed_in
):
    due = first(application)
    review(due, teammate, score=4, would="strong_yes", notes="Sara shipped the pager rota")
    closes_at = due.closes_at

    gone(team, sara, member, teammate, org_admin)

    assert days(application) == [90]
    due.refresh_from_db()
    assert due.closes_at == closes_at  # still open: its raters finish it
    assert list(checkins.to_fill(member, timezone.now())) == [due]
    [kept] = CheckInReview.objects.all()
    assert (kept.rater, kept.notes) == (teammate, "Sara shipped the pager rota")
    [event] = application.audit_events.filter(action=AuditEvent.Action.MEMBERSHIP_CHANGED)
    assert event.details == "Sara Lind no longer in the team: check-ins of day 180, 365 ended"
    page = signed_in(member).get(reverse("application_detail", args=[application.pk])).text
    assert "Sara Lind no longer in the team: check-ins of day 180, 365 ended" in page


def test_rejoining_brings_no_check_in_back(application, sara, team, member):
    membership.leave_team(team, sara)
    Membership.objects.create(team=team, user=sara)

    assert days(application) == [90]


@pytest.mark.parametrize("gone", [leave, removed, deactivated])
def test_a_member_who_is_not_a_hire_leaving_changes_no_check_in(
    gone, application, sara, team, member, teammate, org_admin
):
    # The teammate goes: Sara's check-ins stay, the teammate no longer among their raters.
    gone(team, teammate, member, sara, org_admin)

    assert days(application) == [90, 180, 365]
    assert teammate not in checkins.raters_of([first(application)])[first(application).pk]


def test_a_hire_of_another_team_leaving_their_own_team_is_unaffected(
    application, sara, member, teammate, org_admin
):
    own = TeamFactory()
    Membership.objects.create(team=own, user=sara)
    Membership.objects.create(team=own, user=member)

    membership.leave_team(own, sara)

    assert days(application) == [90, 180, 365]
    assert not application.audit_events.filter(action=AuditEvent.Action.MEMBERSHIP_CHANGED)


def test_a_gone_hires_later_check_in_is_no_longer_counted_missing(
    application, sara, team, member, teammate
):
    """Predictive validity reads the check-in the hire's colleagues finished; the later one,
    which those colleagues would have been counted missing on, no longer exists."""
    due = first(application)
    later = application.check_ins.get(day=180)
    assert set(checkins.raters_of([later])[later.pk]) == {member, teammate}
    for rater in (member, teammate):
        review(due, rater, score=3)
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())

    membership.leave_team(team, sara)

    assert not CheckIn.objects.filter(pk=later.pk).exists()
    end = timezone.localdate()
    rows = validity.rows(cached.hires_scope([team], end - VALIDITY_PERIOD, end))
    assert rows["reviews"] == [(application.pk, 90, "yes"), (application.pk, 90, "yes")]
