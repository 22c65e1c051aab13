"""Independent feedback at the domain level: assign, draft, submit once, amend with a reason."""

import pytest
from django.core.exceptions import ValidationError

from hiring.models import Application, FiguresOutdated, PoolMember
from scorecards import scoring
from scorecards.access import reads_panel_feedback
from scorecards.editing import add_criterion
from scorecards.models import Category, Feedback, FeedbackRevision, Rating
from tests.factories import ApplicationFactory, UserFactory, field_error

SKILLS, TEAM_FIT = Category.SKILLS, Category.TEAM_FIT


@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team)


@pytest.fixture
def item(application, member):
    """The member's skills feedback on the application."""
    return scoring.assign(application, member, SKILLS, assigned_by=member)


def add_skill(application, name, by):
    return add_criterion(
        application.opening.scorecard,
        {
            "name": name,
            "category": SKILLS,
            "description": f"{name}, measured.",
            "anchor_1": "one",
            "anchor_2": "two",
            "anchor_3": "three",
            "anchor_4": "four",
            "weight": 1,
        },
        by,
    )


def ratings_of(revision):
    return {
        r.criterion_id: (r.score, r.no_evidence, r.notes)
        for r in Rating.objects.filter(revision=revision)
    }


def everything():
    """All feedback content, to prove a refused change stored nothing."""
    return (
        sorted(
            FeedbackRevision.objects.values_list(
                "pk", "feedback_id", "number", "takeaways", "vote", "amend_reason", "submitted_at"
            )
        ),
        sorted(
            Rating.objects.values_list("pk", "revision_id", "criterion_id", "score", "no_evidence")
        ),
        sorted(Rating.objects.values_list("pk", "notes")),
        sorted(Feedback.objects.values_list("pk", "submitted_at")),
    )


def complete(item, author, score=3, vote="yes", notes="Solid"):
    ratings = {c.pk: {"score": score, "notes": notes} for c in item.criteria.all()}
    return scoring.save_draft(item, author, ratings=ratings, vote=vote)


def submitted_revisions(item):
    return list(item.revisions.exclude(submitted_at=None).order_by("number"))


# Assigning.


def test_assign_gives_the_focus_criteria_of_the_current_version(application, member, item):
    assert item.focus == SKILLS
    assert item.version == application.opening.scorecard.current_version()
    assert [c.name for c in item.criteria.all()] == ["Problem solving"]
    assert not item.is_submitted


def test_assign_refuses_an_interviewer_outside_the_team(application, member, outsider):
    with pytest.raises(ValidationError, match="not a member of Platform"):
        scoring.assign(application, outsider, SKILLS, assigned_by=member)

    assert not Feedback.objects.exists()


def test_assign_refuses_a_duplicate(application, member, item):
    with pytest.raises(ValidationError, match="already scoring"):
        scoring.assign(application, member, SKILLS, assigned_by=member)

    assert Feedback.objects.count() == 1


def test_assign_each_gives_everyone_their_own_scorecard_and_tells_the_pages(
    application, member, teammate
):
    team = application.opening.team
    application.refresh_from_db()
    team.refresh_from_db()
    versions = (application.page_version, team.data_version)
    FiguresOutdated.objects.all().delete()

    made = scoring.assign_each(
        application,
        [
            (member, SKILLS, None, False),
            (teammate, SKILLS, None, True),
            (member, TEAM_FIT, None, False),
        ],
        member,
    )

    assert {(f.interviewer, f.focus, f.practice) for f in made} == {
        (member, SKILLS, False),
        (teammate, SKILLS, True),
        (member, TEAM_FIT, False),
    }
    for feedback in Feedback.all_objects.filter(application=application):
        criteria = [c.name for c in feedback.criteria.all()]
        assert criteria == (["Problem solving"] if feedback.focus == SKILLS else ["Collaboration"])
    application.refresh_from_db()
    team.refresh_from_db()
    assert (application.page_version, team.data_version) == (versions[0] + 1, versions[1] + 1)
    assert FiguresOutdated.objects.filter(team=team).exists()  # the counting one's figures


def test_assign_each_assigns_nobody_when_one_cannot_score(application, member, teammate, outsider):
    with pytest.raises(ValidationError, match="not a member of Platform"):
        scoring.assign_each(
            application, [(member, SKILLS, None, False), (outsider, SKILLS, None, False)], member
        )
    scoring.assign(application, member, SKILLS, assigned_by=member)
    with pytest.raises(ValidationError, match="already scoring"):
        scoring.assign_each(
            application, [(teammate, TEAM_FIT, None, False), (member, SKILLS, None, False)], member
        )

    assert list(Feedback.all_objects.values_list("interviewer", flat=True)) == [member.pk]


