"""Retention (hiring/privacy/retention.py): the notice, keeping one's data, erasure once the
notice period is over, in batches, idempotent; holds and open applications stop it."""

from datetime import timedelta
from io import StringIO

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hiring.candidates import merging
from hiring.celery import app as celery_app
from hiring.models import (
    Application,
    Candidate,
    CandidateAccess,
    CandidateImport,
    Consent,
    Organisation,
)
from hiring.privacy import erasure, holds, retention
from hiring.privacy.tasks import run_retention
from tests.factories import ApplicationFactory, CandidateFactory, TeamFactory

Stage = Application.Stage
NOTICE = timedelta(days=django_settings.RETENTION_NOTICE_DAYS)


@pytest.fixture
def organisation(db):
    organisation = Organisation.current()
    organisation.retention_months = 12
    organisation.save()
    return organisation


def closed_ago(team, months, days=0, stage=Stage.REJECTED, **candidate):
    """A candidate whose one application closed `months` (and `days`) ago."""
    when = timezone.now() - relativedelta(months=months, days=days)
    application = ApplicationFactory(
        opening__team=team,
        stage=stage,
        stage_changed_at=when,
        created_at=when,
        candidate__created_at=when,
        candidate__time_zone="Asia/Tokyo",
        **{f"candidate__{name}": value for name, value in candidate.items()},
    )
    return application.candidate


def run(now=None, callbacks=None):
    with callbacks(execute=True):
        return retention.run(now)


def fresh(candidate):
    return Candidate.objects.get(pk=candidate.pk)


def keep_link(mail):
    return next(line for line in mail.body.splitlines() if "/keep/" in line).split("testserver")[-1]


@pytest.fixture
def callbacks(django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "http://testserver"
    return django_capture_on_commit_callbacks


# The notice


def test_the_notice_goes_once_a_notice_period_before_the_end(
    organisation, team, mailoutbox, callbacks
):
    due_soon = closed_ago(team, 11, days=2, name="Nora Soon", email="nora@example.com")
    later = closed_ago(team, 10)

    assert run(callbacks=callbacks).noticed == 1
    assert run(callbacks=callbacks).noticed == 0  # once, however often it runs

    [mail] = mailoutbox
    assert mail.to == ["nora@example.com"]
    assert "Tokyo time" in mail.body  # the date in their zone, named
    assert "/keep/" in mail.body
    assert fresh(due_soon).retention_notice_at is not None
    assert fresh(later).retention_notice_at is None


def test_nobody_is_erased_without_a_notice_period(organisation, team, callbacks):
    overdue = closed_ago(team, 30)

    figures = run(callbacks=callbacks)

    assert (figures.noticed, figures.erased) == (1, 0)
    assert run(timezone.now() + NOTICE - timedelta(hours=1), callbacks).erased == 0
    assert run(timezone.now() + NOTICE + timedelta(hours=1), callbacks).erased == 1
    assert fresh(overdue).erased_at is not None


def test_erased_once_the_notice_period_is_over(organisation, team, callbacks):
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)

    figures = run(timezone.now() + NOTICE + timedelta(days=1), callbacks)

    assert (figures.erased, figures.batches) == (1, 1)
    candidate = fresh(candidate)
    assert (candidate.name, candidate.erased_at is not None) == ("Erased candidate", True)
    assert candidate.applications.get().stage == Stage.REJECTED  # nothing withdrawn


# Keeping one's data


def test_the_keep_link_asks_first_then_renews_the_period(
    client, organisation, team, mailoutbox, callbacks
):
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])

    assert "Keep your data on file?" in client.get(link).text
    assert not Consent.objects.exists()  # opening the link records nothing
    page = client.post(link)

    consent = Consent.objects.get()
    assert (consent.candidate, consent.purpose, consent.notice_version) == (
        fresh(candidate),
        Consent.Purpose.KEEP,
        django_settings.PRIVACY_NOTICE_VERSION,
    )
    assert "We keep your data on file" in page.text
    assert "Tokyo time" in page.text
    # The period starts again: nothing is erased after the notice, and a new notice comes
    # a notice period before the new end.
    assert run(timezone.now() + NOTICE + timedelta(days=1), callbacks).erased == 0
    assert run(timezone.now() + relativedelta(months=11, days=2), callbacks).noticed == 1
    assert len(mailoutbox) == 2


