"""A candidate's data export: the ZIP's JSON, files and summary, built by the worker with its
progress; the recruiter's path from the privacy page and the candidate's from their status
page with the emailed link; a download works until the export expires, the first recorded in
the access log and audit."""

import io
import json
import re
import time
import zipfile
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.candidates import merging
from hiring.checkins import checkins
from hiring.debrief import decisions
from hiring.email import reminders
from hiring.email.notifications import candidate_reminder_key, retention_notice_key
from hiring.imports.imports import Table, check, upload
from hiring.models import (
    AuditEvent,
    Candidate,
    CandidateAccess,
    DataExport,
    Decision,
    Notification,
    User,
)
from hiring.outreach.messages import shown_to
from hiring.privacy import erasure, export, holds
from hiring.privacy.inventory import HOLDINGS
from hiring.privacy.tasks import build_export, expire_exports, send_export_ready
from scorecards import scoring
from tests.email.helpers import START, booked_panel, rebook
from tests.factories import (
    HTMX,
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    UserFactory,
    assigned,
    submit_as,
)

Status = DataExport.Status
RESUME = b"%PDF-1.4 Quinn's resume"
NOTES = "PELICAN-notes-on-the-incident-review"
DRAFT = "DRAFT-ONLY-unsubmitted-words"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def application(team):
    application = ApplicationFactory(
        opening__team=team,
        opening__title="Platform Engineer",
        candidate__name="Quinn Rowe",
        candidate__email="quinn@candidates.example",
        candidate__time_zone="Europe/Berlin",
        note="I like <b>pagers</b> & on-call",
    )
    application.candidate.resume.save("quinn-cv.pdf", ContentFile(RESUME))
    return application


@pytest.fixture
def candidate(application):
    return application.candidate


@pytest.fixture
def other(team):
    """Another candidate of the same opening."""
    return ApplicationFactory(
        candidate__name="Otto Other", candidate__email="otto@candidates.example", opening__team=team
    )


@pytest.fixture
def scorecards(application, member, teammate):
    """Ana's submitted scorecard with notes; Ben's draft, never submitted."""
    submit_as(assigned(application, member, SKILLS), member, notes=NOTES, takeaways="Calm")
    draft = assigned(application, teammate, TEAM_FIT)
    ratings = {c.pk: {"score": 1, "notes": DRAFT} for c in draft.criteria.all()}
    scoring.save_draft(draft, teammate, ratings=ratings, takeaways=DRAFT, vote="no")


def built(candidate, by=None):
    data_export, _ = export.request_export(candidate, by)
    build_export(data_export.pk)
    data_export.refresh_from_db()
    return data_export


def opened(data_export):
    return zipfile.ZipFile(data_export.file.path)


def document(data_export):
    return json.loads(opened(data_export).read("data.json"))


def everything(data_export):
    """Every file of the ZIP as text, to search."""
    archive = opened(data_export)
    return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def document_in(content):
    return json.loads(zipfile.ZipFile(io.BytesIO(content)).read("data.json"))


def link_of(message):
    return re.search(r"https?://\S+(/exports/[^/\s]+/)", message.body).group(1)


# The ZIP


def test_the_json_has_a_key_per_holding_each_documented(candidate):
    data = document(built(candidate))
    holdings = [holding.key for holding in HOLDINGS]
    assert list(data) == ["format", "generated_at", "withheld", *holdings, "keys"]
    assert data["withheld"] == ""
    assert data["format"]["name"] == "teamfit-candidate-export"
    assert data["format"]["version"] == 1
    assert list(data["keys"]) == list(data)
    assert (
        data["keys"]["stagechange"] == "Each move between stages, with its time, and why it closed"
    )


def test_the_json_holds_the_candidates_rows_and_no_one_elses(candidate, application, other):
    data_export = built(candidate)
    data = document(data_export)
    assert data["candidate"]["name"] == "Quinn Rowe"
    assert data["candidate"]["email"] == "quinn@candidates.example"
    assert [row["id"] for row in data["application"]] == [application.pk]
    assert data["application"][0]["note"] == "I like <b>pagers</b> & on-call"
    assert data["application"][0]["opening"] == "Platform Engineer (Platform)"
    assert "Otto" not in everything(data_export)


def export_of(candidate):
    return DataExport.objects.filter(candidate=candidate).latest("pk")


def test_values_are_plain_json(candidate, application, recruiter):
    application.move_to("screen", recruiter)
    data = document(built(candidate))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", data["generated_at"])
    assert data["application"][0]["stage"] == {"value": "screen", "label": "Screen"}
    moves = data["stagechange"]
    assert moves[-1]["by"] == "Rita Recruiter"
    assert moves[-1]["application"] == application.pk
    changed = datetime.fromisoformat(moves[-1]["at"])
    assert changed.utcoffset() == timedelta(0)