def test_the_same_interviewer_may_cover_both_focuses(application, member, item):
    team_fit = scoring.assign(application, member, Category.TEAM_FIT, member)

    assert [c.name for c in team_fit.criteria.all()] == ["Collaboration"]


def test_assign_refuses_a_closed_application(application, member):
    application.move_to(Application.Stage.DECIDED, by=member)

    with pytest.raises(ValidationError, match="closed"):
        scoring.assign(application, member, SKILLS, assigned_by=member)

    assert not Feedback.objects.exists()


# Drafts.


def test_save_draft_keeps_an_earlier_score_when_only_notes_are_saved(item, member):
    (a,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={a.pk: {"score": 3}})

    draft = scoring.save_draft(item, member, ratings={a.pk: {"notes": "Methodical"}})

    assert ratings_of(draft) == {a.pk: (3, False, "Methodical")}


def test_save_draft_of_one_criterion_leaves_another_alone(application, member):
    b = add_skill(application, "Testing", member)
    item = scoring.assign(application, member, SKILLS, assigned_by=member)
    a = item.criteria.get(name="Problem solving")
    scoring.save_draft(item, member, ratings={a.pk: {"score": 4, "notes": "Great"}})

    draft = scoring.save_draft(item, member, ratings={b.pk: {"score": 1}})

    assert ratings_of(draft) == {a.pk: (4, False, "Great"), b.pk: (1, False, "")}


def test_two_tabs_saving_different_fields_lose_nothing(item, member):
    (a,) = item.criteria.all()
    # Each tab holds its own stale copy of the feedback and saves one field.
    tab_one, tab_two = Feedback.objects.get(pk=item.pk), Feedback.objects.get(pk=item.pk)

    scoring.save_draft(tab_one, member, ratings={a.pk: {"score": 2}})
    scoring.save_draft(tab_two, member, takeaways="Strong debugging")
    draft = scoring.save_draft(tab_one, member, vote="no")

    assert (draft.takeaways, draft.vote) == ("Strong debugging", "no")
    assert ratings_of(draft) == {a.pk: (2, False, "")}
    assert item.revisions.count() == 1


def test_no_evidence_is_stored_as_a_flag_without_a_score(item, member):
    (a,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={a.pk: {"score": 3}})

    draft = scoring.save_draft(item, member, ratings={a.pk: {"no_evidence": True}})

    assert ratings_of(draft) == {a.pk: (None, True, "")}

    draft = scoring.save_draft(item, member, ratings={a.pk: {"score": 2}})

    assert ratings_of(draft) == {a.pk: (2, False, "")}


@pytest.mark.parametrize("score", [0, 5, -1, 40])
def test_a_rating_out_of_range_is_refused_and_nothing_stored(item, member, score):
    (a,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={a.pk: {"score": 2}}, takeaways="Kept")
    before = everything()

    with pytest.raises(ValidationError, match="between 1 and 4"):
        scoring.save_draft(item, member, ratings={a.pk: {"score": score}}, takeaways="Changed")

    assert everything() == before


def test_a_rating_out_of_range_on_a_first_save_leaves_no_draft(item, member):
    (a,) = item.criteria.all()

    with pytest.raises(ValidationError):
        scoring.save_draft(item, member, ratings={a.pk: {"score": 5}})

    assert not FeedbackRevision.objects.exists()


def test_a_criterion_of_another_scorecard_is_refused_and_nothing_stored(
    application, item, member, team
):
    other = ApplicationFactory(opening__team=team)
    foreign = other.opening.scorecard.current_version().criteria.get(category=SKILLS)
    (a,) = item.criteria.all()
    before = everything()

    with pytest.raises(ValidationError, match="not part of this feedback"):
        scoring.save_draft(item, member, ratings={a.pk: {"score": 3}, foreign.pk: {"score": 3}})

    assert everything() == before


def test_a_criterion_outside_the_focus_is_refused(application, item, member):
    team_fit = application.opening.scorecard.current_version().criteria.get(
        category=Category.TEAM_FIT
    )

    with pytest.raises(ValidationError):
        scoring.save_draft(item, member, ratings={team_fit.pk: {"score": 3}})

    assert not Rating.objects.exists()


def test_an_unknown_vote_is_refused(item, member):
    with pytest.raises(ValidationError, match="strong no, no, yes or strong yes"):
        scoring.save_draft(item, member, vote="maybe")

    assert not FeedbackRevision.objects.exists()


# Someone else's feedback.


