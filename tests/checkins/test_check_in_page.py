from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hiring.models import AuditEvent, Invitation, Membership
from scorecards.models import CheckInReview
from tests.checkins.helpers import first, hired, review
from tests.factories import HTMX, UserFactory


@pytest.fixture
def check_in(team, member):
    return first(hired(team, member, days_ago=90, email="hire@example.com"))


def url(check_in, name="check_in_detail"):
    return reverse(name, args=[check_in.pk])


def post_all(check_in, score="3", would="yes", notes="", **extra):
    data = {f"score_{c.pk}": score for c in check_in.version.criteria.all()}
    shown = {"draft_version": "0"}  # as a page shows it before its rater saved anything
    return {**data, "would_hire_again": would, "notes": notes, **shown, **extra}


def test_a_rater_sees_each_criterion_with_its_anchors(check_in, member, signed_in):
    criterion = check_in.version.criteria.first()

    text = signed_in(member).get(url(check_in)).content.decode()

    assert criterion.name in text
    assert criterion.anchor_4 in text
    assert 'value="none"' in text
    assert 'name="would_hire_again"' in text


@pytest.mark.parametrize("persona", ["recruiter", "outsider", "org_admin"])
def test_those_outside_the_team_get_404(request, check_in, signed_in, persona):
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(url(check_in)).status_code == 404
    assert client.post(url(check_in, "check_in_submit"), post_all(check_in)).status_code == 404


def test_the_hire_gets_404_once_a_member(check_in, team, signed_in):
    hire = UserFactory(email="Hire@Example.com")
    team.memberships.create(user=hire)

    assert signed_in(hire).get(url(check_in)).status_code == 404


def test_the_hire_gets_404_under_another_address_they_were_invited_at(check_in, team, signed_in):
    hire = UserFactory(email="private@example.org")
    Invitation.objects.create(
        email="hire@example.com", team=team, invited_by=team.members.first(), accepted_by=hire
    )
    team.memberships.create(user=hire)

    assert signed_in(hire).get(url(check_in)).status_code == 404


def test_leadership_reads_the_results(check_in, teammate, leadership, signed_in):
    review(check_in, teammate, notes="BEN-NOTES")

    text = signed_in(leadership).get(url(check_in)).content.decode()

    assert "BEN-NOTES" in text


def test_nobody_reads_the_others_before_submitting(check_in, member, teammate, signed_in):
    review(check_in, teammate, notes="BEN-NOTES")
    review(check_in, member, notes="ANA-DRAFT", submit=False)
    client = signed_in(member)

    for headers in ({}, HTMX):
        text = client.get(url(check_in), **headers).content.decode()
        assert "BEN-NOTES" not in text
        assert "Submit your own review to read the team's" in text


def test_after_submitting_a_rater_reads_the_others_submitted_never_a_draft(
    peer, check_in, member, teammate, signed_in
):
    review(check_in, teammate, score=4, notes="BEN-NOTES")
    review(check_in, peer, notes="CAI-DRAFT", submit=False)
    client = signed_in(member)

    response = client.post(url(check_in, "check_in_submit"), post_all(check_in, notes="ANA"))

    assert response.status_code == 302
    text = client.get(url(check_in)).content.decode()
    assert "BEN-NOTES" in text
    assert "ANA" in text
    assert "CAI-DRAFT" not in text
    assert "Not submitted yet:" in text
    assert "Cai Peer" in text


def test_a_draft_is_saved_and_comes_back(check_in, member, signed_in):
    client = signed_in(member)

    response = client.post(
        url(check_in, "check_in_draft"), {"notes": "So far", "draft_version": "0"}, **HTMX
    )

    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    assert "So far" in client.get(url(check_in)).content.decode()
    assert CheckInReview.objects.get(rater=member).submitted_at is None


