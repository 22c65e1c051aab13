"""Rejecting several applications at the screen at once, one reason for all: each rejected as a
single one is (its history with the reason, audit event, rejection email), all or none."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import Application, AuditEvent, CandidateEmail, StageChange
from hiring.pipeline import applications
from tests.factories import ApplicationFactory, OpeningFactory, field_error, fresh
from tests.pipeline.test_board import make_applications

Stage = Application.Stage
Status = CandidateEmail.Status


def page_url(stage="screen", query=""):
    return f"/pipeline/columns/{stage}/reject/{query}"


def reject(client, chosen, stage="screen", query="", **fields):
    data = {"applications": [a.pk for a in chosen], "reason": "skills", "send_emails": "on"}
    return client.post(page_url(stage, query), data | fields)


def listed(response):
    return [int(pk) for pk in re.findall(r'name="applications" value="(\d+)"', response.text)]


def ticked(response):
    return [int(pk) for pk in re.findall(r'value="(\d+)" id="reject-\d+" checked', response.text)]


def nothing_rejected(*chosen):
    return not StageChange.objects.filter(to_stage=Stage.REJECTED).exists() and all(
        fresh(application).stage == application.stage for application in chosen
    )


@pytest.fixture
def screened(team):
    """Three applications at the screen of `team`, the oldest first."""
    return make_applications(OpeningFactory(team=team), 3, stage=Stage.SCREEN)[::-1]


def test_the_board_links_its_screen_columns_to_the_page(client, member, team, screened):
    client.force_login(member)

    board = client.get(f"/pipeline/?team={team.pk}").text

    assert f'href="{page_url("screen", f"?team={team.pk}")}"' in board
    assert page_url("applied") not in board  # an empty column has nothing to reject
    assert "/pipeline/columns/panel/reject/" not in board


def test_it_lists_the_stage_oldest_first_without_javascript(client, member, team, screened):
    ApplicationFactory(opening__team=team, stage=Stage.APPLIED)
    client.force_login(member)

    response = client.get(page_url())

    assert response.status_code == 200
    assert listed(response) == [application.pk for application in screened]
    assert re.search(r"name=\"send_emails\"[^>]* checked>", response.text)
    assert "<script" not in response.text.split("<main", 1)[1].split("</main>")[0]


def test_it_keeps_to_the_boards_team_and_opening_filters(client, recruiter, team, screened):
    other_opening = OpeningFactory(team=team)
    elsewhere = ApplicationFactory(opening=other_opening, stage=Stage.SCREEN)
    other_team = ApplicationFactory(stage=Stage.SCREEN)
    client.force_login(recruiter)

    assert set(listed(client.get(page_url()))) == {
        *(a.pk for a in screened),
        elsewhere.pk,
        other_team.pk,
    }
    assert listed(client.get(page_url(query=f"?team={team.pk}&opening={other_opening.pk}"))) == [
        elsewhere.pk
    ]


def test_it_says_so_when_more_wait_than_it_lists(client, recruiter, team):
    make_applications(OpeningFactory(team=team), applications.MOST_REJECTED_AT_ONCE + 1)
    client.force_login(recruiter)

    response = client.get(page_url("applied"))

    assert len(listed(response)) == applications.MOST_REJECTED_AT_ONCE
    assert "The 100 applications longest in this stage are listed" in response.text


@pytest.mark.parametrize("count", [1, 30])
def test_its_queries_do_not_grow_with_the_applications(
    client, member, team, count, django_assert_max_num_queries
):
    make_applications(OpeningFactory(team=team), count, stage=Stage.SCREEN)
    client.force_login(member)

    # Session, user, whether they run a pipeline, their addresses, the applications listed.
    with django_assert_max_num_queries(5):
        response = client.get(page_url())

    assert len(listed(response)) == count


def test_each_is_rejected_as_one_is_with_its_reason(
    client, member, team, screened, django_capture_on_commit_callbacks
):
    client.force_login(member)
    query = f"?team={team.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = reject(
            client, screened[:2], query=query, reason="other", reason_note="Moved abroad."
        )

    assert response.status_code == 302
    assert response.url == f"/pipeline/{query}"
    for application in screened[:2]:
        assert fresh(application).stage == Stage.REJECTED
        change = application.stage_changes.get(to_stage=Stage.REJECTED)
        assert (change.by, change.reason, change.reason_note) == (member, "other", "Moved abroad.")
        assert application.audit_events.filter(action=AuditEvent.Action.STAGE_CHANGED).exists()
    assert fresh(screened[2]).stage == Stage.SCREEN
    notice = html.unescape(client.get(response.url).text)
    assert "2 applications rejected. Each candidate hears of it after the delay" in notice


def test_their_emails_go_out_after_the_undo_delay_in_their_language(
    client, recruiter, team, settings
):
    english, german = (
        ApplicationFactory(opening__team=team, opening__title="SRE", stage=Stage.APPLIED),
        ApplicationFactory(
            opening__team=team, opening__title="SRE", stage=Stage.APPLIED, candidate__language="de"
        ),
    )
    client.force_login(recruiter)

    reject(client, [english, german], stage="applied")

    emails = CandidateEmail.objects.order_by("application_id")
    assert [email.status for email in emails] == [Status.SCHEDULED, Status.SCHEDULED]
    undo = timedelta(minutes=settings.CANDIDATE_EMAIL_UNDO_MINUTES)
    assert all(email.send_after > timezone.now() + undo - timedelta(minutes=1) for email in emails)
    assert [email.subject for email in emails] == [
        "Your application for SRE",
        "Ihre Bewerbung für SRE",
    ]


def test_unticked_the_emails_await_a_confirmation_as_a_single_rejects(client, member, screened):
    client.force_login(member)

    response = reject(client, screened, send_emails="")

    assert response.status_code == 302
    emails = CandidateEmail.objects.all()
    assert [email.status for email in emails] == [Status.AWAITING_CONFIRMATION] * 3
    assert "Each candidate hears" not in html.unescape(client.get(response.url).text)


@pytest.mark.parametrize("who", ["leadership", "org_admin"])
def test_it_is_not_there_for_who_runs_no_pipeline(client, request, screened, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(page_url()).status_code == 404
    assert reject(client, screened).status_code == 404
    assert nothing_rejected(*screened)


def test_an_outsider_neither_reads_nor_rejects_the_teams_applications(client, outsider, screened):
    client.force_login(outsider)

    assert listed(client.get(page_url())) == []  # their own team's column: empty
    assert reject(client, screened).status_code == 404
    assert nothing_rejected(*screened)


def test_a_member_who_applied_is_not_offered_their_own_application(client, member, screened):
    own = ApplicationFactory(
        opening=screened[0].opening, stage=Stage.SCREEN, candidate__email=member.email
    )
    client.force_login(member)

    assert own.pk not in listed(client.get(page_url()))
    assert reject(client, [own]).status_code == 404
    assert fresh(own).stage == Stage.SCREEN


def test_only_before_the_interviews(client, member, team):
    at_panel = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    client.force_login(member)

    assert client.get(page_url("panel")).status_code == 404
    assert reject(client, [at_panel], stage="panel").status_code == 404
    assert fresh(at_panel).stage == Stage.PANEL


def test_another_teams_application_among_them_rejects_none(client, member, screened):
    another_teams = ApplicationFactory(stage=Stage.SCREEN)
    client.force_login(member)

    response = reject(client, [*screened, another_teams])

    assert response.status_code == 404
    assert nothing_rejected(*screened, another_teams)
    assert not CandidateEmail.objects.exists()


def test_one_moved_meanwhile_rejects_none_and_keeps_the_others_chosen(
    client, member, recruiter, screened
):
    moved = screened[1]
    client.force_login(member)
    client.get(page_url())
    applications.move_stage(moved, Stage.PANEL, recruiter)  # a colleague, meanwhile

    response = reject(client, screened)

    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "nothing was rejected" in text
    assert f"{moved.candidate} ({moved.opening.title}): now at Panel" in text
    assert ticked(response) == [screened[0].pk, screened[2].pk]
    assert not StageChange.objects.filter(to_stage=Stage.REJECTED).exists()
    assert fresh(screened[0]).stage == Stage.SCREEN
    assert not CandidateEmail.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": ""}, "reason", "Choose why this application is rejected."),
        ({"reason": "other"}, "reason_note", "Say why in a note: the reason is “Other”."),
        ({"applications": []}, "applications", "Choose the applications to reject."),
    ],
)
def test_a_refused_form_says_why_beside_its_field(client, member, screened, fields, field, message):
    client.force_login(member)

    response = reject(client, screened, **fields)

    assert response.status_code == 400
    assert field_error(field, message) in html.unescape(response.text)
    assert nothing_rejected(*screened)


def test_more_than_a_page_at_once_is_refused(client, recruiter, team):
    chosen = make_applications(OpeningFactory(team=team), applications.MOST_REJECTED_AT_ONCE + 1)
    client.force_login(recruiter)

    response = reject(client, chosen, stage="applied")

    assert response.status_code == 400
    assert "Choose at most 100 applications." in response.text
    assert nothing_rejected(*chosen)


@pytest.mark.parametrize("chosen", [["x"], ["-1"], [str(2**64)]])
def test_an_id_no_list_writes_is_refused_beside_the_list(client, member, screened, chosen):
    client.force_login(member)

    response = client.post(page_url(), {"applications": chosen, "reason": "skills"})

    assert response.status_code == 400
    assert field_error("applications", "Choose applications from the list.") in response.text


def test_an_application_that_is_not_there_is_not_found(client, member, screened):
    client.force_login(member)

    response = client.post(
        page_url(), {"applications": [screened[0].pk, 2**62], "reason": "skills"}
    )

    assert response.status_code == 404
    assert nothing_rejected(*screened)
