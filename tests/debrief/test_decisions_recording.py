"""Team-owned decisions (SPEC principle 1): the team records its decision.

Through the domain functions: recording and confirming decisions, and who may do it.
"""

from operator import attrgetter

import pytest
from django.core.exceptions import ValidationError

from hiring.debrief import decisions
from hiring.models import Decision, Notification, User
from hiring.pipeline import applications
from hiring.portal import status
from hiring.tasks import send_decision_notices
from tests.factories import (
    NON_MEMBERS,
    SKILLS,
    TEAM_FIT,
    Action,
    ApplicationFactory,
    Stage,
    UserFactory,
    at_once,
    events,
    fresh,
    stages,
    submitted,
)


# Overrides the `application` of tests/debrief/conftest.py, whose candidate has a name.
@pytest.fixture
def application(team):
    return ApplicationFactory(opening__team=team, stage=Stage.PANEL)


@pytest.fixture
def recommends_hire(application, member, teammate):
    """An open debrief whose rule (majority yes, strong no vetoes) recommends hire."""
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    assert fresh(application).debrief_opened_at
    return fresh(application)


@pytest.fixture
def recommends_no_hire(application, member, teammate):
    """An open debrief the rule recommends against: a strong no is a veto."""
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_no")
    assert fresh(application).debrief_opened_at
    return fresh(application)


@pytest.fixture
def recruiters(db):
    return [
        UserFactory(email="rita@example.com", role=User.Role.RECRUITER),
        UserFactory(email="raj@example.com", role=User.Role.RECRUITER),
    ]


# Recording the decision


def test_decision_is_refused_before_the_debrief_opens(application, member, teammate):
    submitted(application, member, SKILLS)

    with pytest.raises(ValidationError, match="not open yet"):
        decisions.record_decision(application, teammate, Decision.Outcome.HIRE)

    assert not Decision.objects.exists()


def test_hire_following_the_recommendation_takes_effect_at_once(
    recommends_hire, member, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HIRE)

    record = Decision.objects.get()
    assert record.application == recommends_hire
    assert record.recommendation == "hire"
    assert record.recorded_by == member
    assert record.is_effective
    assert record.confirmed_at is None
    application = fresh(recommends_hire)
    assert application.stage == Stage.OFFER
    assert stages(application)[-2:] == [Stage.DECIDED, Stage.OFFER]
    # Through decided to offer at one moment: decided left as the offer began, the offer open.
    history = list(application.stage_changes.order_by("at", "pk"))
    decided, offer = history[-2:]
    assert (decided.from_stage, offer.from_stage) == (Stage.DEBRIEF, Stage.DECIDED)
    assert decided.left_at == offer.at == application.stage_changed_at
    assert [change for change in history if change.left_at is None] == [offer]
    moves = [
        e.details for e in sorted(events(application, Action.STAGE_CHANGED), key=attrgetter("pk"))
    ]
    assert moves[-2:] == ["Debrief → Decided", "Decided → Offer"]
    [recorded] = events(application, Action.DECISION_RECORDED)
    assert recorded.actor == member
    # The trail reads in order: the decision, then the moves it made.
    trail = application.audit_events.order_by("pk").values_list("action", flat=True)
    assert list(trail)[-3:] == [
        Action.DECISION_RECORDED,
        Action.STAGE_CHANGED,
        Action.STAGE_CHANGED,
    ]
    assert sorted(to for mail in mailoutbox for to in mail.to) == [
        "raj@example.com",
        "rita@example.com",
    ]
    assert all("decided: hire" in mail.subject for mail in mailoutbox)