def test_the_files_are_in_the_zip(candidate):
    data_export = built(candidate)
    path = document(data_export)["candidate"]["resume"]
    assert path.startswith(f"files/candidate/{candidate.pk}/quinn-cv")
    assert opened(data_export).read(path) == RESUME


def test_interviewers_notes_are_in_drafts_never(candidate, scorecards):
    data_export = built(candidate)
    data = document(data_export)
    assert {row["interviewer"] for row in data["feedback"]} == {"Ana Member", "Ben Teammate"}
    assert [row["takeaways"] for row in data["feedbackrevision"]] == ["Calm"]
    assert {row["notes"] for row in data["rating"]} == {NOTES}
    text = everything(data_export)
    assert NOTES in text
    assert DRAFT not in text


def test_a_trainees_practice_scorecard_is_in_the_export(candidate, application, team, peer):
    practice = scoring.assign(application, peer, SKILLS, assigned_by=peer, practice=True)
    submit_as(practice, peer, notes="Practised on you", takeaways="Practice")

    data = document(built(candidate))

    assert {row["interviewer"] for row in data["feedback"]} == {"Cai Peer"}
    assert [row["takeaways"] for row in data["feedbackrevision"]] == ["Practice"]


def test_a_recruiters_copy_leaves_out_the_feedback_they_may_not_read(
    candidate, application, scorecards, recruiter
):
    data_export = built(candidate, recruiter)
    data = document(data_export)
    assert f"applications #{application.pk} are left out" in data["withheld"]
    assert data["feedbackrevision"] == []
    assert data["rating"] == []
    assert NOTES not in everything(data_export)
    # Who was asked to score, and the way through the pipeline, are theirs to read.
    assert {row["interviewer"] for row in data["feedback"]} == {"Ana Member", "Ben Teammate"}


def departing_decision(application, member, confirmed_by=None):
    """A hire against the rule's recommendation, confirmed by a second member or not yet."""
    return Decision.objects.create(
        application=application,
        outcome="hire",
        recommendation="no_hire",
        recommendation_reasons=["A strong no is a veto."],
        rationale="We see it differently.",
        recorded_by=member,
        confirmed_by=confirmed_by,
        confirmed_at=confirmed_by and timezone.now(),
    )


def test_a_recruiters_copy_holds_the_decisions_outcome_not_what_the_rule_recommended(
    candidate, application, scorecards, recruiter, member, teammate
):
    """The recommendation is the panel's scores read by the team's rule: derived from the
    feedback a recruiter does not read. The outcome is theirs."""
    departing_decision(application, member, confirmed_by=teammate)

    [decision] = document(built(candidate, recruiter))["decision"]

    assert decision["outcome"]["value"] == "hire"
    assert decision["recommendation"] == ""
    assert decision["recommendation_reasons"] == []
    assert decision["rationale"] == ""


def test_a_recruiters_copy_leaves_out_a_decision_not_in_force(
    candidate, application, scorecards, recruiter, leadership, member
):
    """Until a second member confirms it, the application page does not show them either: that
    one waits would say the team departed from what the rule made of the feedback."""
    departing_decision(application, member)
    recorded = AuditEvent.Action.DECISION_RECORDED
    AuditEvent.record(recorded, member, application.opening.team, application, details="Hire")

    recruiters = document(built(candidate, recruiter))
    leaderships = document(built(candidate, leadership))
    [read_by_leadership] = leaderships["decision"]

    assert recruiters["decision"] == []
    assert read_by_leadership["outcome"]["value"] == "hire"
    # Nor the decision's own event, which its timeline leaves out too (access.DECISION_EVENTS).
    actions = {row["action"]["value"] for row in recruiters["auditevent"]}
    assert "decision_recorded" in {row["action"]["value"] for row in leaderships["auditevent"]}
    assert "decision_recorded" not in actions


def test_leaderships_copy_holds_the_submitted_feedback(candidate, scorecards, leadership):
    data = document(built(candidate, leadership))
    assert data["withheld"] == ""
    assert {row["notes"] for row in data["rating"]} == {NOTES}


def test_a_check_in_rater_still_to_submit_gets_a_copy_without_the_others_reviews(
    candidate, application, member, teammate, team, leadership
):
    """Leadership of the team rates the hire's check-ins like any member: while theirs is to
    write, the check-in page hides the others' reviews, and so does their copy."""
    team.memberships.create(user=leadership)
    application.move_to("hired", member)
    application.check_ins.all().delete()
    [check_in, *_] = checkins.schedule(application, timezone.now() - timedelta(days=90))
    ratings = {pk: {"score": 3} for pk in check_in.version.criteria.values_list("pk", flat=True)}
    checkins.submit(check_in, teammate, ratings, "yes", "BEN-CHECK-IN-NOTES")

    data_export = built(candidate, leadership)
    data = document(data_export)

    assert f"applications #{application.pk} are left out" in data["withheld"]
    assert data["checkinreview"] == []
    assert data["checkinrating"] == []
    assert "BEN-CHECK-IN-NOTES" not in everything(data_export)
    checkins.submit(check_in, leadership, ratings, "yes", "Lee's own")
    assert "BEN-CHECK-IN-NOTES" in everything(built(candidate, leadership))