@pytest.mark.parametrize("action", ["save_draft", "submit", "start_amendment"])
def test_someone_elses_feedback_is_refused(item, member, teammate, action):
    complete(item, member)
    before = everything()
    args = {"submit": {"revision_number": 1}}.get(action, {})

    with pytest.raises(ValidationError, match="not yours"):
        getattr(scoring, action)(item, teammate, **args)

    assert everything() == before


# Submitting.


def test_submit_a_complete_draft(item, member):
    complete(item, member)

    revision = scoring.submit(item, member, revision_number=1)

    item.refresh_from_db()
    assert revision.submitted_at is not None
    assert item.submitted_at == revision.submitted_at
    assert submitted_revisions(item) == [revision]


def test_no_evidence_counts_as_rated_for_submission(item, member):
    (a,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={a.pk: {"no_evidence": True}}, vote="no")

    scoring.submit(item, member, revision_number=1)

    assert ratings_of(submitted_revisions(item)[0]) == {a.pk: (None, True, "")}


def test_submit_needs_every_criterion_rated(application, member):
    add_skill(application, "Testing", member)
    item = scoring.assign(application, member, SKILLS, assigned_by=member)
    a = item.criteria.get(name="Problem solving")
    scoring.save_draft(
        item, member, ratings={a.pk: {"score": 3}}, vote="yes", takeaways="Half done"
    )

    with pytest.raises(ValidationError, match="Rate every criterion"):
        scoring.submit(item, member, revision_number=1)

    item.refresh_from_db()
    assert not item.is_submitted
    assert not submitted_revisions(item)
    assert scoring.current_draft(item.revisions).takeaways == "Half done"


def test_notes_alone_do_not_rate_a_criterion(item, member):
    (a,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={a.pk: {"notes": "Only notes"}}, vote="yes")

    with pytest.raises(ValidationError, match="Rate every criterion"):
        scoring.submit(item, member, revision_number=1)

    assert not submitted_revisions(item)


def test_submit_needs_a_vote(item, member):
    complete(item, member, vote="")

    with pytest.raises(ValidationError, match="choose a vote"):
        scoring.submit(item, member, revision_number=1)

    assert not submitted_revisions(item)


def test_submit_without_any_draft_is_refused(item, member):
    with pytest.raises(ValidationError):
        scoring.submit(item, member, revision_number=1)

    assert not FeedbackRevision.objects.exists()


def test_submitting_twice_with_the_same_revision_number_keeps_one_submission(item, member):
    complete(item, member)
    # Two tabs, both opened on revision 1.
    first_tab, second_tab = Feedback.objects.get(pk=item.pk), Feedback.objects.get(pk=item.pk)
    first = scoring.submit(first_tab, member, revision_number=1)

    with pytest.raises(ValidationError, match="already submitted"):
        scoring.submit(second_tab, member, revision_number=1)

    assert submitted_revisions(item) == [first]
    item.refresh_from_db()
    assert item.submitted_at == first.submitted_at


def test_submit_after_the_application_is_closed_is_refused(application, item, member):
    complete(item, member)
    application.move_to(Application.Stage.DECIDED, by=member)
    before = everything()

    with pytest.raises(ValidationError, match="closed"):
        scoring.submit(item, member, revision_number=1)
    with pytest.raises(ValidationError, match="closed"):
        scoring.save_draft(item, member, takeaways="Too late")

    assert everything() == before


# A submitted revision never changes; amendments are new revisions.


def test_save_draft_on_a_submitted_feedback_is_refused(item, member):
    complete(item, member)
    scoring.submit(item, member, revision_number=1)
    before = everything()
    (a,) = item.criteria.all()

    with pytest.raises(ValidationError, match="Amend it"):
        scoring.save_draft(
            item, member, ratings={a.pk: {"score": 1, "notes": "Rewritten"}}, vote="strong_no"
        )

    assert everything() == before


def test_amendment_is_revision_2_prefilled_from_the_submitted_one(item, member):
    complete(item, member, score=3, vote="yes", notes="Solid")
    original = scoring.submit(item, member, revision_number=1)

    amendment = scoring.start_amendment(item, member)

    assert amendment.number == 2
    assert amendment.is_draft
    assert amendment.vote == "yes"
    assert ratings_of(amendment) == ratings_of(original)
    assert scoring.start_amendment(item, member) == amendment


