"""Merging two records of one person: everything moves to the kept one, audited; a conflict
or someone without the right changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from hiring.candidates import merging
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateAccess,
    Consent,
    DataExport,
    Panel,
    StageChange,
)
from hiring.privacy import holds
from scorecards.models import Feedback
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    OpeningFactory,
    TeamFactory,
    submitted,
    team_fit_panel,
)

MERGED = AuditEvent.Action.CANDIDATES_MERGED


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def full_application(candidate, team, interviewer, recruiter):
    """An application with everything that hangs off one: a stage move, feedback, a panel,
    a consent, an email and an offer."""
    application = ApplicationFactory(candidate=candidate, opening__team=team)
    StageChange.objects.create(application=application, to_stage="applied", by=recruiter)
    submitted(application, interviewer, "skills")
    team_fit_panel(application, [interviewer], by=recruiter)
    Consent.objects.create(candidate=candidate, application=application, notice_version="1")
    application.emails.create(kind="message", to=candidate.email, subject="Hello", body="Hi")
    application.offers.create(
        title="Engineer",
        start_date=timezone.now().date() + timedelta(days=30),
        terms="Terms",
        expires_at=timezone.now() + timedelta(days=7),
        created_by=recruiter,
    )
    return application


def reachable(candidate):
    """Everything reachable from `candidate`, by kind, as sets of ids."""
    applications = Application.objects.filter(candidate=candidate)
    return {
        "applications": set(applications.values_list("pk", flat=True)),
        "stage changes": set(
            StageChange.objects.filter(application__in=applications).values_list("pk", flat=True)
        ),
        "feedback": set(
            Feedback.objects.filter(application__in=applications).values_list("pk", flat=True)
        ),
        "panels": set(
            Panel.objects.filter(application__in=applications).values_list("pk", flat=True)
        ),
        "consents": set(candidate.consents.values_list("pk", flat=True)),
        "emails": {e.pk for a in applications for e in a.emails.all()},
        "offers": {o.pk for a in applications for o in a.offers.all()},
    }


@pytest.fixture
def records(team, member, recruiter):
    """Two records of Sam: the older one applied to Platform, the newer to Payments."""
    payments = TeamFactory(name="Payments team", members=[member])
    older = CandidateFactory(
        name="Sam Lee",
        email="sam@mail.example",
        links="https://github.com/samlee",
    )
    newer = CandidateFactory(
        name="Samuel Lee",
        email="s.lee@work.example",
        phone="+44 20 7946 0000",
        links="https://github.com/samlee\nhttps://sam.example",
        time_zone="Europe/Paris",
        other_emails="sam.old@mail.example",
    )
    full_application(older, team, member, recruiter)
    full_application(newer, payments, member, recruiter)
    return older, newer


def test_nothing_is_lost(records, recruiter):
    older, newer = records
    before = {kind: reachable(older)[kind] | reachable(newer)[kind] for kind in reachable(older)}
    assert all(len(ids) == 2 for ids in before.values())

    merging.merge(older, newer, recruiter)

    assert reachable(older) == before
    assert not Candidate.objects.filter(pk=newer.pk).exists()


def test_the_kept_record_takes_what_it_lacks_and_keeps_what_it_has(records, recruiter):
    older, newer = records

    kept = merging.merge(older, newer, recruiter)

    kept.refresh_from_db()
    assert (kept.name, kept.email) == ("Sam Lee", "sam@mail.example")
    assert kept.phone == "+44 20 7946 0000"
    assert kept.time_zone == "Europe/Paris"
    assert kept.link_list() == ["https://github.com/samlee", "https://sam.example"]
    assert kept.other_emails.splitlines() == ["s.lee@work.example", "sam.old@mail.example"]


def test_the_same_address_is_not_kept_twice(db, recruiter):
    keep = CandidateFactory(email="sam@mail.example")
    other = CandidateFactory(email="SAM@mail.example", other_emails="sam@mail.example")

    kept = merging.merge(keep, other, recruiter)

    assert kept.other_emails == ""


def test_each_moved_application_and_the_organisation_get_an_audit_event(records, recruiter):
    older, newer = records
    moved = newer.applications.get()
    newer_id = newer.pk

    merging.merge(older, newer, recruiter)

    [on_application] = AuditEvent.objects.filter(action=MERGED, application__isnull=False)
    assert on_application.application == moved
    assert on_application.team == moved.opening.team
    assert on_application.actor == recruiter
    assert on_application.details == f"Merged with candidate record #{newer_id}"
    [organisation] = AuditEvent.objects.filter(action=MERGED, team=None)
    assert organisation.application is None
    assert organisation.details == (
        f"Candidate record #{newer_id} merged into #{older.pk}: 1 application moved"
    )
    for event in (on_application, organisation):
        for pii in ("Sam", "Lee", "mail.example", "work.example"):
            assert pii not in event.details


def test_both_applied_to_one_opening_is_refused_and_nothing_changes(records, recruiter):
    older, newer = records
    opening = OpeningFactory(title="Data Engineer")
    ApplicationFactory(candidate=older, opening=opening)
    ApplicationFactory(candidate=newer, opening=opening)
    before = (reachable(older), reachable(newer), AuditEvent.objects.count())
    fields = list(Candidate.objects.order_by("pk").values())

    with pytest.raises(merging.MergeRefused, match="Both records applied to Data Engineer"):
        merging.merge(older, newer, recruiter)

    assert (reachable(older), reachable(newer), AuditEvent.objects.count()) == before
    assert list(Candidate.objects.order_by("pk").values()) == fields


def test_a_record_is_not_merged_with_itself(records, recruiter):
    older, _ = records

    with pytest.raises(merging.MergeRefused):
        merging.merge(older, older, recruiter)


def test_merge_moves_every_relation_of_a_candidate():
    # A new model pointing at Candidate must be taught to merging.merge first.
    relations = {rel.get_accessor_name() for rel in Candidate._meta.related_objects}

    assert relations == {"applications", "consents", "accesses", "exports"}


def test_the_access_log_exports_and_a_hold_follow_the_person(records, recruiter):
    older, newer = records
    CandidateAccess.record(CandidateAccess.What.PRIVACY, recruiter, newer)
    export = DataExport.objects.create(candidate=newer, requested_by=recruiter)
    holds.put_on_hold(newer, recruiter, "Claim 114")

    kept = merging.merge(older, newer, recruiter)

    assert [access.user for access in kept.accesses.all()] == [recruiter]
    assert list(kept.exports.all()) == [export]
    kept.refresh_from_db()
    assert (kept.held_by, kept.hold_reason) == (recruiter, "Claim 114")


def test_when_both_are_held_the_other_holds_reason_is_kept_too(records, recruiter):
    older, newer = records
    holds.put_on_hold(older, recruiter, "Claim 114")
    holds.put_on_hold(newer, recruiter, "Tribunal 7")

    kept = merging.merge(older, newer, recruiter)

    kept.refresh_from_db()
    assert kept.hold_reason == "Claim 114\n\nTribunal 7"


def test_a_confirmed_erasure_request_and_the_language_follow_the_person(records, recruiter):
    older, newer = records
    asked = timezone.now() - timedelta(days=3)
    Candidate.objects.filter(pk=newer.pk).update(erasure_requested_at=asked, language="de")

    kept = merging.merge(older, Candidate.objects.get(pk=newer.pk), recruiter)

    kept.refresh_from_db()
    assert (kept.erasure_requested_at, kept.language) == (asked, "de")


def test_an_erased_record_is_not_merged(records, recruiter):
    older, newer = records
    Candidate.objects.filter(pk=newer.pk).update(erased_at=timezone.now())

    with pytest.raises(merging.MergeRefused, match="erased"):
        merging.merge(older, Candidate.objects.get(pk=newer.pk), recruiter)

    assert Candidate.objects.filter(pk=newer.pk).exists()


# The résumé.


def test_the_other_resume_moves_when_the_kept_record_has_none(
    db, media, recruiter, django_capture_on_commit_callbacks
):
    keep = CandidateFactory()
    other = CandidateFactory(resume=ContentFile(b"%PDF-1.4 sam", name="sam.pdf"))
    name = other.resume.name

    with django_capture_on_commit_callbacks(execute=True):
        kept = merging.merge(keep, other, recruiter)

    kept.refresh_from_db()
    assert kept.resume.name == name
    assert (media / name).read_bytes() == b"%PDF-1.4 sam"


def test_the_other_resume_is_deleted_after_commit_when_the_kept_record_has_one(
    db, media, recruiter, django_capture_on_commit_callbacks
):
    keep = CandidateFactory(resume=ContentFile(b"%PDF-1.4 kept", name="kept.pdf"))
    other = CandidateFactory(resume=ContentFile(b"%PDF-1.4 other", name="other.pdf"))
    kept_name, other_name = keep.resume.name, other.resume.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        merging.merge(keep, other, recruiter)
    assert (media / other_name).exists()  # not before the merge is committed
    for callback in callbacks:
        callback()

    assert not (media / other_name).exists()
    assert (media / kept_name).read_bytes() == b"%PDF-1.4 kept"


# The page.


def merge_url(a, b):
    return reverse("candidate_merge", args=[a.pk, b.pk])


def test_a_recruiter_compares_the_records_side_by_side(client, records, recruiter):
    older, newer = records
    client.force_login(recruiter)

    page = client.get(merge_url(newer, older))

    assert page.status_code == 200
    for shown in ("Sam Lee", "Samuel Lee", "s.lee@work.example", "+44 20 7946 0000"):
        assert shown in page.text
    assert "Same name and a shared link" not in page.text  # different names
    assert f'value="{newer.pk}"' in page.text
    assert f'value="{older.pk}"' in page.text


def test_the_recruiter_picks_the_record_to_keep(client, records, recruiter):
    older, newer = records
    client.force_login(recruiter)

    response = client.post(merge_url(older, newer), {"keep": newer.pk})

    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=older.pk).exists()
    assert Candidate.objects.get(pk=newer.pk).applications.count() == 2
    assert response["Location"] == newer.applications.latest("created_at").get_absolute_url()


def test_a_conflict_is_explained_and_nothing_is_merged(client, records, recruiter):
    older, newer = records
    opening = OpeningFactory(title="Data Engineer")
    ApplicationFactory(candidate=older, opening=opening)
    ApplicationFactory(candidate=newer, opening=opening)
    client.force_login(recruiter)

    page = client.get(merge_url(older, newer)).text
    refused = client.post(merge_url(older, newer), {"keep": older.pk})

    assert "cannot be merged: both applied to Data Engineer" in page
    assert "Merge the records" not in page
    assert refused.status_code == 400
    assert Candidate.objects.filter(pk__in=[older.pk, newer.pk]).count() == 2


@pytest.mark.parametrize("keep", ["", "0", "abc", "999999"])
def test_a_bad_choice_is_refused_beside_the_field(client, records, recruiter, keep):
    older, newer = records
    client.force_login(recruiter)

    response = client.post(merge_url(older, newer), {"keep": keep})

    assert response.status_code == 400
    assert 'id="id_keep_error"' in response.text
    assert Candidate.objects.filter(pk__in=[older.pk, newer.pk]).count() == 2


def test_a_post_without_a_choice_is_refused_beside_the_field(client, records, recruiter):
    older, newer = records
    client.force_login(recruiter)

    response = client.post(merge_url(older, newer), {})

    assert response.status_code == 400
    assert 'id="id_keep_error"' in response.text
    assert Candidate.objects.filter(pk__in=[older.pk, newer.pk]).count() == 2


def test_an_erased_record_is_said_so_before_anything_is_tried(client, records, recruiter):
    older, newer = records
    Candidate.objects.filter(pk=newer.pk).update(erased_at=timezone.now())
    client.force_login(recruiter)

    page = client.get(merge_url(older, newer)).text

    assert f"Record #{newer.pk} was erased: an erased record holds nothing to merge." in page
    assert "Merge the records" not in page


@pytest.mark.parametrize("persona", ["member", "outsider", "leadership", "org_admin"])
def test_only_recruiters_merge_everyone_else_gets_404(client, request, records, persona):
    older, newer = records
    client.force_login(request.getfixturevalue(persona))

    assert client.get(merge_url(older, newer)).status_code == 404
    assert client.post(merge_url(older, newer), {"keep": older.pk}).status_code == 404
    assert Candidate.objects.filter(pk__in=[older.pk, newer.pk]).count() == 2


def test_a_record_that_is_gone_or_the_same_twice_is_404(client, records, recruiter):
    older, _ = records
    client.force_login(recruiter)

    assert client.get(reverse("candidate_merge", args=[older.pk, 0])).status_code == 404
    assert client.get(merge_url(older, older)).status_code == 404


def test_merge_clicked_twice_says_it_was_merged_already(client, records, recruiter):
    older, newer = records
    client.force_login(recruiter)
    client.post(merge_url(older, newer), {"keep": newer.pk})

    again = client.post(merge_url(older, newer), {"keep": newer.pk}, follow=True)

    assert again.redirect_chain == [
        (newer.applications.latest("created_at").get_absolute_url(), 302)
    ]
    assert [str(message) for message in get_messages(again.wsgi_request)] == [
        f"Merged into record #{newer.pk}.",
        f"These records were merged already, into record #{newer.pk}.",
    ]
    assert Candidate.objects.get(pk=newer.pk).applications.count() == 2


@pytest.mark.parametrize("persona", ["member", "outsider", "leadership"])
def test_records_merged_already_are_404_to_everyone_else(client, request, records, persona):
    older, newer = records
    merging.merge(newer, older, request.getfixturevalue("recruiter"))
    client.force_login(request.getfixturevalue(persona))

    assert client.post(merge_url(older, newer), {"keep": newer.pk}).status_code == 404
    assert client.get(merge_url(newer, older)).status_code == 404
