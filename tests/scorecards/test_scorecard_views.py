"""The scorecard library and the htmx criteria editor, through the client."""

import uuid

import pytest
from django.urls import reverse

from hiring.models import Opening
from scorecards import editing, scoring
from scorecards.models import Category, Criterion, Scorecard
from tests.factories import ApplicationFactory, OpeningFactory, TeamFactory, field_error

HTMX = {"HTTP_HX_REQUEST": "true"}
NON_MEMBERS = ["recruiter", "leadership", "outsider"]


def criterion_post(**overrides):
    return {
        "name": "System design",
        "category": Category.SKILLS,
        "description": "Designs systems that survive contact with production.",
        "anchor_1": "No structure to the design.",
        "anchor_2": "A design with major gaps.",
        "anchor_3": "A sound design with the main trade-offs.",
        "anchor_4": "Several designs compared, the trade-offs explained.",
        "weight": "1.5",
        "questions": "Design a rate limiter.",
        **overrides,
    }


def names(scorecard):
    return list(scorecard.current_version().criteria.values_list("name", flat=True))


def criteria_state():
    return sorted(
        Criterion.objects.values_list(
            "pk", "version_id", "name", "category", "anchor_2", "weight", "position"
        )
    )


@pytest.fixture
def template(team):
    return editing.create_template(team, "Backend template")


def key_of(scorecard, name):
    return scorecard.current_version().criteria.get(name=name).key


# The library.


def test_library_lists_the_team_templates_and_opening_scorecards(client, member, team, template):
    opening = OpeningFactory(team=team, title="Site reliability engineer")
    editing.create_template(TeamFactory(name="Payments"), "Payments secret template")
    client.force_login(member)

    response = client.get(reverse("scorecard_library", args=[team.pk]))

    assert response.status_code == 200
    assert "Backend template" in response.text
    assert template.get_absolute_url() in response.text
    assert "Site reliability engineer scorecard" in response.text
    assert opening.get_absolute_url() in response.text
    assert "Payments secret template" not in response.text


def test_create_template_redirects_to_its_editor(client, member, team):
    client.force_login(member)

    response = client.post(reverse("scorecard_library", args=[team.pk]), {"name": "Frontend"})

    scorecard = Scorecard.objects.get(name="Frontend")
    assert response.status_code == 302
    assert response["Location"] == scorecard.get_absolute_url()
    assert scorecard.team == team
    assert names(scorecard) == ["Problem solving", "Collaboration"]


def test_a_template_sent_twice_is_added_once(client, member, team):
    """A double click on Add (or a name the library holds, in any case) opens the template
    there: two of one name read alike in the library and the reports."""
    client.force_login(member)
    url = reverse("scorecard_library", args=[team.pk])

    first = client.post(url, {"name": "Frontend"})
    second = client.post(url, {"name": "frontend"}, follow=True)

    scorecard = Scorecard.objects.get(team=team)
    assert first["Location"] == second.redirect_chain[-1][0] == scorecard.get_absolute_url()
    assert "“Frontend” is in your library already." in second.text


def test_create_template_with_blank_name_shows_the_error_beside_the_field(client, member, team):
    client.force_login(member)

    response = client.post(reverse("scorecard_library", args=[team.pk]), {"name": "  "})

    assert response.status_code == 400
    assert field_error("name", "This field is required.") in response.text
    assert not Scorecard.objects.exists()


# The editor.


def test_editor_shows_the_criteria_with_their_anchors(client, member, template):
    client.force_login(member)

    response = client.get(template.get_absolute_url())

    assert response.status_code == 200
    assert "Problem solving" in response.text
    assert "Reached a sound approach alone, handled the main edge cases." in response.text
    assert "version 1" in response.text


def test_add_criterion_by_plain_post_redirects_to_the_editor(client, member, template):
    client.force_login(member)

    response = client.post(reverse("criterion_add", args=[template.pk]), criterion_post())

    assert response.status_code == 302
    assert response["Location"] == template.get_absolute_url()
    assert names(template) == ["Problem solving", "Collaboration", "System design"]
    added = template.current_version().criteria.get(name="System design")
    assert (added.category, str(added.weight), added.anchor_4) == (
        Category.SKILLS,
        "1.50",
        "Several designs compared, the trade-offs explained.",
    )