def test_no_hire_following_the_recommendation_rejects_at_once(
    recommends_no_hire, member, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.record_decision(recommends_no_hire, member, Decision.Outcome.NO_HIRE)

    record = Decision.objects.get()
    assert record.recommendation == "no_hire"
    assert any("veto" in reason for reason in record.recommendation_reasons)
    assert record.is_effective
    application = fresh(recommends_no_hire)
    assert application.stage == Stage.REJECTED
    assert stages(application)[-2:] == [Stage.DECIDED, Stage.REJECTED]
    assert sorted(mail.to[0] for mail in mailoutbox) == ["raj@example.com", "rita@example.com"]
    assert all("decided: no hire" in mail.subject for mail in mailoutbox)


def test_decision_notice_is_sent_once_even_if_the_task_runs_twice(
    recommends_hire, member, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HIRE)
    assert len(mailoutbox) == 2

    assert send_decision_notices.delay(record.pk).get() == 0
    assert send_decision_notices(record.pk) == 0

    assert len(mailoutbox) == 2
    assert Notification.objects.filter(key__startswith=f"decision:{record.pk}:").count() == 2


def test_the_notices_of_a_hold_reopened_before_they_went_send_nothing_and_fail_nothing(
    recommends_hire, member, teammate, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HOLD, "Budget.")
    with django_capture_on_commit_callbacks() as queued:  # the worker is a moment behind
        decisions.confirm_decision(record, teammate)
    decisions.withdraw_decision(record, member, "The budget came through.")

    for task in queued:
        task()

    assert mailoutbox == []
    assert not Notification.objects.filter(key__startswith=f"decision:{record.pk}:").exists()


def test_departing_without_a_rationale_is_refused_and_stores_nothing(
    recommends_no_hire, member, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="give the team's rationale"),
    ):
        decisions.record_decision(recommends_no_hire, member, Decision.Outcome.HIRE, "  ")

    assert not Decision.objects.exists()
    assert events(recommends_no_hire, Action.DECISION_RECORDED) == []
    assert fresh(recommends_no_hire).stage == Stage.DEBRIEF
    assert mailoutbox == []


def test_departing_decision_waits_for_a_second_member(
    recommends_no_hire, member, teammate, recruiters, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.record_decision(
            recommends_no_hire, member, Decision.Outcome.HIRE, "The veto was about a fixable gap."
        )

    record = Decision.objects.get()
    assert record.departs
    assert not record.is_effective
    assert record.rationale == "The veto was about a fixable gap."
    assert fresh(recommends_no_hire).stage == Stage.DEBRIEF
    assert mailoutbox == []
    [recorded] = events(recommends_no_hire, Action.DECISION_RECORDED)
    assert "The veto was about a fixable gap." in recorded.details

    with django_capture_on_commit_callbacks(execute=True):
        decisions.confirm_decision(record, teammate)

    record.refresh_from_db()
    assert record.is_effective
    assert record.confirmed_by == teammate
    application = fresh(recommends_no_hire)
    assert application.stage == Stage.OFFER
    assert stages(application)[-2:] == [Stage.DECIDED, Stage.OFFER]
    [confirmed] = events(application, Action.DECISION_CONFIRMED)
    assert confirmed.actor == teammate
    assert sorted(mail.to[0] for mail in mailoutbox) == ["raj@example.com", "rita@example.com"]


def test_a_departing_decision_nobody_else_could_confirm_is_refused(recommends_no_hire, member):
    """The team down to one member who can sign in: it waited for ever in the debrief."""
    User.objects.filter(teams=recommends_no_hire.opening.team).exclude(pk=member.pk).update(
        is_active=False
    )

    with pytest.raises(ValidationError, match="nobody else in the team can sign in"):
        decisions.record_decision(
            recommends_no_hire, member, Decision.Outcome.HOLD, "Budget review next month."
        )

    assert not Decision.objects.exists()
    record = decisions.record_decision(recommends_no_hire, member, Decision.Outcome.NO_HIRE)
    assert record.is_effective


def test_the_recorder_cannot_confirm_their_own_departing_decision(recommends_no_hire, member):
    record = decisions.record_decision(
        recommends_no_hire, member, Decision.Outcome.HIRE, "We see it differently."
    )

    with pytest.raises(ValidationError, match="second team member"):
        decisions.confirm_decision(record, member)

    record.refresh_from_db()
    assert record.confirmed_at is None
    assert not record.is_effective
    assert fresh(recommends_no_hire).stage == Stage.DEBRIEF
    assert events(recommends_no_hire, Action.DECISION_CONFIRMED) == []


def test_a_decision_following_the_recommendation_needs_no_confirmation(
    recommends_hire, member, teammate
):
    record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HIRE)

    with pytest.raises(ValidationError, match="needs no confirmation"):
        decisions.confirm_decision(record, teammate)

    record.refresh_from_db()
    assert record.confirmed_by is None


