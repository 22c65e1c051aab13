"""The debrief and decision pages through the client (SPEC principle 1, the permission matrix).

Team members discuss and decide; leadership reads and never decides; recruiters see outcomes,
not the scores or reasons behind them; outsiders see nothing; the admin changes nothing.
"""

import re

import pytest
from django.urls import reverse

from hiring.debrief import decisions
from hiring.models import Application, AuditEvent, Decision, Opening
from scorecards.editing import create_template
from scorecards.models import Category, Feedback
from tests.factories import ApplicationFactory, UserFactory, assigned, submitted

HTMX = {"HTTP_HX_REQUEST": "true"}
SKILLS, TEAM_FIT = Category.SKILLS, Category.TEAM_FIT
NOTES = "ZEBRA-NOTES-about-the-on-call-rota"
RATIONALE = "ZEBRA-RATIONALE: the veto concerned on-call hours we have since changed"
VETO = "veto: Cai Peer voted strong no on team fit"
# Measured at 2 submitted interviewers with 6 criteria (9 queries, and the database cache's read
# and write), plus a small margin; the same bound must hold for 6 interviewers.
DEBRIEF_MAX_QUERIES = 15
# Cached: the session, the user, the application and the cache read.
DEBRIEF_CACHED_QUERIES = 4


def fresh(application):
    return Application.objects.get(pk=application.pk)


def debrief_url(application):
    return reverse("debrief", args=[application.pk])


def record_url(application):
    return reverse("record_decision", args=[application.pk])


def confirm_url(application):
    return reverse("confirm_decision", args=[application.pk])


def excuse_url(item):
    return reverse("excuse_interviewer", args=[item.application_id, item.pk])


def decision_section(text):
    [section] = re.findall(r'<section class="card" id="decision".*?</section>', text, re.DOTALL)
    return section


def timeline(text):
    [section] = re.findall(r'<ol class="list timeline">.*?</ol>', text, re.DOTALL)
    return section


def decision_state():
    return sorted(
        Decision.objects.values_list("pk", "outcome", "rationale", "recorded_by", "confirmed_by")
    )


@pytest.fixture
def bystander(team):
    """A member of `team` who is not on the panel."""
    user = UserFactory(display_name="Dee Bystander")
    team.memberships.create(user=user)
    return user


@pytest.fixture
def application(team):
    return ApplicationFactory(
        opening__team=team, candidate__name="Nina Park", stage=Application.Stage.PANEL
    )


@pytest.fixture
def waiting(application, member, teammate, peer):
    """Two interviewers have submitted; Cai, on the panel, has not."""
    late = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS, "yes", notes=NOTES)
    submitted(application, teammate, TEAM_FIT, "yes", notes=NOTES)
    assert fresh(application).debrief_opened_at is None
    return late


@pytest.fixture
def opened(application, member, teammate, peer):
    """An open debrief; Cai's strong no vetoes, so the rule recommends no hire."""
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")
    submitted(application, peer, TEAM_FIT, "strong_no", notes=NOTES)
    application = fresh(application)
    assert application.debrief_opened_at is not None
    return application


@pytest.fixture
def pending(opened, member):
    """A hire that departs from the recommendation, recorded by Ana, not yet confirmed."""
    decisions.record_decision(opened, member, Decision.Outcome.HIRE, RATIONALE)
    return opened


# Before the debrief opens


def test_closed_debrief_shows_who_the_team_waits_for_and_no_feedback(
    client, waiting, bystander, application
):
    client.force_login(bystander)

    response = client.get(debrief_url(application))

    assert response.status_code == 200
    assert "Not open yet" in response.text
    assert "Waiting for" in response.text
    assert "Cai Peer · Team fit" in response.text
    assert f'action="{excuse_url(waiting)}"' in response.text
    assert 'name="reason"' in response.text
    assert NOTES not in response.text
    assert 'class="table grid"' not in response.text
    assert f'action="{record_url(application)}"' not in response.text


def test_excusing_through_the_page_opens_the_debrief(client, waiting, bystander, application):
    client.force_login(bystander)

    response = client.post(excuse_url(waiting), {"reason": "On parental leave"})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.excuse_reason == "On parental leave"
    assert fresh(application).debrief_opened_at is not None
    page = client.get(debrief_url(application)).text
    assert "Not open yet" not in page
    assert NOTES in page


