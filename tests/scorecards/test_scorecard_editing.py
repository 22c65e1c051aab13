"""Scorecard templates and their versions, at the domain level (no HTTP)."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from hiring.pipeline import applications
from scorecards import editing, scoring
from scorecards.models import Category, Criterion, Rating, Scorecard, ScorecardVersion
from tests.factories import ApplicationFactory, TeamFactory


def criterion_fields(**overrides):
    return {
        "name": "System design",
        "category": Category.SKILLS,
        "description": "Designs systems that survive contact with production.",
        "anchor_1": "No structure to the design.",
        "anchor_2": "A design with major gaps.",
        "anchor_3": "A sound design with the main trade-offs.",
        "anchor_4": "Several designs compared, the trade-offs explained.",
        "weight": 2,
        "questions": "Design a rate limiter.",
        **overrides,
    }


def fields_of(criterion, **overrides):
    return {**{name: getattr(criterion, name) for name in editing.CRITERION_FIELDS}, **overrides}


def criteria_of(scorecard):
    return list(scorecard.current_version().criteria.all())


def only(scorecard, category):
    (criterion,) = [c for c in criteria_of(scorecard) if c.category == category]
    return criterion


def criteria_snapshot():
    return sorted(Criterion.objects.values_list("pk", "version_id", "name", "category", "position"))


@pytest.fixture
def template(team):
    return editing.create_template(team, "Backend template")


@pytest.fixture
def submitted_feedback(member, team):
    """Feedback submitted on version 1 of an opening's scorecard."""
    application = ApplicationFactory(opening__team=team)
    item = scoring.assign(application, member, Category.SKILLS, assigned_by=member)
    (criterion,) = item.criteria.all()
    scoring.save_draft(
        item, member, ratings={criterion.pk: {"score": 3, "notes": "Clear"}}, vote="yes"
    )
    scoring.submit(item, member, revision_number=1)
    return item


def test_create_template_has_one_criterion_per_category(template):
    criteria = criteria_of(template)

    assert template.is_template
    assert [c.category for c in criteria] == [Category.SKILLS, Category.TEAM_FIT]
    assert [c.name for c in criteria] == ["Problem solving", "Collaboration"]
    assert all(all(anchor for _, anchor in c.anchors) for c in criteria)
    assert list(template.versions.values_list("number", flat=True)) == [1]


def test_copy_takes_the_criteria_as_they_are_now(member, template):
    editing.update_criterion(
        template,
        only(template, Category.SKILLS).key,
        fields_of(only(template, Category.SKILLS), name="Debugging"),
        member,
    )

    copy = editing.copy_scorecard(template, name="Backend engineer scorecard")

    assert copy.pk != template.pk
    assert copy.team == template.team
    assert [c.name for c in criteria_of(copy)] == ["Debugging", "Collaboration"]
    assert not {c.pk for c in criteria_of(copy)} & {c.pk for c in criteria_of(template)}


def test_a_copy_named_from_the_longest_name_keeps_within_a_names_length(member, team):
    """A copy's "Copy of …", and an opening's "… scorecard", of a name or title as long as
    allowed: shortened to fit, where PostgreSQL refused it as too long (a 500 on copying)."""
    longest = Scorecard._meta.get_field("name").max_length
    template = editing.create_template(team, "T" * longest)

    copy = editing.copy_scorecard(template, name=f"Copy of {template.name}")
    opening = applications.create_opening(
        team, template, member, title="O" * longest, description="Ours"
    )

    assert len(copy.name) == len(opening.scorecard.name) == longest
    assert copy.name.startswith("Copy of TTT")
    assert opening.scorecard.name.startswith("OOO")


def test_later_edits_to_the_source_leave_the_copy_alone(member, template):
    copy = editing.copy_scorecard(template, name="Backend engineer scorecard")
    skills = only(template, Category.SKILLS)

    editing.update_criterion(
        template, skills.key, fields_of(skills, anchor_3="Changed anchor"), member
    )
    editing.add_criterion(template, criterion_fields(), member)

    assert [c.name for c in criteria_of(copy)] == ["Problem solving", "Collaboration"]
    assert only(copy, Category.SKILLS).anchor_3 == (
        "Reached a sound approach alone, handled the main edge cases."
    )


def test_edit_without_submitted_feedback_edits_the_version_in_place(member, team):
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    item = scoring.assign(application, member, Category.SKILLS, assigned_by=member)
    skills = only(scorecard, Category.SKILLS)
    scoring.save_draft(item, member, ratings={skills.pk: {"score": 2}})

    editing.update_criterion(scorecard, skills.key, fields_of(skills, name="Debugging"), member)

    assert list(scorecard.versions.values_list("number", flat=True)) == [1]
    skills.refresh_from_db()
    assert skills.name == "Debugging"


