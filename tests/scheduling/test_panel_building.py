"""Panel pages: build a panel of sessions and their interviewers; interviewer pools."""

import html
import re
from time import process_time

import pytest
from django.test import Client
from django.urls import reverse

from hiring.models import InterviewSession, Panel, PoolMember, Proposal, SessionInterviewer
from scorecards import scoring
from tests.factories import at_once, field_errors, management, url

# Building a panel -----------------------------------------------------------------------------


def test_a_recruiter_builds_a_panel_with_a_team_fit_peer_session(
    application, member, teammate, recruiter, signed_in
):
    client = signed_in(recruiter)
    assert client.get(url("panel", application)).status_code == 200

    response = client.post(
        url("panel", application),
        {
            **management(2),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [member.pk],
            "sessions-1-focus": "team_fit",
            "sessions-1-duration_minutes": "60",
            "sessions-1-interviewers": [member.pk, teammate.pk],
            "back_to_back": "on",
        },
    )

    assert response.status_code == 302
    panel = Panel.objects.get(application=application)
    assert panel.back_to_back
    assert panel.created_by == recruiter
    skills, team_fit = panel.sessions.order_by("position")
    assert (skills.focus, skills.duration_minutes) == ("skills", 45)
    assert set(skills.interviewers.values_list("user", flat=True)) == {member.pk}
    assert (team_fit.focus, team_fit.duration_minutes) == ("team_fit", 60)
    assert set(team_fit.interviewers.values_list("user", flat=True)) == {member.pk, teammate.pk}
    assert not SessionInterviewer.objects.exclude(start=None).exists()


def test_sessions_can_be_on_separate_days(application, member, recruiter, signed_in):
    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(1),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [member.pk],
        },
    )

    assert response.status_code == 302
    assert not Panel.objects.get(application=application).back_to_back


def no_interviewers(member):
    return {"sessions-1-pool_count": "0"}


def interviewer_shadowing_too(member):
    return {"sessions-1-interviewers": [member.pk], "sessions-1-shadows": [member.pk]}


@pytest.mark.parametrize(
    ("second_session", "message"),
    [
        (no_interviewers, "Name interviewers or take some from the pool."),
        (interviewer_shadowing_too, "Ana Member cannot both interview and shadow."),
    ],
)
def test_a_session_without_proper_interviewers_is_refused(
    application, member, teammate, recruiter, signed_in, second_session, message
):
    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(2),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [teammate.pk],
            "sessions-1-focus": "team_fit",
            "sessions-1-duration_minutes": "60",
            **second_session(member),
            "back_to_back": "on",
        },
    )

    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert not Panel.objects.exists()
    assert not InterviewSession.objects.exists()


def test_more_people_from_the_pool_than_it_has_stores_nothing(
    application, member, recruiter, signed_in
):
    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(2),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [member.pk],
            "sessions-1-focus": "team_fit",
            "sessions-1-duration_minutes": "60",
            "sessions-1-pool_count": "2",
        },
    )

    assert response.status_code == 400
    assert "The team fit pool has 0." in response.text
    assert not Panel.objects.exists()
    assert not InterviewSession.objects.exists()


def test_an_interviewer_from_outside_the_team_is_not_offered(
    application, outsider, recruiter, signed_in
):
    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(1),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [outsider.pk],
        },
    )

    assert response.status_code == 400
    assert "is not one of the available choices" in field_errors(
        response.text, "sessions-0-interviewers"
    )
    assert not Panel.objects.exists()


def test_a_panel_of_a_thousand_sessions_is_refused_at_once(
    application, member, recruiter, signed_in
):
    began = process_time()

    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(1006),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [member.pk],
        },
    )

    assert response.status_code == 400
    assert "A panel has at most 6 sessions." in response.text
    assert process_time() - began < 5  # it took 15-23 s, building and showing 1006 forms
    assert not Panel.objects.exists()


def test_a_seventh_session_is_refused(application, member, recruiter, signed_in):
    sessions = {
        f"sessions-{n}-{name}": value
        for n in range(7)
        for name, value in (
            ("focus", "skills"),
            ("duration_minutes", "45"),
            ("interviewers", member.pk),
        )
    }

    response = signed_in(recruiter).post(url("panel", application), {**management(7), **sessions})

    assert response.status_code == 400
    assert "A panel has at most 6 sessions." in response.text
    assert not Panel.objects.exists()


# "²" passed str.isdigit() and int() refused it; int() reads "1_1" as 11, as the database would.
@pytest.mark.parametrize("forged", ["1" * 40, "-" + "1" * 40, str(2**63), "²", "1_" + "1" * 39])
def test_an_interviewer_id_past_the_largest_id_is_refused(
    application, member, recruiter, signed_in, forged
):
    response = signed_in(recruiter).post(
        url("panel", application),
        {
            **management(1),
            "sessions-0-focus": "skills",
            "sessions-0-duration_minutes": "45",
            "sessions-0-interviewers": [member.pk, forged],
            "sessions-0-shadows": [forged],
        },
    )

    assert response.status_code == 400
    for name in ("interviewers", "shadows"):
        assert f"“{forged}” is not a valid value." in field_errors(
            response.text, f"sessions-0-{name}"
        )
    assert not Panel.objects.exists()


