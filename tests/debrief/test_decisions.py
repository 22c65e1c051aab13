"""Team-owned decisions (SPEC principle 1): the debrief opens, the team records its decision.

Through the domain functions: when the debrief opens, excusing interviewers, recording and
confirming decisions, who may do it, decision rules per application, the append-only audit trail.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from hiring.debrief import decisions
from hiring.models import Application, AuditEvent, Decision, Notification, StageChange, User
from hiring.pipeline import applications
from hiring.tasks import send_decision_notice
from scorecards.models import Category
from tests.factories import ApplicationFactory, UserFactory, assigned, at_once, submit, submitted

SKILLS, TEAM_FIT = Category.SKILLS, Category.TEAM_FIT
NON_MEMBERS = ["outsider", "leadership", "recruiter", "org_admin"]
Action = AuditEvent.Action
Stage = Application.Stage


def fresh(application):
    return Application.objects.get(pk=application.pk)


def events(application, action):
    return list(AuditEvent.objects.filter(application=application, action=action))


def stages(application):
    return list(
        StageChange.objects.filter(application=application)
        .order_by("at", "pk")
        .values_list("to_stage", flat=True)
    )


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


# When the debrief opens


def test_debrief_stays_closed_while_an_assigned_interviewer_has_not_submitted(
    application, member, teammate, peer
):
    assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)

    application = fresh(application)
    assert application.debrief_opened_at is None
    assert application.stage == Stage.PANEL
    assert events(application, Action.DEBRIEF_OPENED) == []


def test_debrief_stays_closed_while_the_quorum_is_unmet(application, member):
    submitted(application, member, SKILLS)  # nobody else assigned, but 1 of 2 scorecards

    application = fresh(application)
    assert application.debrief_opened_at is None
    assert application.stage == Stage.PANEL
    assert events(application, Action.DEBRIEF_OPENED) == []


def test_debrief_stays_closed_without_a_team_fit_peer(application, member, teammate):
    submitted(application, member, SKILLS)
    submitted(application, teammate, SKILLS)

    assert fresh(application).debrief_opened_at is None


def test_debrief_opens_when_the_last_interviewer_submits(application, member, teammate, peer):
    last = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    assert fresh(application).debrief_opened_at is None

    submit(last)

    application = fresh(application)
    assert application.debrief_opened_at is not None
    [opened] = events(application, Action.DEBRIEF_OPENED)
    assert opened.actor == peer
    assert opened.team == application.opening.team
    assert application.stage == Stage.DEBRIEF
    assert stages(application)[-1] == Stage.DEBRIEF


def test_debrief_opens_only_once(application, member, teammate, peer):
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    opened_at = fresh(application).debrief_opened_at

    submitted(application, peer, TEAM_FIT)  # assigned late, after the opening

    assert fresh(application).debrief_opened_at == opened_at
    assert len(events(application, Action.DEBRIEF_OPENED)) == 1


def test_excusing_the_last_interviewer_with_a_reason_opens_the_debrief(
    application, member, teammate, peer
):
    absent = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    assert fresh(application).debrief_opened_at is None

    decisions.excuse(absent, member, "  Off sick for two weeks  ")

    absent.refresh_from_db()
    assert absent.excused_at is not None
    assert absent.excused_by == member
    assert absent.excuse_reason == "Off sick for two weeks"
    [excused] = events(application, Action.INTERVIEWER_EXCUSED)
    assert excused.actor == member
    assert "Cai Peer" in excused.details
    assert "Off sick for two weeks" in excused.details
    application = fresh(application)
    assert application.debrief_opened_at is not None
    assert application.stage == Stage.DEBRIEF
    assert len(events(application, Action.DEBRIEF_OPENED)) == 1


def test_excusing_does_not_open_the_debrief_without_the_quorum(application, member, teammate):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    decisions.excuse(absent, member, "Left the company")

    assert fresh(application).debrief_opened_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_excusing_without_a_reason_is_refused(application, member, teammate, reason):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="Say why"):
        decisions.excuse(absent, member, reason)

    absent.refresh_from_db()
    assert absent.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


def test_excusing_a_submitted_interviewer_is_refused(application, member, teammate):
    done = submitted(application, member, SKILLS)
    assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="already submitted"):
        decisions.excuse(done, teammate, "Not needed")

    done.refresh_from_db()
    assert done.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_only_the_team_excuses_an_interviewer(request, application, member, teammate, persona):
    submitted(application, member, SKILLS)
    absent = assigned(application, teammate, TEAM_FIT)

    with pytest.raises(ValidationError, match="Only members of the hiring team"):
        decisions.excuse(absent, request.getfixturevalue(persona), "On leave")

    absent.refresh_from_db()
    assert absent.excused_at is None
    assert events(application, Action.INTERVIEWER_EXCUSED) == []


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
    [recorded] = events(application, Action.DECISION_RECORDED)
    assert recorded.actor == member
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

    for recruiter in recruiters:
        assert send_decision_notice.delay(record.pk, recruiter.pk).get() is False
        assert send_decision_notice(record.pk, recruiter.pk) is False

    assert len(mailoutbox) == 2
    assert Notification.objects.filter(key__startswith=f"decision:{record.pk}:").count() == 2


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


# Decision rules


def test_a_rule_change_applies_to_every_application_until_one_is_decided(team, member, teammate):
    first = ApplicationFactory(opening__team=team)
    opening = first.opening
    second = ApplicationFactory(opening=opening)

    applies_to_all = applications.change_rule(
        opening, decision_method="unanimous", min_scorecards=3
    )

    assert applies_to_all is True
    for application in (first, second):
        rule = fresh(application).decision_rule
        assert rule["decision_method"] == "unanimous"
        assert rule["min_scorecards"] == 3


def test_after_a_decision_a_rule_change_applies_only_to_new_applications(
    team, member, teammate, peer
):
    decided = ApplicationFactory(opening__team=team)
    opening = decided.opening
    waiting = ApplicationFactory(opening=opening)
    submitted(decided, member, SKILLS, "yes")
    submitted(decided, teammate, TEAM_FIT, "yes")
    decisions.record_decision(decided, member, Decision.Outcome.HIRE)
    before = fresh(waiting).decision_rule
    assert before["decision_method"] == "majority"

    applies_to_all = applications.change_rule(
        opening, decision_method="weighted", skills_threshold=3.5, strong_no_veto=False
    )

    assert applies_to_all is False
    assert fresh(decided).decision_rule == before
    assert fresh(waiting).decision_rule == before
    opening.refresh_from_db()
    assert opening.decision_method == "weighted"
    newcomer = ApplicationFactory(opening=opening)
    rule = fresh(newcomer).decision_rule
    assert rule["decision_method"] == "weighted"
    assert rule["skills_threshold"] == 3.5
    assert rule["strong_no_veto"] is False


def test_an_application_is_recommended_by_its_own_rule(team, member, teammate, peer):
    """The old application keeps majority; a new one under unanimous is not recommended."""
    decided = ApplicationFactory(opening__team=team)
    opening = decided.opening
    submitted(decided, member, SKILLS, "yes")
    submitted(decided, teammate, TEAM_FIT, "yes")
    decisions.record_decision(decided, member, Decision.Outcome.HIRE)
    old = ApplicationFactory(opening=opening)
    applications.change_rule(opening, decision_method="unanimous")
    new = ApplicationFactory(opening=opening)
    for application in (old, new):
        submitted(application, member, SKILLS, "yes")
        submitted(application, teammate, TEAM_FIT, "yes")
        submitted(application, peer, TEAM_FIT, "no")

    def recommendation(application):
        application = fresh(application)
        return decisions.recommend(application, decisions.panel_feedback(application)).outcome

    assert recommendation(old) == "hire"
    assert recommendation(new) == "no_hire"


# The audit trail is append-only


@pytest.fixture
def event(team, member):
    return AuditEvent.record(Action.MEMBERSHIP_CHANGED, member, team, details="Ana joined")


def test_an_audit_event_cannot_be_saved_again(event):
    event.details = "Edited"

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).details == "Ana joined"


def test_an_audit_event_cannot_be_deleted(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_in_bulk(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(details="Edited")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.update(details="Edited")
    event.details = "Edited"
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["details"])

    assert AuditEvent.objects.get(pk=event.pk).details == "Ana joined"


def test_audit_events_cannot_be_deleted_in_bulk(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()
