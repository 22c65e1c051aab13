"""A hire joins the team only through the team's own membership rule: its members may propose
them from the application, at the address they will sign in with, by which the check-ins know
the hire; nobody else sees the button, and nothing adds them by itself."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring.access import reads_check_ins
from hiring.checkins import checkins
from hiring.models import Application, Invitation, Membership, Proposal
from hiring.reports import cached, validity
from hiring.teams import invitations, membership
from tests.checkins.helpers import first
from tests.checkins.helpers import hired as hired_with_check_ins
from tests.factories import HTMX, ApplicationFactory, CandidateFactory, UserFactory

BUTTON = "as a member of"


@pytest.fixture
def hired(team):
    candidate = CandidateFactory(name="New Peer", email="new.peer@candidates.example")
    return ApplicationFactory(
        candidate=candidate, opening__team=team, stage=Application.Stage.HIRED
    )


def test_a_member_proposes_the_hire_by_the_teams_own_rule(client, member, hired, team):
    client.force_login(member)
    page = client.get(hired.get_absolute_url()).content.decode()
    assert BUTTON in page

    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": hired.candidate.email, "hire": hired.pk},
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.team, proposal.email, proposal.status) == (
        team,
        "new.peer@candidates.example",
        Proposal.Status.OPEN,
    )
    assert not Membership.objects.filter(user__email="new.peer@candidates.example").exists()


@pytest.mark.parametrize("persona", ["recruiter", "leadership"])
def test_nobody_outside_the_team_is_offered_to_propose_the_hire(client, request, persona, hired):
    client.force_login(request.getfixturevalue(persona))
    assert BUTTON not in client.get(hired.get_absolute_url()).content.decode()


def test_before_the_hire_there_is_nothing_to_propose(client, member, team):
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.OFFER)
    client.force_login(member)
    assert BUTTON not in client.get(application.get_absolute_url()).content.decode()


def test_a_hire_proposed_at_their_work_address_never_rates_nor_reads_their_check_ins(
    client, member, teammate, team
):
    application = hired_with_check_ins(team, member, days_ago=100, email="new.peer@home.example")
    client.force_login(member)
    page = client.get(application.get_absolute_url()).content.decode()
    # The address they applied with, theirs to change.
    assert 'value="new.peer@home.example"' in page

    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "New.Peer@Work.example", "hire": application.pk},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.member_email == "new.peer@work.example"
    # The team reads whom the address stands for.
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    [proposal] = re.findall(r'<article class="proposal">.*?</article>', page, re.S)
    assert "Add New.Peer@work.example" in proposal
    assert "The team's hire:" in proposal
    assert f'<a href="{application.get_absolute_url()}">{application.candidate}</a>' in proposal
    # The team agrees by its rule; they take up the invitation under their work address.
    membership.cast_vote(Proposal.objects.get(), teammate, approve=True)
    invitation = Invitation.objects.get(email__iexact="new.peer@work.example")
    peer = UserFactory(email="new.peer@work.example")
    invitations.accept_invitation(invitation, peer)
    check_in = first(application)  # the 90-day one, open ten days
    # Joined before the check-in fell due, so nothing but who they are leaves them out.
    Membership.objects.filter(user=peer).update(joined_at=check_in.due_at - timedelta(days=1))

    assert peer.pk not in {rater.pk for rater in checkins.raters_of([check_in])[check_in.pk]}
    assert not checkins.to_fill(peer, timezone.now()).exists()
    assert not reads_check_ins(peer, application)
    client.force_login(peer)
    assert client.get(reverse("check_in_detail", args=[check_in.pk])).status_code == 404
    year = cached.hires_scope([team], timezone.now() - timedelta(days=365), timezone.now())
    assert validity.own_applications(peer, year) == (application.pk,)
    # Their teammates still rate it.
    assert teammate in checkins.raters_of([check_in])[check_in.pk]
    # Once they joined, nobody else is proposed as the hire: it moved the address they are
    # known by, and the hire then rated their own check-ins.
    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "decoy@example.org", "hire": application.pk},
    )
    assert response.status_code == 400
    assert "has joined the team already" in response.content.decode()
    application.refresh_from_db()
    assert application.member_email == "new.peer@work.example"
    assert not reads_check_ins(peer, application)


@pytest.mark.parametrize(
    "elsewhere",
    [
        lambda team: ApplicationFactory(opening__team=team, stage=Application.Stage.OFFER),
        lambda team: ApplicationFactory(stage=Application.Stage.HIRED),
    ],
    ids=["not hired yet", "another team's hire"],
)
def test_only_a_hire_of_the_team_itself_takes_the_address(client, member, team, elsewhere):
    application = elsewhere(team)
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "someone@work.example", "hire": application.pk},
    )

    assert response.status_code == 404
    assert not Proposal.objects.exists()
    application.refresh_from_db()
    assert application.member_email == ""


def test_a_refused_proposal_from_the_hires_page_keeps_the_hire_on_the_team_page(
    client, member, teammate, team, hired
):
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": teammate.email, "hire": hired.pk}
    )

    assert response.status_code == 400
    assert "is already a member of Platform" in response.content.decode()
    assert f'<option value="{hired.pk}" selected>' in response.content.decode()
    hired.refresh_from_db()
    assert hired.member_email == ""


# The team page's own form asks whether the person proposed is one of the team's hires.


def hires_asked_about(page):
    [select] = re.findall(r'<select name="hire".*?</select>', page, re.S)
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select)


def test_the_team_page_asks_whether_the_person_proposed_is_a_hire_not_yet_in_the_team(
    client, member, teammate, team, hired
):
    ApplicationFactory(opening__team=team, stage=Application.Stage.OFFER)
    ApplicationFactory(stage=Application.Stage.HIRED)  # another team's
    ApplicationFactory(
        opening__team=team, candidate__erased_at=timezone.now(), stage=Application.Stage.HIRED
    )
    # A hire who joined under the address they applied with is in the team already.
    ApplicationFactory(
        opening__team=team, candidate__email="BEN@example.com", stage=Application.Stage.HIRED
    )
    client.force_login(member)

    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()

    assert "Is this the team&#x27;s hire?" in page
    assert hires_asked_about(page) == [
        ("", "No, a colleague"),
        (str(hired.pk), f"{hired.candidate}, {hired.opening.title}"),
    ]


def test_a_team_without_a_hire_to_join_is_not_asked(client, member, team):
    ApplicationFactory(opening__team=team, stage=Application.Stage.OFFER)
    client.force_login(member)

    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()

    assert '<input type="hidden" name="hire" id="id_hire">' in page
    assert '<select name="hire"' not in page


def test_a_hire_chosen_on_the_team_page_is_known_as_the_hire_by_the_address_proposed(
    client, member, teammate, team, hired
):
    client.force_login(member)
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert str(hired.pk) in dict(hires_asked_about(page))

    response = client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "New.Peer@Work.example", "hire": str(hired.pk)},
        **HTMX,
    )

    assert response.status_code == 200
    hired.refresh_from_db()
    assert hired.member_email == "new.peer@work.example"
    assert "The team's hire:" in response.content.decode()
    membership.cast_vote(Proposal.objects.get(), teammate, approve=True)
    peer = UserFactory(email="new.peer@work.example")
    invitations.accept_invitation(Invitation.objects.get(), peer)
    assert checkins.is_candidate(checkins.addresses_of([peer])[peer.pk], hired)
    # Known in the team now: the form no longer asks about them.
    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()
    assert '<select name="hire"' not in page


def test_a_colleague_proposed_on_the_team_page_stands_for_no_hire(client, member, team, hired):
    client.force_login(member)

    response = client.post(
        reverse("propose_member", args=[team.pk]), {"email": "colleague@work.example", "hire": ""}
    )

    assert response.status_code == 302
    assert Proposal.objects.get().email == "colleague@work.example"
    hired.refresh_from_db()
    assert hired.member_email == ""


def test_a_hire_is_proposed_once_at_a_time(client, member, team, hired):
    client.force_login(member)
    url = reverse("propose_member", args=[team.pk])
    client.post(url, {"email": "new.peer@work.example", "hire": hired.pk})

    response = client.post(url, {"email": "n.peer@work.example", "hire": hired.pk})

    assert response.status_code == 400
    assert (
        "There is already an open proposal to add New Peer, the team&#x27;s hire, at "
        "new.peer@work.example: withdraw it first." in response.content.decode()
    )
    assert list(Proposal.objects.values_list("email", flat=True)) == ["new.peer@work.example"]
    hired.refresh_from_db()
    assert hired.member_email == "new.peer@work.example"
    # Once it is withdrawn, another address may be proposed.
    membership.withdraw(Proposal.objects.get(), member)
    assert client.post(url, {"email": "n.peer@work.example", "hire": hired.pk}).status_code == 302
    hired.refresh_from_db()
    assert hired.member_email == "n.peer@work.example"


def test_a_teammate_asked_for_their_vote_reads_whom_it_adds(client, member, teammate, hired):
    client.force_login(member)
    client.post(
        reverse("propose_member", args=[hired.opening.team.pk]),
        {"email": "new.peer@work.example", "hire": hired.pk},
    )
    client.force_login(teammate)

    page = client.get(reverse("home")).content.decode()

    assert "Add new.peer@work.example (the team's hire, New Peer)" in page


@pytest.mark.parametrize(
    ("joined_as", "member_email"),
    [("new.peer@candidates.example", ""), ("new.peer@work.example", "new.peer@work.example")],
    ids=["at the address they applied with", "at the address the team proposed"],
)
def test_once_the_hire_joined_their_page_says_so_instead_of_offering_to_propose_them(
    client, member, team, hired, joined_as, member_email
):
    Application.objects.filter(pk=hired.pk).update(member_email=member_email)
    Membership.objects.create(team=team, user=UserFactory(email=joined_as))
    client.force_login(member)

    page = client.get(hired.get_absolute_url()).content.decode()

    assert "New Peer is a member of Platform." in page
    assert BUTTON not in page


@pytest.mark.parametrize(
    ("close", "kept"),
    [
        (lambda proposal, member, teammate: membership.withdraw(proposal, member), ""),
        (lambda proposal, member, teammate: membership.cast_vote(proposal, teammate, False), ""),
        (
            lambda proposal, member, teammate: membership.cast_vote(proposal, teammate, True),
            "new.peer@work.example",
        ),
    ],
    ids=["withdrawn", "refused", "agreed"],
)
def test_the_address_proposed_says_who_the_hire_is_only_while_open_or_once_agreed(
    client, member, teammate, team, hired, close, kept
):
    client.force_login(member)
    client.post(
        reverse("propose_member", args=[team.pk]),
        {"email": "new.peer@work.example", "hire": hired.pk},
    )

    close(Proposal.objects.get(), member, teammate)

    hired.refresh_from_db()
    assert hired.member_email == kept
    # The hire's page proposes them at that address, else at the one they applied with.
    page = client.get(hired.get_absolute_url()).content.decode()
    assert f'value="{kept or "new.peer@candidates.example"}"' in page
