"""Feedback pages through the client: independence, on the app's pages and in the admin.

Independence (SPEC principle 2) is the heart: until an interviewer has submitted, no page,
partial or admin screen shows them anything of the others' ratings, notes or votes.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiring.models import Membership
from scorecards import scoring
from scorecards.models import Category, Feedback
from tests.factories import (
    HTMX,
    SKILLS,
    UserFactory,
    complete_post,
    feedback_state,
    shown_draft_version,
)
from tests.factories import submit_as as submit

ZEBRA = "ZEBRA-NOTE"


def row_of(text, name):
    """The panel table's row for an interviewer."""
    (row,) = [row for row in re.findall(r"<tr>(.*?)</tr>", text, re.DOTALL) if name in row]
    return row


@pytest.fixture
def theirs(application, teammate, member):
    """The teammate's skills feedback on the same application."""
    return scoring.assign(application, teammate, SKILLS, assigned_by=member)


@pytest.fixture
def teammate_submitted(theirs, teammate):
    submit(theirs, teammate, score=4, notes=ZEBRA, vote="strong_yes", takeaways="ZEBRA-TAKEAWAY")
    return theirs


def assert_no_trace_of_feedback(text):
    """Nothing of anyone's submitted ratings, notes, votes or the figures over them."""
    assert ZEBRA not in text
    assert "ZEBRA-TAKEAWAY" not in text
    assert "Strong yes" not in text
    assert 'class="vote ' not in text
    assert 'class="figure"' not in text
    assert "of 4" not in text


# Independence: nothing of the others' feedback before your own is in.


def test_before_submitting_the_application_page_shows_only_who_has_submitted(
    client, member, mine, teammate_submitted, application
):
    client.force_login(member)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert_no_trace_of_feedback(response.text)
    assert "Submitted" in row_of(response.text, "Ben Teammate")
    assert "Not submitted" in row_of(response.text, "Ana Member")
    assert "Submit your own feedback to read your panel" in response.text


def test_before_submitting_the_htmx_panel_partial_shows_no_feedback(
    client, member, mine, teammate_submitted, application
):
    client.force_login(member)

    response = client.post(
        reverse("assign_interviewer", args=[application.pk]),
        {"interviewer": "", "focus": SKILLS},
        **HTMX,
    )

    assert response.status_code == 400
    assert response.text.lstrip().startswith('<section class="card" id="panel"')
    assert "<html" not in response.text
    assert_no_trace_of_feedback(response.text)
    assert "Submitted" in row_of(response.text, "Ben Teammate")


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("assign_interviewer", {"interviewer": "", "focus": SKILLS}),
        ("application_stage", {"stage": "decided"}),
    ],
)
def test_before_submitting_error_pages_show_no_feedback(
    client, member, mine, teammate_submitted, application, url_name, data
):
    client.force_login(member)

    response = client.post(reverse(url_name, args=[application.pk]), data)

    assert response.status_code == 400
    assert "<html" in response.text
    assert_no_trace_of_feedback(response.text)


def test_before_submitting_your_own_form_shows_no_feedback_of_others(
    client, member, mine, teammate_submitted
):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    form = client.get(mine.get_absolute_url())
    autosave = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {f"score_{criterion.pk}": "2", "draft_version": shown_draft_version(mine)},
        **HTMX,
    )
    saved_form = client.get(mine.get_absolute_url())

    for response in (form, autosave, saved_form):
        assert response.status_code == 200
        assert ZEBRA not in response.text
        assert "ZEBRA-TAKEAWAY" not in response.text
        assert "vote strong_yes" not in response.text
        assert 'class="figure"' not in response.text


def test_before_submitting_the_opening_page_shows_only_counts(
    client, member, mine, teammate_submitted, application
):
    client.force_login(member)

    response = client.get(application.opening.get_absolute_url())

    assert response.status_code == 200
    assert "1/2 feedback" in response.text
    assert_no_trace_of_feedback(response.text)


def test_after_submitting_the_panelist_reads_the_others(
    client, member, mine, teammate_submitted, application
):
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]), complete_post(mine), follow=True
    )

    assert response.redirect_chain == [(application.get_absolute_url(), 302)]
    assert ZEBRA in response.text
    assert "ZEBRA-TAKEAWAY" in response.text
    assert "Strong yes" in response.text
    assert 'class="figure"' in response.text


