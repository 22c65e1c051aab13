"""The candidate's privacy page, legal hold and the access log of who opened a candidate."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hiring.debrief import decisions
from hiring.models import AuditEvent, CandidateAccess, User
from hiring.privacy import erasure, holds
from hiring.privacy.views import ACCESS_LOG_PAGE_SIZE
from scorecards import scoring
from tests.factories import (
    SKILLS,
    TEAM_FIT,
    ApplicationFactory,
    UserFactory,
    assigned,
    field_errors,
    fresh,
    submitted,
)

# The session and user, the candidate, its applications, one count per holding, the access
# log's row, the latest export: a constant, however much is held.
PRIVACY_PAGE_MAX_QUERIES = 34


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, candidate__name="Quinn Rowe")


@pytest.fixture
def candidate(application):
    return application.candidate


def privacy_url(candidate):
    return reverse("candidate_privacy", args=[candidate.pk])


def accesses(candidate):
    return [(a.what, a.user) for a in CandidateAccess.objects.filter(candidate=candidate)]


@pytest.mark.parametrize("role", [User.Role.RECRUITER, User.Role.LEADERSHIP])
def test_recruiters_and_leadership_read_what_is_held(signed_in, candidate, application, role):
    person = UserFactory(role=role)
    response = signed_in(person).get(privacy_url(candidate))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quinn Rowe" in page
    assert application.opening.title in page
    assert "Interviewers&#x27; scorecards about them" in page
    assert accesses(candidate) == [(CandidateAccess.What.PRIVACY, person)]


def counted(client, candidate, about):
    """The page's count of the holding described as `about`."""
    page = client.get(privacy_url(candidate)).content.decode()
    return int(re.search(rf"<tr><td>{re.escape(about)}</td><td>(\d+)</td></tr>", page).group(1))


REVISIONS = "Each submitted scorecard: vote, key takeaways"
DECISIONS = "The team&#x27;s decision on each application"


def test_the_counts_tell_nobody_what_their_copy_leaves_out(
    signed_in, candidate, application, member, teammate, peer, recruiter
):
    """Counted as the reader's copy holds them: a draft begun, or a decision waiting for a
    second member's confirmation (which says the team departed from its rule's
    recommendation), moves no count for a recruiter, who reads neither."""
    client = signed_in(recruiter)
    draft = assigned(application, peer, TEAM_FIT)
    ratings = {c.pk: {"score": 1} for c in draft.criteria.all()}
    scoring.save_draft(draft, peer, ratings=ratings, takeaways="Unsure", vote="no")
    assert counted(client, candidate, REVISIONS) == 0

    decisions.excuse(draft, member, "Away")
    submitted(application, member, SKILLS, "no", score=2)
    submitted(application, teammate, TEAM_FIT, "no", score=2)
    decision = decisions.record_decision(fresh(application), member, "hire", rationale="Seen more")
    assert not decision.is_effective
    assert counted(client, candidate, DECISIONS) == 0

    decisions.confirm_decision(decision, teammate)
    assert counted(client, candidate, DECISIONS) == 1


def test_members_admins_and_strangers_get_404(signed_in, candidate, member, org_admin, outsider):
    for person in (member, org_admin, outsider):
        assert signed_in(person).get(privacy_url(candidate)).status_code == 404
    assert accesses(candidate) == []


def test_the_page_runs_a_bounded_number_of_queries(
    signed_in, recruiter, candidate, team, django_assert_max_num_queries
):
    for _ in range(3):
        ApplicationFactory(candidate=candidate, opening__team=team)
    client = signed_in(recruiter)
    with django_assert_max_num_queries(PRIVACY_PAGE_MAX_QUERIES):
        assert client.get(privacy_url(candidate)).status_code == 200