def test_the_keep_link_posted_twice_records_one_consent_and_answers_alike(
    client, organisation, team, mailoutbox, callbacks
):
    """As reported: a double click recorded two consents."""
    closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])

    first = client.post(link)
    second = client.post(link)

    assert Consent.objects.filter(purpose=Consent.Purpose.KEEP).count() == 1
    assert second.status_code == first.status_code == 200
    assert confirmation(second) == confirmation(first)
    assert "We keep your data on file" in confirmation(first)
    # The link in the email opened again says so too, rather than ask again.
    assert confirmation(client.get(link)) == confirmation(first)


def confirmation(page):
    return page.text.split('<div class="narrow card">')[1].split("</div>")[0]


def test_the_keep_link_of_the_next_notice_records_a_new_consent(
    client, organisation, team, mailoutbox, callbacks
):
    closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    client.post(link)
    run(timezone.now() + relativedelta(months=11, days=2), callbacks)  # the next notice
    assert len(mailoutbox) == 2

    client.post(keep_link(mailoutbox[1]))

    assert Consent.objects.filter(purpose=Consent.Purpose.KEEP).count() == 2


def test_a_keep_link_of_an_erased_candidate_says_the_data_is_gone(
    client, organisation, team, mailoutbox, callbacks
):
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    run(timezone.now() + NOTICE + timedelta(days=1), callbacks)

    response = client.post(keep_link(mailoutbox[0]))

    assert response.status_code == 410
    assert "We no longer hold your data." in response.text
    assert not Consent.objects.filter(candidate=candidate).exists()


def test_a_broken_keep_link_is_refused(client, db):
    response = client.get(reverse("candidate_keep_data", args=["nope"]))

    assert response.status_code == 410
    assert "This link is not valid" in response.text


# What stops it


def test_a_held_candidate_is_neither_told_nor_erased(organisation, team, recruiter, callbacks):
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    holds.put_on_hold(fresh(candidate), recruiter, "Claim 114")

    figures = run(timezone.now() + NOTICE + timedelta(days=1), callbacks)

    assert figures.erased == 0
    assert fresh(candidate).erased_at is None


def test_an_open_application_keeps_them(organisation, team, callbacks):
    candidate = closed_ago(team, 30)
    ApplicationFactory(candidate=candidate, opening__team=team, stage=Stage.SCREEN)

    assert run(callbacks=callbacks).noticed == 0
    assert run(timezone.now() + NOTICE * 2, callbacks).erased == 0


def test_an_application_closed_since_the_notice_needs_a_new_notice(organisation, team, callbacks):
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    ApplicationFactory(candidate=candidate, opening__team=team, stage=Stage.REJECTED)

    later = timezone.now() + NOTICE + timedelta(days=1)
    assert run(later, callbacks).erased == 0
    assert fresh(candidate).erased_at is None


def test_a_request_made_on_hold_is_carried_out_once_released(
    organisation, team, recruiter, callbacks
):
    candidate = closed_ago(team, 2)
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    assert not erasure.erase_at_their_request(fresh(candidate))
    run(callbacks=callbacks)
    assert fresh(candidate).erased_at is None

    holds.release(fresh(candidate), recruiter)
    run(callbacks=callbacks)

    assert fresh(candidate).erased_at is not None


