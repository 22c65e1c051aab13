"""A scorecard's criteria, which the weighted rule weighs feedback by, are audited as they are
added, changed, removed and moved: by whom, on which scorecard and opening, to which version."""

from django.urls import reverse

from hiring.models import AuditEvent
from scorecards import editing, scoring
from scorecards.models import Category
from tests.factories import ApplicationFactory
from tests.scorecards.test_scorecard_views import criterion_post

Action = AuditEvent.Action
CRITERION_EVENTS = [action for action in Action if action.startswith("criterion_")]


def criterion_events(team):
    return list(
        AuditEvent.objects.filter(team=team, action__in=CRITERION_EVENTS)
        .order_by("pk")
        .values_list("action", "actor", "application", "details")
    )


def skills_of(scorecard):
    return scorecard.current_version().criteria.get(category=Category.SKILLS)


def test_criteria_edited_on_the_editor_are_audited_by_whoever_edits(client, member, team):
    """Each view passes its user: added, changed, moved and removed, in that order."""
    opening = ApplicationFactory(opening__team=team, opening__title="Backend engineer").opening
    scorecard = opening.scorecard
    client.force_login(member)
    where = "Scorecard “Backend engineer scorecard” of opening “Backend engineer”, version 1"

    client.post(reverse("criterion_add", args=[scorecard.pk]), criterion_post())
    added = scorecard.current_version().criteria.get(name="System design")
    client.post(
        reverse("criterion_edit", args=[scorecard.pk, added.key]),
        criterion_post(weight="5", anchor_3="A sound design, trade-offs named."),
    )
    client.post(reverse("criterion_move", args=[scorecard.pk, added.key]), {"direction": "up"})
    client.post(reverse("criterion_remove", args=[scorecard.pk, added.key]))

    assert criterion_events(team) == [
        (Action.CRITERION_ADDED, member.pk, None, f"{where}: “System design”"),
        (
            Action.CRITERION_CHANGED,
            member.pk,
            None,
            f"{where}: “System design”: weight 1.5 → 5; anchor 3 changed",
        ),
        (Action.CRITERION_MOVED, member.pk, None, f"{where}: “System design”: position 3 → 2"),
        (Action.CRITERION_REMOVED, member.pk, None, f"{where}: “System design”"),
    ]


def test_a_change_after_submitted_feedback_names_the_new_version_it_went_to(member, team):
    application = ApplicationFactory(opening__team=team, opening__title="Backend engineer")
    scorecard = application.opening.scorecard
    item = scoring.assign(application, member, Category.SKILLS, assigned_by=member)
    (criterion,) = item.criteria.all()
    scoring.save_draft(item, member, ratings={criterion.pk: {"score": 3}}, vote="yes")
    scoring.submit(item, member, revision_number=1)
    skills = skills_of(scorecard)
    fields = {name: getattr(skills, name) for name in editing.CRITERION_FIELDS}

    editing.update_criterion(
        scorecard,
        skills.key,
        {**fields, "name": "Debugging", "category": Category.SKILLS, "weight": 1.5},
        member,
    )

    ((*_, details),) = criterion_events(team)
    assert details == (
        "Scorecard “Backend engineer scorecard” of opening “Backend engineer”, version 2: "
        "“Debugging”: name “Problem solving” → “Debugging”; weight 1 → 1.5"
    )


def test_a_library_templates_edits_are_audited_as_the_templates(member, team):
    template = editing.create_template(team, "Backend template")
    skills = skills_of(template)

    editing.update_criterion(
        template,
        skills.key,
        {
            **{name: getattr(skills, name) for name in editing.CRITERION_FIELDS},
            "description": "Another text.",
            "questions": "Another question.",
        },
        member,
    )

    assert criterion_events(team) == [
        (
            Action.CRITERION_CHANGED,
            member.pk,
            None,
            "Scorecard “Backend template” (library template), version 1: “Problem solving”: "
            "description changed; questions changed",
        )
    ]


def test_edits_that_change_nothing_are_not_audited(member, team):
    template = editing.create_template(team, "Backend template")
    first, last = template.current_version().criteria.all()

    editing.update_criterion(
        template, first.key, {n: getattr(first, n) for n in editing.CRITERION_FIELDS}, member
    )
    editing.move_criterion(template, first.key, -1, member)  # already first
    editing.move_criterion(template, last.key, +1, member)  # already last

    assert criterion_events(team) == []


def test_the_team_timeline_shows_the_criterion_events(client, member, team):
    template = editing.create_template(team, "Backend template")
    added = editing.add_criterion(template, criterion_post(), member)
    editing.move_criterion(template, added.key, -1, member)
    editing.remove_criterion(template, added.key, member)
    editing.update_criterion(
        template,
        skills_of(template).key,
        {**criterion_post(), "category": Category.SKILLS},
        member,
    )
    client.force_login(member)

    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()

    for label in ["added", "changed", "removed", "moved"]:
        assert f"Scorecard criterion {label}" in page
    assert "“System design”: position 3 → 2" in page
