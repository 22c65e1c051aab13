"""Independence on every surface: nobody reads another's draft, and nobody reads submitted
feedback (or a vote, score or reason derived from it) before scorecards.access.reads_panel_feedback
lets them. Every URL pattern the resolver knows is requested for every persona, as a full page
and as an htmx partial, with every CSV; then the emails sent and the Django admin.

Application A: Ben submitted and amended, Cai submitted, Ana and Lee (leadership, whom the team
accepted as a member) still draft; its debrief is not open. Application B: Ben and Cai
submitted, the debrief opened, then Dan was assigned and drafts; Ana recorded a hire.
Application C was hired 90 days ago: on its check-in Ben submitted and Ana drafts.
Each piece of text carries a unique token, so a leak shows wherever it lands.
"""

import csv
import io
import itertools
import re
import uuid
from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from hiring.checkins import checkins
from hiring.debrief import decisions
from hiring.email.reminders import send_due
from hiring.models import User
from hiring.reports.views import CSV_COLUMNS
from scorecards import scoring
from tests.factories import HTMX, ApplicationFactory, OpeningFactory, UserFactory, assigned

# Derived from the feedback of an application: shown only to those who may read it.
DERIVED = [
    re.compile(r"\d+ of \d+ voted"),
    re.compile(r"veto: "),
    re.compile(r"(skills|team fit) \d\.\d\d [≥<]"),
    re.compile(r'class="vote (strong_no|no|yes|strong_yes)"'),
    re.compile(r'class="figure"'),
]


def write(feedback, token, vote="yes", submit=True, amend_reason=""):
    """A scorecard of `feedback` whose notes and takeaways carry `token`."""
    ratings = {c.pk: {"score": 3, "notes": f"{token}-NOTES"} for c in feedback.criteria.all()}
    draft = scoring.save_draft(
        feedback, feedback.interviewer, ratings=ratings, takeaways=f"{token}-TAKEAWAYS", vote=vote
    )
    if submit:
        scoring.submit(feedback, feedback.interviewer, draft.number, amend_reason=amend_reason)
    feedback.refresh_from_db()
    return feedback