def test_hold_always_departs(recommends_hire, member, teammate):
    with pytest.raises(ValidationError, match="give the team's rationale"):
        decisions.record_decision(recommends_hire, member, Decision.Outcome.HOLD)
    assert not Decision.objects.exists()

    record = decisions.record_decision(
        recommends_hire, member, Decision.Outcome.HOLD, "Waiting for the budget."
    )
    assert record.departs
    assert not record.is_effective
    assert fresh(recommends_hire).stage == Stage.DEBRIEF

    decisions.confirm_decision(record, teammate)

    assert fresh(recommends_hire).stage == Stage.DECIDED


def test_an_unknown_outcome_is_refused(recommends_hire, member):
    with pytest.raises(ValidationError):
        decisions.record_decision(recommends_hire, member, "offer", "Why not")

    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_nobody_outside_the_team_records_a_decision(request, recommends_hire, persona):
    with pytest.raises(ValidationError, match="Only members of the hiring team"):
        decisions.record_decision(
            recommends_hire, request.getfixturevalue(persona), Decision.Outcome.HIRE
        )

    assert not Decision.objects.exists()
    assert events(recommends_hire, Action.DECISION_RECORDED) == []
    assert fresh(recommends_hire).stage == Stage.DEBRIEF


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_nobody_outside_the_team_confirms_a_decision(request, recommends_no_hire, member, persona):
    record = decisions.record_decision(
        recommends_no_hire, member, Decision.Outcome.HIRE, "We see it differently."
    )

    with pytest.raises(ValidationError, match="Only members of the hiring team"):
        decisions.confirm_decision(record, request.getfixturevalue(persona))

    record.refresh_from_db()
    assert record.confirmed_at is None
    assert record.confirmed_by is None
    assert events(recommends_no_hire, Action.DECISION_CONFIRMED) == []
    assert fresh(recommends_no_hire).stage == Stage.DEBRIEF


def test_a_second_decision_is_refused(recommends_hire, member, teammate):
    decisions.record_decision(recommends_hire, member, Decision.Outcome.HIRE)

    with pytest.raises(ValidationError, match="already recorded"):
        decisions.record_decision(
            recommends_hire, teammate, Decision.Outcome.NO_HIRE, "Changed our minds."
        )

    record = Decision.objects.get()
    assert record.outcome == Decision.Outcome.HIRE
    assert record.recorded_by == member
    assert len(events(recommends_hire, Action.DECISION_RECORDED)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_members_recording_at_the_same_instant_make_one_decision(application, member, teammate):
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "yes")

    def record(by, outcome):
        try:
            return decisions.record_decision(application, by, outcome, "Discussed at length.")
        except ValidationError as error:
            return error

    results = at_once(
        lambda: record(member, Decision.Outcome.HIRE),
        lambda: record(teammate, Decision.Outcome.NO_HIRE),
    )

    [made] = [r for r in results if isinstance(r, Decision)]
    [refused] = [r for r in results if isinstance(r, ValidationError)]
    assert "already recorded" in refused.messages[0]
    stored = Decision.objects.get()
    assert (stored.pk, stored.outcome, stored.recorded_by_id) == (
        made.pk,
        made.outcome,
        made.recorded_by_id,
    )
    assert len(events(application, Action.DECISION_RECORDED)) == 1


def test_no_decision_on_an_application_the_candidate_withdrew(recommends_hire, member):
    """A decision would bring it back (withdrawn, then decided and waiting for an offer)."""
    status.withdraw(recommends_hire)

    with pytest.raises(ValidationError, match="withdrawn: there is nothing to decide"):
        decisions.record_decision(fresh(recommends_hire), member, Decision.Outcome.HIRE)

    assert not Decision.objects.exists()
    assert fresh(recommends_hire).stage == Stage.WITHDRAWN