def sessions_shown(text):
    return text.count("<legend>Session ")


def is_checked(text, name, value):
    box = re.search(rf'<input[^>]*name="{name}" value="{value}"[^>]*>', text)
    return box is not None and " checked" in box.group()


def two_sessions_typed(member, teammate):
    return {
        **management(2),
        "sessions-0-focus": "skills",
        "sessions-0-duration_minutes": "90",
        "sessions-0-interviewers": [member.pk],
        "sessions-1-focus": "team_fit",
        "sessions-1-duration_minutes": "30",
        "sessions-1-interviewers": [teammate.pk],
        "sessions-1-pool_count": "",
    }


def test_adding_a_session_keeps_what_was_typed(application, member, teammate, recruiter, signed_in):
    response = signed_in(recruiter).post(
        url("panel", application), {**two_sessions_typed(member, teammate), "change": "add"}
    )

    assert response.status_code == 200
    assert sessions_shown(response.text) == 3
    assert '<option value="90" selected>' in response.text
    assert is_checked(response.text, "sessions-0-interviewers", member.pk)
    assert is_checked(response.text, "sessions-1-interviewers", teammate.pk)
    assert not is_checked(response.text, "sessions-1-interviewers", member.pk)
    assert '<select name="sessions-2-focus"' in response.text
    assert "errorlist" not in response.text  # nothing was saved, nothing is refused
    assert not Panel.objects.exists()