def test_edit_after_submitted_feedback_makes_version_2_with_the_same_keys(
    member, submitted_feedback
):
    scorecard = submitted_feedback.application.opening.scorecard
    v1 = scorecard.current_version()
    old = {c.pk: (c.key, c.name, c.anchors, c.weight) for c in v1.criteria.all()}
    skills = only(scorecard, Category.SKILLS)

    editing.update_criterion(
        scorecard,
        skills.key,
        fields_of(skills, name="Debugging", anchor_4="Finds the root cause"),
        member,
    )

    v2 = scorecard.current_version()
    assert (v1.number, v2.number) == (1, 2)
    assert {c.key for c in v2.criteria.all()} == {key for key, *_ in old.values()}
    assert only(scorecard, Category.SKILLS).name == "Debugging"
    # Version 1's rows are exactly as they were.
    assert {c.pk: (c.key, c.name, c.anchors, c.weight) for c in v1.criteria.all()} == old


def test_submitted_revision_still_shows_the_criterion_it_was_given_on(member, submitted_feedback):
    scorecard = submitted_feedback.application.opening.scorecard
    skills = only(scorecard, Category.SKILLS)

    editing.update_criterion(
        scorecard, skills.key, fields_of(skills, name="Debugging", anchor_3="New anchor"), member
    )

    (rating,) = Rating.objects.filter(revision__feedback=submitted_feedback).select_related(
        "criterion"
    )
    assert rating.criterion.version.number == 1
    assert rating.criterion.name == "Problem solving"
    assert rating.criterion.anchor_3 == (
        "Reached a sound approach alone, handled the main edge cases."
    )
    assert (rating.score, rating.notes) == (3, "Clear")


def test_a_scorecard_assigned_after_the_edit_is_given_the_new_versions_criteria(
    member, submitted_feedback, teammate
):
    scorecard = submitted_feedback.application.opening.scorecard
    skills = only(scorecard, Category.SKILLS)
    editing.update_criterion(scorecard, skills.key, fields_of(skills, name="Debugging"), member)

    later = scoring.assign(
        submitted_feedback.application, teammate, Category.SKILLS, assigned_by=teammate
    )

    assert later.version.number == 2
    assert [(c.version.number, c.name) for c in later.criteria.all()] == [(2, "Debugging")]
    assert submitted_feedback.version.number == 1


def test_further_edits_go_to_the_new_version_in_place(member, submitted_feedback):
    scorecard = submitted_feedback.application.opening.scorecard
    skills = only(scorecard, Category.SKILLS)
    editing.update_criterion(scorecard, skills.key, fields_of(skills, name="Debugging"), member)

    editing.add_criterion(scorecard, criterion_fields(), member)
    editing.move_criterion(scorecard, skills.key, +1, member)

    assert list(scorecard.versions.values_list("number", flat=True)) == [1, 2]
    assert len(scorecard.versions.get(number=1).criteria.all()) == 2


def test_a_criterion_added_in_place_is_asked_of_the_scorecards_covering_its_focus(
    member, teammate, team
):
    """Added before anyone submitted on the version: a scorecard assigned the whole focus (as
    a panel's are) is asked it too, else the version would list a criterion its panel never
    saw; one assigned a choice of criteria keeps its choice, and another focus is left alone."""
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    editing.add_criterion(scorecard, criterion_fields(name="Debugging"), member)
    whole = scoring.assign(application, member, Category.SKILLS, assigned_by=member)
    scoring.save_draft(whole, member, takeaways="Started")
    chosen = scoring.assign(
        application,
        teammate,
        Category.SKILLS,
        assigned_by=member,
        criteria=[c for c in criteria_of(scorecard) if c.name == "Debugging"],
    )
    fit = scoring.assign(application, member, Category.TEAM_FIT, assigned_by=member)

    added = editing.add_criterion(scorecard, criterion_fields(), member)

    assert scorecard.current_version().number == 1
    assert [c.name for c in whole.criteria.order_by("position")] == [
        "Problem solving",
        "Debugging",
        "System design",
    ]
    assert [c.name for c in chosen.criteria.all()] == ["Debugging"]
    assert added not in fit.criteria.all()


def test_a_criterion_moved_to_the_other_category_in_place_moves_to_the_scorecards_of_that_focus(
    member, teammate, team
):
    """Moved from skills to team fit before anyone submitted on the version: the skills
    scorecards no longer ask it (its draft rating goes, or it would be submitted as a team fit
    rating of a skills interview), the team fit scorecards covering their focus do; one
    assigned it alone is asked its whole focus rather than a vote alone."""
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    moved = editing.add_criterion(scorecard, criterion_fields(name="Debugging"), member)
    whole = scoring.assign(application, member, Category.SKILLS, assigned_by=member)
    scoring.save_draft(whole, member, ratings={moved.pk: {"score": 2, "notes": "Slow"}})
    alone = scoring.assign(
        application, teammate, Category.SKILLS, assigned_by=member, criteria=[moved]
    )
    fit = scoring.assign(application, member, Category.TEAM_FIT, assigned_by=member)

    editing.update_criterion(
        scorecard, moved.key, fields_of(moved, category=Category.TEAM_FIT), member
    )

    assert scorecard.current_version().number == 1
    assert [c.name for c in whole.criteria.all()] == ["Problem solving"]
    assert not Rating.objects.filter(criterion=moved).exists()
    assert [c.name for c in alone.criteria.all()] == ["Problem solving"]
    assert [c.name for c in fit.criteria.order_by("position")] == ["Collaboration", "Debugging"]


