"""Confirming a decision that departs from the recommendation, from a page that may be stale:
once an amendment changed what the rule makes of the feedback, it is refused and the team is
told to decide again; sent twice, it says who confirmed it."""

from django.urls import reverse

from hiring.debrief import decisions
from hiring.models import Decision
from scorecards import scoring
from tests.factories import SKILLS, TEAM_FIT, ApplicationFactory, Stage, fresh, submitted


def test_a_departure_from_a_recommendation_amended_since_is_not_confirmed(
    client, team, member, teammate, peer
):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    scorecard = submitted(application, teammate, TEAM_FIT, "strong_yes")
    record = decisions.record_decision(fresh(application), member, "no_hire", "Too senior.")
    assert (record.recommendation, record.is_effective) == ("hire", False)
    scoring.start_amendment(scorecard, teammate)
    scoring.save_draft(scorecard, teammate, vote="strong_no")
    scoring.submit(scorecard, teammate, 2, amend_reason="Recalled a red flag.")
    client.force_login(peer)

    response = client.post(
        reverse("confirm_decision", args=[application.pk]), {"decision": record.pk}
    )

    assert response.status_code == 400
    assert (
        "The panel&#x27;s feedback changed since this decision was recorded: the rule now "
        "recommends no hire. Take the decision back and decide again."
    ) in response.text
    record = Decision.objects.get(pk=record.pk)
    assert record.confirmed_at is None
    assert fresh(application).stage == Stage.DEBRIEF


def test_the_debrief_says_so_instead_of_offering_to_confirm(client, team, member, teammate, peer):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    scorecard = submitted(application, teammate, TEAM_FIT, "strong_yes")
    decisions.record_decision(fresh(application), member, "no_hire", "Too senior.")
    client.force_login(peer)
    debrief = reverse("debrief", args=[application.pk])
    assert "Confirm the decision" in client.get(debrief).text
    scoring.start_amendment(scorecard, teammate)
    scoring.save_draft(scorecard, teammate, vote="strong_no")
    scoring.submit(scorecard, teammate, 2, amend_reason="Recalled a red flag.")

    page = client.get(debrief).text

    assert "Confirm the decision" not in page
    assert "the rule now recommends no hire. Take the decision back and decide again." in page
    assert "Take the decision back" in page


def test_a_confirmation_sent_twice_says_it_is_confirmed(client, team, member, teammate, peer):
    application = ApplicationFactory(opening__team=team, stage=Stage.PANEL)
    submitted(application, member, SKILLS, "yes")
    submitted(application, teammate, TEAM_FIT, "strong_yes")
    record = decisions.record_decision(fresh(application), member, "hold", "Budget.")
    client.force_login(peer)
    url = reverse("confirm_decision", args=[application.pk])

    first, second = (client.post(url, {"decision": record.pk}) for _ in range(2))

    assert (first.status_code, second.status_code) == (302, 400)
    assert "Cai Peer confirmed this decision already." in second.text
    assert "needs no confirmation" not in second.text
