"""A card moved from a page that showed it in another stage: the colleague's move stands."""

import html
import re

from hiring.models import Application
from tests.factories import ApplicationFactory, OpeningFactory


def text(response):
    return " ".join(html.unescape(response.text).split())


def move_form(page, application):
    """The fields the card's (or the application page's) move form posts, as the page has them."""
    found = re.search(
        rf'<form method="post" action="/(?:pipeline/)?applications/{application.pk}/[^"]*"'
        r"(.*?)</form>",
        page,
        re.S,
    )
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', found.group(1)))


def test_a_move_from_a_board_opened_before_a_colleagues_move_is_refused(client, member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team), stage="applied")
    client.force_login(member)
    shown = move_form(client.get("/pipeline/").text, application)
    # Meanwhile, in another tab, a colleague takes the candidate to the panel.
    Application.objects.filter(pk=application.pk).update(stage="panel")

    # Ana meant Applied → Screen: taken from the panel back to the screen, it would undo the
    # colleague's move unseen.
    response = client.post(
        f"/pipeline/applications/{application.pk}/move/",
        {**shown, "stage": "screen"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert f"moved {application.candidate} to Panel after this page was opened" in text(response)
    application.refresh_from_db()
    assert application.stage == "panel"
    assert not application.stage_changes.exists()


def test_a_move_from_an_application_page_opened_before_a_colleagues_move_is_refused(
    client, member, team
):
    application = ApplicationFactory(opening=OpeningFactory(team=team), stage="applied")
    client.force_login(member)
    shown = move_form(client.get(application.get_absolute_url()).text, application)
    Application.objects.filter(pk=application.pk).update(stage="panel")

    response = client.post(f"/applications/{application.pk}/stage/", {**shown, "stage": "screen"})

    assert response.status_code == 400
    assert f"moved {application.candidate} to Panel after this page was opened" in text(response)
    application.refresh_from_db()
    assert application.stage == "panel"


def test_a_double_click_on_move_moves_once_and_says_nothing_wrong(client, member, team):
    application = ApplicationFactory(opening=OpeningFactory(team=team), stage="screen")
    client.force_login(member)
    shown = move_form(client.get("/pipeline/").text, application)
    url = f"/pipeline/applications/{application.pk}/move/"

    first = client.post(url, {**shown, "stage": "panel"}, HTTP_HX_REQUEST="true")
    second = client.post(url, {**shown, "stage": "panel"}, HTTP_HX_REQUEST="true")

    assert (first.status_code, second.status_code) == (200, 200)
    application.refresh_from_db()
    assert application.stage == "panel"
    assert application.stage_changes.count() == 1
