"""What an application's page shows of what the candidate or their referrer wrote, and a
candidate added to an opening that closed while its page was open."""

import pytest
from django.urls import reverse

from hiring.models import Application, Candidate, Opening
from tests.factories import ApplicationFactory, OpeningFactory


@pytest.mark.parametrize("reader", ["member", "recruiter", "leadership"])
def test_the_candidates_note_to_the_team_is_on_their_application(client, team, request, reader):
    application = ApplicationFactory(
        opening__team=team, note="I built payment systems <for> ten years.\nAsk me about ledgers."
    )
    client.force_login(request.getfixturevalue(reader))

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Their note to the team" in page
    assert "I built payment systems &lt;for&gt; ten years.<br>Ask me about ledgers." in page


def test_why_someone_was_referred_is_on_their_application(client, team, member, teammate):
    application = ApplicationFactory(
        opening__team=team,
        source=Application.Source.REFERRAL,
        referred_by=teammate,
        note="We shipped the billing rewrite together.",
    )
    client.force_login(member)

    page = client.get(application.get_absolute_url()).content.decode()

    assert "Why they were referred" in page
    assert "We shipped the billing rewrite together." in page


def test_a_candidate_added_after_the_opening_closed_is_refused_saying_why(client, team, member):
    opening = OpeningFactory(team=team)
    client.force_login(member)
    client.get(opening.get_absolute_url())  # the page is open in a tab
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        {"name": "Dana Candidate", "email": "dana@candidates.example"},
    )

    assert response.status_code == 400
    assert "This opening is closed to new applications." in response.content.decode()
    assert 'value="Dana Candidate"' in response.content.decode()
    assert not Candidate.objects.exists()
