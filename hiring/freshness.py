"""The board, the reports and the application, debrief and feedback pages, cached until what
they show changes.

Each team's `data_version` goes up in the same transaction as any change to what its board
cards, reports and pages show, and a cached entry's key holds the versions of every team it
covers: once the change commits, no request reads that entry again. A change to a person moves
on the teams whose pages show them (PERSON_SHOWN); what they may read themselves is in the key
of the pages cached for them. Callers read the versions with the teams they query anyway, so a
cache hit costs no query beyond the cache's own.

Facts that change with the clock alone (days in stage, stale, overdue feedback) are the
caller's to handle: it says when its entry stops being true, and the entry expires then.
"""

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from scorecards.models import (
    CheckIn,
    CheckInRating,
    CheckInReview,
    Criterion,
    Feedback,
    FeedbackRevision,
    Rating,
    Scorecard,
    ScorecardVersion,
)

from .candidates.merging import possible_duplicates
from .models import (
    Application,
    AuditEvent,
    Ballot,
    BusyBlock,
    CalibrationSums,
    Candidate,
    CandidateAccess,
    CandidateEmail,
    CandidateImport,
    CandidateWindow,
    Coincidences,
    Consent,
    DataExport,
    Decision,
    DurationCount,
    EmailTemplate,
    FiguresOutdated,
    InterviewCount,
    InterviewSession,
    Invitation,
    Membership,
    Offer,
    Opening,
    Panel,
    PoolMember,
    Proposal,
    SessionInterviewer,
    SlotOffer,
    StageChange,
    StageReached,
    Team,
    User,
    WorkingHours,
)

# Long enough to be useful, short enough that filter combinations nobody asks for again leave.
LONGEST_S = 6 * 3600


def team_changed(team_ids):
    """`team_ids`: a list, or a query of team ids (run inside the update)."""
    Team.objects.filter(pk__in=team_ids).update(data_version=F("data_version") + 1)


def organisation_changed():
    Team.objects.update(data_version=F("data_version") + 1)


def cached(name, parts, teams, compute):
    """What compute() returns for `parts` over `teams`, kept until one of the teams changes
    or the moment compute() gave passes.

    compute() returns (value, good_until): a datetime, or None when only changes matter.
    """
    versions = sorted((team.pk, team.data_version) for team in teams)
    digest = hashlib.sha256(repr((parts, versions)).encode()).hexdigest()
    key = f"{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value, good_until = compute()
        seconds = LONGEST_S
        if good_until is not None:
            seconds = min(seconds, int((good_until - timezone.now()).total_seconds()))
        if seconds > 0:
            cache.set(key, value, seconds)
    return value


