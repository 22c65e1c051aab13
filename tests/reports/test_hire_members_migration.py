"""Migration 0073_application_member: the hires who are members of their team already are
linked to their accounts, by an address of theirs the candidate record or the team's proposal
knows; nobody else is."""

import importlib

from django.apps import apps

from hiring.models import Application, Invitation
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory

migration = importlib.import_module("hiring.migrations.0073_application_member")


def hire(team, email, member_email=""):
    return ApplicationFactory(
        opening=OpeningFactory(team=team),
        candidate__email=email,
        stage=Application.Stage.HIRED,
        member_email=member_email,
    )


def test_hires_who_joined_are_linked_to_their_accounts(team, member, outsider):
    by_record = hire(team, "Sara@Mail.example")
    sara = UserFactory(email="sara@mail.example")
    by_proposal = hire(team, "lee@mail.example", member_email="lee@work.example")
    lee = UserFactory(email="lee.w@work.example")
    Invitation.objects.create(email="Lee@Work.example", team=team, accepted_by=lee)
    for person in (sara, lee):
        team.memberships.create(user=person)
    elsewhere = hire(team, outsider.email)  # hired, but a member of another team
    not_hired = ApplicationFactory(opening=OpeningFactory(team=team), candidate__email=member.email)

    migration.link_members(apps, None)

    linked = dict(Application.objects.values_list("pk", "member"))
    assert linked == {
        by_record.pk: sara.pk,
        by_proposal.pk: lee.pk,
        elsewhere.pk: None,
        not_hired.pk: None,
    }
