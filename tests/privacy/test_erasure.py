"""Erasure (hiring/privacy/erasure.py): what it blanks and keeps, what it winds down first, the
legal hold, the recruiter's typed confirmation and the candidate's two-step request."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hiring.email.notifications import invite_key
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateEmail,
    CandidateImport,
    DataExport,
    Decision,
    EmailTemplate,
    InterviewSession,
    LinkError,
    Notification,
    Offer,
    SlotOffer,
    StageChange,
)
from hiring.outreach import editing, messages
from hiring.privacy import erasure, holds, retention
from hiring.privacy.inventory import Holding
from hiring.privacy.tasks import send_erasure_confirmation
from hiring.tasks import send_session_invites
from scorecards.models import FeedbackRevision, Rating
from tests.email.backends import Meanwhile
from tests.factories import SKILLS, ApplicationFactory, fresh, submitted, team_fit_panel
from tests.offers.conftest import hired_by_the_team

Stage = Application.Stage
NOTES = "QX-7731 froze on the rota question"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def application(team, media):
    return ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Zelda Quartermain",
        candidate__email="zelda@candidates.example",
        candidate__phone="+44 20 7946 0000",
        candidate__links="https://zelda.example",
        candidate__time_zone="Europe/Berlin",
        candidate__resume=SimpleUploadedFile("zelda-cv.pdf", b"%PDF Zelda's CV"),
        note="Zelda here: I run the on-call rota at my job.",
        member_email="zelda@work.example",
        stage=Stage.PANEL,
    )


@pytest.fixture
def candidate(application):
    return application.candidate


@pytest.fixture
def decided(application, member, teammate, recruiter):
    """The team decided to hire with a rationale, and an offer went out."""
    application = hired_by_the_team(application, member, teammate)
    Decision.objects.filter(application=application).update(rationale="Zelda is great")
    application.offers.create(
        title="Engineer",
        start_date=timezone.now().date(),
        terms="Zelda's salary",
        expires_at=timezone.now() + timedelta(days=7),
        created_by=recruiter,
    )
    return application


def booked(panel, start):
    """The panel's session at `start`, its invites sent (its cancellation goes to those told)."""
    session = panel.sessions.get()
    session.start, session.end = start, start + timedelta(hours=1)
    session.save()
    session.interviewers.update(start=session.start, end=session.end)
    send_session_invites(session.pk, session.sequence)
    return session