def test_a_copy_whose_reader_now_reads_less_is_not_downloaded(
    signed_in, candidate, scorecards, leadership
):
    """Built while leadership read every scorecard; by its download they are a recruiter:
    independence asks at the download too. (Having read them, they are never asked for a
    scorecard on the application since: scoring.assign_each.)"""
    data_export = built(candidate, leadership)
    assert NOTES in everything(data_export)
    leadership.assign_role(User.Role.RECRUITER)
    client = signed_in(leadership)

    page = client.get(export.download_url(data_export))
    download = client.post(export.download_url(data_export))

    for response in (page, download):
        assert "feedback you may no longer read. Ask for a new copy" in response.text
        assert NOTES not in response.content.decode(errors="replace")
    data_export.refresh_from_db()
    assert data_export.status == Status.READY  # not taken: nothing was downloaded


def test_a_copy_built_without_the_feedback_downloads_when_its_reader_still_reads_none(
    signed_in, candidate, scorecards, recruiter
):
    data_export = built(candidate, recruiter)
    assert data_export.withheld == [candidate.applications.get().pk]

    response = signed_in(recruiter).post(export.download_url(data_export))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_an_application_made_since_the_copy_does_not_refuse_it(
    signed_in, candidate, scorecards, recruiter, team
):
    """The candidate applied again after the copy was built: it holds nothing of that one."""
    data_export = built(candidate, recruiter)
    ApplicationFactory(candidate=candidate, opening__team=team)

    response = signed_in(recruiter).post(export.download_url(data_export))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_staff_copy_downloads_only_for_whoever_asked(signed_in, candidate, recruiter):
    data_export = built(candidate, recruiter)
    colleague = UserFactory(role=User.Role.RECRUITER)
    link = export.download_url(data_export)
    assert signed_in(colleague).get(link).status_code == 404
    assert signed_in(recruiter).get(link).status_code == 200


def test_the_summary_is_readable_and_escaped(candidate, scorecards):
    summary = opened(built(candidate)).read("summary.html").decode()
    assert "<h1>Data held about Quinn Rowe</h1>" in summary
    assert "I like &lt;b&gt;pagers&lt;/b&gt; &amp; on-call" in summary
    assert "<b>pagers" not in summary
    assert "Berlin time" in summary  # times in the candidate's zone, named
    assert NOTES in summary
    assert f'<a href="files/candidate/{candidate.pk}/' in summary


def test_an_import_shows_only_the_candidates_own_row(candidate, other, member):
    rows = [
        {"line": 2, "values": {"name": "Quinn Rowe", "email": "QUINN@candidates.example"}},
        {"line": 3, "values": {"name": "Pia Else", "email": "pia@candidates.example"}},
    ]
    check(upload(other.opening, member, "people.csv", Table(rows, [])).pk)
    data_export = built(candidate)
    (held,) = document(data_export)["candidateimport"]
    assert [row["line"] for row in held["rows"]] == [2]
    assert "Pia" not in everything(data_export)


def test_no_signed_token_goes_in(candidate, application):
    data_export = built(candidate)
    text = everything(data_export)
    assert application.status_url().split("/")[-2] not in text
    assert document(data_export)["dataexport"][0]["file"] is None


# Built by the worker


def test_progress_moves_as_the_holdings_are_written(candidate):
    data_export, created = export.request_export(candidate)
    assert created
    assert (data_export.status, data_export.progress) == (Status.QUEUED, 0)
    with CaptureQueriesContext(connection) as queries:
        export.build(data_export.pk)
    steps = [int(n) for q in queries for n in re.findall(r'"progress" = (\d+)', q["sql"])]
    assert steps[0] == 0
    assert steps == sorted(steps)
    assert len(set(steps)) > len(HOLDINGS) // 2
    assert steps[-1] == 100
    data_export.refresh_from_db()
    assert data_export.status == Status.READY
    assert data_export.expires_at == data_export.finished_at + timedelta(days=7)


def test_building_twice_keeps_one_file(candidate, media):
    data_export = built(candidate)
    assert export.build(data_export.pk) is None
    assert len(list(media.glob("exports/*/*.zip"))) == 1


def test_one_live_export_per_requester(candidate, recruiter, leadership):
    mine, created = export.request_export(candidate)
    again, created_again = export.request_export(candidate)
    assert created
    assert not created_again
    assert again == mine
    staff, _ = export.request_export(candidate, recruiter)
    assert staff != mine
    assert export.request_export(candidate, recruiter) == (staff, False)
    # Each staff member's own: what it holds depends on its reader.
    theirs, created = export.request_export(candidate, leadership)
    assert created
    assert theirs != staff