def test_excusing_without_a_reason_shows_the_error(client, waiting, bystander, application):
    client.force_login(bystander)

    response = client.post(excuse_url(waiting), {"reason": ""})

    assert response.status_code == 400
    assert "This field is required." in response.text
    waiting.refresh_from_db()
    assert waiting.excused_at is None
    assert fresh(application).debrief_opened_at is None


# The open debrief


def test_open_debrief_shows_the_grid_notes_and_recommendation_to_a_member_off_the_panel(
    client, opened, bystander
):
    client.force_login(bystander)

    response = client.get(debrief_url(opened))

    assert response.status_code == 200
    assert "Not open yet" not in response.text
    assert 'class="table grid"' in response.text
    assert "Problem solving" in response.text
    assert "Collaboration" in response.text
    assert NOTES in response.text
    section = decision_section(response.text)
    assert VETO in section
    assert "majority: 2 of 3 voted yes" in section
    assert re.search(r'<strong class="recommendation no_hire">\s*No hire\s*</strong>', section)
    assert f'action="{record_url(opened)}"' in section


def test_leadership_reads_the_debrief_but_gets_no_decision_form(client, opened, leadership):
    client.force_login(leadership)

    response = client.get(debrief_url(opened))

    assert response.status_code == 200
    assert NOTES in response.text
    assert VETO in response.text
    assert f'action="{record_url(opened)}"' not in response.text
    assert 'name="outcome"' not in response.text
    assert "Only the team records its decision." in response.text


def test_leadership_cannot_record_a_decision(client, opened, leadership):
    client.force_login(leadership)

    response = client.post(record_url(opened), {"outcome": "no_hire", "rationale": "CTO says"})

    assert response.status_code == 400
    assert "Only members of the hiring team" in response.text
    assert not Decision.objects.exists()
    assert fresh(opened).stage == Application.Stage.DEBRIEF


def test_leadership_cannot_confirm_a_decision(client, pending, leadership):
    client.force_login(leadership)
    before = decision_state()

    response = client.post(confirm_url(pending))

    assert response.status_code == 400
    assert "Only members of the hiring team" in response.text
    assert decision_state() == before
    assert fresh(pending).stage == Application.Stage.DEBRIEF


@pytest.mark.parametrize("persona", ["recruiter", "outsider"])
def test_recruiter_and_outsider_get_404_on_every_debrief_url(request, client, pending, persona):
    late = assigned(pending, request.getfixturevalue("bystander"), SKILLS)
    client.force_login(request.getfixturevalue(persona))
    before = decision_state()

    assert client.get(debrief_url(pending)).status_code == 404
    assert client.get(debrief_url(pending), **HTMX).status_code == 404
    assert client.post(record_url(pending), {"outcome": "hire"}).status_code == 404
    assert client.post(confirm_url(pending)).status_code == 404
    assert client.post(excuse_url(late), {"reason": "Busy"}).status_code == 404

    assert decision_state() == before
    assert Feedback.objects.get(pk=late.pk).excused_at is None
    assert fresh(pending).stage == Application.Stage.DEBRIEF


