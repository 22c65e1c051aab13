"""The candidate withdrawing on their own page may say why, in their words, or not; their page
never shows the reason or note staff recorded."""

import html

import pytest

from hiring.models import Application, ClosingReason, StageChange
from hiring.offers import offers
from hiring.pipeline import applications
from tests.factories import ApplicationFactory, fresh
from tests.offers.conftest import hired_by_the_team, offer_fields
from tests.portal.test_status_page import url

Stage = Application.Stage


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Nina Park", stage=Stage.PANEL)


def withdrawal(application):
    change = StageChange.objects.get(application=application, to_stage=Stage.WITHDRAWN)
    return change.reason, change.reason_note


def test_the_confirmation_asks_why_optionally_in_their_words(client, application):
    page = html.unescape(client.get(url("candidate_withdraw", application)).text)

    assert "Would you tell us why? (optional)" in page
    assert "I accepted another offer" in page
    assert "The role or the team is not for me" in page
    assert "Stopped responding" not in page  # staff's words, not a reason they give


def test_withdrawing_without_a_reason_records_that_none_was_given(client, application):
    response = client.post(url("candidate_withdraw", application))

    assert response.status_code == 200
    assert fresh(application).stage == Stage.WITHDRAWN
    assert withdrawal(application) == (ClosingReason.NOT_GIVEN, "")


def test_withdrawing_with_a_reason_records_it(client, application):
    client.post(url("candidate_withdraw", application), {"reason": "other_offer", "note": "x"})

    # A note goes with "another reason" alone, the one that asks for it.
    assert withdrawal(application) == (ClosingReason.OTHER_OFFER, "")


def test_another_reason_keeps_their_words(client, application):
    client.post(
        url("candidate_withdraw", application), {"reason": "other", "note": " Moving to Lima "}
    )

    assert withdrawal(application) == (ClosingReason.OTHER, "Moving to Lima")


@pytest.mark.parametrize(
    ("data", "field"),
    [({"reason": "skills"}, "reason"), ({"reason": "other", "note": "x" * 501}, "note")],
)
def test_a_reason_not_theirs_or_a_long_note_is_refused_beside_it(client, application, data, field):
    response = client.post(url("candidate_withdraw", application), data)

    assert response.status_code == 400
    assert 'id="id_' + field + '_error"' in response.text
    assert fresh(application).stage == Stage.PANEL


def test_their_page_shows_no_reason_or_note_of_staffs(client, application, recruiter):
    applications.move_stage(application, Stage.SCREEN, recruiter)
    applications.move_stage(
        fresh(application), Stage.REJECTED, recruiter, reason="skills", reason_note="Weak on Go"
    )

    page = html.unescape(client.get(url("candidate_status", application)).text)

    assert "Weak on Go" not in page
    assert "Skills or experience" not in page


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"reason": "pay"}, "You told us why: “The pay is not what I expect”."),
        ({"reason": "other", "note": "Moving to Lima"}, "You told us why: “Moving to Lima”."),
    ],
)
def test_their_page_shows_back_the_reason_they_gave(client, application, data, shown):
    client.post(url("candidate_withdraw", application), data)

    page = html.unescape(client.get(url("candidate_status", application)).text)

    assert shown in page


def test_their_page_shows_no_reason_when_staff_withdrew_it(client, application, recruiter):
    applications.move_stage(
        application, Stage.WITHDRAWN, recruiter, reason="other", reason_note="Said no on a call"
    )

    page = html.unescape(client.get(url("candidate_status", application)).text)

    assert "Your application is withdrawn" in page
    assert "You told us why" not in page
    assert "Said no on a call" not in page


@pytest.mark.parametrize(
    ("data", "told"),
    [
        ({"reason": "other_offer"}, "Their reason: Accepted another offer\n"),
        (
            {"reason": "other", "note": "Moving to Lima & <Peru>"},
            "Their reason: Other: Moving to Lima & <Peru>\n",
        ),
        ({}, None),
    ],
)
def test_the_recruiters_are_told_why_they_withdrew_when_they_said(
    client, application, recruiter, mailoutbox, django_capture_on_commit_callbacks, data, told
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidate_withdraw", application), data)

    [notice] = [mail for mail in mailoutbox if mail.to == [recruiter.email]]
    if told:
        assert told in notice.body
    else:
        assert "Their reason" not in notice.body


def test_the_form_sent_twice_withdraws_once_and_says_so_twice(client, application):
    """A double click: the second post finds the application withdrawn by the first."""
    data = {"reason": "pay"}
    first = client.post(url("candidate_withdraw", application), data)

    second = client.post(url("candidate_withdraw", application), data)

    assert first.status_code == second.status_code == 200
    assert "Your application is withdrawn" in html.unescape(second.text)
    assert (
        StageChange.objects.filter(application=application, to_stage=Stage.WITHDRAWN).count() == 1
    )


def test_the_recruiters_are_not_told_the_reason_of_an_offer_declined_before(
    client, application, member, teammate, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    """They declined an offer, saying why; a revised offer, sent, reopened the application, and
    they withdrew it on their page without a word: the notice has no reason of theirs to tell."""
    application = hired_by_the_team(application, member, teammate)
    with django_capture_on_commit_callbacks(execute=True):
        first = offers.send(offers.prepare(application, recruiter, **offer_fields()), recruiter)
        offers.decline(first, "Moving to Lima")
    offers.send(offers.prepare(fresh(application), recruiter, **offer_fields()), recruiter)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("candidate_withdraw", application))

    [notice] = [mail for mail in mailoutbox if mail.to == [recruiter.email]]
    assert "withdrew their application" in notice.body
    assert "Their reason" not in notice.body