def test_opening_an_application_or_its_resume_is_logged(signed_in, member, application):
    candidate = application.candidate
    candidate.resume = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv")
    candidate.save()
    client = signed_in(member)
    assert client.get(application.get_absolute_url()).status_code == 200
    assert client.get(reverse("application_resume", args=[application.pk])).status_code == 200
    # Cached or not, each opening is logged.
    assert client.get(application.get_absolute_url()).status_code == 200
    assert (
        accesses(candidate)
        == [
            (CandidateAccess.What.APPLICATION, member),
            (CandidateAccess.What.RESUME, member),
            (CandidateAccess.What.APPLICATION, member),
        ][::-1]
    )


def test_the_access_log_is_append_only(recruiter, candidate):
    access = CandidateAccess.record(CandidateAccess.What.PRIVACY, recruiter, candidate)
    with pytest.raises(TypeError):
        access.save()
    with pytest.raises(TypeError):
        access.delete()
    with pytest.raises(TypeError):
        CandidateAccess.objects.filter(candidate=candidate).update(user=None)
    with pytest.raises(TypeError):
        CandidateAccess.objects.filter(candidate=candidate).delete()
    assert CandidateAccess.objects.count() == 1


def test_the_organisation_admin_reads_the_access_log(signed_in, org_admin, recruiter, team):
    quinn = ApplicationFactory(opening__team=team, candidate__name="Quinn Rowe").candidate
    other = ApplicationFactory(opening__team=team, candidate__name="Ola Berg").candidate
    CandidateAccess.record(CandidateAccess.What.PRIVACY, recruiter, quinn)
    CandidateAccess.record(CandidateAccess.What.EXPORT, None, other)
    client = signed_in(org_admin)
    page = client.get(reverse("access_log")).content.decode()
    assert "Quinn Rowe" in page
    assert "Ola Berg" in page
    assert "The candidate" in page
    filtered = client.get(reverse("access_log"), {"candidate": quinn.pk}).content.decode()
    assert "Quinn Rowe" in filtered
    assert "Ola Berg" not in filtered


def test_the_access_logs_pages_keep_its_filter(signed_in, org_admin, recruiter, team):
    quinn = ApplicationFactory(opening__team=team, candidate__name="Quinn Rowe").candidate
    for _ in range(ACCESS_LOG_PAGE_SIZE + 1):
        CandidateAccess.record(CandidateAccess.What.PRIVACY, recruiter, quinn)
    client = signed_in(org_admin)

    first = client.get(reverse("access_log"), {"candidate": quinn.pk}).content.decode()

    assert "Page 1 of 2" in first
    assert f'href="?candidate={quinn.pk}&amp;page=2">Older</a>' in first


@pytest.mark.parametrize("fixture", ["member", "recruiter", "leadership"])
def test_only_the_organisation_admin_reads_the_access_log(signed_in, request, fixture):
    person = request.getfixturevalue(fixture)
    assert signed_in(person).get(reverse("access_log")).status_code == 404


