"""Feedback pages through the client: the form, drafts, submission, amendments, independence.

Independence (SPEC principle 2) is the heart: until an interviewer has submitted, no page,
partial or admin screen shows them anything of the others' ratings, notes or votes.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hiring.models import Application, Candidate, Membership, StageChange
from scorecards import scoring
from scorecards.editing import add_criterion
from scorecards.models import Category, Feedback, FeedbackRevision, Rating
from tests.factories import ApplicationFactory, CandidateFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
SKILLS = Category.SKILLS
ZEBRA = "ZEBRA-NOTE"
# Measured with 2 criteria and 2 interviewers (12 and 9 queries, and the database cache's read
# and write), plus a small margin; each bound must hold however many criteria and interviewers
# there are. Cached, the application page needs the session, the user, the application and the
# cache read; the feedback form the session, the user, the feedback, its latest revision and
# the cache read.
APPLICATION_PAGE_MAX_QUERIES = 22
APPLICATION_PAGE_CACHED_QUERIES = 4
FEEDBACK_FORM_MAX_QUERIES = 15
FEEDBACK_FORM_CACHED_QUERIES = 5


def field_error(name, message):
    return f'<ul class="errorlist" id="id_{name}_error"><li>{message}</li></ul>'


def checked(criterion, value):
    """The radio button of `criterion` with `value`, checked, as the form renders it."""
    return re.compile(rf'name="score_{criterion.pk}" value="{value}" checked')


def row_of(text, name):
    """The panel table's row for an interviewer."""
    (row,) = [row for row in re.findall(r"<tr>(.*?)</tr>", text, re.DOTALL) if name in row]
    return row


def skill_fields(name):
    return {
        "name": name,
        "category": SKILLS,
        "description": f"{name}, measured.",
        "anchor_1": f"{name}: level one",
        "anchor_2": f"{name}: level two",
        "anchor_3": f"{name}: level three",
        "anchor_4": f"{name}: level four",
        "weight": 1,
    }


def submit(item, author, score=3, notes="Solid", vote="yes", takeaways=""):
    ratings = {c.pk: {"score": score, "notes": notes} for c in item.criteria.all()}
    scoring.save_draft(item, author, ratings=ratings, vote=vote, takeaways=takeaways)
    revision = scoring.submit(item, author, revision_number=1)
    item.refresh_from_db()
    return revision


def complete_post(item, score="3", notes="Solid", vote="yes", revision="1", **extra):
    data = {"revision": revision, "vote": vote, "takeaways": "Would hire", **extra}
    for criterion in item.criteria.all():
        data[f"score_{criterion.pk}"] = score
        data[f"notes_{criterion.pk}"] = notes
    return data


def feedback_state():
    return (
        sorted(
            FeedbackRevision.objects.values_list(
                "pk", "feedback_id", "number", "takeaways", "vote", "amend_reason", "submitted_at"
            )
        ),
        sorted(Rating.objects.values_list("pk", "revision_id", "criterion_id", "score", "notes")),
        sorted(Feedback.objects.values_list("pk", "interviewer_id", "focus", "submitted_at")),
    )


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team,
        opening__title="Backend engineer",
        candidate__name="Dana Candidate",
        candidate__email="dana@candidates.example",
    )


@pytest.fixture
def mine(application, member):
    """The member's skills feedback."""
    return scoring.assign(application, member, SKILLS, assigned_by=member)


@pytest.fixture
def theirs(application, teammate, member):
    """The teammate's skills feedback on the same application."""
    return scoring.assign(application, teammate, SKILLS, assigned_by=member)


@pytest.fixture
def teammate_submitted(theirs, teammate):
    submit(theirs, teammate, score=4, notes=ZEBRA, vote="strong_yes", takeaways="ZEBRA-TAKEAWAY")
    return theirs


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def assert_no_trace_of_feedback(text):
    """Nothing of anyone's submitted ratings, notes, votes or the figures over them."""
    assert ZEBRA not in text
    assert "ZEBRA-TAKEAWAY" not in text
    assert "Strong yes" not in text
    assert 'class="vote ' not in text
    assert 'class="figure"' not in text
    assert "of 4" not in text


# The feedback form.