def test_a_failed_build_says_so_and_a_new_request_starts_afresh(candidate, settings, tmp_path):
    data_export, _ = export.request_export(candidate)
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("the disk is not there")
    with pytest.raises(NotADirectoryError):
        build_export(data_export.pk)
    data_export.refresh_from_db()
    assert data_export.status == Status.FAILED
    assert export.request_export(candidate)[1]


# The recruiter's path


def export_url(candidate):
    return reverse("candidate_export", args=[candidate.pk])


def start(client, candidate, capture):
    with capture(execute=True):
        response = client.post(export_url(candidate))
    return response, export_of(candidate)


@pytest.mark.parametrize("role", [User.Role.RECRUITER, User.Role.LEADERSHIP])
def test_staff_export_from_the_privacy_page_and_download(
    signed_in, candidate, role, django_capture_on_commit_callbacks, media
):
    person = UserFactory(role=role, display_name="Sam Staff")
    client = signed_in(person)
    assert "Export</button>" in client.get(reverse("candidate_privacy", args=[candidate.pk])).text
    response, data_export = start(client, candidate, django_capture_on_commit_callbacks)
    detail = reverse("candidate_export_detail", args=[candidate.pk, data_export.pk])
    assert response["Location"] == detail
    assert data_export.status == Status.READY
    page = client.get(detail).text
    assert "Ready. The download works until" in page
    download = re.search(r'<form method="post" action="(/exports/[^"]+/)"', page).group(1)
    assert mail.outbox == []  # the candidate is told only of their own

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(download)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    content = b"".join(response.streaming_content)
    assert document_in(content)["candidate"]["name"] == "Quinn Rowe"

    assert "Downloaded " in client.get(detail).text
    again = client.post(download)  # the file is kept until the export expires
    assert document_in(b"".join(again.streaming_content)) == document_in(content)
    assert [(a.what, a.user) for a in CandidateAccess.objects.filter(what="export")] == [
        (CandidateAccess.What.EXPORT, person)
    ] * 2
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.DATA_EXPORTED)
    assert event.actor == person
    assert "Quinn" not in event.details
    assert "quinn@" not in event.details
    assert f"candidate record #{candidate.pk}" in event.details


def test_the_progress_partial_polls_until_the_export_is_built(signed_in, recruiter, candidate):
    data_export, _ = export.request_export(candidate, recruiter)
    client = signed_in(recruiter)
    detail = reverse("candidate_export_detail", args=[candidate.pk, data_export.pk])
    queued = client.get(detail, **HTMX).text
    assert queued.lstrip().startswith('<section class="card" id="export-progress"')
    assert 'hx-trigger="every 1s"' in queued
    assert '<meta http-equiv="refresh"' in client.get(detail).text  # without JavaScript
    build_export(data_export.pk)
    ready = client.get(detail, **HTMX).text
    assert "hx-trigger" not in ready
    assert 'value="100"' in ready
    assert '<button type="submit">Download</button>' in ready


def test_a_second_click_shows_the_export_under_way(signed_in, recruiter, candidate):
    client = signed_in(recruiter)
    client.post(export_url(candidate))
    client.post(export_url(candidate))
    assert DataExport.objects.filter(candidate=candidate).count() == 1


def test_a_click_once_it_is_built_builds_a_fresh_one(
    signed_in, recruiter, candidate, application, django_capture_on_commit_callbacks
):
    client = signed_in(recruiter)
    _, old = start(client, candidate, django_capture_on_commit_callbacks)
    application.move_to("screen", recruiter)

    response, new = start(client, candidate, django_capture_on_commit_callbacks)

    assert new != old
    assert response["Location"].endswith(f"/exports/{new.pk}/")
    assert document(new)["application"][0]["stage"]["value"] == "screen"
    assert document(old)["application"][0]["stage"]["value"] == "applied"


