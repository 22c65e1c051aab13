"""Migrations 0073_application_member and 0076_link_departed_hires: the hires who are members of
their team already, and those who joined it since they applied and left, are linked to their
accounts, by an address of theirs the candidate record or the team's proposal knows; nobody
else is."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from hiring.models import Application, Invitation
from tests.factories import ApplicationFactory, OpeningFactory, TeamFactory, UserFactory

migration = importlib.import_module("hiring.migrations.0073_application_member")
departed = importlib.import_module("hiring.migrations.0076_link_departed_hires")


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


def test_hires_who_joined_and_left_are_linked_to_the_account_that_joined(team):
    other_team = TeamFactory()
    left = hire(team, "rafa@mail.example", member_email="rafa@work.example")
    rafa = UserFactory(email="rafael@home.example")
    Invitation.objects.create(
        email="Rafa@Work.example",
        team=team,
        accepted_by=rafa,
        accepted_at=left.created_at + timedelta(days=30),
    )
    # Was a member once, before applying: that says nothing of this hire.
    before = hire(team, "kim@mail.example")
    kim = UserFactory(email="kim@mail.example")
    Invitation.objects.create(
        email="kim@mail.example",
        team=team,
        accepted_by=kim,
        accepted_at=before.created_at - timedelta(days=1),
    )
    # Joined another team at that address, not the one that hired them.
    other = hire(team, "ola@mail.example")
    ola = UserFactory(email="ola@mail.example")
    Invitation.objects.create(
        email="ola@mail.example", team=other_team, accepted_by=ola, accepted_at=timezone.now()
    )
    # Linked already, by 0073 or as they joined: kept.
    linked_already = hire(team, "rafa@mail.example")
    Application.objects.filter(pk=linked_already.pk).update(member=kim)

    departed.link_departed(apps, None)

    linked = dict(Application.objects.values_list("pk", "member"))
    assert linked == {
        left.pk: rafa.pk,
        before.pk: None,
        other.pk: None,
        linked_already.pk: kim.pk,
    }
