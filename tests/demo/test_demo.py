"""The demo organisation (seed_demo) shows each state it is made to show, as its personas find
it; made once for the module's tests (tests/conftest.py, demo), so every test here uses it."""

import html
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hiring.access import is_the_candidate
from hiring.imports import imports
from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateImport,
    EmailTemplate,
    Opening,
    Team,
    User,
)
from hiring.outreach import messages
from hiring.tasks import send_departure_notices, send_withdrawal_notices
from scorecards.models import FeedbackRevision, Rating


def test_the_demo_has_a_member_whose_own_application_is_at_the_debrief(demo, client):
    gus = User.objects.get(email="gus@teamfit.example")
    own = Application.objects.get(candidate__email=gus.email)
    assert own.opening.team.has_member(gus)
    assert own.stage == "debrief"
    assert own.debrief_opened_at
    assert is_the_candidate(gus, own)
    ratings = Rating.objects.filter(revision__feedback__application=own)
    revisions = FeedbackRevision.objects.filter(feedback__application=own)
    notes = {
        *ratings.values_list("notes", flat=True),
        *revisions.values_list("takeaways", flat=True),
    }
    debrief = reverse("debrief", args=[own.pk])

    client.force_login(gus)
    page = client.get(debrief).text

    assert "You are this application's candidate: you read none of its panel" in page
    assert len(notes) == 4
    assert not [note for note in notes if note in page]
    assert 'id="own-panel"' in client.get(reverse("reports")).text  # no calibration for him
    client.force_login(User.objects.get(email="eve@teamfit.example"))
    assert all(note in client.get(debrief).text for note in notes)
    assert 'id="own-panel"' not in client.get(reverse("reports")).text


def test_the_demo_has_a_new_scorecard_version_whose_criterion_removal_deletes_drafts(demo, client):
    """Platform's opening scorecard gained a criterion after panels submitted on it: on the new
    version only drafts rate it, so removing it asks first, counting them, and tells nothing
    of whose they are or what they say."""
    scorecard = Opening.objects.get(title="Senior Platform Engineer").scorecard
    version = scorecard.current_version()
    criterion = version.criteria.get(name="Developer experience")
    drafts = FeedbackRevision.objects.filter(feedback__version=version)
    written = Rating.objects.filter(criterion=criterion).exclude(notes="")
    told = {*written.values_list("notes", flat=True), *drafts.values_list("takeaways", flat=True)}
    authors = {revision.feedback.interviewer.display_name for revision in drafts}

    client.force_login(User.objects.get(email="ben@teamfit.example"))
    page = client.get(reverse("criterion_remove", args=[scorecard.pk, criterion.key])).text

    assert version.number > 1
    assert not version.has_submitted_feedback()  # the removal stays on this version
    count = re.search(r"(\d+) draft scorecards?, not yet submitted", page)
    assert count
    assert int(count[1]) > 0
    assert told
    assert not [text for text in told if text in page]
    assert authors
    assert not [name for name in authors if name in page]


def test_the_demo_has_an_import_the_nightly_run_expired_unrun(demo, client):
    rita = User.objects.get(email="rita@teamfit.example")
    expired = CandidateImport.objects.get(created_by=rita, status=CandidateImport.Status.EXPIRED)
    page = reverse("import_detail", args=[expired.pk])

    client.force_login(rita)
    shown = client.get(page).text
    started = client.post(reverse("import_start", args=[expired.pk]), follow=True)

    assert expired.created_at <= timezone.now() - timedelta(days=8)
    assert (expired.rows, expired.total) == ([], 2)  # its candidates' data is gone
    assert page in demo  # seed_demo prints its link
    assert imports.expired_message() in shown
    assert imports.expired_message() in started.text
    expired.refresh_from_db()
    assert expired.status == CandidateImport.Status.EXPIRED
    assert not Application.objects.filter(source=Application.Source.IMPORTED).exists()


def test_the_demo_answers_applications_in_the_organisations_words_in_two_languages(demo, client):
    rita = User.objects.get(email="rita@teamfit.example")
    leila = Application.objects.get(candidate__name="Leila Haddad")
    Candidate.objects.filter(pk=leila.candidate_id).update(language="de")
    leila.candidate.refresh_from_db()

    client.force_login(rita)
    page = client.get(reverse("email_templates")).text
    subject, body = messages.compose(leila, EmailTemplate.Kind.APPLICATION_RECEIVED)

    assert "Deutsch" in page
    assert "Ihre Bewerbung für" in page  # the German version, listed beside the English one
    assert subject == "Ihre Bewerbung für Senior Platform Engineer ist eingegangen"
    assert body.startswith("Guten Tag Leila Haddad,")