def test_an_erased_candidates_export_asked_from_a_page_opened_before_is_refused(
    signed_in, recruiter, candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase(candidate, by=recruiter)

    response = signed_in(recruiter).post(export_url(candidate), follow=True)

    assert "This candidate&#x27;s data was erased: there is nothing to export." in response.text
    assert not DataExport.objects.exists()


def test_members_admins_and_outsiders_get_404(
    signed_in, candidate, recruiter, member, org_admin, outsider
):
    data_export = built(candidate, recruiter)
    detail = reverse("candidate_export_detail", args=[candidate.pk, data_export.pk])
    download = export.download_url(data_export)
    for person in (member, org_admin, outsider):
        client = signed_in(person)
        assert client.post(export_url(candidate)).status_code == 404
        assert client.get(detail).status_code == 404
        assert client.get(download).status_code == 404
        assert client.post(download).status_code == 404
    assert DataExport.objects.filter(candidate=candidate).count() == 1
    assert not CandidateAccess.objects.filter(what="export").exists()


def test_a_staff_export_needs_signing_in(client, candidate, recruiter):
    download = export.download_url(built(candidate, recruiter))
    response = client.post(download)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_candidates_export_is_not_found_under_this_one(
    signed_in, recruiter, candidate, other
):
    theirs = built(other.candidate, recruiter)
    url = reverse("candidate_export_detail", args=[candidate.pk, theirs.pk])
    assert signed_in(recruiter).get(url).status_code == 404


def test_the_privacy_page_shows_the_latest_export(signed_in, recruiter, candidate):
    built(candidate)
    page = signed_in(recruiter).get(reverse("candidate_privacy", args=[candidate.pk])).text
    assert "Ready to download</a>, asked for" in page
    assert "by the candidate." in page


# The candidate's path


def status_token(application):
    return application.status_url().split("/")[-2]


def request_copy(client, application, capture):
    url = reverse("candidate_export_request", args=[status_token(application)])
    with capture(execute=True):
        return client.post(url, follow=True)


def test_the_candidate_asks_from_the_status_page_and_gets_a_link_by_email(
    client, application, candidate, django_capture_on_commit_callbacks
):
    page = client.get(application.status_url()).text
    assert "Request a copy of your data</button>" in page
    response = request_copy(client, application, django_capture_on_commit_callbacks)
    assert "We are preparing a copy of your data and will email you a link" in response.text

    (message,) = mail.outbox
    assert message.to == ["quinn@candidates.example"]
    data_export = export_of(candidate)
    expires = data_export.expires_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert shown_to(candidate, data_export.expires_at) in message.body  # in their zone, named
    assert f"{expires:%H:%M}" in message.body
    assert "Berlin" in message.body
    assert application.status_url() in message.body
    link = link_of(message)

    assert "Download</button>" in client.get(link).text
    assert "Berlin time" in client.get(link).text
    response = client.post(link)
    assert response.status_code == 200
    assert document_in(b"".join(response.streaming_content))["candidate"]["name"] == "Quinn Rowe"
    assert [(a.what, a.user) for a in CandidateAccess.objects.filter(what="export")] == [
        (CandidateAccess.What.EXPORT, None)
    ]
    assert AuditEvent.objects.get(action=AuditEvent.Action.DATA_EXPORTED).actor is None

    again = client.post(link)  # a second click downloads it again; the first is audited
    assert document_in(b"".join(again.streaming_content))["candidate"]["name"] == "Quinn Rowe"
    assert CandidateAccess.objects.filter(what="export").count() == 2  # each look at the data
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DATA_EXPORTED).count() == 1


def test_asking_again_once_it_is_ready_sends_a_fresh_copy(
    client, application, django_capture_on_commit_callbacks
):
    request_copy(client, application, django_capture_on_commit_callbacks)
    first = export_of(application.candidate)
    built_ago(first, export.OWN_EXPORTS_APART + timedelta(seconds=1))

    response = request_copy(client, application, django_capture_on_commit_callbacks)

    assert "We are preparing a copy of your data and will email you a link" in response.text
    second = export_of(application.candidate)
    assert second != first
    linked = [export.from_token(link_of(message).split("/")[-2]) for message in mail.outbox]
    assert linked == [first, second]
    send_export_ready(first.pk)  # a retried task
    assert len(mail.outbox) == 2


def test_a_redelivered_build_sends_the_link_its_first_run_died_before_sending(candidate):
    data_export, _ = export.request_export(candidate, None)
    export.build(data_export.pk)  # the worker died here, before queuing the email

    build_export(data_export.pk)  # the broker redelivers the task
    build_export(data_export.pk)

    (message,) = mail.outbox
    assert message.to == ["quinn@candidates.example"]


def built_ago(data_export, ago):
    DataExport.objects.filter(pk=data_export.pk).update(finished_at=timezone.now() - ago)


@pytest.mark.parametrize("downloaded", [False, True])
def test_asking_again_soon_after_it_is_built_says_when_a_new_copy_can_start(
    client, application, candidate, downloaded, django_capture_on_commit_callbacks
):
    """As reported: each click on the link built another archive of every file, 30 in ten
    minutes."""
    request_copy(client, application, django_capture_on_commit_callbacks)
    first = export_of(candidate)
    if downloaded:
        client.post(link_of(mail.outbox[0]))
    # On the minute, 8-9 minutes ago: the next copy can start in a minute or two, on the
    # minute, however late in its minute the test started (a slow machine's request may come
    # a minute later).
    finished = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=8)
    DataExport.objects.filter(pk=first.pk).update(finished_at=finished)

    response = request_copy(client, application, django_capture_on_commit_callbacks)

    again = finished + timedelta(minutes=10)
    assert (
        "We emailed you a link to a copy of your data a few minutes ago. You can ask for a new "
        f"copy from {shown_to(candidate, again)}."
    ) in response.text
    assert "Berlin time" in shown_to(candidate, again)
    assert DataExport.objects.filter(candidate=candidate).count() == 1
    assert len(mail.outbox) == 1