def cached_for_viewer(request, name, parts, teams, compute):
    """cached() for a page's content as this request's user sees it. It holds dates in their
    time zone, words in their language and, in its forms, a CSRF token made from their secret:
    all of it is in the key, so the content only ever goes back to the session it was made
    for."""
    get_token(request)  # makes the secret now if the browser has none yet
    user = request.user
    viewer = (
        user.pk,
        # What they may read follows their role, and whether they are a hire follows their
        # address (hiring.access): a change to either reaches no entry made before it.
        user.role,
        user.email,
        request.META["CSRF_COOKIE"],
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    return cached(name, (viewer, parts), teams, compute)


def render_page(request, template, context, *, cache_as=None, teams=(), status=200, **page):
    """Render `template`, whose content block shows its `content` partial rendered on its own
    from `context()`: cached for this viewer as `cache_as` = (name, parts) until `teams`
    change, or rendered afresh when `cache_as` is None (a form that came back with errors).
    `page` is what the rest of the page needs (its title)."""

    def render_content():
        return render_to_string(f"{template}#content", context(), request), None

    if cache_as is None:
        content, _ = render_content()
    else:
        name, parts = cache_as
        content = cached_for_viewer(request, name, parts, teams, render_content)
    return render(request, template, {**page, "content": content}, status=status)


def earliest(*moments: datetime | None):
    """The first of these moments, or None if there is none."""
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


# Audited events (stage moves, feedback submitted or amended, excusals, decisions, panels booked
# or cancelled, membership) name their team; the rest is watched as it is saved or deleted.
# Drafts are not watched: nothing cached here shows a draft.
def _part_of_team_saved(instance, **kwargs):
    if instance.team_id is not None:  # an organisation's own audit event
        team_changed([instance.team_id])


def _team_saved(instance, **kwargs):
    team_changed([instance.pk])


def _application_saved(instance, **kwargs):
    team_changed(Opening.objects.filter(pk=instance.opening_id).values("team_id"))


def _part_of_application_saved(instance, **kwargs):
    team_changed(Application.objects.filter(pk=instance.application_id).values("opening__team"))


def _scorecard_version_saved(instance, **kwargs):
    # Openings on this scorecard offer its newest version's criteria to assign.
    team_changed(Opening.objects.filter(scorecard_id=instance.scorecard_id).values("team_id"))


def _criterion_saved(instance, **kwargs):
    team_changed(Opening.objects.filter(scorecard__versions=instance.version_id).values("team_id"))


def _candidate_saved(instance, **kwargs):
    # Its own applications' pages, and those of the records that may be the same person:
    # an application page lists its candidate's possible duplicates.
    records = [instance.pk, *(found.candidate.pk for found in possible_duplicates(instance))]
    team_changed(Application.objects.filter(candidate_id__in=records).values("opening__team"))


# Where a person shows on a cached page (their name; an interviewer's weekly cap on the
# reports), and the way from there to the team whose pages show it.
PERSON_SHOWN = [
    (Membership, "user", "team"),  # the application page's choice of interviewers
    (Feedback, "interviewer", "application__opening__team"),  # panels, debriefs, reports
    (SessionInterviewer, "user", "session__panel__application__opening__team"),  # load report
    (AuditEvent, "actor", "team"),  # timelines
    (Decision, "recorded_by", "application__opening__team"),
    (Decision, "confirmed_by", "application__opening__team"),
    (StageChange, "by", "application__opening__team"),
    (CandidateEmail, "created_by", "application__opening__team"),
    (Application, "referred_by", "opening__team"),
]


def _teams_showing(person):
    """A query of the ids of the teams whose cached pages show `person`."""
    first, *rest = (
        model.objects.filter(**{field: person}).order_by().values(team)
        for model, field, team in PERSON_SHOWN
    )
    return first.union(*rest, all=True)


def _person_saved(instance, signal, created=False, update_fields=None, **kwargs):
    if signal is post_delete:
        # Their deletion emptied the fields that named them (SET_NULL, which sends no signal)
        # before this runs, so where they showed is no longer found: every team moves on.
        organisation_changed()
    # A new person is on no page yet; signing in saves last_login alone, shown nowhere.
    elif not created and (update_fields is None or set(update_fields) - {"last_login", "password"}):
        team_changed(_teams_showing(instance))


# Every model a team's data reaches is in one of these two (tests/test_freshness.py checks).
WATCHED = {
    AuditEvent: _part_of_team_saved,
    Application: _application_saved,
    Feedback: _part_of_application_saved,
    Panel: _part_of_application_saved,
    ScorecardVersion: _scorecard_version_saved,
    Criterion: _criterion_saved,
    Opening: _part_of_team_saved,
    Membership: _part_of_team_saved,
    Team: _team_saved,
    Candidate: _candidate_saved,
    User: _person_saved,
    CandidateEmail: _part_of_application_saved,
    Offer: _part_of_application_saved,
}
NOT_WATCHED = {
    Ballot: "membership votes show on the team page, which is not cached",
    Proposal: "membership proposals show on the team page, which is not cached",
    Invitation: "invitations show on the team and organisation pages, which are not cached",
    StageChange: "written with its application's save or an audited stage move",
    InterviewSession: "created with its panel, booked and cancelled with an audited event",
    SessionInterviewer: "seated with its session, which is created or booked audited",
    SlotOffer: "offers show on the panel page and the candidate's link, not cached",
    CandidateWindow: "a candidate's proposed times show on the panel page, not cached",
    Decision: "recorded and confirmed with an audited event in the same transaction",
    PoolMember: "interviewer pools show on the pools page, not cached",
    WorkingHours: "availability shows on the availability page, not cached",
    BusyBlock: "busy times show on the availability page, not cached",
    Scorecard: "a library template is not on a cached page; an opening's copy changes "
    "through its versions and criteria",
    FeedbackRevision: "a draft is never on a cached page; a submission or an amendment is "
    "audited, and the feedback form's key holds its latest revision",
    Rating: "part of a revision (see FeedbackRevision)",
    Consent: "consents show in the candidate's export, not on a cached page",
    EmailTemplate: "templates show on the email templates page, not cached",
    CandidateImport: "an import's progress is its own page, not cached; the applications it "
    "creates move their teams on explicitly (bulk_create sends no signal)",
    CandidateAccess: "the access log shows on the admin's log and in exports, not cached",
    DataExport: "an export's progress shows on the candidate's privacy page, not cached",
    CheckIn: "scheduled with the audited move to Hired; its own page is not cached",
    CheckInReview: "a draft is on no cached page; a submission is audited, which moves the "
    "team on (the validity report follows it)",
    CheckInRating: "part of a review (see CheckInReview)",
    # The reports' running figures follow the rows they are made of (reports/figures.py).
    StageReached: "derived from applications and their moves, which move the team on",
    DurationCount: "derived from moves and decisions, which move the team on",
    CalibrationSums: "derived from submitted feedback, which moves the team on",
    Coincidences: "derived from submitted feedback, which moves the team on",
    InterviewCount: "derived from booked seats, whose sessions move the team on",
    FiguresOutdated: "a note that figures are to be rebuilt; nothing shows it",
}


def connect():
    """Called once the apps are ready."""
    for model, receiver in WATCHED.items():
        uid = f"freshness-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