def test_the_demo_has_a_candidate_who_withdrew_in_her_own_words(demo, client, mailoutbox):
    maya = Application.objects.get(candidate__name="Maya Okonkwo")
    link = maya.status_url()

    page = html.unescape(client.get(link).text)
    send_withdrawal_notices(maya.pk)  # the worker's, once seed_demo committed

    [notice] = [mail for mail in mailoutbox if mail.to == ["rita@teamfit.example"]]
    assert link in demo  # seed_demo prints it
    assert "You told us why: “We are moving to Lisbon next month" in page
    assert "Their reason: Other: We are moving to Lisbon next month" in notice.body


def as_read(markup):
    """The text of `markup` as it reads, its tags and runs of white space one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def section_rows(page, heading_id):
    """The rows of the home page's section `heading_id`, each as it reads."""
    section = page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    return [as_read(item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_the_demo_has_panels_waiting_for_a_session_on_the_recruiters_home(demo, client):
    client.force_login(User.objects.get(email="rita@teamfit.example"))

    rows = section_rows(client.get(reverse("home")).text, "next-panels")

    assert (
        "Noah Schmidt · Senior Platform Engineer · Platform a cancelled session still needed: "
        "no other covers its focus" in rows
    )
    assert (
        "Yusuf Demir · Senior Platform Engineer · Platform a session to book again, the others "
        "booked" in rows
    )


def test_the_demo_has_an_interviewer_who_left_with_an_interview_to_come(demo, mailoutbox):
    pat = User.objects.get(email="pat@teamfit.example")
    deactivated = AuditEvent.objects.get(
        action=AuditEvent.Action.PERSON_CHANGED, details__endswith="deactivated"
    )
    amara = Application.objects.get(candidate__name="Amara Obi")

    send_departure_notices(pat.pk, deactivated.at.isoformat())  # the worker's, once committed

    [notice] = [mail for mail in mailoutbox if mail.to == ["rita@teamfit.example"]]
    assert "The account of Pat Parker was deactivated on" in notice.body
    assert "Amara Obi, Backend Engineer, Payments (Payments)" in notice.body
    assert amara.panel.get_absolute_url() in notice.body


def test_the_demo_has_a_candidate_booked_again_after_an_interview_held(demo, client):
    [link] = re.findall(r"Kira Novak's booked interview, beside the one already held: \S+", demo)

    page = html.unescape(client.get(link.rsplit(" ", 1)[1]).text)

    assert "You're booked" in page
    booked, held = page.split("Already held:")
    assert "Team fit interview, 60 minutes" in booked
    assert "Skills interview, 60 minutes" in held


def test_the_demo_has_a_candidate_told_of_an_offer_withdrawn_since(demo, client):
    [link] = re.findall(r"Chidi Okeke's own page, the offer sent him withdrawn: (\S+)", demo)

    page = client.get(link).text

    assert "Offer withdrawn" in page


def test_the_demo_has_a_hire_with_another_application_open_in_the_team(demo, client):
    lead = Application.objects.get(
        candidate__name="Elena Petrova", opening__title="Payments Tech Lead"
    )
    client.force_login(User.objects.get(email="eve@teamfit.example"))

    board = client.get(reverse("pipeline")).text
    page = client.get(lead.get_absolute_url()).text

    assert lead.stage == Application.Stage.SCREEN
    assert "Hired for Backend Engineer, Payments" in board
    assert "This candidate was hired for Backend Engineer, Payments" in page


def test_the_demo_has_the_hiring_loops_end_on_the_recruiters_home(demo, client):
    client.force_login(User.objects.get(email="rita@teamfit.example"))

    page = client.get(reverse("home")).text

    no_offer = section_rows(page, "next-hires-without-offer")
    assert [row for row in no_offer if row.startswith("Chidi Okeke · Senior Platform Engineer")]
    [expired] = section_rows(page, "next-offers-expired")
    assert expired.startswith("Sofia Brandt · Backend Engineer, Payments · Payments expired")


def test_the_demo_has_a_hire_who_left_the_team_their_check_ins_ended(demo, client):
    """Rafael Souza joined Platform as its hire and left it before any check-in came due: they
    all ended, said on his timeline, and none waits for his former colleagues. His page says he
    left beside proposing him again, and offers no "Did not start": he started."""
    rafael = Application.objects.get(candidate__name="Rafael Souza")
    client.force_login(User.objects.get(email="ana@teamfit.example"))

    page = as_read(client.get(rafael.get_absolute_url()).text)
    home = as_read(client.get(reverse("home")).text)

    assert rafael.stage == Application.Stage.HIRED
    assert not Team.objects.get(name="Platform").has_member(
        User.objects.get(email=rafael.member_email)
    )
    assert "Rafael Souza no longer in the team: check-ins of day 90, 180, 365 ended" in page
    assert "Check-ins after the hire" not in page
    assert "Did not start" not in page  # he did start
    assert "Rafael Souza was a member of Platform and has left it." in page
    assert "Rafael Souza" not in home