def test_a_panelist_with_a_second_focus_unsubmitted_still_sees_nothing(
    client, member, mine, teammate_submitted, application
):
    scoring.assign(application, member, Category.TEAM_FIT, assigned_by=member)
    submit(mine, member)
    client.force_login(member)

    response = client.get(application.get_absolute_url())

    assert_no_trace_of_feedback(response.text)


def test_a_panelist_who_read_the_others_is_asked_for_no_further_scorecard(
    client, member, mine, teammate_submitted, application, recruiter
):
    """Their own in, they read the teammate's: a scorecard on another focus written now would
    be anchored by it, hidden from them or not."""
    submit(mine, member)
    client.force_login(recruiter)
    before = feedback_state(), Feedback.all_objects.count()

    response = client.post(
        reverse("assign_interviewer", args=[application.pk]),
        {"interviewer": member.pk, "focus": Category.TEAM_FIT},
    )

    assert response.status_code == 400
    assert "Ana Member may have read the panel&#x27;s feedback already" in response.text
    assert (feedback_state(), Feedback.all_objects.count()) == before


def test_leadership_who_read_the_panel_is_asked_for_no_scorecard(
    team, application, member, teammate_submitted
):
    cto = UserFactory(display_name="Carla CTO", role="leadership")
    Membership.objects.create(team=team, user=cto)

    with pytest.raises(ValidationError, match="Carla CTO may have read the panel's feedback"):
        scoring.assign(application, cto, Category.TEAM_FIT, assigned_by=member)

    assert not Feedback.all_objects.filter(interviewer=cto).exists()


def test_a_panelist_is_asked_for_another_focus_while_nobody_else_submitted(
    member, mine, application
):
    """Their own is the only one in: there was nothing of anyone else's to read."""
    submit(mine, member)

    scoring.assign(application, member, Category.TEAM_FIT, assigned_by=member)

    assert application.feedback.filter(interviewer=member).count() == 2


def test_a_submitted_panelist_never_sees_anothers_draft(
    client, member, mine, teammate, teammate_submitted, application
):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(
        mine, member, ratings={criterion.pk: {"score": 1, "notes": "DRAFT-SECRET"}}, vote="no"
    )
    client.force_login(teammate)

    response = client.get(application.get_absolute_url())

    assert ZEBRA in response.text
    assert "DRAFT-SECRET" not in response.text
    assert "Not submitted" in row_of(response.text, "Ana Member")


def test_a_team_member_off_the_panel_never_sees_feedback(
    client, member, mine, teammate_submitted, application, team
):
    submit(mine, member, notes="MEMBER-NOTE")
    bystander = UserFactory(display_name="Olga Bystander")
    Membership.objects.create(team=team, user=bystander)
    client.force_login(bystander)

    page = client.get(application.get_absolute_url())
    opening = client.get(application.opening.get_absolute_url())

    assert page.status_code == opening.status_code == 200
    for response in (page, opening):
        assert_no_trace_of_feedback(response.text)
        assert "MEMBER-NOTE" not in response.text
    assert "opens to the team at the debrief" in page.text
    assert "Submitted" in row_of(page.text, "Ben Teammate")


def test_recruiter_sees_who_submitted_but_no_ratings_notes_or_votes(
    client, member, mine, teammate_submitted, application, recruiter
):
    submit(mine, member, notes="MEMBER-NOTE", vote="strong_no")
    client.force_login(recruiter)

    page = client.get(application.get_absolute_url())
    partial = client.post(
        reverse("assign_interviewer", args=[application.pk]),
        {"interviewer": "", "focus": SKILLS},
        **HTMX,
    )
    opening = client.get(application.opening.get_absolute_url())

    assert page.status_code == opening.status_code == 200
    assert partial.status_code == 400
    for response in (page, partial, opening):
        assert_no_trace_of_feedback(response.text)
        assert "MEMBER-NOTE" not in response.text
        assert "Strong no" not in response.text
    assert "Submitted" in row_of(page.text, "Ben Teammate")
    assert "Submitted" in row_of(page.text, "Ana Member")
    assert "Submitted" in row_of(partial.text, "Ben Teammate")


