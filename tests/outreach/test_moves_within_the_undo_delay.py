"""A move takes back what an earlier move queued and has not sent yet (it speaks of a stage the
application left); a move back within the undo delay undoes the move: the candidate hears of
neither."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hiring.models import CandidateEmail, EmailTemplate
from hiring.outreach import automation, messages
from hiring.pipeline import applications
from tests.factories import Stage
from tests.outreach.test_moves_by_booking_and_debrief import news_on

Kind = EmailTemplate.Kind
Status = CandidateEmail.Status


@pytest.fixture
def news(recruiter):
    """The organisation's messages on a move to the screen and to the panel."""
    for stage in (Stage.APPLIED, Stage.SCREEN, Stage.PANEL):
        news_on(stage, recruiter)


def delay_over(application):
    """The application's moves, and the emails they queued, as they are once the undo delay is
    over: the emails due, the moves that far behind."""
    application.emails.update(send_after=timezone.now() - timedelta(seconds=1))
    application.stage_changes.update(at=timezone.now() - automation.undo_delay())


def sent_or_to_go(application):
    going = application.emails.exclude(status=Status.CANCELLED)
    return sorted(going.values_list("subject", "status"))


def test_two_moves_in_a_row_send_the_news_of_the_second_alone(application, member, news):
    applications.move_stage(application, Stage.SCREEN, member)
    applications.move_stage(application, Stage.PANEL, member)

    assert sent_or_to_go(application) == [("News: panel", Status.SCHEDULED)]


def test_a_move_undone_within_the_delay_writes_nothing(application, member, news):
    applications.move_stage(application, Stage.SCREEN, member)
    applications.move_stage(application, Stage.APPLIED, member)

    assert sent_or_to_go(application) == []
    assert application.emails.get().status == Status.CANCELLED


def test_a_rejection_takes_back_the_good_news_still_to_go(application, member, news):
    applications.move_stage(application, Stage.SCREEN, member)
    applications.move_stage(application, Stage.REJECTED, member, reason="skills")

    assert sent_or_to_go(application) == [
        ("Your application for SRE", Status.AWAITING_CONFIRMATION)
    ]


@pytest.mark.parametrize(
    "between",
    [Stage.APPLIED, Stage.PANEL],
    ids=["the move made again after its undo", "the news a move undone took back"],
)
def test_news_still_to_go_when_a_move_is_undone_goes_again(application, member, news, between):
    for stage in (Stage.SCREEN, between, Stage.SCREEN):
        applications.move_stage(application, stage, member)

    assert sent_or_to_go(application) == [("News: screen", Status.SCHEDULED)]


def test_what_a_person_wrote_stays_theirs_to_undo(application, member, news):
    written = messages.queue_email(
        application, Kind.MESSAGE, by=member, subject="Hi", body="Hello.", delay=timedelta(hours=1)
    )
    applications.move_stage(application, Stage.SCREEN, member)
    applications.move_stage(application, Stage.APPLIED, member)

    written.refresh_from_db()
    assert written.status == Status.SCHEDULED


def test_a_move_back_after_the_delay_is_a_move_like_any_other(application, member, news):
    applications.move_stage(application, Stage.SCREEN, member)
    delay_over(application)
    applications.move_stage(application, Stage.APPLIED, member)

    assert sent_or_to_go(application) == [
        ("News: applied", Status.SCHEDULED),
        ("News: screen", Status.SCHEDULED),
    ]


def test_a_move_back_undoes_one_that_queued_no_email_and_sends_no_news_again(
    application, member, recruiter
):
    news_on(Stage.SCREEN, recruiter)  # the panel has none
    applications.move_stage(application, Stage.SCREEN, member)
    delay_over(application)
    application.emails.update(status=Status.SENT, sent_at=timezone.now())

    # Dropped in the wrong column, and taken straight back.
    applications.move_stage(application, Stage.PANEL, member)
    applications.move_stage(application, Stage.SCREEN, member)

    assert sent_or_to_go(application) == [("News: screen", Status.SENT)]