def test_feedback_form_shows_only_the_focus_criteria_with_anchors_and_candidate(
    client, member, mine
):
    client.force_login(member)

    response = client.get(mine.get_absolute_url())

    assert response.status_code == 200
    assert "Problem solving" in response.text
    assert "Reached a sound approach alone, handled the main edge cases." in response.text
    assert "Compared approaches, chose well and explained the trade-offs unprompted." in (
        response.text
    )
    assert "Walk me through a hard bug you fixed recently." in response.text
    assert "dana@candidates.example" in response.text
    assert "Collaboration" not in response.text
    assert "Seeks feedback, credits others" not in response.text


@pytest.mark.parametrize("persona", ["teammate", "recruiter", "leadership", "outsider"])
def test_other_people_get_404_on_someone_elses_feedback(client, request, member, mine, persona):
    (criterion,) = mine.criteria.all()
    scoring.save_draft(mine, member, ratings={criterion.pk: {"score": 2, "notes": "MY-DRAFT-NOTE"}})
    before = feedback_state()
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get(reverse("feedback_form", args=[mine.pk])),
        client.post(reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "4"}),
        client.post(
            reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "4"}, **HTMX
        ),
        client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine)),
        client.post(reverse("feedback_amend", args=[mine.pk])),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert not any("MY-DRAFT-NOTE" in r.text for r in responses)
    assert feedback_state() == before


# Drafts.


def test_autosave_of_one_field_returns_the_draft_status_and_survives_a_reload(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "3"}, **HTMX
    )

    assert response.status_code == 200
    assert "Draft saved" in response.text
    assert "<html" not in response.text
    reloaded = client.get(mine.get_absolute_url())
    assert checked(criterion, 3).search(reloaded.text)


def test_autosave_of_notes_keeps_the_score_saved_from_another_tab(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)
    url = reverse("feedback_draft", args=[mine.pk])

    client.post(url, {f"score_{criterion.pk}": "3"}, **HTMX)
    client.post(url, {f"notes_{criterion.pk}": "Methodical"}, **HTMX)
    client.post(url, {"vote": "no"}, **HTMX)

    rating = Rating.objects.get(revision__feedback=mine)
    assert (rating.score, rating.notes, rating.revision.vote) == (3, "Methodical", "no")
    reloaded = client.get(mine.get_absolute_url())
    assert checked(criterion, 3).search(reloaded.text)
    assert "Methodical</textarea>" in reloaded.text


def test_autosave_of_no_evidence(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    client.post(
        reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "none"}, **HTMX
    )

    rating = Rating.objects.get(revision__feedback=mine)
    assert (rating.score, rating.no_evidence) == (None, True)
    assert checked(criterion, "none").search(client.get(mine.get_absolute_url()).text)


def test_save_draft_button_redirects_back_to_the_form(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {
            f"score_{criterion.pk}": "2",
            f"notes_{criterion.pk}": "Needed hints",
            "takeaways": "Promising",
            "vote": "no",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    rating = Rating.objects.get(revision__feedback=mine)
    assert (rating.score, rating.notes) == (2, "Needed hints")
    assert (rating.revision.takeaways, rating.revision.vote) == ("Promising", "no")
    assert not rating.revision.submitted_at


@pytest.mark.parametrize("value", ["7", "0", "three"])
def test_bad_score_is_refused_beside_the_field_and_nothing_stored(client, member, mine, value):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]),
        {f"score_{criterion.pk}": value, "takeaways": "Should not be kept"},
    )

    assert response.status_code == 400
    message = f"Select a valid choice. {value} is not one of the available choices."
    assert field_error(f"score_{criterion.pk}", message) in response.text
    assert not FeedbackRevision.objects.exists()


def test_bad_score_by_autosave_says_it_was_not_saved(client, member, mine):
    (criterion,) = mine.criteria.all()
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "9"}, **HTMX
    )

    assert response.status_code == 400
    assert "Not saved" in response.text
    assert "9 is not one of the available choices" in response.text
    assert "<html" not in response.text
    assert not FeedbackRevision.objects.exists()


def test_a_criterion_of_another_scorecard_is_refused(client, member, mine, team):
    foreign = ApplicationFactory(opening__team=team).opening.scorecard.current_version()
    foreign_criterion = foreign.criteria.get(category=SKILLS)
    client.force_login(member)

    response = client.post(
        reverse("feedback_draft", args=[mine.pk]), {f"score_{foreign_criterion.pk}": "3"}
    )

    assert response.status_code == 400
    assert "That criterion is not part of this scorecard." in response.text
    assert not FeedbackRevision.objects.exists()