def test_htmx_gets_only_the_form_back(application, member, teammate, recruiter, signed_in):
    response = signed_in(recruiter).post(
        url("panel", application),
        {**two_sessions_typed(member, teammate), "change": "add"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form method="post"')
    assert "<html" not in response.text
    assert sessions_shown(response.text) == 3


def test_removing_the_last_session_keeps_the_others(
    application, member, teammate, recruiter, signed_in
):
    response = signed_in(recruiter).post(
        url("panel", application), {**two_sessions_typed(member, teammate), "change": "remove-1"}
    )

    assert response.status_code == 200
    assert sessions_shown(response.text) == 1
    assert '<option value="90" selected>' in response.text
    assert not Panel.objects.exists()


@pytest.mark.parametrize(
    ("change", "shown"), [("add", 6), ("remove-9", 6), ("remove-x", 6), ("remove-²", 6)]
)
def test_sessions_stay_within_bounds(application, member, recruiter, signed_in, change, shown):
    six = {f"sessions-{n}-focus": "skills" for n in range(6)}

    response = signed_in(recruiter).post(
        url("panel", application), {**management(6), **six, "change": change}
    )

    assert response.status_code == 200
    assert sessions_shown(response.text) == shown
    assert "Add a session" not in response.text


def test_a_forged_count_adds_no_more_than_a_panel_holds(application, recruiter, signed_in):
    response = signed_in(recruiter).post(
        url("panel", application), {**management(5000), "change": "add"}
    )

    assert sessions_shown(response.text) == 6


# Interviewer pools --------------------------------------------------------------------------


def test_a_team_member_adds_and_removes_pool_members(team, member, teammate, signed_in):
    client = signed_in(member)

    response = client.post(
        reverse("pools", args=[team.pk]), {"user": teammate.pk, "focus": "team_fit"}
    )

    assert response.status_code == 302
    [pooled] = PoolMember.objects.all()
    assert (pooled.team, pooled.user, pooled.focus, pooled.trainee) == (
        team,
        teammate,
        "team_fit",
        False,
    )
    assert "Ben Teammate" in client.get(reverse("pools", args=[team.pk])).text

    response = client.post(reverse("pool_remove", args=[team.pk, pooled.pk]))

    assert response.status_code == 302
    assert not PoolMember.objects.exists()
    # Clicked twice: the pool as it is, not a 404 page.
    assert client.post(reverse("pool_remove", args=[team.pk, pooled.pk])).status_code == 302


def test_a_trainee_joins_a_pool(team, member, teammate, signed_in):
    signed_in(member).post(
        reverse("pools", args=[team.pk]),
        {"user": teammate.pk, "focus": "skills", "trainee": "on"},
    )

    assert PoolMember.objects.get().trainee


def test_the_pools_page_never_graduates_a_trainee(team, member, teammate, signed_in):
    """Graduation is the team's vote: the trainee, or anyone, unticking the box made them a
    full interviewer."""
    PoolMember.objects.create(team=team, user=teammate, focus="skills", trainee=True)

    response = signed_in(teammate).post(
        reverse("pools", args=[team.pk]), {"user": teammate.pk, "focus": "skills"}
    )

    assert response.status_code == 400
    assert "the team graduates them by its rule" in field_errors(response.text, "trainee")
    assert PoolMember.objects.get().trainee


def test_a_trainee_taken_off_the_pool_comes_back_as_a_trainee(
    team, member, teammate, application, signed_in
):
    """As reported: removed, then added again without the box ticked, a trainee was a full
    interviewer without the team's vote."""
    trainee = PoolMember.objects.create(team=team, user=teammate, focus="skills", trainee=True)
    scoring.assign(application, teammate, "skills", assigned_by=teammate, practice=True)
    client = signed_in(teammate)
    client.post(reverse("pool_remove", args=[team.pk, trainee.pk]))

    response = client.post(
        reverse("pools", args=[team.pk]), {"user": teammate.pk, "focus": "skills"}
    )

    assert response.status_code == 400
    assert "the team graduates them by its rule" in field_errors(response.text, "trainee")
    assert not PoolMember.objects.exists()
    # As a trainee again, or on a focus they never practised, they are welcome.
    for data in ({"trainee": "on", "focus": "skills"}, {"focus": "team_fit"}):
        client.post(reverse("pools", args=[team.pk]), {"user": teammate.pk, **data})
    assert sorted(PoolMember.objects.values_list("focus", "trainee")) == [
        ("skills", True),
        ("team_fit", False),
    ]


def test_a_graduated_trainee_comes_back_as_a_full_interviewer(
    team, member, teammate, application, signed_in
):
    scoring.assign(application, teammate, "skills", assigned_by=teammate, practice=True)
    team.proposals.create(
        kind=Proposal.Kind.GRADUATE,
        status=Proposal.Status.ACCEPTED,
        proposed_by=member,
        subject=teammate,
    )

    response = signed_in(member).post(
        reverse("pools", args=[team.pk]), {"user": teammate.pk, "focus": "skills"}
    )

    assert response.status_code == 302
    assert not PoolMember.objects.get(user=teammate).trainee


def test_only_team_members_join_a_pool(team, member, outsider, signed_in):
    response = signed_in(member).post(
        reverse("pools", args=[team.pk]), {"user": outsider.pk, "focus": "skills"}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in field_errors(response.text, "user")
    assert not PoolMember.objects.exists()


def test_a_pool_member_id_that_can_be_no_id_is_refused(team, member, signed_in):
    response = signed_in(member).post(
        reverse("pools", args=[team.pk]), {"user": "1" * 40, "focus": "skills"}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in field_errors(response.text, "user")
    assert not PoolMember.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "recruiter", "leadership"])
def test_only_the_team_manages_its_pools(team, teammate, request, signed_in, persona):
    pooled = PoolMember.objects.create(team=team, user=teammate, focus="skills")
    client = signed_in(request.getfixturevalue(persona))

    assert client.get(reverse("pools", args=[team.pk])).status_code == 404
    response = client.post(
        reverse("pools", args=[team.pk]), {"user": teammate.pk, "focus": "team_fit"}
    )
    assert response.status_code == 404
    assert client.post(reverse("pool_remove", args=[team.pk, pooled.pk])).status_code == 404
    assert list(PoolMember.objects.all()) == [pooled]


def test_create_panel_clicked_twice_creates_it_once(
    application, member, teammate, recruiter, signed_in
):
    """The second click was answered "This application already has a panel.", over the
    panel it had just created."""
    client = signed_in(recruiter)

    responses = [client.post(url("panel", application), two_sessions_typed(member, teammate))]
    responses.append(client.post(url("panel", application), two_sessions_typed(member, teammate)))

    assert [response.status_code for response in responses] == [302, 302]
    assert InterviewSession.objects.filter(panel__application=application).count() == 2


def test_another_panel_posted_after_one_was_built_is_refused(
    application, member, teammate, recruiter, signed_in
):
    client = signed_in(recruiter)
    client.post(url("panel", application), two_sessions_typed(member, teammate))

    response = client.post(url("panel", application), two_sessions_typed(teammate, member))

    assert response.status_code == 400
    skills = InterviewSession.objects.get(panel__application=application, focus="skills")
    assert list(skills.interviewers.values_list("user", flat=True)) == [member.pk]


@pytest.mark.django_db(transaction=True)
def test_create_panel_posted_twice_at_once_creates_it_once(
    application, member, teammate, recruiter
):
    def post():
        client = Client()
        client.force_login(recruiter)
        return client.post(url("panel", application), two_sessions_typed(member, teammate))

    responses = at_once(post, post)

    assert [response.status_code for response in responses] == [302, 302]
    assert InterviewSession.objects.filter(panel__application=application).count() == 2