def test_recording_through_htmx_returns_only_the_decision_partial(client, opened, member):
    client.force_login(member)

    response = client.post(record_url(opened), {"outcome": "no_hire"}, **HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="decision"')
    assert "<html" not in response.text
    assert "<h1" not in response.text
    assert NOTES not in response.text
    assert "Decision: <strong>No hire</strong>" in response.text
    record = Decision.objects.get()
    assert record.outcome == Decision.Outcome.NO_HIRE
    assert record.is_effective
    assert fresh(opened).stage == Application.Stage.REJECTED


def test_departing_without_a_rationale_shows_the_error(client, opened, member):
    client.force_login(member)

    response = client.post(record_url(opened), {"outcome": "hire", "rationale": ""}, **HTMX)

    assert response.status_code == 400
    assert "give the team&#x27;s rationale" in response.text
    assert response.text.lstrip().startswith('<section class="card" id="decision"')
    assert not Decision.objects.exists()


def test_departing_decision_waits_for_a_teammate_then_takes_effect(
    client, opened, member, teammate
):
    client.force_login(member)
    response = client.post(record_url(opened), {"outcome": "hire", "rationale": RATIONALE})

    assert response.status_code == 302
    record = Decision.objects.get()
    assert not record.is_effective
    assert fresh(opened).stage == Application.Stage.DEBRIEF
    page = client.get(debrief_url(opened)).text
    assert "a second team member must confirm it" in page
    assert f'action="{confirm_url(opened)}"' not in page  # not for the one who recorded it

    client.force_login(teammate)
    page = client.get(debrief_url(opened)).text
    assert f'action="{confirm_url(opened)}"' in page
    response = client.post(confirm_url(opened), **HTMX)

    assert response.status_code == 200
    assert "Confirmed by Ben Teammate" in response.text
    record.refresh_from_db()
    assert record.confirmed_by == teammate
    assert record.is_effective
    assert fresh(opened).stage == Application.Stage.OFFER


def test_the_recorder_confirming_their_own_decision_is_refused(client, pending, member):
    client.force_login(member)
    before = decision_state()

    response = client.post(confirm_url(pending))

    assert response.status_code == 400
    assert "A second team member must confirm this decision." in response.text
    assert decision_state() == before


def test_the_timeline_shows_the_decision_recorded_and_confirmed(client, pending, teammate):
    decisions.confirm_decision(Decision.objects.get(), teammate)
    client.force_login(teammate)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 200
    events = timeline(response.text)
    assert "Decision recorded" in events
    assert "Decision confirmed" in events
    assert RATIONALE in events


def test_recruiter_sees_the_outcome_but_not_the_rationale(client, pending, teammate, recruiter):
    decisions.confirm_decision(Decision.objects.get(), teammate)
    client.force_login(recruiter)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 200
    assert "Team decision" in response.text
    assert "<strong>Hire</strong>" in response.text
    events = timeline(response.text)
    assert "Decision recorded" in events
    assert "Decision confirmed" in events
    assert "ZEBRA" not in response.text
    assert NOTES not in response.text


# The opening's decision rule


def rule_form(**changes):
    data = {
        "decision_method": "unanimous",
        "min_scorecards": "3",
        "min_team_fit_peers": "2",
        "skills_threshold": "3.5",
        "team_fit_threshold": "2.5",
        "strong_no_veto": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def rule_of(opening):
    return Opening.objects.get(pk=opening.pk).rule_snapshot()


def test_a_member_saves_the_opening_rule(client, application, member):
    opening = application.opening
    client.force_login(member)

    response = client.post(
        reverse("opening_rule", args=[opening.pk]), rule_form(strong_no_veto=None)
    )

    assert response.status_code == 302
    assert rule_of(opening) == {
        "decision_method": "unanimous",
        "min_scorecards": 3,
        "min_team_fit_peers": 2,
        "skills_threshold": 3.5,
        "team_fit_threshold": 2.5,
        "strong_no_veto": False,
    }
    assert fresh(application).decision_rule == rule_of(opening)


def test_a_threshold_off_the_scale_is_refused_beside_the_field(client, application, member):
    opening = application.opening
    before = rule_of(opening)
    client.force_login(member)

    response = client.post(
        reverse("opening_rule", args=[opening.pk]), rule_form(skills_threshold="5")
    )

    assert response.status_code == 400
    assert re.search(
        r'<ul class="errorlist" id="id_skills_threshold_error">\s*'
        r"<li>Ensure this value is less than or equal to 4.</li>",
        response.text,
    )
    assert rule_of(opening) == before
    assert fresh(application).decision_rule == before


@pytest.mark.parametrize("persona", ["recruiter", "leadership", "outsider"])
def test_only_the_team_changes_the_opening_rule(request, client, application, persona):
    opening = application.opening
    before = rule_of(opening)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("opening_rule", args=[opening.pk]), rule_form())

    assert response.status_code == 404
    assert rule_of(opening) == before
    assert fresh(application).decision_rule == before


# The Django admin looks, never touches


@pytest.fixture
def admin_client(client, org_admin):
    assert org_admin.is_superuser
    client.force_login(org_admin)
    return client


@pytest.fixture
def recorded(opened, member):
    return decisions.record_decision(opened, member, Decision.Outcome.NO_HIRE)


def audit_state():
    return sorted(AuditEvent.objects.values_list("pk", "action", "actor", "details", "at"))


@pytest.mark.parametrize("model", ["decision", "auditevent"])
def test_admin_cannot_add_decisions_or_audit_events(admin_client, recorded, model):
    before = decision_state(), audit_state()

    assert admin_client.get(reverse(f"admin:hiring_{model}_add")).status_code == 403
    assert admin_client.post(reverse(f"admin:hiring_{model}_add"), {}).status_code == 403

    assert (decision_state(), audit_state()) == before


def test_admin_cannot_change_a_decision(admin_client, recorded, member, teammate):
    before = decision_state()

    response = admin_client.post(
        reverse("admin:hiring_decision_change", args=[recorded.pk]),
        {
            "application": recorded.application_id,
            "outcome": "hire",
            "rationale": "The CTO overrides",
            "recommendation": "hire",
            "recommendation_reasons": "[]",
            "recorded_by": member.pk,
            "recorded_at_0": "2030-01-01",
            "recorded_at_1": "09:00",
            "confirmed_by": teammate.pk,
        },
    )

    assert response.status_code == 403
    assert decision_state() == before


def test_admin_cannot_change_an_audit_event(admin_client, recorded, member):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED).get()
    before = audit_state()

    response = admin_client.post(
        reverse("admin:hiring_auditevent_change", args=[event.pk]),
        {
            "team": event.team_id,
            "action": "decision_confirmed",
            "actor": member.pk,
            "details": "Rewritten",
            "at_0": "2030-01-01",
            "at_1": "09:00",
        },
    )

    assert response.status_code == 403
    assert audit_state() == before