# Submitting.


def test_incomplete_submit_shows_errors_beside_the_fields_and_keeps_the_draft(
    client, member, application
):
    add_criterion(application.opening.scorecard, skill_fields("Testing"))
    item = scoring.assign(application, member, SKILLS, assigned_by=member)
    a, b = item.criteria.order_by("position")
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[item.pk]),
        {
            "revision": "1",
            f"score_{a.pk}": "3",
            f"notes_{a.pk}": "Typed for A",
            f"notes_{b.pk}": "Typed for B",
            "takeaways": "Typed takeaways",
        },
    )

    assert response.status_code == 400
    assert field_error(f"score_{b.pk}", "Rate this criterion or mark no evidence.") in (
        response.text
    )
    assert field_error("vote", "Choose your overall vote.") in response.text
    assert f'id="id_score_{a.pk}_error"' not in response.text
    assert checked(a, 3).search(response.text)
    assert "Typed for B</textarea>" in response.text
    draft = scoring.current_draft(item.revisions)
    assert draft.takeaways == "Typed takeaways"
    assert {r.criterion_id: (r.score, r.notes) for r in draft.ratings.all()} == {
        a.pk: (3, "Typed for A"),
        b.pk: (None, "Typed for B"),
    }
    item.refresh_from_db()
    assert not item.is_submitted


def test_complete_submit_redirects_to_the_application(client, member, mine, application):
    client.force_login(member)

    response = client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))

    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    mine.refresh_from_db()
    assert mine.is_submitted
    (revision,) = mine.revisions.all()
    assert (revision.number, revision.vote, revision.takeaways) == (1, "yes", "Would hire")
    assert not revision.is_draft


def test_submitting_the_same_page_again_is_refused_with_a_clear_message(client, member, mine):
    client.force_login(member)
    url = reverse("feedback_submit", args=[mine.pk])
    client.post(url, complete_post(mine, score="3", notes="First"))
    before = feedback_state()

    response = client.post(url, complete_post(mine, score="1", notes="Second tab"))

    assert response.status_code == 400
    assert "already submitted" in response.text or "This feedback is submitted" in response.text
    assert feedback_state() == before
    assert mine.revisions.exclude(submitted_at=None).count() == 1


def test_a_stale_tab_cannot_submit_over_an_amendment_in_progress(client, member, mine):
    submit(mine, member, score=3, notes="First")
    scoring.start_amendment(mine, member)
    before = feedback_state()
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(mine, score="1", notes="From the stale tab", revision="1"),
    )

    assert response.status_code == 400
    assert "changed in another tab" in response.text
    assert feedback_state() == before


def test_submit_after_the_application_is_decided_is_refused(client, member, mine, application):
    application.move_to(Application.Stage.DECIDED, by=member)
    client.force_login(member)

    response = client.post(reverse("feedback_submit", args=[mine.pk]), complete_post(mine))

    assert response.status_code == 400
    assert "The application is closed" in response.text
    assert not FeedbackRevision.objects.exists()


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
        reverse("feedback_draft", args=[mine.pk]), {f"score_{criterion.pk}": "2"}, **HTMX
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
    submit(mine, member)
    scoring.assign(application, member, Category.TEAM_FIT, assigned_by=member)
    client.force_login(member)

    response = client.get(application.get_absolute_url())

    assert_no_trace_of_feedback(response.text)


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
    client, teammate_submitted, org_admin
):
    client.force_login(org_admin)
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


# Amending.


def test_amend_starts_revision_2_prefilled(client, member, mine):
    (criterion,) = mine.criteria.all()
    submit(mine, member, score=3, notes="First view", vote="yes")
    client.force_login(member)

    response = client.post(reverse("feedback_amend", args=[mine.pk]))

    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    amendment = scoring.current_draft(mine.revisions)
    assert amendment.number == 2
    form = client.get(mine.get_absolute_url())
    assert "You are amending submitted feedback." in form.text
    assert '<input type="hidden" name="revision" value="2">' in form.text
    assert checked(criterion, 3).search(form.text)
    assert "First view</textarea>" in form.text
    assert 'name="amend_reason"' in form.text


