"""A hire who does not start (took another offer): recorded from the Hired application's page
by whoever moves its cards, the application moves to Withdrawn, the accepted offer stays, the
team's invitation and the check-ins nobody submitted go, and the reports no longer count a
hire."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hiring.checkins import checkins
from hiring.models import (
    Application,
    AuditEvent,
    Invitation,
    LinkError,
    Membership,
    Offer,
    Proposal,
    StageChange,
    Team,
)
from hiring.offers import offers
from hiring.privacy import erasure
from hiring.reports import queries
from hiring.teams import invitations, membership
from scorecards.models import CheckIn
from tests.checkins.helpers import hired, review
from tests.factories import OpeningFactory, UserFactory, fresh
from tests.privacy.test_export import built, everything
from tests.reports.test_validity import URL as VALIDITY_URL
from tests.reports.test_validity import hires

Stage = Application.Stage
REASON = "Took another offer"


@pytest.fixture
def hire(sent, application):
    """Nina accepted the offer: the application is Hired."""
    offers.accept(sent)
    return fresh(application)


def not_starting(application, by, reason=REASON, told_on=None):
    told_on = told_on or timezone.localdate()
    return offers.did_not_start(application, by, reason=reason, told_on=told_on)


def withdrawn_events(application):
    return list(
        AuditEvent.objects.filter(
            application=application, action=AuditEvent.Action.WITHDRAWN_BY_CANDIDATE
        ).values_list("actor", "details")
    )


def page(client, application):
    return client.get(application.get_absolute_url())


def post(client, application, reason=REASON, told_on=None):
    told_on = told_on or timezone.localdate()
    url = reverse("did_not_start", args=[application.pk])
    return client.post(url, {"reason": reason, "told_on": told_on.isoformat()})


def invited(hire, team, member, teammate):
    """The team agrees to Nina joining at her work address: its invitation waits for her."""
    proposal = membership.propose_member(team, member, "nina@work.example", hire=hire)
    if proposal.is_open:
        membership.cast_vote(proposal, teammate, approve=True)
    return Invitation.objects.get(team=team)


def joined_and_left(hire, team, member, teammate):
    """Nina joins the team by its invitation (linked as its hire: Application.member), and
    leaves it."""
    nina = UserFactory(display_name="Nina Park", email="nina@work.example")
    invitations.accept_invitation(invited(hire, team, member, teammate), nina)
    membership.leave_team(team, nina)


# The move


def test_the_hire_moves_to_withdrawn_and_the_accepted_offer_stays(hire, recruiter):
    not_starting(hire, recruiter)

    hire = fresh(hire)
    assert hire.stage == Stage.WITHDRAWN
    last = StageChange.objects.filter(application=hire).last()
    assert (last.from_stage, last.to_stage, last.by) == (Stage.HIRED, Stage.WITHDRAWN, recruiter)
    today = timezone.localdate().isoformat()
    assert withdrawn_events(hire) == [(recruiter.pk, f"did not start: {REASON} (told on {today})")]
    assert hire.offers.get().status == Offer.Status.ACCEPTED


def test_only_a_hire_can_not_start(application, recruiter):
    with pytest.raises(ValidationError, match="Only a hired candidate"):
        not_starting(application, recruiter)

    assert fresh(application).stage == Stage.OFFER


def test_a_hire_who_joined_the_team_leaves_it_through_the_team_instead(hire, team, member):
    joined = UserFactory(email="nina@candidates.example")
    Membership.objects.create(team=team, user=joined)

    with pytest.raises(ValidationError, match="through the team's membership"):
        not_starting(hire, member)

    assert fresh(hire).stage == Stage.HIRED
    assert withdrawn_events(hire) == []


def test_the_date_is_neither_in_the_future_nor_before_the_hire(hire, member):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="can't be in the future"):
        not_starting(hire, member, told_on=tomorrow)
    with pytest.raises(ValidationError, match="can't be before the hire"):
        not_starting(hire, member, told_on=timezone.localdate() - timedelta(days=3))

    assert fresh(hire).stage == Stage.HIRED


def test_the_teams_invitation_waiting_for_the_hire_is_withdrawn(hire, team, member, teammate):
    invitation = invited(hire, team, member, teammate)
    assert invitation.is_pending

    not_starting(fresh(hire), member)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with pytest.raises(LinkError, match="withdrawn"):
        Invitation.from_token(invitation.token())


def test_the_teams_open_proposal_to_add_the_hire_is_withdrawn(hire, team, member, teammate):
    """Agreed later, it would have invited someone who is not starting."""
    proposal = membership.propose_member(team, member, "nina@work.example", hire=hire)
    assert proposal.is_open  # the teammate is yet to vote

    not_starting(fresh(hire), member)

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert not Invitation.objects.filter(team=team).exists()


def test_check_ins_nobody_submitted_go_and_submitted_ones_stay(team, member, teammate):
    application = hired(team, member, days_ago=100)  # its day 90 is open, 180 and 365 to come
    day_90 = application.check_ins.get(day=90)
    review(day_90, teammate)
    review(day_90, member, submit=False)
    assert list(checkins.to_fill(member, timezone.now())) == [day_90]

    not_starting(fresh(application), member)

    assert list(CheckIn.objects.filter(application=application).values_list("day", flat=True)) == [
        90
    ]
    day_90.refresh_from_db()
    assert day_90.reviews.exclude(submitted_at=None).count() == 1
    assert checkins.is_closed(day_90)
    assert list(checkins.to_fill(member, timezone.now())) == []


# The page and who may


def test_the_hired_applications_page_offers_it_to_its_team_and_recruiters(
    client, hire, member, recruiter, leadership
):
    action = reverse("did_not_start", args=[hire.pk])
    for user, offered in [(member, True), (recruiter, True), (leadership, False)]:
        client.force_login(user)
        assert (action in page(client, hire).text) is offered, user


def test_it_is_not_offered_before_the_hire(client, application, member):
    client.force_login(member)

    assert reverse("did_not_start", args=[application.pk]) not in page(client, application).text


def test_a_member_records_it_through_the_page(client, hire, member):
    client.force_login(member)
    assert (
        "Record that they do not start" in client.get(reverse("did_not_start", args=[hire.pk])).text
    )

    response = post(client, hire)

    assert response.status_code == 302
    assert fresh(hire).stage == Stage.WITHDRAWN
    assert REASON in page(client, hire).text  # on the timeline


def test_leadership_and_outsiders_get_404(client, hire, leadership, outsider):
    for user in (leadership, outsider):
        client.force_login(user)
        assert client.get(reverse("did_not_start", args=[hire.pk])).status_code == 404
        assert post(client, hire).status_code == 404

    assert fresh(hire).stage == Stage.HIRED


@pytest.mark.parametrize(
    ("reason", "told_on", "message"),
    [
        ("", None, "This field is required."),
        ("Took another\noffer", None, "Write this on one line"),
        (REASON, timezone.localdate() + timedelta(days=2), "can&#x27;t be in the future"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_changes_nothing(
    client, hire, member, reason, told_on, message
):
    client.force_login(member)

    response = post(client, hire, reason=reason, told_on=told_on)

    assert response.status_code == 400
    assert message in response.text
    assert fresh(hire).stage == Stage.HIRED


def test_a_hire_who_joined_is_refused_on_the_page_with_why(client, hire, team, member):
    Membership.objects.create(team=team, user=UserFactory(email="nina@candidates.example"))
    client.force_login(member)

    response = client.get(reverse("did_not_start", args=[hire.pk]))

    assert "Record that they do not start" not in response.text
    assert "through the team&#x27;s membership" in response.text
    assert reverse("did_not_start", args=[hire.pk]) not in page(client, hire).text


def test_a_hire_invited_but_not_joined_yet_is_still_offered_it(
    client, hire, team, member, teammate
):
    assert invited(hire, team, member, teammate).is_pending
    client.force_login(member)

    assert reverse("did_not_start", args=[hire.pk]) in page(client, hire).text


def test_a_hire_who_joined_and_left_is_neither_offered_it_nor_recorded_as_not_starting(
    client, hire, team, member, teammate, recruiter
):
    joined_and_left(hire, team, member, teammate)
    action = reverse("did_not_start", args=[hire.pk])

    for user in (member, recruiter):
        client.force_login(user)
        assert action not in page(client, hire).text, user
        response = post(client, hire)  # from a page opened before they joined

        assert response.status_code == 400, user
        assert "Record that they do not start" not in response.text
        assert "Nina Park joined Platform and has left it since" in response.text
    hire = fresh(hire)
    assert hire.stage == Stage.HIRED
    assert withdrawn_events(hire) == []
    assert not StageChange.objects.filter(application=hire, to_stage=Stage.WITHDRAWN).exists()


def test_the_page_of_a_hire_who_left_says_so_beside_proposing_them_again(
    client, hire, team, member, teammate
):
    client.force_login(member)
    assert "has left it" not in page(client, hire).text

    joined_and_left(hire, team, member, teammate)

    shown = page(client, hire).text
    assert "Nina Park was a member of Platform and has left it." in shown
    assert "Propose Nina Park as a member of Platform" in shown


def test_the_board_moves_the_card(client, hire, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    board = reverse("pipeline")
    assert "Nina Park" in client.get(board, {"stage": "hired"}).text  # and cached

    with django_capture_on_commit_callbacks(execute=True):  # the columns are forgotten then
        post(client, hire)
    page(client, hire)  # where its message is read

    assert "Nina Park" not in client.get(board, {"stage": "hired"}).text
    assert "Nina Park" in client.get(board, {"stage": "withdrawn"}).text


# The reports count no hire


def test_the_validity_report_no_longer_counts_the_hire(client, team, member):
    hires(OpeningFactory(team=team), member, 6)
    client.force_login(member)
    assert client.get(VALIDITY_URL).context["hires"] == 6  # and cached

    not_starting(Application.objects.filter(stage=Stage.HIRED).first(), member)

    assert client.get(VALIDITY_URL).context["hires"] == 5


def test_the_funnel_and_time_to_hire_no_longer_count_the_hire(hire, member):
    today = timezone.now().date()
    scope = queries.scope_for(Team.objects.all(), today - timedelta(days=1), today)
    assert queries.time_to_hire(scope)["hires"] == 1

    not_starting(hire, member)

    scope = queries.scope_for(Team.objects.all(), today - timedelta(days=1), today)
    reached = {row["stage"]: row["reached"] for row in queries.funnel(scope)}
    assert (reached["Offer"], reached["Hired"]) == (1, 0)
    assert queries.time_to_hire(scope)["hires"] == 0


# The reason is the candidate's data


def test_the_candidates_export_holds_the_reason(hire, recruiter):
    not_starting(hire, recruiter)

    for reader in (None, recruiter):  # the candidate's own export, and a recruiter's
        assert REASON in everything(built(hire.candidate, reader)), reader


def test_erasure_clears_the_reason(hire, recruiter):
    not_starting(hire, recruiter)

    erasure.erase(hire.candidate, recruiter)

    assert not AuditEvent.objects.filter(details__contains=REASON).exists()
