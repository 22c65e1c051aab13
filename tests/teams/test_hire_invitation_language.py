"""The team's invitation to its hire, who has no account yet, reads in the zone and language
their candidate record knows, as every other email to them does."""

from zoneinfo import ZoneInfo

from hiring.models import Application, Invitation, Team
from hiring.teams import membership
from tests.factories import ApplicationFactory


def test_the_hire_is_invited_in_their_own_zone_and_language(
    team, member, mailoutbox, django_capture_on_commit_callbacks
):
    team.membership_rule = Team.MembershipRule.ANY_MEMBER
    team.save(update_fields=["membership_rule"])
    hire = ApplicationFactory(
        opening__team=team,
        stage=Application.Stage.HIRED,
        candidate__time_zone="Europe/Berlin",
        candidate__language="de",
    )

    with django_capture_on_commit_callbacks(execute=True):
        membership.propose_member(team, member, "sara.lind@work.example", hire=hire)

    [email] = mailoutbox
    expires = Invitation.objects.get().expires_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert email.to == ["sara.lind@work.example"]
    assert email.subject == f"Treten Sie {team} auf Teamfit bei"
    assert f"{expires:%H:%M} Zeit Berlin" in email.body


def test_a_colleague_nobody_knows_is_invited_in_utc_and_english(
    team, member, mailoutbox, django_capture_on_commit_callbacks
):
    team.membership_rule = Team.MembershipRule.ANY_MEMBER
    team.save(update_fields=["membership_rule"])
    ApplicationFactory(opening__team=team, stage=Application.Stage.HIRED, candidate__language="de")

    with django_capture_on_commit_callbacks(execute=True):
        membership.propose_member(team, member, "new.peer@work.example")

    [email] = mailoutbox
    expires = Invitation.objects.get().expires_at
    assert email.subject == f"Join {team} on Teamfit"
    assert f"{expires:%H:%M} UTC." in email.body
