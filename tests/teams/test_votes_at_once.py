"""Two members voting at the same instant: each vote counts, and the one that carries the
proposal settles it once (one invitation)."""

import pytest
from django.test import Client
from django.urls import reverse

from hiring.models import Invitation, Proposal
from hiring.teams import membership
from tests.factories import TeamFactory, UserFactory, at_once

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(*people):
    """A client of its own for each of `people`: their requests run side by side."""
    clients = [Client() for _ in people]
    for client, person in zip(clients, people, strict=True):
        client.force_login(person)
    return clients


def test_the_last_two_approvals_at_once_carry_the_proposal_once():
    first, second, third, fourth, fifth = UserFactory.create_batch(5)
    team = TeamFactory(members=[first, second, third, fourth, fifth])
    proposal = membership.propose_member(team, first, "newcomer@example.com")
    membership.cast_vote(proposal, second, approve=True)  # 2 of the 3 needed
    url = reverse("vote", args=[team.pk, proposal.pk])
    clients = signed_in(third, fourth)

    answers = at_once(*[lambda c=c: c.post(url, {"approve": "yes"}) for c in clients])

    assert sorted(answer.status_code for answer in answers) in ([302, 302], [302, 400])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert Invitation.objects.filter(team=team, email="newcomer@example.com").count() == 1


def test_a_rejection_and_an_approval_at_once_are_both_counted():
    first, second, third = UserFactory.create_batch(3)
    team = TeamFactory(members=[first, second, third])
    proposal = membership.propose_member(team, first, "newcomer@example.com")
    url = reverse("vote", args=[team.pk, proposal.pk])
    clients = signed_in(second, third)

    at_once(
        lambda: clients[0].post(url, {"approve": "no"}),
        lambda: clients[1].post(url, {"approve": "yes"}),
    )

    proposal.refresh_from_db()
    # Whichever came first, the approval carries it (2 of 3) or finds it carried.
    assert proposal.status == Proposal.Status.ACCEPTED
    assert Invitation.objects.filter(team=team).count() == 1
