"""Creating and editing an opening (closing it too) goes into its team's audit trail, with what
changed, and shows on the team's timeline."""

from django.urls import reverse
from django.utils import translation

from hiring.models import AuditEvent, Opening
from hiring.pipeline import applications
from scorecards.editing import create_template
from tests.factories import OpeningFactory

Action = AuditEvent.Action


def opening_events(team):
    return list(
        AuditEvent.objects.filter(
            team=team, action__in=[Action.OPENING_CREATED, Action.OPENING_CHANGED]
        )
        .order_by("pk")
        .values_list("action", "actor", "application", "details")
    )


def edit(opening, **changed):
    return {
        "title": opening.title,
        "description": opening.description,
        "status": opening.status,
        **changed,
    }


def test_an_opening_created_on_its_page_is_audited_with_the_template_it_copies(
    client, member, team
):
    template = create_template(team, "Backend template")
    client.force_login(member)

    response = client.post(
        reverse("opening_create", args=[team.pk]),
        {"title": "Backend engineer", "description": "Payments APIs", "template": template.pk},
    )

    assert response.status_code == 302
    assert opening_events(team) == [
        (
            Action.OPENING_CREATED,
            member.pk,
            None,
            "“Backend engineer”, its scorecard copied from “Backend template”",
        )
    ]


def test_closing_an_opening_on_its_page_is_audited_before_and_after(client, member, team):
    opening = OpeningFactory(team=team, title="Backend engineer", description="Payments APIs")
    client.force_login(member)

    response = client.post(
        reverse("opening_edit", args=[opening.pk]), edit(opening, status=Opening.Status.CLOSED)
    )

    assert response.status_code == 302
    assert opening_events(team) == [
        (Action.OPENING_CHANGED, member.pk, None, "“Backend engineer”: status Open → Closed")
    ]


def test_each_change_is_named_and_the_description_only_as_changed(member, team):
    opening = OpeningFactory(team=team, title="Backend engineer", description="Payments APIs")

    # Whoever edits it, in whatever language, the trail is kept in the stored one.
    with translation.override("de"):
        applications.edit_opening(
            opening,
            edit(
                opening,
                title="Senior backend engineer",
                description="Payments and refunds APIs",
                status=Opening.Status.CLOSED,
            ),
            member,
        )

    ((*_, details),) = opening_events(team)
    assert details == (
        "“Senior backend engineer”: title “Backend engineer” → “Senior backend engineer”; "
        "status Open → Closed; description changed"
    )
    assert "refunds" not in details  # a description may be long: it is not copied


def test_an_opening_saved_unchanged_is_not_audited(member, team):
    opening = OpeningFactory(team=team)

    applications.edit_opening(opening, edit(opening), member)

    assert opening_events(team) == []


def test_an_edit_refused_as_saved_meanwhile_is_not_audited(client, member, teammate, team):
    opening = OpeningFactory(team=team, title="Backend engineer")
    page = applications.opening_version(opening)
    applications.edit_opening(opening, edit(opening, status=Opening.Status.CLOSED), teammate)
    client.force_login(member)

    response = client.post(
        reverse("opening_edit", args=[opening.pk]),
        {**edit(opening, description="Typed later."), "based_on": page},
    )

    assert response.status_code == 409
    assert [actor for _, actor, *_ in opening_events(team)] == [teammate.pk]


def test_the_team_timeline_shows_the_opening_events(client, member, team):
    template = create_template(team, "Backend template")
    opening = applications.create_opening(template.team, template, member, title="Data engineer")
    applications.edit_opening(opening, edit(opening, status=Opening.Status.CLOSED), member)
    client.force_login(member)

    page = client.get(reverse("team_detail", args=[team.pk])).content.decode()

    assert "Opening created" in page
    assert "Opening changed" in page
    assert "“Data engineer”: status Open → Closed" in page