@pytest.fixture
def world(
    team,
    member,
    teammate,
    peer,
    leadership,
    recruiter,
    outsider,
    org_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    dan = UserFactory(display_name="Dan Member")
    lee = UserFactory(display_name="Lee Leader", role=User.Role.LEADERSHIP)
    for person in (dan, lee):
        team.memberships.create(user=person)
    opening = OpeningFactory(team=team)
    a = ApplicationFactory(opening=opening, candidate__name="Ada Candidate")
    b = ApplicationFactory(opening=opening, candidate__name="Bo Candidate")

    write(assigned(a, member, "skills"), "ANA-A-DRAFT", submit=False)
    write(assigned(a, lee, "team_fit"), "LEE-A-DRAFT", submit=False)
    ben_a = write(assigned(a, teammate, "skills"), "BEN-A")
    scoring.start_amendment(ben_a, teammate)
    write(ben_a, "BEN-A2", amend_reason="BEN-A-AMEND-REASON")
    write(assigned(a, peer, "team_fit"), "CAI-A")

    write(assigned(b, teammate, "skills"), "BEN-B")
    write(assigned(b, peer, "team_fit"), "CAI-B")
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.debrief_opened_at
    assert not a.debrief_opened_at
    with django_capture_on_commit_callbacks(execute=True):  # the recruiters' notice
        decisions.record_decision(b, member, "hire", rationale="ANA-B-RATIONALE")

    c = ApplicationFactory(opening=opening, candidate__name="Cy Hire")
    c.move_to("hired", member)
    c.check_ins.all().delete()
    [check_in, *_] = checkins.schedule(c, timezone.now() - timedelta(days=90))
    ratings = {pk: {"score": 3} for pk in check_in.version.criteria.values_list("pk", flat=True)}
    checkins.submit(check_in, teammate, ratings, "yes", "BEN-C-CHECK-IN")
    checkins.save_draft(check_in, member, ratings, "no", "ANA-C-CHECK-IN-DRAFT")
    with django_capture_on_commit_callbacks(execute=True):  # the check-in's reminders
        send_due()

    submitted_a = ["BEN-A", "BEN-A2", "BEN-A-AMEND-REASON", "CAI-A"]
    submitted_b = ["BEN-B", "CAI-B", "ANA-B-RATIONALE"]
    drafts = {member: "ANA-A-DRAFT", lee: "LEE-A-DRAFT"}
    check_in_drafts = {member: "ANA-C-CHECK-IN-DRAFT"}
    readers = {
        "a": {teammate, peer, leadership},
        "b": {teammate, peer, leadership, member, lee, dan},
        # Its raters still to submit read nothing; recruiters and admins never.
        "c": {teammate, leadership},
    }
    return {
        "personas": {
            "member with a draft": member,
            "member who submitted": teammate,
            "member on no panel": dan,
            "member of another team": outsider,
            "recruiter": recruiter,
            "leadership": leadership,
            "leadership on the panel with a draft": lee,
            "admin": org_admin,
        },
        "a": a,
        "b": b,
        "opening": opening,
        "check_in": check_in,
        "team": team,
        "forbidden": lambda user: (
            [token for owner, token in drafts.items() if owner != user]
            + ([] if user in readers["a"] else submitted_a)
            + ([] if user in readers["b"] else submitted_b)
            + [token for owner, token in check_in_drafts.items() if owner != user]
            + ([] if user in readers["c"] else ["BEN-C-CHECK-IN"])
        ),
        "reads_a": lambda user: user in readers["a"],
        "mailoutbox": mailoutbox,
    }


def url_patterns(resolver=None, prefix=""):
    """Every pattern of the product (the Django admin and allauth's pages are walked apart)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) not in ("admin/", "accounts/"):
                yield from url_patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def urls(world):
    """Every pattern filled in with the objects of the world, in every combination."""
    a, b, opening = world["a"], world["b"], world["opening"]
    feedback_ids = [f.pk for application in (a, b) for f in application.feedback.all()]
    values = {
        "application_id": [a.pk, b.pk, world["check_in"].application_id],
        "check_in_id": [world["check_in"].pk],
        "opening_id": [opening.pk],
        "team_id": [world["team"].pk],
        "feedback_id": feedback_ids,
        "scorecard_id": [opening.scorecard_id],
        "key": [opening.scorecard.current_version().criteria.first().key],
        "stage": ["panel", "debrief", "decided"],
        "name": list(CSV_COLUMNS),
    }
    for pattern in url_patterns():
        names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        choices = [values.get(name, [0 if "id" in name else uuid.uuid4()]) for name in names]
        for combination in itertools.product(*choices):
            path = pattern
            for value in combination:
                path = re.sub(r"<[^>]+>", str(value), path, count=1)
            yield "/" + path, dict(zip(names, combination, strict=True))


PERSONAS = [
    "member with a draft",
    "member who submitted",
    "member on no panel",
    "member of another team",
    "recruiter",
    "leadership",
    "leadership on the panel with a draft",
    "admin",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_partial_or_csv_shows_what_the_persona_may_not_read(client, world, persona):
    user = world["personas"][persona]
    forbidden = world["forbidden"](user)
    client.force_login(user)
    seen = 0
    for path, args in urls(world):
        for headers in ({}, HTMX):
            text = client.get(path, **headers).content.decode(errors="replace")
            seen += 1
            leaks = [token for token in forbidden if token in text]
            assert not leaks, (persona, path, headers, leaks)
            if args.get("application_id") == world["a"].pk and not world["reads_a"](user):
                derived = [marker.pattern for marker in DERIVED if marker.search(text)]
                assert not derived, (persona, path, headers, derived)
    assert seen > 100


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_reports_count_no_application_where_someone_still_scores(client, world, persona):
    """Ana and Lee still score on A: only B's panel counts in calibration (A's submitted
    scorecards, Ben's and Cai's, would make theirs two panels)."""
    client.force_login(world["personas"][persona])

    response = client.get(reverse("report_csv", args=["calibration"]))
    if response.status_code == 200:
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        b_only = {"Ben Teammate": "1", "Cai Peer": "1"}
        expected = {} if persona == "member of another team" else b_only
        assert {row["Interviewer"]: row["Panels"] for row in rows} == expected


def test_no_email_carries_feedback(world, recruiter):
    forbidden = world["forbidden"](recruiter)  # every token: no email reads feedback
    mails = world["mailoutbox"]

    assert any("decided on Bo Candidate" in mail.body for mail in mails)
    for mail in mails:
        content = mail.subject + mail.body + "".join(str(a[0]) for a in mail.alternatives)
        assert not [token for token in forbidden if token in content], mail.subject


def test_the_admin_role_reads_no_feedback_in_the_django_admin(client, world):
    admin_user = world["personas"]["admin"]
    forbidden = world["forbidden"](admin_user)
    client.force_login(admin_user)
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            pages.append(reverse(f"{name}_change", args=[pk]))

    for page in pages:
        text = client.get(page).content.decode(errors="replace")
        assert not [token for token in forbidden if token in text], page