def test_no_confirmation_once_the_candidate_withdrew(recommends_no_hire, member, teammate):
    record = decisions.record_decision(
        recommends_no_hire, member, Decision.Outcome.HIRE, "The veto was about a fixable gap."
    )
    status.withdraw(recommends_no_hire)

    with pytest.raises(ValidationError, match="withdrawn: there is nothing to decide"):
        decisions.confirm_decision(record, teammate)

    record.refresh_from_db()
    assert not record.is_effective
    assert fresh(recommends_no_hire).stage == Stage.WITHDRAWN
    assert events(recommends_no_hire, Action.DECISION_CONFIRMED) == []


# Taking a decision back


def test_a_departing_decision_waiting_for_confirmation_is_taken_back_and_decided_again(
    client, recommends_no_hire, member, teammate
):
    """One member's dissent no longer holds the application at the debrief for good."""
    decisions.record_decision(recommends_no_hire, member, Decision.Outcome.HOLD, "Wait a month.")
    client.force_login(teammate)
    assert (
        "Take the decision back"
        in client.get(f"/applications/{recommends_no_hire.pk}/debrief/").text
    )

    response = client.post(
        f"/applications/{recommends_no_hire.pk}/decision/withdraw/",
        {"reason": "We agreed.", "decision": Decision.objects.get().pk},
    )

    assert response.status_code == 302
    assert not Decision.objects.exists()
    [withdrawn] = events(recommends_no_hire, Action.DECISION_WITHDRAWN)
    assert (withdrawn.actor, withdrawn.details) == (teammate, "Hold: We agreed.")
    decisions.record_decision(fresh(recommends_no_hire), teammate, Decision.Outcome.NO_HIRE)
    assert fresh(recommends_no_hire).stage == Stage.REJECTED


def test_a_hold_is_reopened_back_to_the_debrief(recommends_hire, member, teammate):
    record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HOLD, "Budget.")
    decisions.confirm_decision(record, teammate)
    assert fresh(recommends_hire).stage == Stage.DECIDED

    decisions.withdraw_decision(record, member, "The budget came through.")

    application = fresh(recommends_hire)
    assert application.stage == Stage.DEBRIEF
    assert stages(application)[-1] == Stage.DEBRIEF
    decisions.record_decision(application, teammate, Decision.Outcome.HIRE)
    assert fresh(recommends_hire).stage == Stage.OFFER


def test_a_decision_in_force_to_hire_or_not_stands(recommends_hire, member, teammate):
    record = decisions.record_decision(recommends_hire, member, Decision.Outcome.HIRE)

    with pytest.raises(ValidationError, match="stands"):
        decisions.withdraw_decision(record, teammate, "Changed our minds.")

    assert Decision.objects.get().outcome == Decision.Outcome.HIRE
    assert fresh(recommends_hire).stage == Stage.OFFER


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_nobody_outside_the_team_takes_a_decision_back(
    request, recommends_no_hire, member, persona
):
    record = decisions.record_decision(recommends_no_hire, member, Decision.Outcome.HOLD, "Wait.")

    with pytest.raises(ValidationError, match="Only members of the hiring team"):
        decisions.withdraw_decision(record, request.getfixturevalue(persona), "Because.")

    assert Decision.objects.exists()


def test_a_decision_waiting_for_confirmation_is_not_undone_by_moving_back(
    opened, member, teammate, recruiter
):
    """Moved back to the screen, a recruiter could reject it there, past the team deciding."""
    decisions.record_decision(opened, member, Decision.Outcome.HIRE, "Worth the risk")

    for stage in (Stage.SCREEN, Stage.APPLIED, Stage.REJECTED):
        with pytest.raises(ValidationError):
            applications.move_stage(fresh(opened), stage, recruiter)
    assert fresh(opened).stage == Stage.DEBRIEF
    decisions.confirm_decision(fresh(opened).decision, teammate)  # the team's to settle
    assert fresh(opened).stage == Stage.OFFER