def test_amending_needs_a_reason_and_keeps_revision_1(item, member):
    (a,) = item.criteria.all()
    complete(item, member, score=3, vote="yes", notes="Solid")
    original = scoring.submit(item, member, revision_number=1)
    original_state = (ratings_of(original), original.vote, original.submitted_at)
    scoring.start_amendment(item, member)
    scoring.save_draft(
        item, member, ratings={a.pk: {"score": 1, "notes": "Missed a bug"}}, vote="no"
    )

    with pytest.raises(ValidationError, match="why"):
        scoring.submit(item, member, revision_number=2, amend_reason="   ")

    amended = scoring.submit(
        item, member, revision_number=2, amend_reason="Found a bug in their solution"
    )

    original.refresh_from_db()
    assert (ratings_of(original), original.vote, original.submitted_at) == original_state
    assert (amended.number, amended.vote, amended.amend_reason) == (
        2,
        "no",
        "Found a bug in their solution",
    )
    assert ratings_of(amended) == {a.pk: (1, False, "Missed a bug")}
    assert submitted_revisions(item) == [original, amended]
    item.refresh_from_db()
    assert item.submitted_at == original.submitted_at
    assert item.latest_submission == amended  # what the reports read from now on


def test_the_latest_submission_waits_for_the_amendment_to_be_submitted(item, member):
    complete(item, member, score=3, vote="yes", notes="Solid")
    original = scoring.submit(item, member, revision_number=1)
    item.refresh_from_db()
    assert item.latest_submission == original

    scoring.start_amendment(item, member)

    item.refresh_from_db()
    assert item.latest_submission == original


def test_amending_before_anything_is_saved_is_refused(item, member):
    with pytest.raises(ValidationError, match="Submit your feedback"):
        scoring.start_amendment(item, member)

    assert not FeedbackRevision.objects.exists()


def test_amending_an_unsubmitted_draft_just_returns_that_draft(item, member):
    draft = complete(item, member)

    assert scoring.start_amendment(item, member) == draft
    assert list(item.revisions.values_list("number", flat=True)) == [1]


def test_amending_after_the_application_is_closed_is_refused(application, item, member):
    complete(item, member)
    scoring.submit(item, member, revision_number=1)
    application.move_to(Application.Stage.WITHDRAWN, by=member)

    with pytest.raises(ValidationError, match="closed"):
        scoring.start_amendment(item, member)

    assert item.revisions.count() == 1


# Who may read the others' feedback.


def test_panelist_reads_the_others_only_once_all_their_own_is_submitted(application, member):
    skills = scoring.assign(application, member, SKILLS, assigned_by=member)
    team_fit = scoring.assign(application, member, Category.TEAM_FIT, member)
    complete(skills, member)
    scoring.submit(skills, member, revision_number=1)
    skills.refresh_from_db()

    assert not reads_panel_feedback(member, application, [skills, team_fit])

    complete(team_fit, member)
    scoring.submit(team_fit, member, revision_number=1)
    team_fit.refresh_from_db()

    assert reads_panel_feedback(member, application, [skills, team_fit])


def test_only_leadership_reads_without_being_on_the_panel(application, recruiter, leadership):
    off_panel = UserFactory()

    assert reads_panel_feedback(leadership, application, [])
    assert not reads_panel_feedback(recruiter, application, [])
    assert not reads_panel_feedback(off_panel, application, [])


def test_assign_refuses_someone_whose_account_was_deactivated(client, application, member):
    """Someone who left: the debrief would wait for a scorecard nobody can write."""
    gone = UserFactory(display_name="Pat Gone", is_active=False)
    application.opening.team.memberships.create(user=gone)

    with pytest.raises(ValidationError, match="Pat Gone's account was deactivated"):
        scoring.assign(application, gone, SKILLS, assigned_by=member)
    client.force_login(member)
    response = client.post(
        f"/applications/{application.pk}/interviewers/", {"interviewer": gone.pk, "focus": SKILLS}
    )

    assert response.status_code == 400
    assert f'<option value="{gone.pk}"' not in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("criterion", ["99999999999999999999999", "²", "9_" + "9" * 22])
def test_a_criterion_id_past_the_largest_or_no_number_is_refused_beside_the_field(
    client, application, member, criterion
):
    """The database overflowed on a number past the largest id, and int() refused "²", which
    str.isdigit() took: 500s before."""
    client.force_login(member)

    response = client.post(
        f"/applications/{application.pk}/interviewers/",
        {"interviewer": member.pk, "focus": SKILLS, "criteria": criterion},
    )

    assert response.status_code == 400
    assert field_error("criteria", f"“{criterion}” is not a valid value.") in response.text
    assert not Feedback.objects.exists()


def test_a_trainee_assigned_by_hand_writes_practice(application, member, teammate):
    """Assigning them a counting scorecard made them a full interviewer, past the team's vote."""
    PoolMember.objects.create(
        team=application.opening.team, user=teammate, focus=SKILLS, trainee=True
    )

    trainee_card = scoring.assign(application, teammate, SKILLS, assigned_by=member)
    full_card = scoring.assign(application, teammate, TEAM_FIT, assigned_by=member)

    assert (trainee_card.practice, full_card.practice) == (True, False)