def test_keeping_ones_data_on_hold_cancels_the_erasure_asked_before(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    """As reported: asked to be erased while held, then to be kept, they were erased once the
    hold was released. Their latest wish counts, and the keep page says what it does."""
    candidate = closed_ago(team, 11, days=2, name="Nora Soon")
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    holds.put_on_hold(fresh(candidate), recruiter, "Claim 114")
    assert not erasure.erase_at_their_request(fresh(candidate))

    asked = client.get(link)
    kept = client.post(link)
    holds.release(fresh(candidate), recruiter)
    run(callbacks=callbacks)

    assert "that cancels your request to erase it" in asked.text
    assert "Your request to erase your data is cancelled" in kept.text
    candidate = fresh(candidate)
    assert (candidate.erased_at, candidate.erasure_requested_at) == (None, None)
    assert candidate.name == "Nora Soon"


def test_asking_to_be_erased_on_hold_after_keeping_ones_data_erases_once_released(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    """The other way round, the erasure is their latest wish: the keep link asks again."""
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    client.post(link)
    holds.put_on_hold(fresh(candidate), recruiter, "Claim 114")
    erasure.erase_at_their_request(fresh(candidate))

    assert "Keep your data on file?" in client.get(link).text
    holds.release(fresh(candidate), recruiter)
    run(callbacks=callbacks)

    assert fresh(candidate).erased_at is not None


def test_keeping_ones_data_cancels_the_erasure_asked_for_every_record_at_the_address(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    """As reported: the request covers every record at the address (two teams' records of one
    person), and keeping one's data cancelled it on the record of the link only: the other was
    erased once its hold was released."""
    candidate = closed_ago(team, 11, days=2, email="nora@example.com")
    other = closed_ago(TeamFactory(), 3, email="Nora@Example.com")
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    for record in (candidate, other):
        holds.put_on_hold(fresh(record), recruiter, "Claim 114")
    assert not erasure.erase_at_their_request(fresh(candidate))
    assert fresh(other).erasure_requested_at is not None

    client.post(link)
    for record in (candidate, other):
        holds.release(fresh(record), recruiter)
    run(callbacks=callbacks)

    assert [fresh(record).erased_at for record in (candidate, other)] == [None, None]
    assert fresh(other).erasure_requested_at is None


def test_the_keep_page_names_the_request_it_cancels_on_another_record_at_the_address(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    """As reported: the request was made for another team's record of theirs, on hold, before
    this one held the address; keeping cancelled it, and the page said nothing of it."""
    other = closed_ago(TeamFactory(), 3, email="nora@example.com")
    holds.put_on_hold(fresh(other), recruiter, "Claim 114")
    assert not erasure.erase_at_their_request(fresh(other))
    closed_ago(team, 11, days=2, email="Nora@Example.com")
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])

    assert "You asked us on" in client.get(link).text
    page = client.post(link)

    assert "Your request to erase your data is cancelled." in page.text
    assert fresh(other).erasure_requested_at is None


def test_a_request_withdrawn_after_retention_read_it_is_not_carried_out(
    organisation, team, recruiter, callbacks
):
    """Retention reads the requests, then erases each in turn: they asked to be kept between."""
    candidate = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    holds.put_on_hold(fresh(candidate), recruiter, "Claim 114")
    erasure.erase_at_their_request(fresh(candidate))
    holds.release(fresh(candidate), recruiter)
    read = fresh(candidate)  # as retention read it
    retention.keep(fresh(candidate))

    assert erasure.erase(read, how=erasure.AT_THEIR_REQUEST, requested=True) is False
    assert fresh(candidate).erased_at is None


# Batches, idempotent and resumable


def test_it_erases_in_batches_and_a_second_run_does_nothing(
    organisation, team, settings, callbacks
):
    settings.RETENTION_BATCH_SIZE = 2
    candidates = [closed_ago(team, 11, days=2) for _ in range(5)]
    kept = closed_ago(team, 3)
    later = timezone.now() + NOTICE + timedelta(days=1)

    assert run(callbacks=callbacks).noticed == 5
    figures = run(later, callbacks)
    again = run(later, callbacks)

    assert (figures.erased, figures.batches) == (5, 3)
    assert (again.noticed, again.erased, again.batches) == (0, 0, 0)
    assert all(fresh(candidate).erased_at for candidate in candidates)
    assert fresh(kept).erased_at is None


def test_a_run_stopped_half_way_is_finished_by_the_next(organisation, team, settings, callbacks):
    candidates = [closed_ago(team, 11, days=2) for _ in range(3)]
    run(callbacks=callbacks)
    later = timezone.now() + NOTICE + timedelta(days=1)
    # The first batch of a run that then stopped.
    months = organisation.retention_months
    erasure.erase_batch(retention.due(later, months).filter(pk=candidates[0].pk))

    assert run(later, callbacks).erased == 2
    assert all(fresh(candidate).erased_at for candidate in candidates)


def test_a_run_its_time_limit_stops_among_erasures_has_done_the_short_chores(
    organisation, team, recruiter, settings, callbacks
):
    """As found: the access log, ended sessions and unrun imports came after the erasures, so
    a backlog of erasures that took the run to its time limit night after night left them
    undone. The time limit is raised between batches here, as the worker raises it."""
    settings.RETENTION_BATCH_SIZE = 1
    candidates = [closed_ago(team, 11, days=2) for _ in range(2)]
    run(callbacks=callbacks)
    later = timezone.now() + NOTICE + timedelta(days=1)
    long_ago = later - relativedelta(months=13)
    CandidateAccess.objects.create(
        what=CandidateAccess.What.APPLICATION,
        user=recruiter,
        candidate=CandidateFactory(),
        at=long_ago,
    )
    Session.objects.create(session_key="ended", session_data="", expire_date=long_ago)
    unrun = CandidateImport.objects.create(
        opening=candidates[0].applications.get().opening,
        created_by=recruiter,
        created_at=long_ago,
        file_name="export.csv",
        rows=[{"name": "Nora Soon"}],
    )

    def time_limit(figures):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded), callbacks(execute=True):
        retention.run(later, on_batch=time_limit)

    assert sum(fresh(candidate).erased_at is not None for candidate in candidates) == 1
    assert not CandidateAccess.objects.filter(at=long_ago).exists()
    assert not Session.objects.filter(session_key="ended").exists()
    unrun.refresh_from_db()
    assert (unrun.status, unrun.rows) == (CandidateImport.Status.EXPIRED, [])


# The access log


def test_the_access_log_keeps_the_retention_period(organisation, recruiter, callbacks):
    candidate = CandidateFactory()
    what = CandidateAccess.What.APPLICATION
    at = timezone.now() - relativedelta(months=12)
    old = CandidateAccess.objects.create(
        what=what, user=recruiter, candidate=candidate, at=at - timedelta(days=1)
    )
    recent = CandidateAccess.objects.create(
        what=what, user=recruiter, candidate=candidate, at=at + timedelta(days=1)
    )

    assert run(callbacks=callbacks).pruned == 1

    assert list(CandidateAccess.objects.all()) == [recent]
    assert old.pk not in CandidateAccess.objects.values_list("pk", flat=True)


def test_a_candidate_on_legal_hold_keeps_their_access_log(organisation, recruiter, callbacks):
    """A hold keeps all their data from retention: the record of who read it too."""
    candidate = CandidateFactory()
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    at = timezone.now() - relativedelta(months=30)
    kept = CandidateAccess.objects.create(
        what=CandidateAccess.What.APPLICATION, user=recruiter, candidate=candidate, at=at
    )

    assert run(callbacks=callbacks).pruned == 0
    assert list(CandidateAccess.objects.all()) == [kept]


# Beat


def test_beat_runs_retention_daily(organisation, team, callbacks):
    entry = django_settings.CELERY_BEAT_SCHEDULE["run-retention"]
    assert entry["task"] == "hiring.privacy.tasks.run_retention"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks

    closed_ago(team, 11, days=2)
    with callbacks(execute=True):
        assert run_retention.delay().get()["noticed"] == 1


def test_the_command_runs_it_now_and_says_what_it_did(organisation, team, callbacks):
    closed_ago(team, 11, days=2)
    out = StringIO()

    with callbacks(execute=True):
        call_command("run_retention", stdout=out)

    assert "1 told their data goes in a notice period; 0 erased in 0 batches" in out.getvalue()


def test_the_command_counts_a_request_carried_out_once_the_hold_is_released(
    organisation, team, recruiter, callbacks
):
    candidate = closed_ago(team, 2)
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    erasure.erase_at_their_request(fresh(candidate))
    holds.release(fresh(candidate), recruiter)
    out = StringIO()

    with callbacks(execute=True):
        call_command("run_retention", stdout=out)

    assert "; 1 erased in 0 batches" in out.getvalue()
    assert fresh(candidate).erased_at is not None


# A keep link after the person's records were merged


def test_a_keep_link_of_a_record_merged_away_keeps_the_record_they_now_are(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    merged_away = closed_ago(team, 11, days=2, email="nora@example.com")
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    kept = ApplicationFactory(candidate__email="nora@work.example").candidate
    merging.merge(kept, merged_away, by=recruiter)

    assert "Keep your data on file?" in client.get(link).text
    page = client.post(link)

    assert "We keep your data on file" in page.text
    assert Consent.objects.get(purpose=Consent.Purpose.KEEP).candidate == kept


def test_a_keep_link_follows_one_merge_after_another(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    first = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    link = keep_link(mailoutbox[0])
    second, third = CandidateFactory(), CandidateFactory()
    merging.merge(second, first, by=recruiter)
    merging.merge(third, second, by=recruiter)

    client.post(link)

    assert Consent.objects.get(purpose=Consent.Purpose.KEEP).candidate == third


def test_a_keep_link_of_a_record_merged_into_one_since_erased_says_the_data_is_gone(
    client, organisation, team, recruiter, mailoutbox, callbacks
):
    merged_away = closed_ago(team, 11, days=2)
    run(callbacks=callbacks)
    kept = CandidateFactory()
    merging.merge(kept, merged_away, by=recruiter)
    erasure.erase(kept, by=recruiter)

    response = client.post(keep_link(mailoutbox[0]))

    assert response.status_code == 410
    assert "We no longer hold your data." in response.text
    assert not Consent.objects.filter(purpose=Consent.Purpose.KEEP).exists()


def test_keeping_a_record_merged_away_since_its_link_was_read_keeps_the_one_it_went_to(
    organisation, team, recruiter
):
    read = closed_ago(team, 11, days=2)
    kept = CandidateFactory()
    merging.merge(kept, read, by=recruiter)

    retention.keep(read)

    assert Consent.objects.get(purpose=Consent.Purpose.KEEP).candidate == kept
