"""A member hired into their own team joins nobody: accepting the offer links the hire to
their account (Application.member), which still knows them once their candidate data is
erased."""

from hiring.models import Application
from hiring.offers import offers
from tests.factories import UserFactory


def test_a_member_who_accepts_an_offer_of_their_own_team_is_linked_as_its_hire(
    sent, application, team
):
    nina = UserFactory(display_name="Nina Park", email="Nina@Candidates.example")
    team.memberships.create(user=nina)

    offers.accept(sent)

    assert Application.objects.get(pk=application.pk).member == nina


def test_an_outsider_who_accepts_is_linked_to_nobody_yet(sent, application):
    offers.accept(sent)

    assert Application.objects.get(pk=application.pk).member is None
