"""An offer declined withdraws its application with the reason "declined the offer", the
candidate's own words its note."""

from django.utils import timezone

from hiring.models import ClosingReason, StageChange
from hiring.offers import offers
from tests.factories import Stage, fresh


def closing_change(application):
    return StageChange.objects.get(application=application, to_stage=Stage.WITHDRAWN)


def test_a_declined_offer_records_why_with_the_candidates_words(sent, application):
    offers.decline(sent, "  I took another job.  ")

    change = closing_change(application)
    assert (change.reason, change.reason_note) == (
        ClosingReason.OFFER_DECLINED,
        "I took another job.",
    )
    assert fresh(application).audit_events.filter(details="Offer → Withdrawn (Declined the offer)")


def test_a_decline_without_words_records_the_reason_alone(sent, application):
    offers.decline(sent)

    change = closing_change(application)
    assert (change.reason, change.reason_note) == (ClosingReason.OFFER_DECLINED, "")


def test_long_words_are_cut_to_a_notes_length_and_kept_whole_on_the_offer(sent, application):
    words = "No. " * 300
    offer = offers.decline(sent, words)

    note = closing_change(application).reason_note
    assert len(note) <= 500
    assert note.endswith("…")
    assert offer.decline_reason == words.strip()


def test_an_accepted_offer_records_no_reason(sent, application):
    offers.accept(sent)

    assert StageChange.objects.get(application=application, to_stage=Stage.HIRED).reason == ""


def test_a_hire_who_did_not_start_records_what_they_said_as_the_note(sent, application, recruiter):
    offers.accept(sent)

    offers.did_not_start(
        fresh(application), recruiter, reason="Took another offer", told_on=timezone.localdate()
    )

    change = closing_change(application)
    assert (change.reason, change.reason_note) == (ClosingReason.OTHER, "Took another offer")