def test_asking_again_while_it_is_built_asks_for_nothing_more(client, application):
    url = reverse("candidate_export_request", args=[status_token(application)])
    client.post(url)
    client.post(url)
    assert DataExport.objects.filter(candidate=application.candidate).count() == 1


def test_the_candidates_own_copy_leaves_out_the_legal_holds_reason_and_who_placed_it(
    candidate, recruiter
):
    holds.put_on_hold(candidate, recruiter, "Claim 114 against Quinn")

    own = document(built(candidate))["candidate"]
    staff = document(built(candidate, recruiter))["candidate"]

    assert (own["hold_reason"], own["held_by"]) == ("", None)
    assert (staff["hold_reason"], staff["held_by"]) == ("Claim 114 against Quinn", "Rita Recruiter")


def test_the_candidates_own_copy_leaves_out_why_an_interviewer_was_excused(
    application, candidate, scorecards, member, teammate, leadership
):
    """The reason is the interviewer's data, not the candidate's (GDPR Art. 15(4)): as
    reported, the candidate's copy held it, on the scorecard and in the audit trail."""
    waiting = application.feedback.get(interviewer=teammate)
    decisions.excuse(waiting, member, "Ben's father is in hospital")

    own_copy = built(candidate)
    own = document(own_copy)
    staff = document(built(candidate, leadership))

    excused = next(row for row in own["feedback"] if row["id"] == waiting.pk)
    assert (excused["excuse_reason"], excused["excused_by"]) == ("", "Ana Member")
    assert excused["excused_at"] is not None
    (event,) = [e for e in own["auditevent"] if e["action"]["value"] == "interviewer_excused"]
    assert event["details"] == ""
    assert "hospital" not in json.dumps(own)
    assert "hospital" not in opened(own_copy).read("summary.html").decode()
    assert "Ben's father is in hospital" in json.dumps(staff, ensure_ascii=False)


def test_the_candidate_gets_a_copy_of_each_record_at_their_address(
    client, application, candidate, other, django_capture_on_commit_callbacks
):
    """They applied again to another team's opening, which made a second record; a third one
    was merged into another record."""
    again = ApplicationFactory(
        candidate__name="Quinn Rowe", candidate__email="Quinn@Candidates.example"
    ).candidate
    merged = ApplicationFactory(
        candidate__email="q.rowe@elsewhere.example",
        candidate__other_emails="quinn@candidates.example",
    ).candidate

    response = request_copy(client, application, django_capture_on_commit_callbacks)

    assert "We hold 3 records about you: we are preparing a copy of each" in response.text
    copies = {message.to[0]: document_in_link(client, message) for message in mail.outbox}
    assert {address: data["candidate"]["id"] for address, data in copies.items()} == {
        "quinn@candidates.example": candidate.pk,
        "Quinn@Candidates.example": again.pk,
        "q.rowe@elsewhere.example": merged.pk,
    }
    assert not DataExport.objects.filter(candidate=other.candidate).exists()


def document_in_link(client, message):
    return document_in(b"".join(client.post(link_of(message)).streaming_content))