def erase(candidate, by, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return erasure.erase(candidate, by=by, **kwargs)


def numbers():
    """What erasure keeps: stages and their dates, votes, ratings, decisions' outcomes."""
    return (
        sorted(StageChange.objects.values_list("pk", "from_stage", "to_stage", "at", "left_at")),
        sorted(FeedbackRevision.objects.values_list("pk", "vote", "submitted_at")),
        sorted(Rating.objects.values_list("pk", "criterion", "score", "no_evidence")),
        sorted(Decision.objects.values_list("pk", "outcome", "recommendation", "recorded_at")),
        sorted(Offer.objects.values_list("pk", "status", "start_date", "expires_at")),
        sorted(AuditEvent.objects.values_list("pk", "action", "actor", "at")),
    )


# What erasure blanks and keeps


def test_erasure_blanks_who_they_are_and_what_was_written_about_them(
    decided, candidate, team, member, recruiter, media, django_capture_on_commit_callbacks
):
    submitted(
        ApplicationFactory(candidate=candidate, opening__team=team), member, SKILLS, notes=NOTES
    )
    resume = media / candidate.resume.name
    Candidate.objects.filter(pk=candidate.pk).update(language="de")

    assert erase(candidate, recruiter, django_capture_on_commit_callbacks)

    candidate.refresh_from_db()
    assert candidate.name == "Erased candidate"
    assert candidate.email == f"erased-{candidate.pk}@invalid"
    assert candidate.language == ""
    assert (candidate.phone, candidate.links, candidate.time_zone, candidate.resume.name) == (
        "",
        "",
        "",
        "",
    )
    assert candidate.erased_at is not None
    assert not resume.exists()
    assert (fresh(decided).note, fresh(decided).member_email) == ("", "")
    assert set(Rating.objects.values_list("notes", flat=True)) == {""}
    assert set(FeedbackRevision.objects.values_list("takeaways", flat=True)) == {""}
    assert Decision.objects.get().rationale == ""
    assert Offer.objects.get().terms == ""


def test_erasure_keeps_the_numbers(
    decided, candidate, recruiter, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk=decided.pk).update(stage=Stage.HIRED)  # nothing to wind down
    before = numbers()

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    after = numbers()
    assert after[:5] == before[:5]
    added = set(after[5]) - set(before[5])
    assert [action for _, action, _, _ in added] == [AuditEvent.Action.CANDIDATE_ERASED]
    assert set(before[5]) <= set(after[5])


def test_a_date_classed_personal_is_emptied_to_null(decided):
    """A date of birth or a salary expected, classed personal in the inventory, is erased as a
    text is: a date or a number takes no blank text."""
    offers = Offer.objects.filter(application=decided)
    offers.update(sent_at=timezone.now())
    with_a_personal_date = Holding(Offer, "", "", personal=("terms", "sent_at"))

    offers.update(**erasure._blanks(with_a_personal_date))

    assert offers.values_list("terms", "sent_at").get() == ("", None)


def test_the_audit_trail_keeps_every_event_and_only_stage_changes_keep_details(
    decided, candidate, recruiter, django_capture_on_commit_callbacks
):
    """And the erasure's own withdrawal, which says how the erasure went."""
    events = AuditEvent.objects.filter(application__candidate=candidate)
    kept = [AuditEvent.Action.STAGE_CHANGED, AuditEvent.Action.WITHDRAWN_BY_ERASURE]
    assert events.exclude(action__in=kept).exclude(details="").exists()
    count = events.count()

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    assert events.count() >= count
    assert not events.exclude(action__in=kept).exclude(details="")
    assert events.filter(action=AuditEvent.Action.STAGE_CHANGED).exclude(details="").exists()
    erased = AuditEvent.objects.get(action=AuditEvent.Action.CANDIDATE_ERASED)
    assert (erased.actor, erased.team, erased.application) == (recruiter, None, None)
    assert erased.details == f"Candidate record #{candidate.pk} erased by Rita Recruiter"


def test_erasing_twice_changes_nothing(candidate, recruiter, django_capture_on_commit_callbacks):
    erase(candidate, recruiter, django_capture_on_commit_callbacks)
    before = (numbers(), list(Candidate.objects.values()))

    assert not erase(fresh_candidate(candidate), recruiter, django_capture_on_commit_callbacks)

    assert (numbers(), list(Candidate.objects.values())) == before


def fresh_candidate(candidate):
    return Candidate.objects.get(pk=candidate.pk)


def test_another_candidate_is_untouched(
    candidate, team, recruiter, django_capture_on_commit_callbacks
):
    other = ApplicationFactory(opening__team=team, note="Mine", candidate__name="Otto Other")

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    other = fresh(other)
    assert (other.candidate.name, other.note, other.stage) == ("Otto Other", "Mine", Stage.APPLIED)


# What erasure winds down first


def test_open_applications_are_withdrawn_and_interviews_cancelled_with_cancellations_sent_first(
    application, candidate, member, teammate, recruiter, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    session = booked(
        team_fit_panel(application, [member, teammate], member),
        datetime(2030, 3, 4, 14, tzinfo=UTC),
    )
    mailoutbox.clear()  # its invites

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    assert fresh(application).stage == Stage.WITHDRAWN
    session.refresh_from_db()
    assert session.cancelled_at is not None
    cancellations = [mail for mail in mailoutbox if "METHOD:CANCEL" in str(mail.attachments)]
    assert {mail.to[0] for mail in cancellations} == {
        "zelda@candidates.example",
        member.email,
        teammate.email,
    }
    # The worker's own run of the cancellation finds each message sent: none goes twice.
    assert send_session_invites(session.pk, session.sequence) == 0
    assert len(mailoutbox) == len(cancellations)


@pytest.mark.parametrize("requested", [False, True], ids=["by a recruiter", "requested"])
def test_the_erasures_withdrawal_is_recorded_as_the_erasures_not_the_candidates(
    client, decided, candidate, member, recruiter, requested, django_capture_on_commit_callbacks
):
    """As found: the trail said "Withdrawn by the candidate": they withdrew nothing, their data
    was erased, by a recruiter or at their request."""
    by, how = (None, erasure.AT_THEIR_REQUEST) if requested else (recruiter, None)

    erase(candidate, by, django_capture_on_commit_callbacks, how=how)

    events = AuditEvent.objects.filter(application=decided)
    assert not events.filter(action=AuditEvent.Action.WITHDRAWN_BY_CANDIDATE).exists()
    withdrawn = events.get(action=AuditEvent.Action.WITHDRAWN_BY_ERASURE)
    told = "at the candidate's request" if requested else "by Rita Recruiter"
    assert (withdrawn.actor, withdrawn.details) == (by, told)
    # What went with it, by whoever erased: the stage, the offer.
    assert fresh(decided).stage_changes.get(to_stage=Stage.WITHDRAWN).by == by
    assert events.filter(action=AuditEvent.Action.OFFER).latest("pk").actor == by
    client.force_login(member)
    timeline = client.get(decided.get_absolute_url()).text
    assert "Withdrawn by the candidate" not in timeline
    assert f"Withdrawn as the candidate&#x27;s data was erased</strong> · {escape(told)}" in (
        timeline
    )


@pytest.fixture
def meanwhile(settings):
    settings.EMAIL_BACKEND = "tests.email.backends.Meanwhile"
    yield Meanwhile
    Meanwhile.then = None


@pytest.fixture
def interview_to_come(application, member, teammate):
    booked(
        team_fit_panel(application, [member, teammate], member),
        datetime(2030, 3, 4, 14, tzinfo=UTC),
    )


@pytest.fixture
def requested_on_hold(candidate, recruiter, interview_to_come):
    """An interview to come, and an erasure asked for on hold, due now that it was released."""
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    erasure.erase_at_their_request(fresh_candidate(candidate))
    holds.release(fresh_candidate(candidate), recruiter)


def keep_meanwhile(meanwhile, candidate):
    """The candidate's keep link used while the erasure sends the interview's cancellations:
    its answers (when their data is kept until, or why not)."""
    answers = []

    def keep():
        meanwhile.then = None
        try:
            answers.append(retention.keep(fresh_candidate(candidate)))
        except LinkError as error:
            answers.append(str(error))

    meanwhile.then = keep
    return answers


def hold_meanwhile(meanwhile, candidate, recruiter):
    """A recruiter puts them on hold while the erasure sends the interview's cancellations."""

    def hold():
        meanwhile.then = None
        holds.put_on_hold(fresh_candidate(candidate), recruiter, "Claim 115")

    meanwhile.then = hold


def test_a_keep_while_a_requested_erasure_sends_its_cancellations_comes_too_late(
    application, candidate, requested_on_hold, meanwhile,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """As reported: asked for on hold, carried out once released, the erasure withdrew the
    application and sent the interview's cancellations; the candidate's keep link, used
    meanwhile, cancelled the request, and nothing was erased. Once their applications are
    withdrawn, the erasure goes through."""
    answers = keep_meanwhile(meanwhile, candidate)
    assert erase(candidate, None, django_capture_on_commit_callbacks, requested=True)

    assert answers == ["We no longer hold your data."]
    assert fresh_candidate(candidate).erased_at is not None
    assert fresh(application).stage == Stage.WITHDRAWN


@pytest.mark.parametrize(
    "erase_them",
    [
        lambda candidate, recruiter: erasure.erase(candidate, by=recruiter),
        lambda candidate, recruiter: erasure.erase_at_their_request(candidate),
    ],
    ids=["by-staff", "at-their-request"],
)
def test_a_keep_while_any_erasure_sends_its_cancellations_comes_too_late(
    erase_them, candidate, recruiter, interview_to_come, meanwhile,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """As reported: a recruiter's erasure (or the candidate's own, confirmed) left the keep
    link answering "kept" once it withdrew the application, then erased them all the same."""
    answers = keep_meanwhile(meanwhile, candidate)
    with django_capture_on_commit_callbacks(execute=True):
        assert erase_them(candidate, recruiter)

    assert answers == ["We no longer hold your data."]
    assert fresh_candidate(candidate).erased_at is not None


def test_a_hold_stops_a_requested_erasure_under_way_and_keeping_then_cancels_it(
    candidate, recruiter, requested_on_hold, meanwhile,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    hold_meanwhile(meanwhile, candidate, recruiter)
    with pytest.raises(erasure.OnHold):
        erase(candidate, None, django_capture_on_commit_callbacks, requested=True)
    retention.keep(fresh_candidate(candidate))
    holds.release(fresh_candidate(candidate), recruiter)

    assert retention.erase_requested() == 0
    candidate = fresh_candidate(candidate)
    assert (candidate.erased_at, candidate.erasure_requested_at) == (None, None)


def test_a_staff_erasure_stopped_by_a_hold_leaves_the_keep_link_working(
    client, application, candidate, recruiter, interview_to_come, meanwhile,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Nothing carries on a recruiter's erasure a hold stopped (retention resumes only the
    candidate's request): once released, their wish to be kept counts again."""
    hold_meanwhile(meanwhile, candidate, recruiter)
    with pytest.raises(erasure.OnHold):
        erase(candidate, recruiter, django_capture_on_commit_callbacks)
    holds.release(fresh_candidate(candidate), recruiter)

    page = client.post(retention.keep_url(candidate))
    assert page.status_code == 200
    assert "We keep your data on file" in page.text
    assert fresh(application).stage == Stage.WITHDRAWN


def test_an_erasure_stopped_after_withdrawing_tells_the_candidate_nothing_of_it(
    application, candidate, recruiter, interview_to_come, meanwhile,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """As reported: the organisation's email on a move to Withdrawn was queued by the
    erasure's withdrawal, which stays when a hold then stops the erasure: after the undo delay
    the candidate was told they withdrew, which they did not."""
    editing.save(
        None,
        EmailTemplate.Kind.MESSAGE,
        recruiter,
        name="Sorry to see you go",
        subject="You withdrew",
        body="Hello {first_name}, you withdrew your application.",
        send_on_stage=Stage.WITHDRAWN,
    )
    hold_meanwhile(meanwhile, candidate, recruiter)
    with pytest.raises(erasure.OnHold):
        erase(candidate, recruiter, django_capture_on_commit_callbacks)

    assert fresh(application).stage == Stage.WITHDRAWN
    assert not application.emails.exists()


def test_the_ledger_keeps_no_address_and_each_key_stays_unique(
    application, candidate, member, recruiter, django_capture_on_commit_callbacks
):
    Candidate.objects.filter(pk=candidate.pk).update(other_emails="zq@old.example")
    candidate.refresh_from_db()
    uid = team_fit_panel(application, [member], member).sessions.get().uid
    for address in ["zelda@candidates.example", "zq@old.example", member.email]:
        Notification.objects.create(key=f"invite:{uid}:0:{address}")

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        f"invite:{uid}:0:{member.email}",
        f"invite:{uid}:0:erased-{candidate.pk}-1@invalid",
        f"invite:{uid}:0:erased-{candidate.pk}@invalid",
    ]


def test_emails_not_sent_yet_never_go(
    application, candidate, recruiter, django_capture_on_commit_callbacks
):
    email = messages.queue_email(application, "message", subject="Hi Zelda", body="Later")
    CandidateEmail.objects.filter(pk=email.pk).update(
        send_after=timezone.now() + timedelta(hours=1)
    )

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert (email.status, email.to, email.subject, email.body) == (
        CandidateEmail.Status.CANCELLED,
        "",
        "",
        "",
    )
    assert not messages.send(email.pk)


def test_a_checked_import_loses_their_row_only(
    application, candidate, recruiter, django_capture_on_commit_callbacks
):
    rows = [
        {
            "line": 2,
            "values": {"name": "Zelda Q", "email": "ZELDA@candidates.example"},
            "errors": {},
        },
        {"line": 3, "values": {"name": "Otto Other", "email": "otto@example.com"}, "errors": {}},
    ]
    waiting = CandidateImport.objects.create(
        opening=application.opening,
        created_by=recruiter,
        file_name="people.csv",
        rows=rows,
        total=2,
    )

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    waiting.refresh_from_db()
    assert (waiting.rows, waiting.total) == ([rows[1]], 1)


def test_exports_and_their_files_go(
    candidate, recruiter, media, django_capture_on_commit_callbacks
):
    export = DataExport.objects.create(candidate=candidate, requested_by=recruiter)
    export.file.save("teamfit-data.zip", SimpleUploadedFile("x.zip", b"Zelda"), save=True)
    stored = media / export.file.name

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    assert not DataExport.objects.exists()
    assert not stored.exists()
    assert not stored.parent.exists()  # the export's own folder


# The legal hold


def test_a_held_candidate_is_not_erased_and_nothing_is_wound_down(
    application, candidate, recruiter, django_capture_on_commit_callbacks
):
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    before = (numbers(), list(Candidate.objects.values()), fresh(application).stage)

    with pytest.raises(ValidationError, match="legal hold"):
        erase(fresh_candidate(candidate), recruiter, django_capture_on_commit_callbacks)

    after = (numbers(), list(Candidate.objects.values()), fresh(application).stage)
    assert after == before


# Links and pages after erasure


def status_token(application):
    return application.status_url().split("/")[-2]


def test_the_candidates_links_say_their_data_is_gone(
    client, application, candidate, member, recruiter, django_capture_on_commit_callbacks
):
    panel = team_fit_panel(application, [member], member)
    offer = SlotOffer.objects.create(panel=panel, options=[], created_by=recruiter)

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    for url in (application.status_url(), offer.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 410
        assert "We no longer hold this application." in response.text
        assert "Zelda" not in response.text


def test_the_board_and_the_application_page_show_an_erased_candidate(
    client, application, candidate, member, recruiter, django_capture_on_commit_callbacks
):
    client.force_login(member)
    pages = [application.get_absolute_url(), reverse("pipeline")]
    assert all("Zelda Quartermain" in client.get(url).text for url in pages)  # now cached

    erase(candidate, recruiter, django_capture_on_commit_callbacks)

    for url in pages:
        text = client.get(url).text
        assert "Erased candidate" in text
        assert "Zelda" not in text


# The recruiter's erasure, from the privacy page


def erase_url(candidate):
    return reverse("candidate_erase", args=[candidate.pk])


@pytest.mark.parametrize("typed", ["Zelda Quartermain", "  zelda   QUARTERMAIN "])
def test_a_recruiter_erases_by_typing_the_name(
    signed_in, candidate, recruiter, typed, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(candidate), {"name": typed}, follow=True)

    assert fresh_candidate(candidate).erased_at is not None
    assert f"Candidate record #{candidate.pk} erased." in response.text
    assert "Erased " in response.text
    assert "Zelda" not in response.text


def test_the_erasure_sent_twice_erases_once_and_says_so_twice(
    signed_in, candidate, recruiter, django_capture_on_commit_callbacks
):
    """A double click: the second post finds the candidate erased by the first."""
    client = signed_in(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(erase_url(candidate), {"name": "Zelda Quartermain"}, follow=True)
        second = client.post(erase_url(candidate), {"name": "Zelda Quartermain"}, follow=True)

    assert second.status_code == first.status_code == 200
    assert second.redirect_chain == first.redirect_chain
    assert f"Candidate record #{candidate.pk} erased." in second.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CANDIDATE_ERASED).count() == 1


def test_leadership_erases_too(signed_in, candidate, leadership):
    signed_in(leadership).post(erase_url(candidate), {"name": "Zelda Quartermain"})

    erased = AuditEvent.objects.get(action=AuditEvent.Action.CANDIDATE_ERASED)
    assert erased.details == f"Candidate record #{candidate.pk} erased by Carla CTO"


def test_another_name_erases_nothing_and_says_why_beside_the_field(signed_in, candidate, recruiter):
    page = signed_in(recruiter).get(reverse("candidate_privacy", args=[candidate.pk]))
    assert "Type the name shown at the top of this page to confirm" in page.text

    response = signed_in(recruiter).post(erase_url(candidate), {"name": "Zelda"})

    assert response.status_code == 400
    assert "That is not this candidate&#x27;s name" in response.text
    assert fresh_candidate(candidate).erased_at is None


def test_a_held_candidate_cannot_be_erased_from_the_page(signed_in, candidate, recruiter):
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    client = signed_in(recruiter)
    assert (
        "release the hold to erase"
        in client.get(reverse("candidate_privacy", args=[candidate.pk])).text
    )

    response = client.post(erase_url(candidate), {"name": "Zelda Quartermain"})

    assert response.status_code == 409
    assert fresh_candidate(candidate).erased_at is None


@pytest.mark.parametrize("who", ["member", "outsider", "org_admin"])
def test_only_recruiters_and_leadership_erase(signed_in, candidate, who, request):
    response = signed_in(request.getfixturevalue(who)).post(
        erase_url(candidate), {"name": "Zelda Quartermain"}
    )

    assert response.status_code == 404
    assert fresh_candidate(candidate).erased_at is None


# The candidate's request: from the status page, confirmed through an emailed link


def confirm_link(mail):
    return next(line for line in mail.body.splitlines() if "/erase/" in line).split("testserver")[
        -1
    ]


def test_the_status_page_offers_erasure(client, application):
    page = client.get(application.status_url())

    assert "Erase my data" in page.text
    assert reverse("candidate_erasure_request", args=[status_token(application)]) in page.text


def test_the_candidate_asks_confirms_and_is_erased(
    client, application, candidate, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidate_erasure_request", args=[status_token(application)]), follow=True
        )
    assert "We have emailed you a link to confirm" in response.text
    [mail] = mailoutbox
    assert mail.to == ["zelda@candidates.example"]
    assert "Berlin time" in mail.body
    link = confirm_link(mail)

    page = client.get(link)
    assert "Erase your data?" in page.text
    assert fresh_candidate(candidate).erased_at is None  # opening the link erases nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)

    assert "Your data is erased" in done.text
    assert fresh_candidate(candidate).erased_at is not None
    erased = AuditEvent.objects.get(action=AuditEvent.Action.CANDIDATE_ERASED)
    assert (erased.actor, erased.details) == (
        None,
        f"Candidate record #{candidate.pk} erased at the candidate's request",
    )
    assert "We no longer hold this application." in client.get(link).text


def test_a_request_sent_twice_sends_one_link_and_says_when_to_ask_again(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    """As reported: a double click (or the page in two tabs) emailed two links."""
    url = reverse("candidate_erasure_request", args=[status_token(application)])
    # Both in before the worker sends the first (its task runs once they committed).
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
        second = client.post(url, follow=True)
    # A third once it went.
    with django_capture_on_commit_callbacks(execute=True):
        third = client.post(url, follow=True)

    assert len(mailoutbox) == 1
    assert "We have emailed you a link to confirm" in first.text
    assert "We have emailed you a link to confirm" in second.text
    assert "We emailed you a link to confirm that we should erase your data a few" in third.text
    assert "Berlin time" in third.text  # when they may ask again, in their zone


def test_asked_again_later_a_new_link_goes(
    client, application, mailoutbox, django_capture_on_commit_callbacks
):
    """The first email lost, say: a quarter of an hour later, a new link."""
    url = reverse("candidate_erasure_request", args=[status_token(application)])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    sent = Notification.objects.filter(key__startswith="erasure-confirmation:")
    sent.update(sent_at=timezone.now() - erasure.CONFIRMATION_EVERY - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)

    assert "We have emailed you a link to confirm" in again.text
    assert len(mailoutbox) == 2
    assert sent.count() == 1  # the ledger keeps the latest


def test_a_confirmation_queued_by_the_release_before_still_goes(application, mailoutbox):
    """Queued before one link a quarter of an hour, a task carries the request's id where the
    time asked is now: the candidate still gets their link."""
    send_erasure_confirmation.apply(args=[application.pk, uuid.uuid4().hex]).get()

    [mail] = mailoutbox
    assert mail.to == [application.candidate.email]


def link_signed_at(application, when):
    class SignerAt(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(when.timestamp()))

    token = SignerAt(salt=erasure.CONFIRMATION_SALT).sign_object(application.pk)
    return reverse("candidate_erasure_confirm", args=[token])


def test_an_expired_or_broken_confirmation_link_erases_nothing(
    client, application, candidate, settings
):
    old = timezone.now() - timedelta(days=settings.ERASURE_CONFIRMATION_MAX_AGE_DAYS, hours=1)

    expired = client.post(link_signed_at(application, old))
    broken = client.post(link_signed_at(application, timezone.now())[:-3] + "xx/")

    assert expired.status_code == broken.status_code == 410
    assert "This link has expired. Ask again from your application&#x27;s page." in expired.text
    assert "This link is not valid" in broken.text
    assert fresh_candidate(candidate).erased_at is None


def test_the_confirmation_sent_twice_erases_once_and_says_so_twice(
    client, application, django_capture_on_commit_callbacks
):
    """A double click: the second post finds the candidate erased by the first."""
    link = link_signed_at(application, timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(link)
        second = client.post(link)

    assert first.status_code == second.status_code == 200
    assert "Your data is erased" in second.text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CANDIDATE_ERASED).count() == 1
    assert client.get(link).status_code == 410  # opened again, it no longer works


def test_a_held_candidate_is_told_their_data_is_kept_and_the_request_recorded(
    client, application, candidate, recruiter
):
    holds.put_on_hold(candidate, recruiter, "Claim 114")

    response = client.post(link_signed_at(application, timezone.now()))

    assert "We must keep your data for now to meet a legal obligation" in response.text
    candidate = fresh_candidate(candidate)
    assert (candidate.erased_at, candidate.erasure_requested_at is not None) == (None, True)
    assert fresh(application).stage == Stage.PANEL


def test_confirming_erases_every_record_at_their_address(
    client, application, candidate, django_capture_on_commit_callbacks
):
    """They applied again to another team's opening (a second record), and a record at their
    address was merged into a third."""
    again = ApplicationFactory(
        candidate__name="Zelda Quartermain",
        candidate__email="Zelda@Candidates.example",
        note="Zelda again",
    )
    merged = ApplicationFactory(
        candidate__email="zq@elsewhere.example", candidate__other_emails="zelda@candidates.example"
    ).candidate
    stranger = ApplicationFactory(candidate__other_emails="zelda@candidates.example.org").candidate

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_signed_at(application, timezone.now()))

    assert "Your data is erased" in response.text
    for record in (candidate, again.candidate, merged):
        assert fresh_candidate(record).erased_at is not None
    assert fresh(again).note == ""
    assert client.get(again.status_url()).status_code == 410
    assert fresh_candidate(stranger).erased_at is None


def test_a_held_record_of_theirs_is_kept_and_the_others_erased(
    client, application, candidate, recruiter, django_capture_on_commit_callbacks
):
    again = ApplicationFactory(candidate__email="zelda@candidates.example").candidate
    holds.put_on_hold(again, recruiter, "Claim 114")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_signed_at(application, timezone.now()))

    assert "We must keep your data for now to meet a legal obligation" in response.text
    assert fresh_candidate(candidate).erased_at is not None
    again = fresh_candidate(again)
    assert (again.erased_at, again.erasure_requested_at is not None) == (None, True)


def test_an_erasure_as_an_invite_of_theirs_is_being_sent_erases_nothing_and_says_why(
    application, candidate, member, teammate, recruiter, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Its cancellation waits for the invite being sent: gone after the address, it would never
    reach the candidate, who would keep the invite."""
    session = booked(
        team_fit_panel(application, [member, teammate], member),
        datetime(2030, 3, 4, 14, tzinfo=UTC),
    )
    # A move's invite to the candidate, claimed by a worker sending it as the erasure begins.
    InterviewSession.objects.filter(pk=session.pk).update(sequence=session.sequence + 1)
    Notification.objects.create(
        key=invite_key(session.uid, session.sequence + 1, candidate.email),
        claimed_at=timezone.now(),
    )
    mailoutbox.clear()

    # The tasks its withdrawal queues are the worker's, run later (and retried while the claim
    # is held).
    with (
        django_capture_on_commit_callbacks(execute=False),
        pytest.raises(ValidationError, match="is being sent right now, so nothing was erased"),
    ):
        erasure.erase(candidate, by=recruiter)

    candidate.refresh_from_db()
    assert (candidate.erased_at, candidate.email) == (None, "zelda@candidates.example")
    assert mailoutbox == []