def test_removing_the_only_criterion_a_scorecard_was_assigned_asks_it_its_whole_focus(
    member, teammate, team
):
    """Removed in place: a scorecard assigned that criterion alone is asked its focus's others,
    as if assigned no choice, rather than left with a vote alone; others keep their choice."""
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    removed = editing.add_criterion(scorecard, criterion_fields(name="Debugging"), member)
    kept = editing.add_criterion(scorecard, criterion_fields(), member)
    alone = scoring.assign(
        application, teammate, Category.SKILLS, assigned_by=member, criteria=[removed]
    )
    chosen = scoring.assign(
        application, member, Category.SKILLS, assigned_by=member, criteria=[removed, kept]
    )

    editing.remove_criterion(scorecard, removed.key, member)

    assert [c.name for c in alone.criteria.order_by("position")] == [
        "Problem solving",
        "System design",
    ]
    assert [c.name for c in chosen.criteria.all()] == ["System design"]


def test_add_criterion_appends_at_the_end(member, template):
    added = editing.add_criterion(template, criterion_fields(), member)

    assert [c.name for c in criteria_of(template)] == [
        "Problem solving",
        "Collaboration",
        "System design",
    ]
    assert added.version == template.current_version()


def test_remove_criterion_removes_one_of_several_in_its_category(member, template):
    added = editing.add_criterion(template, criterion_fields(), member)

    editing.remove_criterion(template, added.key, member)

    assert [c.name for c in criteria_of(template)] == ["Problem solving", "Collaboration"]


@pytest.mark.parametrize("category", [Category.SKILLS, Category.TEAM_FIT])
def test_remove_refuses_the_last_criterion_of_a_category(member, template, category):
    before = criteria_snapshot()

    with pytest.raises(ValidationError, match="at least one"):
        editing.remove_criterion(template, only(template, category).key, member)

    assert criteria_snapshot() == before


def test_refused_removal_after_submitted_feedback_leaves_no_new_version(member, submitted_feedback):
    scorecard = submitted_feedback.application.opening.scorecard
    before = criteria_snapshot()

    with pytest.raises(ValidationError):
        editing.remove_criterion(scorecard, only(scorecard, Category.TEAM_FIT).key, member)

    assert list(scorecard.versions.values_list("number", flat=True)) == [1]
    assert criteria_snapshot() == before


def test_move_criterion_reorders(member, template):
    added = editing.add_criterion(template, criterion_fields(), member)

    editing.move_criterion(template, added.key, -1, member)
    assert [c.name for c in criteria_of(template)] == [
        "Problem solving",
        "System design",
        "Collaboration",
    ]

    editing.move_criterion(template, added.key, -1, member)
    assert [c.name for c in criteria_of(template)] == [
        "System design",
        "Problem solving",
        "Collaboration",
    ]

    editing.move_criterion(template, added.key, +1, member)
    assert [c.name for c in criteria_of(template)] == [
        "Problem solving",
        "System design",
        "Collaboration",
    ]


def test_move_past_either_end_changes_nothing(member, template):
    first, last = criteria_of(template)

    editing.move_criterion(template, first.key, -1, member)
    editing.move_criterion(template, last.key, +1, member)

    assert criteria_of(template) == [first, last]


def test_changing_the_category_of_the_only_criterion_of_its_category_is_refused(member, template):
    skills = only(template, Category.SKILLS)
    before = criteria_snapshot()

    with pytest.raises(ValidationError, match="at least one skills criterion"):
        editing.update_criterion(
            template, skills.key, fields_of(skills, category=Category.TEAM_FIT), member
        )

    assert criteria_snapshot() == before


def test_changing_the_category_when_another_remains_is_allowed(member, template):
    editing.add_criterion(template, criterion_fields(), member)
    skills = criteria_of(template)[0]

    editing.update_criterion(
        template, skills.key, fields_of(skills, category=Category.TEAM_FIT), member
    )

    assert [c.category for c in criteria_of(template)] == [
        Category.TEAM_FIT,
        Category.TEAM_FIT,
        Category.SKILLS,
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda scorecard, key, by: editing.update_criterion(scorecard, key, criterion_fields(), by),
        lambda scorecard, key, by: editing.remove_criterion(scorecard, key, by),
        lambda scorecard, key, by: editing.move_criterion(scorecard, key, +1, by),
    ],
    ids=["update", "remove", "move"],
)
def test_a_criterion_of_another_scorecard_is_refused(template, member, change):
    other = editing.create_template(TeamFactory(), "Other team's template")
    before = criteria_snapshot()

    with pytest.raises(ValidationError, match="not on this scorecard"):
        change(template, criteria_of(other)[0].key, member)
    with pytest.raises(ValidationError, match="not on this scorecard"):
        change(template, uuid.uuid4(), member)

    assert criteria_snapshot() == before
    assert Scorecard.objects.count() == ScorecardVersion.objects.count() == 2