def test_add_criterion_by_htmx_returns_only_the_criteria_section(client, member, template):
    client.force_login(member)

    response = client.post(reverse("criterion_add", args=[template.pk]), criterion_post(), **HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="criteria"')
    assert "<html" not in response.text
    assert "System design" in response.text
    assert names(template) == ["Problem solving", "Collaboration", "System design"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("anchor_2", "", "This field is required."),
        ("anchor_4", "   ", "This field is required."),
        ("weight", "0", "Ensure this value is greater than or equal to 0.01."),
        ("weight", "-1", "Ensure this value is greater than or equal to 0.01."),
        ("name", "", "This field is required."),
        ("questions", "?" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
        ("anchor_1", "x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_add_criterion_with_bad_input_shows_the_error_beside_the_field(
    client, member, template, headers, field, value, message
):
    client.force_login(member)
    before = criteria_state()

    response = client.post(
        reverse("criterion_add", args=[template.pk]), criterion_post(**{field: value}), **headers
    )

    assert response.status_code == 400
    assert field_error(field, message) in response.text
    assert criteria_state() == before
    if headers:
        assert "<html" not in response.text


def test_a_second_criterion_of_one_name_is_refused_beside_the_name(client, member, template):
    """Two "Collaboration" on one scorecard read alike on its forms and in the debrief, and the
    reports could tell their rows apart by nothing."""
    client.force_login(member)
    before = criteria_state()

    added = client.post(
        reverse("criterion_add", args=[template.pk]),
        criterion_post(name="collaboration ", category=Category.TEAM_FIT),
        **HTMX,
    )
    edited = client.post(
        reverse("criterion_edit", args=[template.pk, key_of(template, "Problem solving")]),
        criterion_post(name="COLLABORATION", anchor_1="Typed, not lost."),
        **HTMX,
    )

    message = "This scorecard already has a criterion named “collaboration”."
    assert added.status_code == 400
    assert field_error("name", message) in added.text
    assert edited.status_code == 400
    assert field_error("name", message.replace("collaboration", "COLLABORATION"), "edit") in (
        edited.text
    )
    assert "Typed, not lost." in edited.text
    assert criteria_state() == before


def test_a_criterion_sent_twice_is_added_once_and_says_nothing_wrong(client, member, template):
    """A double click on Add: the second form was refused as naming a criterion taken, beside
    the form the reader had just sent, while the first had added it."""
    client.force_login(member)
    url = reverse("criterion_add", args=[template.pk])

    first = client.post(url, criterion_post(), **HTMX)
    second = client.post(url, criterion_post(), **HTMX)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "already has a criterion" not in second.text
    assert names(template).count("System design") == 1
    assert client.post(url, criterion_post(weight="2"), **HTMX).status_code == 400


def test_a_scorecard_holds_at_most_fifty_criteria(client, member, template):
    """Past that, the editor and every scorecard form grew without bound."""
    for number in range(50 - template.current_version().criteria.count()):
        editing.add_criterion(
            template, {**criterion_post(name=f"Skill {number}"), "weight": 1}, member
        )
    client.force_login(member)
    before = criteria_state()

    response = client.post(reverse("criterion_add", args=[template.pk]), criterion_post())

    assert response.status_code == 400
    assert "A scorecard holds at most 50 criteria." in response.text
    assert criteria_state() == before


def test_edit_form_opens_inline(client, member, template):
    client.force_login(member)
    key = key_of(template, "Collaboration")

    response = client.get(reverse("criterion_edit", args=[template.pk, key]), **HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Save criterion" in response.text
    assert 'value="Collaboration"' in response.text


def test_edit_criterion_saves_it(client, member, template):
    client.force_login(member)
    key = key_of(template, "Collaboration")

    response = client.post(
        reverse("criterion_edit", args=[template.pk, key]),
        criterion_post(name="Giving feedback", category=Category.TEAM_FIT),
    )

    assert response.status_code == 302
    assert names(template) == ["Problem solving", "Giving feedback"]
    edited = template.current_version().criteria.get(key=key)
    assert edited.anchor_1 == "No structure to the design."
    assert template.current_version().number == 1


def test_edit_criterion_with_bad_input_changes_nothing(client, member, template):
    client.force_login(member)
    key = key_of(template, "Collaboration")
    before = criteria_state()

    response = client.post(
        reverse("criterion_edit", args=[template.pk, key]),
        criterion_post(category=Category.TEAM_FIT, anchor_2="", weight="-2"),
        **HTMX,
    )

    assert response.status_code == 400
    # The edited criterion's fields have ids of their own, apart from the add form's.
    assert field_error("anchor_2", "This field is required.", prefix="edit") in response.text
    assert 'id="edit_anchor_2"' in response.text
    assert "greater than or equal to 0.01" in response.text
    assert criteria_state() == before


def test_edit_taking_away_the_only_team_fit_criterion_is_refused(client, member, template):
    client.force_login(member)
    before = criteria_state()

    response = client.post(
        reverse("criterion_edit", args=[template.pk, key_of(template, "Collaboration")]),
        criterion_post(category=Category.SKILLS),
    )

    assert response.status_code == 400
    assert "A scorecard needs at least one team fit criterion." in response.text
    assert criteria_state() == before


def test_remove_criterion(client, member, template):
    editing.add_criterion(template, {**criterion_post(), "weight": 1}, member)
    client.force_login(member)

    response = client.post(
        reverse("criterion_remove", args=[template.pk, key_of(template, "System design")]),
        **HTMX,
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "System design" not in response.text
    assert names(template) == ["Problem solving", "Collaboration"]


def test_remove_asks_first_on_a_page_whose_button_removes(client, member, template):
    editing.add_criterion(template, {**criterion_post(), "weight": 1}, member)
    url = reverse("criterion_remove", args=[template.pk, key_of(template, "System design")])
    client.force_login(member)
    before = criteria_state()

    editor = client.get(template.get_absolute_url()).text
    question = client.get(url)

    assert f'<a class="danger" href="{url}">Remove' in editor  # a link, not a form that posts
    assert question.status_code == 200
    assert "Remove “System design” from Backend template?" in question.text
    assert '<form method="post" class="actions wrap">' in question.text  # posts to itself
    assert criteria_state() == before
    assert client.post(url).status_code == 302
    assert names(template) == ["Problem solving", "Collaboration"]


@pytest.fixture
def drafted(member, teammate, peer, team):
    """An opening's scorecard with a second skills criterion, "System design", and three
    interviewers' drafts on it: a score, notes only, and nothing (a draft saved whole)."""
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    editing.add_criterion(scorecard, {**criterion_post(), "weight": 1}, member)
    design = scorecard.current_version().criteria.get(name="System design")
    for interviewer, rating in [
        (member, {"score": 3}),
        (teammate, {"notes": "Sketched a queue in front of the ledger"}),
        (peer, {"score": None, "no_evidence": False, "notes": ""}),
    ]:
        feedback = scoring.assign(application, interviewer, Category.SKILLS, assigned_by=member)
        scoring.save_draft(feedback, interviewer, ratings={design.pk: rating})
    return scorecard


def test_remove_says_first_how_many_drafts_lose_a_rating_or_notes(client, peer, drafted):
    """Removing deletes the drafts' ratings of it: the page asking first counts them, and
    shows neither whose they are nor what they say."""
    client.force_login(peer)

    response = client.get(
        reverse("criterion_remove", args=[drafted.pk, key_of(drafted, "System design")])
    )

    assert response.status_code == 200
    assert (
        "2 draft scorecards, not yet submitted, hold ratings or notes on it: they are deleted "
        "with it, and their interviewers are not told."
    ) in response.text
    assert "Sketched a queue" not in response.text
    assert "Ana Member" not in response.text
    assert "Ben Teammate" not in response.text


def test_the_edit_form_says_how_many_drafts_lose_work_if_the_category_changes(
    client, peer, drafted
):
    """Moved to the other category in place, the criterion leaves its focus's scorecards and
    their drafts' ratings of it go (editing._take_off_scorecards): the form says so beside the
    category, with a count only, before anyone saves it."""
    client.force_login(peer)

    response = client.get(
        reverse("criterion_edit", args=[drafted.pk, key_of(drafted, "System design")]), **HTMX
    )

    assert (
        "Moved to the other category, it leaves its focus's scorecards: 2 draft scorecards, "
        "not yet submitted, hold ratings or notes on it, which are deleted, and their "
        "interviewers are not told."
    ) in response.text
    assert "Sketched a queue" not in response.text


def test_moving_a_criterion_that_drafts_rated_asks_first_and_saves_once_confirmed(
    client, peer, drafted
):
    """As a removal does: the page asks, with a count only, and its button saves the form as
    it was sent (the drafts' ratings of it go then, not before)."""
    url = reverse("criterion_edit", args=[drafted.pk, key_of(drafted, "System design")])
    sent = criterion_post(name="Designing for teams", category=Category.TEAM_FIT, weight="1")
    client.force_login(peer)
    before = criteria_state()

    asked = client.post(url, sent, **HTMX)

    assert asked.status_code == 200
    assert "Move “System design” to Team fit?" in asked.text
    assert "2 draft scorecards, not yet submitted, hold ratings or notes on it" in asked.text
    assert 'value="Designing for teams"' in asked.text  # sent again by its buttons
    assert f'action="{url}"' in asked.text
    assert asked["HX-Retarget"] == "body"  # a page of its own, not the editor's list
    assert "Sketched a queue" not in asked.text
    assert criteria_state() == before

    confirmed = client.post(url, {**sent, "move_confirmed": "1"})

    assert confirmed.status_code == 302
    moved = drafted.current_version().criteria.get(name="Designing for teams")
    assert moved.category == Category.TEAM_FIT
    assert not moved.ratings.exists()


def test_moving_the_only_criterion_of_its_category_is_refused_before_it_is_asked(
    client, member, teammate, drafted
):
    """Asked first, then refused once confirmed, the member agreed to lose drafts for nothing."""
    application = drafted.opening.applications.get()
    collaboration = drafted.current_version().criteria.get(name="Collaboration")
    draft = scoring.assign(application, teammate, Category.TEAM_FIT, assigned_by=member)
    scoring.save_draft(draft, teammate, ratings={collaboration.pk: {"score": 2}})
    client.force_login(member)
    before = criteria_state()

    response = client.post(
        reverse("criterion_edit", args=[drafted.pk, collaboration.key]),
        criterion_post(name="Collaboration", category=Category.SKILLS),
    )

    assert response.status_code == 400
    assert "A scorecard needs at least one team fit criterion." in response.text
    assert "Move the criterion" not in response.text
    assert criteria_state() == before


def test_keeping_the_category_goes_back_to_the_form_as_it_was_sent(client, peer, drafted):
    url = reverse("criterion_edit", args=[drafted.pk, key_of(drafted, "System design")])
    sent = criterion_post(name="Designing for teams", category=Category.TEAM_FIT, weight="1")
    client.force_login(peer)
    before = criteria_state()

    response = client.post(url, {**sent, "keep_category": "1"})

    assert response.status_code == 200
    assert criteria_state() == before
    assert 'value="Designing for teams"' in response.text  # nothing typed is lost
    assert '<option value="skills" selected>' in response.text


def test_moving_a_criterion_no_draft_rated_asks_nothing(client, member, template):
    client.force_login(member)
    key = key_of(template, "Problem solving")
    editing.add_criterion(template, criterion_post(), member)

    response = client.post(
        reverse("criterion_edit", args=[template.pk, key]),
        criterion_post(name="Problem solving", category=Category.TEAM_FIT),
    )

    assert response.status_code == 302
    assert template.current_version().criteria.get(key=key).category == Category.TEAM_FIT


def test_remove_counts_no_drafts_when_the_removal_makes_a_new_version(
    client, member, teammate, drafted
):
    """Once feedback was submitted on the version, the removal goes to a new one: the drafts
    keep their ratings of the criterion, and the page says nothing of them."""
    submitted = drafted.current_version().feedback.get(interviewer=member)
    every_criterion = {criterion.pk: {"score": 3} for criterion in submitted.criteria.all()}
    scoring.save_draft(submitted, member, ratings=every_criterion, vote="yes")
    scoring.submit(submitted, member, revision_number=1)
    url = reverse("criterion_remove", args=[drafted.pk, key_of(drafted, "System design")])
    client.force_login(teammate)

    assert "draft scorecard" not in client.get(url).text
    assert client.post(url).status_code == 302
    assert drafted.versions.get(number=1).criteria.filter(ratings__notes__startswith="Sketched")


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_only_the_team_is_asked_about_removing_a_criterion(request, client, template, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("criterion_remove", args=[template.pk, key_of(template, "Problem solving")])

    assert client.get(url).status_code == 404


def test_asking_to_remove_a_criterion_already_gone_says_so(client, member, template):
    client.force_login(member)

    response = client.get(reverse("criterion_remove", args=[template.pk, uuid.uuid4()]))

    assert response.status_code == 404
    assert "That criterion is gone." in response.text


def test_remove_the_last_criterion_of_a_category_is_refused_with_a_message(
    client, member, template
):
    client.force_login(member)
    before = criteria_state()

    response = client.post(
        reverse("criterion_remove", args=[template.pk, key_of(template, "Problem solving")])
    )

    assert response.status_code == 400
    assert "A scorecard needs at least one skills criterion." in response.text
    assert criteria_state() == before


def test_move_criterion_up_and_down(client, member, template):
    editing.add_criterion(template, {**criterion_post(), "weight": 1}, member)
    client.force_login(member)
    url = reverse("criterion_move", args=[template.pk, key_of(template, "System design")])

    response = client.post(url, {"direction": "up"}, **HTMX)

    assert response.status_code == 200
    assert names(template) == ["Problem solving", "System design", "Collaboration"]
    assert response.text.index("System design") < response.text.index("Collaboration")

    response = client.post(url, {"direction": "down"})

    assert response.status_code == 302
    assert names(template) == ["Problem solving", "Collaboration", "System design"]


def test_a_move_clicked_twice_moves_the_criterion_one_place(client, member, template):
    editing.add_criterion(template, {**criterion_post(), "weight": 1}, member)
    client.force_login(member)
    url = reverse("criterion_move", args=[template.pk, key_of(template, "System design")])
    page = client.get(reverse("scorecard_edit", args=[template.pk]))
    assert '<input type="hidden" name="place" value="3">' in page.text

    for _click in range(2):
        client.post(url, {"direction": "up", "place": "3"}, **HTMX)

    assert names(template) == ["Problem solving", "System design", "Collaboration"]


def test_moving_an_unknown_criterion_gets_a_clear_error(client, member, template):
    client.force_login(member)
    before = criteria_state()

    response = client.post(
        reverse("criterion_move", args=[template.pk, uuid.uuid4()]), {"direction": "up"}
    )

    assert response.status_code == 400
    assert "That criterion is not on this scorecard." in response.text
    assert criteria_state() == before


# Only the team's members reach its scorecards.


def editor_requests(team, scorecard):
    key = key_of(scorecard, "Problem solving")
    return [
        ("get", reverse("scorecard_library", args=[team.pk]), {}),
        ("post", reverse("scorecard_library", args=[team.pk]), {"name": "Sneaky"}),
        ("get", reverse("scorecard_edit", args=[scorecard.pk]), {}),
        ("post", reverse("scorecard_copy", args=[scorecard.pk]), {}),
        ("post", reverse("criterion_add", args=[scorecard.pk]), criterion_post()),
        ("get", reverse("criterion_edit", args=[scorecard.pk, key]), {}),
        ("post", reverse("criterion_edit", args=[scorecard.pk, key]), criterion_post()),
        ("post", reverse("criterion_remove", args=[scorecard.pk, key]), {}),
        ("post", reverse("criterion_move", args=[scorecard.pk, key]), {"direction": "down"}),
    ]


@pytest.mark.parametrize("persona", NON_MEMBERS)
@pytest.mark.parametrize("of_opening", [False, True], ids=["template", "opening scorecard"])
def test_only_team_members_reach_the_editor(client, request, team, template, persona, of_opening):
    scorecard = OpeningFactory(team=team).scorecard if of_opening else template
    client.force_login(request.getfixturevalue(persona))
    before = (criteria_state(), sorted(Scorecard.objects.values_list("pk", "name")))

    for method, url, data in editor_requests(team, scorecard):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Problem solving" not in response.text

    assert (criteria_state(), sorted(Scorecard.objects.values_list("pk", "name"))) == before


def test_copy_template_makes_an_independent_template(client, member, template):
    client.force_login(member)

    response = client.post(reverse("scorecard_copy", args=[template.pk]))

    copy = Scorecard.objects.get(name="Copy of Backend template")
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert copy.is_template
    assert names(copy) == names(template)


def test_a_copy_clicked_twice_is_made_once(client, member, template):
    client.force_login(member)
    url = reverse("scorecard_copy", args=[template.pk])

    first = client.post(url)
    second = client.post(url, follow=True)

    copy = Scorecard.objects.get(name="Copy of Backend template")
    assert first["Location"] == second.redirect_chain[-1][0] == copy.get_absolute_url()
    assert "is in your library already" in second.text
    assert Scorecard.objects.filter(team=template.team).count() == 2


# A new opening gets its own copy of a library scorecard.


def test_new_opening_gets_its_own_copy_of_the_scorecard(client, member, team, template):
    client.force_login(member)

    response = client.post(
        reverse("opening_create", args=[team.pk]),
        {"title": "Backend engineer", "description": "Payments APIs", "template": template.pk},
    )

    opening = Opening.objects.get(title="Backend engineer")
    assert response.status_code == 302
    assert response["Location"] == opening.get_absolute_url()
    assert opening.team == team
    assert opening.scorecard.pk != template.pk
    assert opening.scorecard.name == "Backend engineer scorecard"
    assert names(opening.scorecard) == names(template)
    assert not opening.scorecard.is_template

    editing.add_criterion(opening.scorecard, {**criterion_post(), "weight": 1}, member)
    assert names(template) == ["Problem solving", "Collaboration"]


def test_new_opening_cannot_use_another_teams_template(client, member, team):
    foreign = editing.create_template(TeamFactory(name="Payments"), "Payments template")
    client.force_login(member)

    response = client.post(
        reverse("opening_create", args=[team.pk]),
        {"title": "Backend engineer", "template": foreign.pk},
    )

    assert response.status_code == 400
    assert 'id="id_template_error"' in response.text
    assert not Opening.objects.exists()