def test_the_email_is_plain_text(client, application, django_capture_on_commit_callbacks):
    application.candidate.name = "Zoë O'Brien & Co"
    application.candidate.save()
    request_copy(client, application, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.body.startswith("Hello Zoë O'Brien & Co,")
    assert "&amp;" not in message.body
    assert "&#x27;" not in message.body


def test_a_link_expires(client, candidate):
    data_export = built(candidate)
    link = export.download_url(data_export)
    DataExport.objects.filter(pk=data_export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(link)
    assert response.status_code == 410
    assert "This download link has expired" in response.text
    assert client.post(link).status_code == 410
    assert not CandidateAccess.objects.exists()


def test_a_copy_past_its_expiry_says_so_before_the_hourly_task_marks_it(
    signed_in, recruiter, candidate
):
    data_export = built(candidate, recruiter)
    DataExport.objects.filter(pk=data_export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    page = signed_in(recruiter).get(
        reverse("candidate_export_detail", args=[candidate.pk, data_export.pk])
    )

    assert "Nobody downloaded it before" in page.text
    assert "Download</button>" not in page.text


def test_expired_files_are_deleted_by_the_hourly_task(candidate, media):
    old = built(candidate)
    # Built a week ago: long enough for the candidate to ask for a new one.
    DataExport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - timedelta(days=7, hours=1),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    new = built(candidate)  # the old one is no longer live
    assert new != old
    assert expire_exports() == 1
    old.refresh_from_db()
    assert (old.status, old.file.name) == (Status.EXPIRED, "")
    assert [path.name for path in media.glob("exports/*/*.zip")] == [new.file.name.split("/")[-1]]
    # The expired export's own folder went with its file; the live one's stays.
    assert [folder.name for folder in (media / "exports").iterdir()] == [
        new.file.name.split("/")[1]
    ]
    assert expire_exports() == 0


def test_a_downloaded_copy_downloads_again_until_it_expires_then_its_file_goes(
    client, candidate, media, django_capture_on_commit_callbacks
):
    """As reported: Download clicked twice, the first click deleted the file the second asked
    for, and the copy was lost."""
    data_export = built(candidate)
    link = export.download_url(data_export)
    with django_capture_on_commit_callbacks(execute=True):
        first = b"".join(client.post(link).streaming_content)
    first_at = DataExport.objects.get(pk=data_export.pk).downloaded_at

    assert expire_exports() == 0  # downloaded, not expired: kept
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(link)
    assert b"".join(second.streaming_content) == first
    data_export.refresh_from_db()
    assert (data_export.status, data_export.downloaded_at) == (Status.DOWNLOADED, first_at)

    DataExport.objects.filter(pk=data_export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expire_exports() == 1
    data_export.refresh_from_db()
    assert (data_export.status, data_export.file.name) == (Status.DOWNLOADED, "")
    assert list(media.glob("exports/*/*.zip")) == []
    assert "This download link has expired" in client.post(link).text


def test_a_file_gone_as_it_is_downloaded_says_so_and_records_nothing(client, candidate):
    """Its expiry, or an erasure, deleted the file between the link's check and the read."""
    data_export = built(candidate)
    DataExport.delete_stored(data_export.file.name)

    response = client.post(export.download_url(data_export))

    assert response.status_code == 410
    assert "This download link has expired" in response.text
    assert DataExport.objects.get(pk=data_export.pk).downloaded_at is None
    assert not CandidateAccess.objects.exists()


def test_a_link_not_signed_by_us_is_refused(client):
    response = client.get(reverse("export_download", args=["not-a-token"]))
    assert response.status_code == 410
    assert "not valid" in response.text


def test_a_candidate_link_posts_are_rate_limited(client, application):
    url = reverse("candidate_export_request", args=[status_token(application)])
    codes = [client.post(url).status_code for _ in range(31)]
    assert codes[:30] == [302] * 30
    assert codes[30] == 429


def test_times_in_the_json_are_utc(candidate):
    candidate.created_at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    candidate.save()
    assert document(built(candidate))["candidate"]["created_at"] == "2026-03-01T09:30:00Z"


def test_the_emails_teamfit_sent_them_by_their_records_ids_are_in_it(
    candidate, application, member, recruiter
):
    """As found: the ledger rows of their interviews' reminder and of their erasure
    confirmation (keyed by an application, not an address) were left out of their copy."""
    booked_panel(application, [member], recruiter)
    reminders.send_due(now=START - timedelta(hours=2))
    erasure.send_confirmation(application.pk, time.time())

    keys = {row["key"] for row in document(built(candidate))["notification"]}

    [session] = application.panel.sessions.all()
    assert f"reminder:candidate:session:{session.pk}:{START.isoformat()}" in keys
    assert f"erasure-confirmation:{application.pk}" in keys


def test_a_reminder_keyed_by_its_day_before_migration_0070_is_in_it(
    candidate, application, member, recruiter
):
    booked_panel(application, [member], recruiter)
    Notification.objects.create(
        key=f"reminder:candidate:{application.pk}:{START.isoformat()}", sent_at=timezone.now()
    )

    keys = {row["key"] for row in document(built(candidate))["notification"]}

    assert f"reminder:candidate:{application.pk}:{START.isoformat()}" in keys


def test_the_reminders_of_their_interviews_at_starts_since_moved_are_in_it(
    candidate, application, member, recruiter
):
    """As found: the ledger rows of their reminders were looked up by their interviews' starts
    now, so those sent before an interview moved were left out of their copy, and out of the
    rows erasure goes through (the same look-up, LedgerHolding.rows_of)."""
    panel = booked_panel(application, [member], recruiter)
    reminders.send_due(now=START - timedelta(hours=2))
    day_key = f"reminder:candidate:{application.pk}:{START.isoformat()}"  # before 0070
    Notification.objects.create(key=day_key, sent_at=timezone.now())
    moved = rebook(panel, recruiter)
    reminders.send_due(now=moved.start - timedelta(hours=2))
    # Not theirs: their interviewer's reminder, another session's whose id begins with theirs.
    seat = moved.interviewers.get()
    Notification.objects.create(key=f"reminder:candidate:session:{moved.pk}0:{START.isoformat()}")

    keys = {row["key"] for row in document(built(candidate))["notification"]}
    ledger = next(holding for holding in HOLDINGS if holding.model is Notification)
    erased = {notification.key for notification in ledger.rows_of([candidate])}

    theirs = {
        candidate_reminder_key(moved.pk, START),
        candidate_reminder_key(moved.pk, moved.start),
        day_key,
    }
    assert {key for key in keys if key.startswith("reminder:")} == theirs
    assert {key for key in erased if key.startswith("reminder:")} == theirs
    assert Notification.objects.filter(key__startswith=f"reminder:{seat.pk}:").count() == 2


def test_the_ledger_rows_of_a_batch_with_more_keys_by_their_start_than_sqlite_reads_at_once(db):
    """Retention erases its candidates in batches, their ledger rows read together (rows_of),
    those keyed by a time found by their start: one for each notice, interview and application
    of theirs. An OR of more than some 500 was more than 1000 deep to SQLite, which refused it:
    a batch of 100 with two applications of three interviews each."""
    noticed_at = datetime(2026, 1, 5, 3, tzinfo=UTC)
    candidates = Candidate.objects.bulk_create(
        Candidate(name=f"Cand {n}", email=f"cand{n}@example.com", retention_notice_at=noticed_at)
        for n in range(1200)
    )
    Notification.objects.create(key=retention_notice_key(candidates[-1].pk, noticed_at))

    ledger = next(holding for holding in HOLDINGS if holding.model is Notification)
    found = [notification.key for notification in ledger.rows_of(candidates)]

    assert found == [retention_notice_key(candidates[-1].pk, noticed_at)]


def test_every_retention_notice_they_were_sent_is_in_it(candidate, django_assert_num_queries):
    """As found: only their latest notice's ledger row was in their copy (its key holds the
    notice's time, and only the latest is stored on their record)."""
    times = [datetime(year, 1, 5, 3, tzinfo=UTC) for year in (2024, 2025, 2026)]
    for noticed_at in times:
        Notification.objects.create(key=retention_notice_key(candidate.pk, noticed_at))
    # Another record's, whose id begins with theirs.
    Notification.objects.create(key=retention_notice_key(int(f"{candidate.pk}0"), times[0]))
    Candidate.objects.filter(pk=candidate.pk).update(retention_notice_at=times[-1])
    candidate.refresh_from_db()

    ledger = next(holding for holding in HOLDINGS if holding.model is Notification)
    with django_assert_num_queries(5):  # the keys' sources, then the ledger: one notice or many
        found = {notification.key for notification in ledger.rows(candidate)}
    keys = {row["key"] for row in document(built(candidate))["notification"]}

    noticed = {retention_notice_key(candidate.pk, noticed_at) for noticed_at in times}
    assert {key for key in found if key.startswith("retention-notice:")} == noticed
    assert {key for key in keys if key.startswith("retention-notice:")} == noticed


def notices(candidate):
    """The ledger's keys of the retention notices in `candidate`'s copy."""
    keys = {row["key"] for row in document(built(candidate))["notification"]}
    return {key for key in keys if key.startswith("retention-notice:")}


def notified(candidate, *times):
    for noticed_at in times:
        Notification.objects.create(key=retention_notice_key(candidate.pk, noticed_at))
    Candidate.objects.filter(pk=candidate.pk).update(retention_notice_at=max(times))


def test_the_retention_notices_of_a_record_merged_in_are_in_it(candidate, recruiter):
    """As found: the ledger's rows of the notices sent to a record merged into theirs stayed
    keyed by its id, gone with it: neither their copy nor their erasure read them. The kept
    record was never told itself."""
    merged_away = ApplicationFactory(candidate__email="q.rowe@work.example").candidate
    times = [datetime(year, 1, 5, 3, tzinfo=UTC) for year in (2025, 2026)]
    notified(merged_away, *times)

    merging.merge(candidate, merged_away, recruiter)

    assert notices(candidate) == {retention_notice_key(candidate.pk, at) for at in times}
    assert not Notification.objects.filter(key__startswith=f"retention-notice:{merged_away.pk}:")


def test_a_notice_both_records_were_sent_in_one_run_is_in_it_once(candidate, recruiter):
    merged_away = ApplicationFactory(candidate__email="q.rowe@work.example").candidate
    both, alone = datetime(2025, 1, 5, 3, tzinfo=UTC), datetime(2026, 1, 5, 3, tzinfo=UTC)
    notified(candidate, both)
    notified(merged_away, both, alone)

    merging.merge(candidate, merged_away, recruiter)

    assert notices(candidate) == {retention_notice_key(candidate.pk, at) for at in (both, alone)}
    assert not Notification.objects.filter(key__startswith=f"retention-notice:{merged_away.pk}:")