def test_a_hold_needs_a_reason_beside_its_field(signed_in, recruiter, candidate):
    response = signed_in(recruiter).post(
        reverse("candidate_hold", args=[candidate.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in field_errors(response.content.decode(), "reason")
    candidate.refresh_from_db()
    assert candidate.held_at is None


def test_a_recruiter_puts_a_candidate_on_hold_and_releases_them(signed_in, recruiter, candidate):
    client = signed_in(recruiter)
    reason = "Tribunal claim 2026/114"
    response = client.post(reverse("candidate_hold", args=[candidate.pk]), {"reason": reason})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.held_at
    assert candidate.held_by == recruiter
    assert candidate.hold_reason == reason
    assert reason in client.get(privacy_url(candidate)).content.decode()

    again = client.post(reverse("candidate_hold", args=[candidate.pk]), {"reason": "Twice"})
    assert again.status_code == 409

    client.post(reverse("candidate_release", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert (candidate.held_at, candidate.held_by, candidate.hold_reason) == (None, None, "")
    holds = AuditEvent.objects.filter(action=AuditEvent.Action.LEGAL_HOLD).order_by("at", "pk")
    # The audit says what happened, not the reason (which may name people).
    assert [event.details for event in holds] == [
        f"Candidate record #{candidate.pk} held",
        f"Candidate record #{candidate.pk} released",
    ]


def test_a_hold_sent_twice_holds_once_and_answers_alike(signed_in, recruiter, candidate):
    client = signed_in(recruiter)
    url = reverse("candidate_hold", args=[candidate.pk])

    first = client.post(url, {"reason": "Tribunal claim 2026/114"})
    second = client.post(url, {"reason": "Tribunal claim 2026/114"})

    assert second.status_code == first.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LEGAL_HOLD).count() == 1


def test_a_release_sent_twice_releases_once_and_says_it_was_done(signed_in, recruiter, candidate):
    """As reported: the second click (a double click, a second tab) showed an error."""
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    client = signed_in(recruiter)
    page = client.get(privacy_url(candidate)).text
    held_since = re.search(r'name="held_since" value="([^"]+)"', page).group(1)
    url = reverse("candidate_release", args=[candidate.pk])

    first = client.post(url, {"held_since": held_since}, follow=True)
    second = client.post(url, {"held_since": held_since}, follow=True)

    assert "Hold released." in first.text
    assert "The hold was already released." in second.text
    assert "not on hold" not in second.text
    candidate.refresh_from_db()
    assert candidate.held_at is None
    released = AuditEvent.objects.filter(details__endswith="released")
    assert released.count() == 1


def test_a_release_from_a_page_read_before_a_new_hold_keeps_the_new_one(
    signed_in, recruiter, leadership, candidate
):
    holds.put_on_hold(candidate, recruiter, "Claim 114")
    client = signed_in(recruiter)
    page = client.get(privacy_url(candidate)).text
    held_since = re.search(r'name="held_since" value="([^"]+)"', page).group(1)
    holds.release(candidate, leadership)
    holds.put_on_hold(candidate, leadership, "Claim 115")

    response = client.post(
        reverse("candidate_release", args=[candidate.pk]), {"held_since": held_since}, follow=True
    )

    assert "put on hold again since you opened the page" in response.text
    candidate.refresh_from_db()
    assert candidate.hold_reason == "Claim 115"


def test_members_cannot_hold(signed_in, member, candidate):
    url = reverse("candidate_hold", args=[candidate.pk])
    assert signed_in(member).post(url, {"reason": "Mine"}).status_code == 404
    candidate.refresh_from_db()
    assert candidate.held_at is None


@pytest.mark.parametrize(
    ("since", "said"),
    [
        ("held", "This candidate is already on hold."),
        ("erased", "This candidate&#x27;s data was erased: there is nothing to hold."),
    ],
)
def test_a_hold_from_a_page_read_before_says_why_it_was_refused(
    signed_in, recruiter, leadership, candidate, since, said
):
    """Another recruiter held or erased the candidate since this page was read: its form is
    gone from the page that answers, and what it says is not."""
    if since == "held":
        holds.put_on_hold(candidate, leadership, "Claim 114")
    else:
        erasure.erase(candidate, by=leadership)

    response = signed_in(recruiter).post(
        reverse("candidate_hold", args=[candidate.pk]), {"reason": "Inquiry 7"}
    )

    assert response.status_code == 409
    assert said in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.hold_reason != "Inquiry 7"


@pytest.mark.parametrize("typed", ["²", "99999999999999999999999", "0", "abc"])
def test_a_filter_that_is_no_record_number_is_told_beside_its_field(signed_in, org_admin, typed):
    response = signed_in(org_admin).get(reverse("access_log"), {"candidate": typed})

    assert response.status_code == 400
    errors = field_errors(response.content.decode(), "candidate")
    assert "Type a candidate record&#x27;s number, such as 42." in errors
