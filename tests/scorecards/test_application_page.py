"""The application page through the client: candidates, résumés and stages.

And the query counts of the application page and the feedback form, which stay bounded as
criteria and interviewers grow.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hiring.models import Application, Candidate, CandidateAccess, Membership, StageChange
from scorecards import scoring
from scorecards.editing import add_criterion
from scorecards.models import Category, Feedback
from tests.factories import SKILLS, ApplicationFactory, CandidateFactory, UserFactory, skill_fields
from tests.factories import submit_as as submit

# Measured with 2 criteria and 2 interviewers (12 and 9 queries, and the database cache's read
# and write), plus a small margin; each bound must hold however many criteria and interviewers
# there are. Cached, the application page needs the session, the user, the application and the
# cache read; the feedback form the session, the user, the feedback, its latest revision and
# the cache read. The hiring loop added the offers, the decision they depend on, the emails to
# the candidate and the possible duplicates: 25 measured, whatever the data. Privacy added the
# access log's row, written on every opening, cached or not; the candidate's answers to the
# opening's questions one more, whatever their number (tests/pipeline/test_application_answers.py).
APPLICATION_PAGE_MAX_QUERIES = 26
APPLICATION_PAGE_CACHED_QUERIES = 5
FEEDBACK_FORM_MAX_QUERIES = 15
FEEDBACK_FORM_CACHED_QUERIES = 5


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Query counts stay bounded as criteria and interviewers grow.


def panel_all_submitted(team, member, extra_skills, extra_team_fit, extra_people):
    application = ApplicationFactory(opening__team=team)
    scorecard = application.opening.scorecard
    for i in range(extra_skills):
        add_criterion(scorecard, skill_fields(f"Skill {i}"), member)
    for i in range(extra_team_fit):
        add_criterion(
            scorecard, {**skill_fields(f"Fit {i}"), "category": Category.TEAM_FIT}, member
        )
    people = [member] + [m for m in team.members.all() if m != member]
    for _ in range(extra_people):
        person = UserFactory()
        Membership.objects.create(team=team, user=person)
        people.append(person)
    feedback = []
    for i, person in enumerate(people):
        focus = [SKILLS, Category.TEAM_FIT][i % 2]
        item = scoring.assign(application, person, focus, assigned_by=member)
        submit(item, person, score=1 + i % 4, notes=f"Notes of {person}")
        feedback.append(item)
    return application, feedback[0]


def main_of(response):
    return response.text.split("<main")[1]


@pytest.mark.parametrize(
    ("extra_skills", "extra_team_fit", "extra_people"),
    [(0, 0, 0), (4, 2, 4)],
    ids=["2 criteria, 2 interviewers", "8 criteria, 6 interviewers"],
)
def test_application_page_and_feedback_form_run_a_bounded_number_of_queries(
    client, member, team, django_assert_max_num_queries, extra_skills, extra_team_fit, extra_people
):
    application, own = panel_all_submitted(team, member, extra_skills, extra_team_fit, extra_people)
    assert application.feedback.count() == 2 + extra_people
    assert own.criteria.count() == 1 + extra_skills
    client.force_login(member)

    with django_assert_max_num_queries(APPLICATION_PAGE_MAX_QUERIES):
        page = client.get(application.get_absolute_url())
    with django_assert_max_num_queries(FEEDBACK_FORM_MAX_QUERIES):
        form = client.get(own.get_absolute_url())
    with django_assert_max_num_queries(APPLICATION_PAGE_CACHED_QUERIES):
        cached = client.get(application.get_absolute_url())
    with django_assert_max_num_queries(FEEDBACK_FORM_CACHED_QUERIES):
        cached_form = client.get(own.get_absolute_url())
    assert main_of(cached_form) == main_of(form)

    assert page.status_code == form.status_code == cached.status_code == 200
    assert page.text.count('class="feedback-card"') == 2 + extra_people
    assert cached.text.count('class="feedback-card"') == 2 + extra_people


# Candidates, résumés and stages on the application page.


def resume(name="cv.pdf", content=b"%PDF-1.4 a short resume", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def candidate_post(**overrides):
    return {"name": "Dana Candidate", "email": "dana@candidates.example", **overrides}


def test_add_candidate_with_a_resume(client, member, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]), candidate_post(resume=resume())
    )

    candidate = Candidate.objects.get(email="dana@candidates.example")
    application = candidate.applications.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.opening == opening
    assert application.stage == Application.Stage.APPLIED
    assert candidate.resume.name.endswith(".pdf")
    assert candidate.resume.read() == b"%PDF-1.4 a short resume"
    assert list(application.stage_changes.values_list("from_stage", "to_stage", "by")) == [
        ("", Application.Stage.APPLIED, member.pk)
    ]


def test_recruiter_adds_a_candidate_too(client, recruiter, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(recruiter)

    response = client.post(reverse("application_create", args=[opening.pk]), candidate_post())

    assert response.status_code == 302
    assert Candidate.objects.filter(email="dana@candidates.example").exists()


def assert_nothing_stored(media):
    assert not Candidate.objects.filter(email="dana@candidates.example").exists()
    assert Application.objects.count() == 1
    assert StageChange.objects.count() == 0
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_an_executable_resume_is_refused_beside_the_field(client, member, team, media):
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        candidate_post(resume=resume("cv.exe", b"MZ\x90\x00", "application/octet-stream")),
    )

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "File extension “exe” is not allowed." in response.text
    assert_nothing_stored(media)


def test_an_oversized_resume_is_refused_beside_the_field(client, member, team, media, settings):
    settings.RESUME_MAX_BYTES = 100
    opening = ApplicationFactory(opening__team=team).opening
    client.force_login(member)

    response = client.post(
        reverse("application_create", args=[opening.pk]),
        candidate_post(resume=resume(content=b"%PDF-1.4 " + b"x" * 200)),
    )

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "The résumé is too large" in response.text
    assert_nothing_stored(media)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 200), ("recruiter", 200), ("leadership", 200), ("outsider", 404)],
)
def test_resume_download(client, request, team, media, persona, status):
    application = ApplicationFactory(
        opening__team=team, candidate=CandidateFactory(resume=resume())
    )
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("application_resume", args=[application.pk]))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 a short resume"
        assert response["Content-Disposition"].startswith("attachment;")


def test_a_resume_gone_from_the_storage_is_not_found_not_a_server_error(
    client, member, team, media
):
    application = ApplicationFactory(
        opening__team=team, candidate=CandidateFactory(resume=resume())
    )
    application.candidate.resume.storage.delete(application.candidate.resume.name)
    client.force_login(member)

    response = client.get(reverse("application_resume", args=[application.pk]))

    assert response.status_code == 404
    assert not CandidateAccess.objects.filter(what=CandidateAccess.What.RESUME).exists()


def test_leadership_reads_the_application_but_cannot_change_the_pipeline(
    client, leadership, application, teammate, media
):
    client.force_login(leadership)

    page = client.get(application.get_absolute_url())
    add = client.post(
        reverse("application_create", args=[application.opening_id]), candidate_post()
    )
    move = client.post(reverse("application_stage", args=[application.pk]), {"stage": "screen"})
    assign = client.post(
        reverse("assign_interviewer", args=[application.pk]),
        {"interviewer": teammate.pk, "focus": SKILLS},
    )

    assert page.status_code == 200
    assert "Dana Candidate" in page.text
    assert 'action="/applications/' not in page.text
    assert (add.status_code, move.status_code, assign.status_code) == (404, 404, 404)
    application.refresh_from_db()
    assert application.stage == Application.Stage.APPLIED
    assert Application.objects.count() == 1
    assert not Feedback.objects.exists()
    assert not StageChange.objects.exists()


def test_moving_a_stage_by_hand_records_who_did_it(client, member, application):
    client.force_login(member)

    response = client.post(reverse("application_stage", args=[application.pk]), {"stage": "screen"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Application.Stage.SCREEN
    assert list(application.stage_changes.values_list("from_stage", "to_stage", "by")) == [
        (Application.Stage.APPLIED, Application.Stage.SCREEN, member.pk)
    ]


@pytest.mark.parametrize("stage", ["decided", "hired", "offer"])
def test_moving_to_a_decision_stage_by_hand_is_refused(client, member, application, stage):
    client.force_login(member)

    response = client.post(reverse("application_stage", args=[application.pk]), {"stage": stage})

    assert response.status_code == 400
    assert 'id="id_stage_error"' in response.text
    assert f"{stage} is not one of the available choices" in response.text
    application.refresh_from_db()
    assert application.stage == Application.Stage.APPLIED
    assert not StageChange.objects.exists()
