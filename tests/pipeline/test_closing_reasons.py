"""Closing an application by hand says why: a move to Rejected or Withdrawn takes a reason of
its own list ("other" with a note), refused beside the field without one, on the board (htmx
and not) and the application's page alike; the history and the audit trail show it."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiring.models import Application, AuditEvent, ClosingReason
from hiring.pipeline import applications
from tests.factories import ApplicationFactory, OpeningFactory, field_error, fresh
from tests.pipeline.test_board import MOVE_REPLY_MAX_QUERIES, make_applications, move_url

Stage = Application.Stage
REJECTION_WANTED = "Choose why this application is rejected."
WITHDRAWAL_WANTED = "Choose why this application is withdrawn."
NOTE_WANTED = "Say why in a note: the reason is “Other”."


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, stage=Stage.SCREEN)


def nothing_moved(application, stage=Stage.SCREEN):
    application = fresh(application)
    return (
        application.stage == stage
        and not application.stage_changes.exists()
        and not application.audit_events.exists()
    )


@pytest.mark.parametrize(
    ("stage", "reason", "message"),
    [
        (Stage.REJECTED, "", REJECTION_WANTED),
        (Stage.WITHDRAWN, "", WITHDRAWAL_WANTED),
        (Stage.WITHDRAWN, ClosingReason.SKILLS, WITHDRAWAL_WANTED),  # a rejection's reason
        (Stage.REJECTED, ClosingReason.OTHER_OFFER, REJECTION_WANTED),  # a withdrawal's
        (Stage.REJECTED, ClosingReason.TEAM_DECISION, REJECTION_WANTED),  # the team's alone
    ],
)
def test_a_close_by_hand_without_a_reason_of_its_list_is_refused(
    application, recruiter, stage, reason, message
):
    with pytest.raises(ValidationError) as refused:
        applications.move_stage(application, stage, recruiter, reason=reason)

    assert refused.value.message_dict == {"reason": [message]}
    assert nothing_moved(application)


def test_a_close_with_a_reason_records_it_on_its_move(application, recruiter):
    applications.move_stage(
        application, Stage.REJECTED, recruiter, reason="skills", reason_note="  No Go yet.  "
    )

    change = fresh(application).stage_changes.get(to_stage=Stage.REJECTED)
    assert (change.reason, change.reason_note, change.by) == ("skills", "No Go yet.", recruiter)


def test_other_needs_a_note(application, recruiter):
    with pytest.raises(ValidationError) as refused:
        applications.move_stage(application, Stage.WITHDRAWN, recruiter, reason="other")

    assert refused.value.message_dict == {"reason_note": [NOTE_WANTED]}
    applications.move_stage(
        application, Stage.WITHDRAWN, recruiter, reason="other", reason_note="Moved abroad."
    )
    change = fresh(application).stage_changes.get(to_stage=Stage.WITHDRAWN)
    assert (change.reason, change.reason_note) == ("other", "Moved abroad.")


def test_a_note_on_more_than_one_line_is_refused(application, recruiter):
    with pytest.raises(ValidationError) as refused:
        applications.move_stage(
            application, Stage.REJECTED, recruiter, reason="other", reason_note="a\nb"
        )

    assert list(refused.value.message_dict) == ["reason_note"]
    assert nothing_moved(application)


def test_a_move_that_does_not_close_records_no_reason(application, recruiter):
    applications.move_stage(application, Stage.PANEL, recruiter, reason="skills")

    assert fresh(application).stage_changes.get().reason == ""


def test_the_audit_event_names_the_reason_never_the_note(application, recruiter):
    applications.move_stage(
        application, Stage.REJECTED, recruiter, reason="pay", reason_note="Nina asked for 2x"
    )

    event = application.audit_events.get(action=AuditEvent.Action.STAGE_CHANGED)
    assert event.details == "Screen → Rejected (Pay expectations)"


# The application's page


def test_the_page_refuses_a_rejection_without_a_reason_beside_the_field(
    client, application, recruiter
):
    client.force_login(recruiter)
    page = client.get(application.get_absolute_url()).text
    assert 'name="reason"' in page
    assert 'name="reason_note"' in page

    response = client.post(f"/applications/{application.pk}/stage/", {"stage": "rejected"})

    assert response.status_code == 400
    assert field_error("reason", REJECTION_WANTED) in response.text
    assert nothing_moved(application)


def test_the_page_asks_for_a_note_with_other_beside_its_field(client, application, recruiter):
    client.force_login(recruiter)

    response = client.post(
        f"/applications/{application.pk}/stage/", {"stage": "withdrawn", "reason": "other"}
    )

    assert response.status_code == 400
    assert field_error("reason_note", html.escape(NOTE_WANTED)) in response.text
    assert nothing_moved(application)


def test_the_page_offers_each_closing_stage_its_own_reasons(client, application, recruiter):
    client.force_login(recruiter)

    page = client.get(application.get_absolute_url()).text

    assert '<optgroup label="Rejected">' in page
    assert '<optgroup label="Withdrawn">' in page
    assert '<option value="team_decision"' not in page  # only the team's decision says so


def test_the_page_records_the_reason_and_shows_it_in_the_history(client, application, recruiter):
    client.force_login(recruiter)

    response = client.post(
        f"/applications/{application.pk}/stage/",
        {"stage": "rejected", "reason": "skills", "reason_note": "Little Go so far"},
        follow=True,
    )

    change = fresh(application).stage_changes.get(to_stage=Stage.REJECTED)
    assert (change.reason, change.reason_note) == ("skills", "Little Go so far")
    text = html.unescape(response.content.decode())
    assert "Screen → Rejected — Skills or experience" in text
    assert "Little Go so far" in text
    assert "Screen → Rejected (Skills or experience)" in text  # the timeline's event
    assert "Why it closed" in text


# The board


def test_a_withdrawal_on_the_board_without_a_reason_asks_for_it_in_the_cards_form(
    client, member, team
):
    [application] = make_applications(OpeningFactory(team=team), 1, "screen")
    client.force_login(member)

    response = client.post(
        move_url(application, "?stale=1"),
        {"stage": "withdrawn", "from_stage": "screen"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    form_id = f"card-move-{application.pk}"
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (f"#{form_id}", "outerHTML")
    assert f'id="{form_id}"' in response.text
    assert f'action="{move_url(application, "?stale=1")}"' in response.text
    assert field_error("reason", WITHDRAWAL_WANTED, prefix=form_id) in response.text
    assert '<option value="withdrawn" selected>' in response.text
    # A withdrawal's reasons, not a rejection's.
    assert '<option value="other_offer"' in response.text
    assert '<option value="skills"' not in response.text
    assert nothing_moved(application)


def test_a_withdrawal_on_the_board_without_javascript_asks_for_it_on_a_page(client, member, team):
    [application] = make_applications(OpeningFactory(team=team), 1, "screen")
    client.force_login(member)

    response = client.post(move_url(application), {"stage": "withdrawn", "reason": "other"})

    assert response.status_code == 400
    assert "<html" in response.text
    prefix = f"card-move-{application.pk}"
    assert field_error("reason_note", html.escape(NOTE_WANTED), prefix=prefix) in response.text
    assert nothing_moved(application)

    response = client.post(
        move_url(application), {"stage": "withdrawn", "reason": "other", "reason_note": "Moved"}
    )
    assert response.status_code == 302
    change = fresh(application).stage_changes.get()
    assert (change.to_stage, change.reason, change.reason_note) == ("withdrawn", "other", "Moved")


def test_a_rejections_reason_kept_for_a_withdrawal_without_javascript_is_asked_again(
    client, member, team
):
    """The page without scripts keeps the reasons of the stage first chosen: changing the stage
    there sends one of the other list, refused as the move refuses it."""
    [application] = make_applications(OpeningFactory(team=team), 1, "screen")
    client.force_login(member)

    response = client.post(move_url(application), {"stage": "withdrawn", "reason": "skills"})

    assert response.status_code == 400
    prefix = f"card-move-{application.pk}"
    assert field_error("reason", html.escape(WITHDRAWAL_WANTED), prefix=prefix) in response.text
    assert "Select a valid choice" not in response.text
    assert nothing_moved(application)


def test_a_card_offers_rejecting_while_the_screen_may_and_rejects_with_its_reason(
    client, member, team
):
    opening = OpeningFactory(team=team)
    [screened] = make_applications(opening, 1, "screen")
    [interviewing] = make_applications(opening, 1, "panel")
    client.force_login(member)

    board = client.get(reverse("pipeline")).text
    menus = dict(re.findall(r'<select name="stage" id="move-(\d+)">(.*?)</select>', board, re.S))
    rejected = '<option value="rejected">Rejected</option>'
    assert rejected in menus[str(screened.pk)]
    assert rejected not in menus[str(interviewing.pk)]  # only the team's decision rejects now

    response = client.post(
        move_url(screened),
        {"stage": "rejected", "from_stage": "screen", "reason": "requirements"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    change = fresh(screened).stage_changes.get()
    assert (change.to_stage, change.reason) == ("rejected", "requirements")


def test_a_rejection_posted_to_the_board_without_a_reason_is_refused(client, member, team):
    [application] = make_applications(OpeningFactory(team=team), 1, "screen")
    client.force_login(member)

    response = client.post(move_url(application), {"stage": "rejected"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    prefix = f"card-move-{application.pk}"
    assert field_error("reason", REJECTION_WANTED, prefix=prefix) in response.text
    assert nothing_moved(application)


def test_a_withdrawal_with_its_reason_moves_the_card(
    client, member, team, django_capture_on_commit_callbacks
):
    opening = OpeningFactory(team=team)
    [application, _stays] = make_applications(opening, 2, "screen")
    make_applications(opening, 1, "withdrawn")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            move_url(application),
            {"stage": "withdrawn", "reason": "other_offer"},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    assert f'<li id="card-{application.pk}" hx-swap-oob="delete">' in response.text
    change = fresh(application).stage_changes.get()
    assert (change.to_stage, change.reason) == ("withdrawn", "other_offer")


def test_a_move_that_does_not_close_runs_no_more_queries_and_asks_nothing(
    client, member, team, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    opening = OpeningFactory(team=team)
    [application, _stays] = make_applications(opening, 2, "applied")
    make_applications(opening, 1, "screen")
    make_applications(opening, 1, "panel")
    client.force_login(member)
    for stage in ("screen", "panel"):
        with (
            django_assert_max_num_queries(MOVE_REPLY_MAX_QUERIES),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post(move_url(application), {"stage": stage}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert [change.reason for change in fresh(application).stage_changes.all()] == ["", ""]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_withdrawal_sent_twice_from_the_board_is_made_once(
    client, member, team, django_capture_on_commit_callbacks, htmx
):
    opening = OpeningFactory(team=team)
    [application] = make_applications(opening, 1, "screen")
    client.force_login(member)
    data = {"stage": "withdrawn", "from_stage": "screen", "reason": "other_offer"}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(move_url(application), data, **headers)
        second = client.post(move_url(application), data, **headers)

    assert second.status_code == (200 if htmx else 302)
    assert "This application is withdrawn" not in second.content.decode()
    assert fresh(application).stage_changes.filter(to_stage=Stage.WITHDRAWN).count() == 1


def test_a_rejection_sent_twice_from_the_application_page_is_made_once(
    client, member, application, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("application_stage", args=[application.pk])
    data = {"stage": "rejected", "from_stage": "screen", "reason": "skills"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        second = client.post(url, data)

    assert second.status_code == 302
    assert fresh(application).stage_changes.filter(to_stage=Stage.REJECTED).count() == 1


def test_a_move_from_a_page_opened_before_a_colleagues_says_so(
    client, member, recruiter, application
):
    """Its stage is no longer among those the application may go to now: the move says why,
    not that the choice is not valid."""
    applications.move_stage(application, Stage.PANEL, recruiter)
    client.force_login(member)

    response = client.post(
        reverse("application_stage", args=[application.pk]),
        {"stage": "rejected", "from_stage": "screen", "reason": "skills"},
    )

    assert response.status_code == 400
    assert "after this page was opened" in html.unescape(response.text)
    assert "Select a valid choice" not in response.text
    assert fresh(application).stage == Stage.PANEL
