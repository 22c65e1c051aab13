"""careers.apply: one candidate per email, one application per opening, the same answer either
way."""

import re

import pytest
from django.core.exceptions import ValidationError

from hiring.careers import careers
from hiring.models import Application, Candidate, CandidateEmail, Consent, Opening, User
from tests.careers.conftest import resume, stored_files
from tests.factories import ApplicationFactory, CandidateFactory, OpeningFactory


def page(client, url):
    """The page at `url`, its CSRF token (new on each page) aside."""
    return re.sub(r'"X-CSRFToken": "\w+"', "", client.get(url).content.decode())


def test_the_same_email_in_another_case_is_the_same_candidate(send, team, opening, media):
    other = OpeningFactory(team=team, title="Frontend Engineer")
    send(opening, phone="", time_zone="")

    response = send(other, email="  Dana@CANDIDATES.example ", name="D. C.", phone="+41 44 555")

    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.applications.count() == 2
    assert candidate.name == "Dana Candidate"  # kept
    assert candidate.phone == "+41 44 555"  # was blank
    assert candidate.time_zone == "Europe/Berlin"  # was blank
    assert len(stored_files(media)) == 1  # the résumé held is kept; the second is not stored
    assert Consent.objects.filter(candidate=candidate).count() == 2


def test_a_second_application_brings_a_resume_to_a_candidate_without_one(opening, media):
    candidate = CandidateFactory(email="lee@candidates.example", phone="+1 555")

    application = careers.apply(
        opening, name="Lee", email="LEE@candidates.example", phone="+2 666", resume=resume()
    )

    candidate.refresh_from_db()
    assert application.candidate == candidate
    assert candidate.phone == "+1 555"
    assert candidate.resume.read().startswith(b"%PDF-")
    assert len(stored_files(media)) == 1


def test_applying_twice_to_one_opening_changes_nothing_and_answers_alike(
    send, client, opening, media, mailoutbox
):
    first = send(opening)
    second = send(opening, email="DANA@candidates.example", note="Again")

    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert page(client, second["Location"]) == page(client, first["Location"])
    application = Application.objects.get()
    assert application.note == "I built payment systems for ten years."
    assert Candidate.objects.count() == Consent.objects.count() == 1
    assert CandidateEmail.objects.count() == len(mailoutbox) == 1
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "dana@ＭÜLLER.example",
        "dana@mu\u0308ller.example",
        "dana@MÜLLER.EXAMPLE",
        "dana@xn--mller-kva.example",
    ],
    ids=["full-width", "decomposed", "upper case", "punycode"],
)
def test_one_mailbox_typed_another_way_is_the_same_candidate(send, opening, media, typed):
    """IDNA reads each of these domains as müller.example: kept so, it is one candidate with one
    application (and one day's count of applications from that address)."""
    send(opening, email="dana@müller.example")

    assert send(opening, email=typed, note="Again").status_code == 302

    assert Candidate.objects.get().email == "dana@müller.example"
    assert Application.objects.count() == 1


def test_a_closed_opening_refuses_clearly(opening):
    Opening.objects.filter(pk=opening.pk).update(status=Opening.Status.CLOSED)

    with pytest.raises(ValidationError, match="closed to new applications"):
        careers.apply(opening, name="Lee", email="lee@candidates.example")
    assert Candidate.objects.count() == 0


def test_a_failed_application_leaves_no_resume_behind(opening, media):
    """A referrer who was never saved fails the application after the résumé was written."""
    with pytest.raises(ValueError, match="unsaved related object"):
        careers.apply(
            opening,
            referred_by=User(email="ghost@example.com"),
            name="Lee",
            email="lee@candidates.example",
            resume=resume(),
        )

    assert Candidate.objects.count() == 0
    assert stored_files(media) == []


def test_applying_again_to_one_opening_fills_in_nothing(opening, media):
    first = ApplicationFactory(opening=opening, candidate__email="lee@candidates.example")

    again = careers.apply(
        opening, name="Lee", email="lee@candidates.example", phone="+1 555", resume=resume()
    )

    assert again == first
    first.candidate.refresh_from_db()
    assert (first.candidate.phone, first.candidate.resume.name) == ("", "")
    assert stored_files(media) == []


def test_a_record_another_team_holds_is_neither_joined_nor_filled_in(opening, media):
    """Anyone may send the form with anyone's address: Kenji applied to Payments, and a form
    sent in his name to Platform must not plant a résumé on his record, nor open it to
    Platform. A new record holds it; recruiters see the pair and merge it."""
    payments = ApplicationFactory(candidate__email="kenji@candidates.example")
    kenji = payments.candidate
    assert payments.opening.team != opening.team

    application = careers.apply(
        opening, name="Kenji", email="KENJI@candidates.example", phone="+1 555", resume=resume()
    )

    kenji.refresh_from_db()
    assert (kenji.phone, kenji.resume.name) == ("", "")
    assert application.candidate != kenji
    assert application.candidate.resume.read().startswith(b"%PDF-")
    assert list(kenji.applications.all()) == [payments]


def test_an_address_merged_into_a_record_applies_to_that_record(opening, media):
    """Lee's two records were merged: applying again at the address of the one merged in
    joins the record kept, not a new one recruiters would have to merge again. A longer
    address holding it (jolee@...) is someone else."""
    kept = CandidateFactory(email="lee@work.example", other_emails="Lee@home.example")
    CandidateFactory(email="jo@candidates.example", other_emails="jolee@home.example")

    application = careers.apply(opening, name="Lee", email="LEE@home.example ")
    other = careers.apply(opening, name="Lee", email="lee@home.example.uk")

    assert application.candidate == kept
    assert other.candidate not in {kept, application.candidate}
    assert Candidate.objects.count() == 3
