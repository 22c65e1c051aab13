"""Every view that takes an object id answers 404 to a member of another team.

The URL patterns come from the resolver, so a new view is covered the day it is added.
"""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from hiring.checkins import checkins
from hiring.models import BusyBlock, DataExport, EmailTemplate, Invitation, PoolMember, User
from hiring.scheduling import booking
from hiring.teams import membership
from scorecards import scoring
from tests.factories import ApplicationFactory, UserFactory


def object_id_patterns(patterns=None, converters=None):
    """(name, id names) of our own views whose route takes an object's id or key."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            yield from object_id_patterns(entry.url_patterns, found)
        elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith(
            ("hiring.", "scorecards.")
        ):
            ids = [
                name
                for name, conv in found.items()
                if isinstance(conv, IntConverter | UUIDConverter)
            ]
            if ids:
                yield entry.name, ids


# Open to anyone (an open opening's public page and its thanks page) or to anyone of the
# organisation (a referral to an open opening): tests/careers checks who may open them.
# And the Django admin's "view on site", closed to everyone: tests/accounts checks it.
NOT_A_TEAM_OBJECT = {"careers_opening", "careers_thanks", "careers_refer", "no_view_on_site"}
PATTERNS = sorted(
    pattern for pattern in object_id_patterns() if pattern[0] not in NOT_A_TEAM_OBJECT
)


@pytest.fixture
def team_objects(member, teammate, team):
    """One object of `team` for each kind of id a URL can take."""
    colleague = UserFactory(email="colleague@example.com")
    proposal = membership.propose_member(team, member, colleague.email)
    admin = UserFactory(role=User.Role.ADMIN)
    invitation = Invitation.objects.create(
        email="new@example.com", role=User.Role.RECRUITER, invited_by=admin
    )
    application = ApplicationFactory(opening__team=team)
    feedback = scoring.assign(application, member, "skills", assigned_by=member)
    scorecard = application.opening.scorecard
    panel = booking.create_panel(
        application, member, [{"focus": "skills", "duration_minutes": 45, "interviewers": [member]}]
    )
    block = BusyBlock.objects.create(
        user=member, start=timezone.now(), end=timezone.now() + timedelta(hours=1)
    )
    pool_member = PoolMember.objects.create(team=team, user=teammate, focus="team_fit")
    candidate_import = application.opening.imports.create(created_by=member, file_name="x.csv")
    offer = application.offers.create(
        title="Engineer",
        start_date=timezone.now().date() + timedelta(days=30),
        terms="Terms",
        expires_at=timezone.now() + timedelta(days=7),
        created_by=member,
    )
    email = application.emails.create(kind="message", to="c@example.com", subject="S", body="B")
    email_template = EmailTemplate.objects.create(
        team=team, kind="message", name="Hello", subject="S", body="B"
    )
    question = application.opening.questions.create(text="Do you need a visa?", kind="yes_no")
    return {
        "email_id": email.pk,
        "template_id": email_template.pk,
        "offer_id": offer.pk,
        "team_id": team.pk,
        "proposal_id": proposal.pk,
        "user_id": teammate.pk,
        "invitation_id": invitation.pk,
        "opening_id": application.opening_id,
        "question_id": question.pk,
        "application_id": application.pk,
        "scorecard_id": scorecard.pk,
        "key": scorecard.current_version().criteria.first().key,
        "feedback_id": feedback.pk,
        "session_id": panel.sessions.get().pk,
        "block_id": block.pk,
        "member_id": pool_member.pk,
        "import_id": candidate_import.pk,
        "candidate_id": application.candidate_id,
        "other_id": ApplicationFactory(opening__team=team).candidate_id,
        "export_id": DataExport.objects.create(candidate=application.candidate).pk,
        "check_in_id": checkins.schedule(application, timezone.now() - timedelta(days=90))[0].pk,
    }


def url_for(name, ids, team_objects):
    unknown = set(ids) - set(team_objects)
    assert not unknown, f"teach team_objects in {__name__} about {unknown} (URL {name})"
    return reverse(name, kwargs={id_name: team_objects[id_name] for id_name in ids})


def test_the_walk_finds_the_views():
    names = {name for name, _ in PATTERNS}
    assert {
        "team_detail",
        "vote",
        "revoke_invitation",
        "application_detail",
        "criterion_edit",
        "feedback_form",
    } <= names


@pytest.mark.parametrize(("name", "ids"), PATTERNS)
def test_member_of_another_team_gets_404(client, outsider, team_objects, name, ids):
    url = url_for(name, ids, team_objects)
    client.force_login(outsider)
    # POST-only views refuse GET with 405 before looking anything up, which reveals nothing.
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"approve": "yes", "email": "x@example.com"}).status_code == 404


@pytest.mark.parametrize(("name", "ids"), PATTERNS)
def test_anonymous_visitor_is_sent_to_login(client, team_objects, name, ids):
    response = client.get(url_for(name, ids, team_objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