def test_amendment_without_a_reason_is_refused_beside_the_field(client, member, mine):
    first = submit(mine, member, score=3, notes="First view")
    scoring.start_amendment(mine, member)
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(mine, score="2", notes="Second view", revision="2", amend_reason=" "),
    )

    assert response.status_code == 400
    assert field_error("amend_reason", "Say why you are amending your feedback.") in response.text
    assert scoring.current_draft(mine.revisions).number == 2
    first.refresh_from_db()
    assert [(r.score, r.notes) for r in first.ratings.all()] == [(3, "First view")]
    assert mine.revisions.exclude(submitted_at=None).count() == 1


def test_amendment_with_a_reason_is_submitted_and_the_history_shows_both(
    client, member, mine, application, leadership, recruiter
):
    submit(mine, member, score=3, notes="First view")
    scoring.start_amendment(mine, member)
    client.force_login(member)

    response = client.post(
        reverse("feedback_submit", args=[mine.pk]),
        complete_post(
            mine, score="2", notes="Second view", revision="2", amend_reason="Re-read the code"
        ),
    )

    assert response.status_code == 302
    first, second = mine.revisions.order_by("number")
    assert [(r.score, r.notes) for r in first.ratings.all()] == [(3, "First view")]
    assert [(r.score, r.notes) for r in second.ratings.all()] == [(2, "Second view")]
    assert second.amend_reason == "Re-read the code"
    assert not first.is_draft
    assert not second.is_draft
    for reader in (member, leadership):
        client.force_login(reader)
        page = client.get(application.get_absolute_url()).text
        assert "History: 2 revisions" in page
        assert "Revision 1" in page
        assert "Revision 2" in page
        assert "Re-read the code" in page
        assert "First view" in page
        assert "Second view" in page
    client.force_login(recruiter)
    page = client.get(application.get_absolute_url()).text
    assert "Re-read the code" not in page
    assert "First view" not in page


# Query counts stay bounded as criteria and interviewers grow.


def panel_all_submitted(team, member, extra_skills, extra_team_fit, extra_people):
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    for i in range(extra_skills):
        add_criterion(scorecard, skill_fields(f"Skill {i}"))
    for i in range(extra_team_fit):
        add_criterion(scorecard, {**skill_fields(f"Fit {i}"), "category": Category.TEAM_FIT})
    people = [member] + [m for m in team.members.all() if m != member]
    for _ in range(extra_people):
        person = UserFactory()
        Membership.objects.create(team=team, user=person)
        people.append(person)
    feedback = []
    for i, person in enumerate(people):
        focus = [SKILLS, Category.TEAM_FIT][i % 2]
        item = scoring.assign(application, person, focus, assigned_by=member)
        submit(item, person, score=1 + i % 4, notes=f"Notes of {person}")
        feedback.append(item)
    return application, feedback[0]


def main_of(response):
    return response.text.split("<main")[1]


@pytest.mark.parametrize(
    ("extra_skills", "extra_team_fit", "extra_people"),
    [(0, 0, 0), (4, 2, 4)],
    ids=["2 criteria, 2 interviewers", "8 criteria, 6 interviewers"],
)
def test_application_page_and_feedback_form_run_a_bounded_number_of_queries(
    client, member, team, django_assert_max_num_queries, extra_skills, extra_team_fit, extra_people
):
    application, own = panel_all_submitted(team, member, extra_skills, extra_team_fit, extra_people)
    assert application.feedback.count() == 2 + extra_people
    assert own.criteria.count() == 1 + extra_skills
    client.force_login(member)

    with django_assert_max_num_queries(APPLICATION_PAGE_MAX_QUERIES):
        page = client.get(application.get_absolute_url())
    with django_assert_max_num_queries(FEEDBACK_FORM_MAX_QUERIES):
        form = client.get(own.get_absolute_url())
    with django_assert_max_num_queries(APPLICATION_PAGE_CACHED_QUERIES):
        cached = client.get(application.get_absolute_url())
    with django_assert_max_num_queries(FEEDBACK_FORM_CACHED_QUERIES):
        cached_form = client.get(own.get_absolute_url())
    assert main_of(cached_form) == main_of(form)

    assert page.status_code == form.status_code == cached.status_code == 200
    assert page.text.count('class="feedback-card"') == 2 + extra_people
    assert cached.text.count('class="feedback-card"') == 2 + extra_people


