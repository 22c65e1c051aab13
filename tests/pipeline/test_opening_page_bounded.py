"""An opening's page lists the latest applications of each stage, however many applied: the
stage's heading counts them all, and the board pages through the rest (a large organisation's
opening gathers hundreds, most of them long decided)."""

from django.urls import reverse

from hiring.pipeline import applications
from tests.factories import ApplicationFactory, OpeningFactory


def test_each_stage_lists_its_latest_and_leaves_the_rest_to_the_board(
    client, member, team, monkeypatch
):
    monkeypatch.setattr(applications, "OPENING_PAGE_ROWS", 2)
    opening = OpeningFactory(team=team)
    applied = [
        ApplicationFactory(opening=opening, candidate__name=f"Applicant {n}") for n in range(3)
    ]
    ApplicationFactory(opening=opening, stage="rejected", candidate__name="Rejected one")
    client.force_login(member)

    response = client.get(reverse("opening_detail", args=[opening.pk]))

    assert response.status_code == 200
    shown = [a for a in applied if f">{a.candidate.name}</a>" in response.text]
    assert shown == applied[1:]  # the latest two
    assert ">Rejected one</a>" in response.text
    assert 'Applied <span class="muted">3</span>' in response.text
    board = f"/pipeline/?team={opening.team_id}&amp;opening={opening.pk}&amp;stage="
    assert f'{board}applied">More on the board</a>' in response.text
    assert f"{board}rejected" not in response.text