def test_leadership_reads_all_submitted_feedback(
    client, member, mine, teammate_submitted, application, leadership
):
    client.force_login(leadership)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert ZEBRA in response.text
    assert "Strong yes" in response.text
    assert 'class="figure"' in response.text


# The leaks found by trying it as users (each closed; tests/test_independence.py walks them all).


def test_leadership_on_a_panel_reads_nothing_before_submitting(
    client, team, application, member, theirs, teammate
):
    """A team may accept the CTO and put him on a panel: independence binds him too."""
    cto = UserFactory(display_name="Carla CTO", role="leadership")
    Membership.objects.create(team=team, user=cto)
    scoring.assign(application, cto, Category.TEAM_FIT, assigned_by=member)
    submit(theirs, teammate, score=4, notes=ZEBRA, vote="strong_yes", takeaways="ZEBRA-TAKEAWAY")
    client.force_login(cto)

    for url in (application.get_absolute_url(), reverse("debrief", args=[application.pk])):
        assert_no_trace_of_feedback(client.get(url).text)


def test_the_debrief_before_it_opens_gives_no_recommendation_or_reason(
    client, application, member, mine, teammate_submitted
):
    client.force_login(member)

    for headers in ({}, HTMX):
        text = client.get(reverse("debrief", args=[application.pk]), **headers).text
        assert "recommends" not in text
        assert "voted" not in text
        assert_no_trace_of_feedback(text)


def test_an_amendment_reason_stays_out_of_the_timeline_until_you_may_read(
    client, application, member, teammate, mine, teammate_submitted
):
    amendment = scoring.start_amendment(teammate_submitted, teammate)
    scoring.submit(
        teammate_submitted, teammate, amendment.number, amend_reason="ZEBRA-AMEND-REASON"
    )
    client.force_login(member)

    assert "ZEBRA-AMEND-REASON" not in client.get(application.get_absolute_url()).text

    submit(mine, member)

    assert "ZEBRA-AMEND-REASON" in client.get(application.get_absolute_url()).text


# Independence in the Django admin.


def admin_urls(revision):
    return [
        reverse("admin:scorecards_feedback_changelist"),
        reverse("admin:scorecards_feedback_change", args=[revision.feedback_id]),
        reverse("admin:scorecards_feedbackrevision_changelist"),
        reverse("admin:scorecards_feedbackrevision_change", args=[revision.pk]),
    ]


def test_staff_without_superuser_gets_no_feedback_in_the_admin(client, teammate_submitted):
    staff = UserFactory()
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    revision = teammate_submitted.revisions.get()

    for url in admin_urls(revision):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert ZEBRA not in response.text

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Feedback revision" not in index.text
    assert ZEBRA not in index.text


def test_superuser_reads_feedback_in_the_admin_but_cannot_change_it(
    client, teammate_submitted, superuser
):
    client.force_login(superuser)
    revision = teammate_submitted.revisions.get()
    before = feedback_state()

    for url in admin_urls(revision):
        assert client.get(url).status_code == 200, url
    change_url = reverse("admin:scorecards_feedbackrevision_change", args=[revision.pk])
    page = client.get(change_url)
    assert ZEBRA in page.text
    assert 'name="_save"' not in page.text

    edit = client.post(
        change_url,
        {"number": "1", "takeaways": "Rewritten", "vote": "no", "amend_reason": "x"},
    )
    delete = client.post(
        reverse("admin:scorecards_feedbackrevision_delete", args=[revision.pk]), {"post": "yes"}
    )
    add = client.post(reverse("admin:scorecards_feedbackrevision_add"), {"number": "9"})

    assert edit.status_code == delete.status_code == add.status_code == 403
    assert feedback_state() == before


def test_superuser_reads_no_draft_in_the_admin(client, theirs, teammate, superuser):
    scoring.save_draft(theirs, teammate, takeaways="ZEBRA-DRAFT")
    draft = theirs.revisions.get()
    client.force_login(superuser)

    change_url = reverse("admin:scorecards_feedbackrevision_change", args=[draft.pk])
    listed = client.get(reverse("admin:scorecards_feedbackrevision_changelist"))
    opened = client.get(change_url)

    assert listed.status_code == 200
    assert change_url not in listed.text
    assert opened.status_code == 302  # the admin's "no such object"
    assert "ZEBRA-DRAFT" not in opened.text