def test_a_draft_refused_without_javascript_says_why_once_beside_the_field(
    check_in, member, signed_in
):
    criterion = check_in.version.criteria.first()
    data = {f"score_{criterion.pk}": "9", "notes": "Kept", "draft_version": "0"}

    response = signed_in(member).post(url(check_in, "check_in_draft"), data)

    assert response.status_code == 400
    text = response.content.decode()
    assert text.count("Select a valid choice. 9 is not one of the available choices.") == 1
    assert f'id="rate-{criterion.pk}"' in text.split("Select a valid choice")[0]
    assert "Kept" in text
    assert not CheckInReview.objects.exists()


def test_submitting_needs_every_criterion_and_the_vote(check_in, member, signed_in):
    criterion = check_in.version.criteria.first()
    data = post_all(check_in, would="")
    del data[f"score_{criterion.pk}"]

    response = signed_in(member).post(url(check_in, "check_in_submit"), data)

    assert response.status_code == 400
    text = response.content.decode()
    assert "Rate this criterion or mark no evidence." in text
    assert "Say whether you would hire them again." in text
    assert not CheckInReview.objects.exclude(submitted_at=None).exists()


def test_no_evidence_counts_as_rated(check_in, member, signed_in):
    response = signed_in(member).post(
        url(check_in, "check_in_submit"), post_all(check_in, score="none")
    )

    assert response.status_code == 302
    assert all(r.no_evidence for r in CheckInReview.objects.get(rater=member).ratings.all())


def test_a_review_is_submitted_once_and_audited_without_scores(check_in, member, signed_in):
    client = signed_in(member)
    client.post(url(check_in, "check_in_submit"), post_all(check_in, notes="SECRET"))

    again = client.post(url(check_in, "check_in_submit"), post_all(check_in, score="1"))

    assert again.status_code == 400
    assert "You already submitted this check-in." in again.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHECK_IN_SUBMITTED)
    assert event.actor == member
    assert event.details == "Day 90"


def test_a_member_who_joined_after_it_fell_due_does_not_rate(check_in, team, signed_in):
    newcomer = UserFactory(display_name="New Comer")
    team.memberships.create(user=newcomer)

    response = signed_in(newcomer).post(url(check_in, "check_in_submit"), post_all(check_in))

    assert response.status_code == 400
    assert "You are not one of this check-in&#x27;s raters." in response.content.decode()


def test_a_closed_check_in_takes_nothing_and_shows_who_is_missing(
    team, member, teammate, signed_in
):
    check_in = first(hired(team, member, days_ago=90))
    review(check_in, teammate, notes="BEN-NOTES")
    check_in.closes_at = timezone.now() - timedelta(minutes=1)
    check_in.save()
    client = signed_in(member)

    response = client.post(url(check_in, "check_in_submit"), post_all(check_in))

    assert response.status_code == 400
    assert "This check-in has closed" in response.content.decode()
    text = client.get(url(check_in)).content.decode()
    assert "Missing:" in text
    assert "Ana Member" in text
    assert "BEN-NOTES" in text


def test_a_member_whose_account_was_deactivated_is_no_rater_nor_missing(
    check_in, member, teammate, signed_in
):
    teammate.is_active = False  # left the organisation: can no longer sign in
    teammate.save(update_fields=["is_active"])
    review(check_in, member)
    check_in.closes_at = timezone.now() - timedelta(minutes=1)
    check_in.save()

    text = signed_in(member).get(url(check_in)).content.decode()

    assert "Missing:" not in text
    assert "Ben Teammate" not in text


def test_not_yet_due_takes_nothing(team, member, signed_in):
    check_in = first(hired(team, member))

    response = signed_in(member).post(url(check_in, "check_in_submit"), post_all(check_in))

    assert response.status_code == 400
    assert "This check-in is not due yet." in response.content.decode()


def test_the_page_runs_a_bounded_number_of_queries(
    check_in, member, team, signed_in, django_assert_max_num_queries
):
    for n in range(8):
        person = UserFactory()
        Membership.objects.create(team=team, user=person, joined_at=check_in.due_at)
        review(check_in, person, notes=f"N{n}")
    review(check_in, member)
    client = signed_in(member)

    with django_assert_max_num_queries(16):
        response = client.get(url(check_in))

    assert "N7" in response.content.decode()
