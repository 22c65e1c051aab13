"""One lock order on PostgreSQL for the writes that reach an application and its team: the
application's row first, then its decision's, the team's versions last. A rule change made
while a submission is under way waits for it, leaves its application the rule it was scored
under, and neither dies in a deadlock."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from hiring.debrief import decisions
from hiring.models import Application, Decision, Proposal
from hiring.teams import membership
from scorecards import scoring
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, assigned, fresh, submitted
from tests.services import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks"),
]


def propose_unanimous(opening, proposer):
    rule = opening.rule_snapshot()
    changed = {**rule, "decision_method": "unanimous"}
    return membership.propose_decision_rule(opening, proposer, changed, shown=rule)


def waits_for_a_lock(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() == ("Lock",)


def while_waiting(holds, waits):
    """Run holds(held) in a thread until it calls held() (its locks taken), then waits() in
    another until PostgreSQL shows it waiting for a lock, or it is over (it took no lock the
    first holds: the test then fails on what it finds, not on a timeout); then holds goes on.
    Returns what either raised, once both are done."""
    locked, go, waiting, failures = threading.Event(), threading.Event(), {}, []

    def held():
        locked.set()
        go.wait(30)

    def waiting_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            waiting["pid"] = cursor.fetchone()[0]
        waits()

    holding = in_thread(lambda: holds(held), failures)
    assert locked.wait(30)
    other = in_thread(waiting_one, failures)
    assert wait_for(
        lambda: not other.is_alive() or ("pid" in waiting and waits_for_a_lock(waiting["pid"])),
        30,
    )
    go.set()
    holding.join(60)
    other.join(60)
    return failures


def in_thread(run, failures):
    def target():
        try:
            run()
        except Exception as error:  # noqa: BLE001 (reported by the test)
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_a_rule_change_waits_for_a_submission_under_way_and_leaves_it_its_rule(
    team, member, teammate
):
    application = ApplicationFactory(opening__team=team)
    untouched = ApplicationFactory(opening=application.opening)
    before = fresh(application).decision_rule
    item = assigned(application, member, SKILLS)
    [criterion] = item.criteria.all()
    draft = scoring.save_draft(item, member, ratings={criterion.pk: {"score": 3}}, vote="yes")
    proposal = propose_unanimous(application.opening, member)

    def submitting(held):
        with transaction.atomic():
            # The submission has locked its application, and is on its way to the team's rows.
            Application.objects.select_for_update().get(pk=application.pk)
            held()
            scoring.submit(item, member, draft.number)

    failures = while_waiting(
        submitting, lambda: membership.cast_vote(proposal, teammate, approve=True)
    )

    assert failures == []
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert fresh(application).decision_rule == before
    assert fresh(untouched).decision_rule["decision_method"] == "unanimous"


def locks_of(queries):
    """The tables each FOR UPDATE of `queries` locks first, in order."""
    return [
        query["sql"].split(" FROM ", 1)[1].split()[0].strip('"')
        for query in queries
        if "FOR UPDATE" in query["sql"] or "FOR NO KEY UPDATE" in query["sql"]
    ]


def test_a_rule_change_locks_the_opening_and_applications_before_the_team(team, member, teammate):
    application = ApplicationFactory(opening__team=team)
    proposal = propose_unanimous(application.opening, member)

    with CaptureQueriesContext(connection) as queries:
        membership.cast_vote(proposal, teammate, approve=True)

    assert locks_of(queries)[:3] == ["hiring_opening", "hiring_application", "hiring_team"]


@pytest.fixture
def departing(team, member, teammate):
    """A hold on an application the rule recommends hiring, waiting for a second member."""
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    return decisions.record_decision(fresh(application), member, Decision.Outcome.HOLD, "Wait.")


@pytest.mark.parametrize(
    "write",
    [
        lambda record, member, teammate: decisions.confirm_decision(record, teammate),
        lambda record, member, teammate: decisions.withdraw_decision(record, member, "Budget."),
    ],
    ids=["confirm", "withdraw"],
)
def test_a_decision_is_locked_after_its_application(write, departing, member, teammate):
    with CaptureQueriesContext(connection) as queries:
        write(departing, member, teammate)

    assert locks_of(queries)[:2] == ["hiring_application", "hiring_decision"]


def test_a_membership_action_locks_only_the_applications_a_rule_change_still_reaches(
    team, member, teammate, peer
):
    reachable = ApplicationFactory(opening__team=team)
    scored = ApplicationFactory(opening=reachable.opening)
    submitted(scored, member, SKILLS)
    propose_unanimous(reachable.opening, member)  # open: the teammate has not voted
    locked, failures = {}, []

    def probe():
        for name, application in [("reachable", reachable), ("scored", scored)]:
            try:
                with transaction.atomic():
                    rows = Application.objects.select_for_update(nowait=True)
                    list(rows.filter(pk=application.pk).values_list("pk"))
            except DatabaseError:
                locked[name] = True
            else:
                locked[name] = False

    with transaction.atomic():
        membership.propose_removal(team, member, peer)
        in_thread(probe, failures).join(30)

    assert failures == []
    assert locked == {"reachable": True, "scored": False}


def test_excusing_locks_the_application_before_the_scorecard(application_waiting_for_peer):
    absent, member = application_waiting_for_peer

    with CaptureQueriesContext(connection) as queries:
        decisions.excuse(absent, member, "Off sick for two weeks")

    # A session cancelled at once deletes the scorecard under the application's lock.
    assert locks_of(queries)[:2] == ["hiring_application", "scorecards_feedback"]


@pytest.fixture
def application_waiting_for_peer(team, member, teammate, peer):
    """The panel's last scorecard, still to write, and a member who may excuse it."""
    application = ApplicationFactory(opening__team=team, stage=Application.Stage.PANEL)
    absent = assigned(application, peer, TEAM_FIT)
    submitted(application, member, SKILLS)
    submitted(application, teammate, TEAM_FIT)
    return absent, member
