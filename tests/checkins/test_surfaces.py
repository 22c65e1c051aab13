"""The check-in's links: a rater's next steps on their home page, the application page's
section; neither shows what a review says."""

from django.urls import reverse
from django.utils import timezone

from hiring.models import Application
from tests.checkins.helpers import first, hired, review
from tests.factories import UserFactory


def home(client):
    return client.get(reverse("home")).content.decode()


def test_a_rater_finds_the_check_in_in_their_next_steps_until_they_submit(
    team, member, teammate, signed_in
):
    check_in = first(hired(team, member, days_ago=90, name="Hana Hire"))
    review(check_in, teammate, notes="BEN-NOTES")
    client = signed_in(member)

    text = home(client)
    assert "Check-ins on your team" in text
    assert reverse("check_in_detail", args=[check_in.pk]) in text
    assert "day 90" in text
    assert "BEN-NOTES" not in text

    review(check_in, member)
    assert reverse("check_in_detail", args=[check_in.pk]) not in home(client)


def test_not_in_the_next_steps_before_it_is_due_nor_for_the_hire_or_a_recruiter(
    team, member, teammate, recruiter, signed_in
):
    due = first(hired(team, member, days_ago=90, email="hire@example.com"))
    later = first(hired(team, member))
    hire = UserFactory(email="hire@example.com")
    team.memberships.create(user=hire)
    team.memberships.create(user=recruiter)

    assert reverse("check_in_detail", args=[later.pk]) not in home(signed_in(teammate))
    for person in (hire, recruiter):
        assert reverse("check_in_detail", args=[due.pk]) not in home(signed_in(person))


def test_the_application_page_links_its_check_ins_for_the_team_and_leadership(
    team, member, teammate, leadership, recruiter, signed_in
):
    application = hired(team, member, days_ago=90, email="hire@example.com")
    review(first(application), teammate, notes="BEN-NOTES")
    hire = UserFactory(email="hire@example.com")
    team.memberships.create(user=hire)
    link = reverse("check_in_detail", args=[first(application).pk])

    for person in (member, leadership):
        text = signed_in(person).get(application.get_absolute_url()).content.decode()
        assert "Check-ins after the hire" in text
        assert link in text
        assert "BEN-NOTES" not in text
    for person in (recruiter, hire):
        text = signed_in(person).get(application.get_absolute_url()).content.decode()
        assert "Check-ins after the hire" not in text
        assert link not in text


def test_the_next_steps_run_the_same_queries_for_one_check_in_or_many(
    team, member, signed_in, django_assert_max_num_queries
):
    client = signed_in(member)
    hired(team, member, days_ago=90)
    with django_assert_max_num_queries(30) as one:
        home(client)

    for _ in range(12):
        hired(team, member, days_ago=90)
    with django_assert_max_num_queries(30) as many:
        text = home(client)

    assert len(many) == len(one)
    assert text.count("/check-ins/") == 10


def test_the_hire_who_joined_reads_no_feedback_of_the_panel_on_themselves(team, member, signed_in):
    """Their debrief showed every interviewer's ratings, notes and votes on them."""
    application = hired(team, member, email="hire@example.com")
    Application.objects.filter(pk=application.pk).update(debrief_opened_at=timezone.now())
    hire = UserFactory(email="hire@example.com")
    team.memberships.create(user=hire)
    client = signed_in(hire)

    debrief = client.get(reverse("debrief", args=[application.pk])).content.decode()
    page = client.get(application.get_absolute_url()).content.decode()

    assert "Votes and scores" not in debrief
    assert (
        "Votes and scores"
        in signed_in(member).get(reverse("debrief", args=[application.pk])).content.decode()
    )
    assert "Submitted" in page  # who wrote, not what
