"""The candidate box of the application page: where the application came from, who referred
them, and the addresses of records merged into this one."""

import pytest

from hiring.models import Application
from tests.factories import ApplicationFactory, UserFactory

Source = Application.Source


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (Source.CAREERS, "Careers page"),
        (Source.RECRUITER, "Added by a recruiter"),
        (Source.IMPORTED, "Imported"),
    ],
)
def test_the_source_is_shown(client, member, team, source, shown):
    application = ApplicationFactory(opening__team=team, source=source)
    client.force_login(member)

    page = client.get(application.get_absolute_url()).text

    assert f"<dt>Source</dt>\n  <dd>{shown}</dd>" in page


def test_a_referral_names_the_referrer(client, member, team):
    referrer = UserFactory(display_name="Olu Referrer")
    application = ApplicationFactory(
        opening__team=team, source=Source.REFERRAL, referred_by=referrer
    )
    client.force_login(member)

    page = client.get(application.get_absolute_url()).text

    assert "<dd>Referral by Olu Referrer</dd>" in page


def test_a_referral_whose_referrer_left_says_referral(client, member, team):
    application = ApplicationFactory(opening__team=team, source=Source.REFERRAL)
    client.force_login(member)

    assert "<dd>Referral</dd>" in client.get(application.get_absolute_url()).text


def test_other_emails_are_shown_when_there_are_some(client, member, team):
    merged = ApplicationFactory(
        opening__team=team, candidate__other_emails="old@mail.example\nwork@mail.example"
    )
    single = ApplicationFactory(opening__team=team)
    client.force_login(member)

    page = client.get(merged.get_absolute_url()).text

    assert "<dt>Other emails</dt><dd>old@mail.example<br>work@mail.example</dd>" in page
    assert "Other emails" not in client.get(single.get_absolute_url()).text
