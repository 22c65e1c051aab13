"""A panel naming someone who can no longer come (deactivated, or out of the team) since it was
built: its times are neither offered nor picked, and nobody out of the team is invited."""

from datetime import UTC, datetime, timedelta

import pytest

from hiring.models import PoolMember, SessionInterviewer, SlotOffer
from hiring.scheduling import booking
from hiring.teams import membership
from tests.factories import UserFactory, nine_to_five, url

MONDAY = datetime(2030, 3, 4, tzinfo=UTC)
CHANGED = "The team changed your interviews since this link was sent."


def options(panel):
    return booking.find_options(panel, MONDAY, MONDAY + timedelta(days=2), limit=2)


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def test_a_link_whose_panel_names_someone_who_left_the_team_says_the_interviews_changed(
    client, panel, team, teammate, recruiter, mailoutbox
):
    offer = booking.offer_to_candidate(panel, options(panel), recruiter)
    membership.leave_team(team, teammate)

    page = client.get(offer.get_absolute_url())
    picked = client.post(offer.get_absolute_url(), {"pick": "0"})

    assert CHANGED in page.text
    assert CHANGED in picked.text
    assert panel.sessions.get().start is None


def test_a_link_whose_panel_names_someone_deactivated_says_the_interviews_changed(
    client, panel, teammate, recruiter
):
    offer = booking.offer_to_candidate(panel, options(panel), recruiter)
    deactivate(teammate)

    picked = client.post(offer.get_absolute_url(), {"pick": "0"})

    assert CHANGED in picked.text
    assert "Choose one of the times below." not in picked.text


def test_times_naming_someone_who_left_the_team_are_not_offered(
    panel, application, team, teammate, recruiter, signed_in, mailoutbox
):
    client = signed_in(recruiter)
    found = client.get(url("panel_times", application), {"start": "2030-03-04", "days": "2"})
    [first, *_] = dict.fromkeys(found.text.split('name="option" value="')[1:])
    membership.leave_team(team, teammate)

    response = client.post(url("panel_offer", application), {"option": first.split('"')[0]})
    page = client.get(url("panel", application)).text
    times = client.get(url("panel_times", application), {"start": "2030-03-04", "days": "2"})

    assert response.status_code == 302
    assert not SlotOffer.objects.exists()
    assert mailoutbox == []
    edit = f"{teammate} is no longer in {team}: edit the panel to choose someone else"
    assert edit in client.get(response["Location"]).text
    assert edit in page
    assert edit in times.text
    assert 'name="option"' not in times.text


def test_a_shadow_who_left_the_team_is_not_invited(
    application, team, member, teammate, recruiter, mailoutbox
):
    shadow = UserFactory()
    team.memberships.create(user=shadow)
    nine_to_five(member, shadow)
    panel = booking.create_panel(
        application,
        recruiter,
        [
            {
                "focus": "skills",
                "duration_minutes": 60,
                "interviewers": [member],
                "shadows": [shadow],
            }
        ],
    )
    [option] = booking.find_options(panel, MONDAY, MONDAY + timedelta(days=1), limit=1)
    membership.leave_team(team, shadow)

    with pytest.raises(booking.ValidationError, match=f"{shadow} is no longer in {team}"):
        booking.book(panel, option, recruiter)

    assert panel.sessions.get().start is None


@pytest.mark.parametrize("gone", ["left", "deactivated", "off_the_pool"])
def test_a_pool_member_gone_since_the_times_were_offered_is_not_seated(
    client, application, team, member, peer, recruiter, gone
):
    nine_to_five(member, peer)
    pool_member = PoolMember.objects.create(team=team, user=peer, focus="skills")
    session = {"focus": "skills", "duration_minutes": 60, "interviewers": [member]}
    panel = booking.create_panel(application, recruiter, [{**session, "pool_count": 1}])
    offer = booking.offer_to_candidate(panel, options(panel), recruiter)
    if gone == "left":
        membership.leave_team(team, peer)
    elif gone == "deactivated":
        deactivate(peer)
    else:
        pool_member.delete()

    picked = client.post(offer.get_absolute_url(), {"pick": "0"})

    assert picked.status_code == 409
    assert panel.sessions.get().start is None
    assert not SessionInterviewer.objects.filter(user=peer).exists()