def test_admin_change_pages_are_read_only(admin_client, recorded):
    event = AuditEvent.objects.filter(action=AuditEvent.Action.DECISION_RECORDED).get()
    for url in (
        reverse("admin:hiring_decision_change", args=[recorded.pk]),
        reverse("admin:hiring_auditevent_change", args=[event.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert 'name="_save"' not in response.text


@pytest.mark.parametrize("model", ["decision", "auditevent"])
def test_admin_cannot_delete_decisions_or_audit_events(admin_client, recorded, model):
    obj = recorded if model == "decision" else AuditEvent.objects.first()
    url = reverse(f"admin:hiring_{model}_delete", args=[obj.pk])
    before = decision_state(), audit_state()

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    admin_client.post(
        reverse(f"admin:hiring_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    assert (decision_state(), audit_state()) == before


# Bounded queries


SIX_CRITERIA = [
    {
        "name": f"Criterion {n}",
        "category": SKILLS if n < 3 else TEAM_FIT,
        "description": f"What criterion {n} measures.",
        "anchor_1": f"{n}: one",
        "anchor_2": f"{n}: two",
        "anchor_3": f"{n}: three",
        "anchor_4": f"{n}: four",
    }
    for n in range(6)
]


@pytest.mark.parametrize("interviewers", [2, 6])
def test_the_debrief_runs_a_bounded_number_of_queries(
    client, team, bystander, interviewers, django_assert_max_num_queries
):
    application = ApplicationFactory(
        opening__team=team,
        opening__scorecard=create_template(team, "Six criteria", criteria=SIX_CRITERIA),
    )
    for n in range(interviewers):
        person = UserFactory(display_name=f"Panelist {n}")
        team.memberships.create(user=person)
        submitted(application, person, TEAM_FIT if n % 2 else SKILLS, "yes", notes=f"Note {n}")
    assert fresh(application).debrief_opened_at is not None
    client.force_login(bystander)

    with django_assert_max_num_queries(DEBRIEF_MAX_QUERIES):
        response = client.get(debrief_url(application))
    with django_assert_max_num_queries(DEBRIEF_CACHED_QUERIES):
        cached = client.get(debrief_url(application))

    assert response.status_code == cached.status_code == 200
    for page in (response, cached):
        assert f"Note {interviewers - 1}" in page.text
        assert "Criterion 5" in page.text