# Candidates, résumés and stages on the application page.


def resume(name="cv.pdf", content=b"%PDF-1.4 a short resume", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def candidate_post(**overrides):
    return {"name": "Dana Candidate", "email": "dana@candidates.example", **overrides}


def test_add_candidate_with_a_resume(client, member, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]), candidate_post(resume=resume())
    )

    candidate = Candidate.objects.get(email="dana@candidates.example")
    application = candidate.applications.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.opening == opening
    assert application.stage == Application.Stage.APPLIED
    assert candidate.resume.name.endswith(".pdf")
    assert candidate.resume.read() == b"%PDF-1.4 a short resume"
    assert list(application.stage_changes.values_list("from_stage", "to_stage", "by")) == [
        ("", Application.Stage.APPLIED, member.pk)
    ]


def test_recruiter_adds_a_candidate_too(client, recruiter, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(recruiter)

    response = client.post(reverse("application_create", args=[opening.pk]), candidate_post())

    assert response.status_code == 302
    assert Candidate.objects.filter(email="dana@candidates.example").exists()


def assert_nothing_stored(media):
    assert not Candidate.objects.filter(email="dana@candidates.example").exists()
    assert Application.objects.count() == 1
    assert StageChange.objects.count() == 0
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_executable_resume_is_refused_beside_the_field(client, member, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        candidate_post(resume=resume("cv.exe", b"MZ\x90\x00", "application/octet-stream")),
    )

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "File extension “exe” is not allowed." in response.text
    assert_nothing_stored(media)


def test_an_oversized_resume_is_refused_beside_the_field(client, member, team, media, settings):
    settings.RESUME_MAX_BYTES = 100
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        candidate_post(resume=resume(content=b"%PDF-1.4 " + b"x" * 200)),
    )

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "The résumé is too large" in response.text
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("recruiter", 200), ("leadership", 200), ("outsider", 404)],
)
def test_resume_download(client, request, team, media, persona, status):
    application = ApplicationFactory(
        opening__team=team, candidate=CandidateFactory(resume=resume())
    )
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("application_resume", args=[application.pk]))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 a short resume"
        assert response["Content-Disposition"].startswith("attachment;")


def test_leadership_reads_the_application_but_cannot_change_the_pipeline(
    client, leadership, application, teammate, media
):
    client.force_login(leadership)

    page = client.get(application.get_absolute_url())
    add = client.post(
        reverse("application_create", args=[application.opening_id]), candidate_post()
    )
    move = client.post(reverse("application_stage", args=[application.pk]), {"stage": "screen"})
    assign = client.post(
        reverse("assign_interviewer", args=[application.pk]),
        {"interviewer": teammate.pk, "focus": SKILLS},
    )

    assert page.status_code == 200
    assert "Dana Candidate" in page.text
    assert 'action="/applications/' not in page.text
    assert (add.status_code, move.status_code, assign.status_code) == (404, 404, 404)
    application.refresh_from_db()
    assert application.stage == Application.Stage.APPLIED
    assert Application.objects.count() == 1
    assert not Feedback.objects.exists()
    assert not StageChange.objects.exists()


def test_moving_a_stage_by_hand_records_who_did_it(client, member, application):
    client.force_login(member)

    response = client.post(reverse("application_stage", args=[application.pk]), {"stage": "screen"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Application.Stage.SCREEN
    assert list(application.stage_changes.values_list("from_stage", "to_stage", "by")) == [
        (Application.Stage.APPLIED, Application.Stage.SCREEN, member.pk)
    ]


@pytest.mark.parametrize("stage", ["decided", "hired", "offer"])
def test_moving_to_a_decision_stage_by_hand_is_refused(client, member, application, stage):
    client.force_login(member)

    response = client.post(reverse("application_stage", args=[application.pk]), {"stage": stage})

    assert response.status_code == 400
    assert 'id="id_stage_error"' in response.text
    assert f"{stage} is not one of the available choices" in response.text
    application.refresh_from_db()
    assert application.stage == Application.Stage.APPLIED
    assert not StageChange.objects.exists()
