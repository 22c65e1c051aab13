"""On PostgreSQL, answering a team's invitation locks the team's row before the invitation's,
as the team's members withdraw it (and a hire recorded as not starting): a withdrawal and an
acceptance at once wait for each other rather than die in a deadlock."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from hiring.models import Invitation, Team
from hiring.teams import invitations, membership
from tests.debrief.test_lock_order import locks_of, while_waiting
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")


@pytest.fixture
def newcomer(team, member):
    team.membership_rule = Team.MembershipRule.ANY_MEMBER
    team.save(update_fields=["membership_rule"])
    newcomer = UserFactory(email="dora@example.com")
    membership.propose_member(team, member, newcomer.email)
    return newcomer


def test_an_answer_locks_the_team_before_the_invitation(team, newcomer):
    with CaptureQueriesContext(connection) as queries:
        invitations.accept_invitation(Invitation.objects.get(team=team), newcomer)

    assert locks_of(queries)[:2] == ["hiring_team", "hiring_invitation"]


@pytest.mark.django_db(transaction=True)
def test_an_invitation_withdrawn_as_it_is_accepted_is_withdrawn_without_a_deadlock(
    team, member, newcomer
):
    invitation = Invitation.objects.get(team=team)

    def withdrawing(held):
        with transaction.atomic():
            Team.objects.select_for_update().get(pk=team.pk)  # as membership locks it first
            held()
            membership.withdraw_invitation(invitation, member)

    def accepting():
        invitations.accept_invitation(invitation, newcomer)

    failures = while_waiting(withdrawing, accepting)

    assert not [failure for failure in failures if isinstance(failure, DatabaseError)]
    assert [failure.messages for failure in failures] == [["This invitation was withdrawn."]]
    assert not team.memberships.filter(user=newcomer).exists()
