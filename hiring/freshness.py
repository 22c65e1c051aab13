"""The board, the reports and the application, debrief and feedback pages, cached until what
they show changes.

Each team's `data_version` goes up in the same transaction as any change to what its reports
and pages show, and a cached entry's key holds the versions of every team it covers: once the
change commits, no request reads that entry again. A change to a person moves on the teams
whose pages show them (PERSON_SHOWN); what they may read themselves is in the key of the pages
cached for them. The validity report, slow to compute, follows `hires_version` instead, which
moves only with what it reads (a hire, its scorecards and check-ins, a name it shows). An
application's own pages follow its `page_version` and its team's `shared_version` (what every
page of the team shows), not the team's other applications (render_page's `follows`).
Callers read the versions with the objects they query anyway, so a cache hit costs no query
beyond the cache's own.

The board is cached per column instead (cached_columns): each team's column of a stage, and
its openings in the board's menus, has a version of its own, a random token kept in the cache.
A change to what a card shows forgets the tokens of the columns that show it once its
transaction commits (not before: the cache may be Redis, outside the transaction, and a reader
in between would make a new token and read what was there before); a missing token is made
anew before the column is read, so a column cached before the change is never read again.

Facts that change with the clock alone are the caller's to handle: the board's cards keep
the moments they change at and read them on each request (hiring/pipeline/board.py); other
pages say when their entry stops being true, and the entry expires then.

A write that saves many rows (a decision and the moves it makes, a submission that opens the
debrief) runs in one_write(): what each save changes is noted, and written as the write ends,
still in its transaction: one UPDATE of the pages' versions, one of the teams', one INSERT of
the reports' outdated days (hiring/reports/figures.py), however many rows it saved.
"""

import hashlib
import secrets
import threading
from contextlib import contextmanager
from datetime import datetime
from functools import reduce
from operator import or_

from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

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
    ApplicationAnswer,
    AuditEvent,
    Ballot,
    BusyBlock,
    CalibrationSums,
    Candidate,
    CandidateAccess,
    CandidateEmail,
    CandidateImport,
    CandidateWindow,
    ClosingCount,
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
    OpeningQuestion,
    Panel,
    PoolMember,
    Proposal,
    SessionInterviewer,
    SlotOffer,
    StageChange,
    StageCount,
    StageReached,
    Team,
    User,
    WorkingHours,
)

# Long enough to be useful, short enough that filter combinations nobody asks for again leave.
LONGEST_S = 6 * 3600
# Fragments outlive nothing they show (their key is made of it); this bounds how long an
# erased candidate's name may stay in a process's memory, never shown again.
FRAGMENTS_S = 3600
fragments = caches["fragments"]
# A team's columns of the board: one per stage, and its openings in the board's menus.
BOARD_COLUMNS = [*Application.Stage.values, "openings"]
# The scope of the tokens that stand for a column of every team, read by those who see every
# team: a change to one team's column forgets its token too.
EVERY_TEAM = "every"


# The changes noted by the write in progress on this thread (one_write()).
_writing = threading.local()


@contextmanager
def one_write():
    """A transaction in which what the saves change is noted (when_written()) and written once
    as it ends, before it commits. Within another one_write(), part of it, with no savepoint of
    its own: what it raises undoes the whole write (none goes on after one part failed)."""
    if getattr(_writing, "noted", None) is not None:
        with transaction.atomic(savepoint=False):
            yield
        return
    _writing.noted = noted = {}
    try:
        with transaction.atomic():
            yield
            _writing.noted = None
            for write, items in noted.items():
                write(items)
    finally:
        _writing.noted = None


def when_written(write, items):
    """write(items) now or, within one_write(), once as it ends with all the items noted for
    `write` by then: `write` makes one statement of any number of items."""
    noted = getattr(_writing, "noted", None)
    if noted is None:
        write(items)
    else:
        noted.setdefault(write, []).extend(items)


def team_changed(team_ids):
    """Something of these teams changed that sent no signal (update(), bulk_create()): their
    pages are read anew, and so is every column of their boards, or, when `team_ids` is a query
    of applications' teams, the columns of those applications' cards alone (an erased name
    leaves the rest of the board cached). `team_ids`: a list, or a query of team ids."""
    if isinstance(team_ids, QuerySet) and team_ids.model is Application:
        _applications_changed(team_ids, on_board=True)
    else:
        team_ids = list(Team.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
        _versions_moved(team_ids, shared=True)
        _board_changed(team_ids)


def pages_changed(applications):
    """team_changed() for a change to these applications (a query) that no board card shows
    (an email's status, on its application's page): the board stays cached."""
    _applications_changed(applications)


# An application's hire: whether it is hired as the write ends (_applications_changed()).
IF_HIRED = "if hired"


def _applications_changed(applications, hires=False, on_board=False):
    """What the pages of these applications (an id, or a query) show changed: their own pages
    are read anew, not their team's other applications', and so are their teams' reports and
    lists. `hires`: whether what the validity report reads changed too, True, or IF_HIRED.
    `on_board`: whether their cards show it too, so that the columns showing them are read
    anew once the transaction commits, where the cards are then."""
    when_written(_shown_changed, [(applications, hires, on_board, [])])


def columns_changed(columns):
    """These (team id, column) of the board are read anew once this transaction commits."""
    when_written(_shown_changed, [(None, False, False, list(columns))])


def _shown_changed(noted):
    """As a write ends, what its applications show: their pages' versions and their teams'
    moved in two UPDATEs, and once it commits the board's columns noted, with those that show
    the cards noted, forgotten in one go (a decision changes three). The cards' teams and
    stages come back from the pages' update: no other write moves them before this one commits
    (their rows are locked on PostgreSQL, the database on SQLite), so they are where they will
    be then."""
    columns = {column for *_, named in noted for column in named}
    changed, sure, if_hired, on_board = set(), set(), set(), set()
    for applications, hires, shown, _named in noted:
        if applications is None:
            continue
        ids = {applications} if isinstance(applications, int) else _ids(applications)
        changed |= ids
        if hires is True:
            sure |= ids
        elif hires == IF_HIRED:
            if_hired |= ids
        if shown:
            on_board |= ids
    if changed:
        teams, hired = set(), set()
        for pk, team, stage in _pages_moved(sorted(changed)):
            teams.add(team)
            if pk in sure or (pk in if_hired and stage == Application.Stage.HIRED):
                hired.add(team)
            if pk in on_board:
                columns.add((team, stage))
        moved = {"data_version": F("data_version") + 1}
        if hired:
            moved["hires_version"] = _plus_one_where("hires_version", Q(pk__in=sorted(hired)))
        Team.objects.filter(pk__in=sorted(teams)).update(**moved)
    if columns:
        transaction.on_commit(lambda: _forget(columns))


def _pages_moved(ids):
    """Moves on the page versions of these applications and gives back each one's (pk, team,
    stage): one statement where the ORM's update and read would take two."""
    application, opening = Application._meta.db_table, Opening._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {application} SET page_version = page_version + 1"
            f" WHERE id IN ({', '.join(['%s'] * len(ids))}) RETURNING id,"
            f" (SELECT team_id FROM {opening} WHERE {opening}.id = {application}.opening_id),"
            " stage",
            ids,
        )
        return cursor.fetchall()


def _ids(applications):
    return set(applications.values_list("pk", flat=True))


def _rows_in(chosen):
    """The condition that a row's pk is among `chosen`, each a list of ids or a query of ids;
    None when nothing is chosen."""
    ids, queries = set(), {}
    for rows in chosen:
        if isinstance(rows, list):
            ids.update(rows)
        else:
            queries[id(rows)] = rows
    conditions = [Q(pk__in=query) for query in queries.values()]
    if ids:
        conditions.append(Q(pk__in=sorted(ids)))
    return reduce(or_, conditions) if conditions else None


def _plus_one_where(name, condition):
    """`name` + 1 on the rows of an update that meet `condition`, the others' left as they are."""
    when = When(condition, then=F(name) + 1)
    return Case(when, default=F(name), output_field=Team._meta.get_field(name))


def _versions_moved(team_ids, hires=False, shared=False):
    """`team_ids`: a list, or a query of team ids (run inside the update). `hires`: whether
    what the validity report reads changed too. `shared`: whether every page of the teams shows
    the change, each application's page too (shared_version)."""
    when_written(_move_team_versions, [(team_ids, hires, shared)])


def _move_team_versions(moves):
    """Each (team ids, hires, shared) of `moves` (_versions_moved()), in one UPDATE."""

    def teams(picked):
        return _rows_in([team_ids for team_ids, hires, shared in moves if picked(hires, shared)])

    every = teams(lambda hires, shared: True)
    if every is None:
        return
    moved = {"data_version": F("data_version") + 1}
    for name, condition in [
        ("shared_version", teams(lambda hires, shared: shared)),
        ("hires_version", teams(lambda hires, shared: hires)),
    ]:
        if condition is not None:
            moved[name] = _plus_one_where(name, condition)
    Team.objects.filter(every).update(**moved)


def organisation_changed():
    Team.objects.update(
        data_version=F("data_version") + 1,
        hires_version=F("hires_version") + 1,
        shared_version=F("shared_version") + 1,
    )


def _board_changed(team_ids):
    columns_changed((team, column) for team in team_ids for column in BOARD_COLUMNS)


def _forget(columns):
    keys = {_token_key(scope, column) for team, column in columns for scope in (team, EVERY_TEAM)}
    if keys:
        cache.delete_many(list(keys))


def _token_key(scope, column):
    return f"board-column:{scope}:{column}"


def cache_key(name, parts):
    """The cache's key for `parts` (anything with a stable repr) under `name`."""
    return f"{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def cached(name, parts, teams, compute, version="data_version"):
    """What compute() returns for `parts` over `teams`, kept until one of the teams changes
    (its `version` moves: "hires_version" for what only the validity report reads) or the
    moment compute() gave passes.

    compute() returns (value, good_until): a datetime, or None when only changes matter.
    """
    versions = sorted((team.pk, getattr(team, version)) for team in teams)
    key = cache_key(name, (parts, versions))
    value = cache.get(key)
    if value is None:
        value, good_until = compute()
        seconds = LONGEST_S
        if good_until is not None:
            seconds = min(seconds, int((good_until - timezone.now()).total_seconds()))
        if seconds > 0:
            cache.set(key, value, seconds)
    return value


def _viewer(request):
    """The request's user as a cached page shows them: dates in their time zone, words in their
    language and, in its forms, a CSRF token made from their secret. In the key, it makes the
    page go back only to the session it was made for."""
    get_token(request)  # makes the secret now if the browser has none yet
    user = request.user
    return (
        user.pk,
        # What they may read follows their role, and whether they are a hire follows their
        # address (hiring.access): a change to either reaches no entry made before it.
        user.role,
        user.email,
        request.META["CSRF_COOKIE"],
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )


def cached_for_viewer(request, name, parts, teams, compute, version="data_version"):
    """cached() for a page's content as this request's user sees it (_viewer())."""
    return cached(name, (_viewer(request), parts), teams, compute, version)


def cached_columns(request, name, parts, pieces, compute, now):
    """Pieces of a page made of the board's columns, as this request's user sees them with
    `parts`, each kept until a column it shows changes (columns_changed()) or, at `now`, the
    moment compute gave has passed.

    `pieces` maps each piece's name to the columns it shows, as (team id or EVERY_TEAM,
    column); compute(names) returns {name: (value, good_until)} for the pieces named. An entry
    holds the tokens its columns had before it was computed, so one read of the cache brings
    the entries and the tokens they are checked against.
    """
    viewer = _viewer(request)
    keys = {piece: cache_key(name, (viewer, parts, piece)) for piece in pieces}
    token_keys = {column: _token_key(*column) for shown in pieces.values() for column in shown}
    found = cache.get_many([*keys.values(), *token_keys.values()])
    # Made before anything is computed: what is computed now is at least as new as its token.
    made = {key: secrets.token_hex(8) for key in token_keys.values() if key not in found}
    cache.set_many(made, timeout=None)
    found |= made
    values, tokens = {}, {}
    for piece, shown in pieces.items():
        tokens[piece] = [found[token_keys[column]] for column in shown]
        entry = found.get(keys[piece])
        if entry is not None:
            made_with, value, good_until = entry
            if made_with == tokens[piece] and (good_until is None or now < good_until):
                values[piece] = value
    outdated = [piece for piece in pieces if piece not in values]
    if outdated:
        computed = compute(outdated)
        entries = {keys[piece]: (tokens[piece], *computed[piece]) for piece in outdated}
        cache.set_many(entries, LONGEST_S)
        values |= {piece: value for piece, (value, _good_until) in computed.items()}
    return values


def cached_each(request, name, items, facts, render):
    """render(item) for each of `items`, as this request's user sees it, kept in this
    process's memory (the "fragments" cache) under a key made of all it shows, `facts(item)`:
    a change to any of them makes another key, so nothing has to forget an entry, and one held
    by another process is never needed to be right."""
    viewer = _viewer(request)
    keys = [cache_key(name, (viewer, facts(item))) for item in items]
    found = fragments.get_many(keys)
    made = {key: render(item) for key, item in zip(keys, items, strict=True) if key not in found}
    fragments.set_many(made, FRAGMENTS_S)
    return [mark_safe(found[key] if key in found else made[key]) for key in keys]


def remembered(name, shown, render):
    """render(), kept in this process's memory (the "fragments" cache) under a key made of all
    it shows, `shown`, as cached_each() keeps its items."""
    key = cache_key(name, shown)
    html = fragments.get(key)
    if html is None:
        html = render()
        fragments.set(key, html, FRAGMENTS_S)
    return mark_safe(html)


def render_page(
    request, template, context, *, cache_as=None, teams=(), follows=None, status=200, **page
):
    """Render `template`, whose content block shows its `content` partial rendered on its own
    from `context()`: cached for this viewer as `cache_as` = (name, parts) until `teams`
    change, or rendered afresh when `cache_as` is None (a form that came back with errors).
    An application's page `follows` the application: it is kept until the application changes
    or what every page of `teams` shows does, whatever the team's other applications do.
    `page` is what the rest of the page needs (its title)."""

    def render_content():
        return render_to_string(f"{template}#content", context(), request), None

    if cache_as is None:
        content, _ = render_content()
    else:
        name, parts = cache_as
        version = "data_version"
        if follows is not None:
            parts, version = (parts, follows.page_version), "shared_version"
        content = cached_for_viewer(request, name, parts, teams, render_content, version)
    return render(request, template, {**page, "content": content}, status=status)


def earliest(*moments: datetime | None):
    """The first of these moments, or None if there is none."""
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


# Audited events (stage moves, feedback submitted or amended, excusals, decisions, panels booked
# or cancelled, membership) name their team; the rest is watched as it is saved or deleted.
# Drafts are not watched: nothing cached here shows a draft.
#
# A board card (templates/hiring/pipeline/board.html) shows its candidate's name, its opening's
# title, its team's name, its source, how long it has been in its stage, its scorecards assigned
# and submitted, overdue ones, and a decision to confirm: a change to any of them reaches the
# columns that show the card.
def _audit_event_saved(instance, **kwargs):
    if instance.application_id is not None:
        # A hire's scorecards submitted, amended or excused, its decision, its check-ins.
        # Sessions booked, moved or cancelled (overdue feedback), decisions recorded or
        # confirmed: on its card too.
        _applications_changed(instance.application_id, hires=IF_HIRED, on_board=True)
    elif instance.team_id is not None:  # not an organisation's own audit event
        _versions_moved([instance.team_id], shared=True)


def _membership_saved(instance, **kwargs):
    _versions_moved([instance.team_id], shared=True)
    _board_changed([instance.team_id])  # its cards offer their moves to the team's members


def _opening_saved(instance, **kwargs):
    _versions_moved([instance.team_id], hires=True, shared=True)  # its hires may have moved
    _board_changed([instance.team_id])  # its title is on its cards and in the opening menu


def _team_saved(instance, **kwargs):
    _versions_moved([instance.pk], hires=True, shared=True)
    _board_changed([instance.pk])  # its name is on its cards and in the menus


def _application_saved(instance, signal, **kwargs):
    hired = instance.stage == Application.Stage.HIRED
    if signal is post_delete:
        team = Opening.objects.filter(pk=instance.opening_id).values("team_id")
        _versions_moved(team, hires=hired)
        columns_changed([(instance.opening.team_id, instance.stage)])
    else:
        _applications_changed(instance.pk, hires=hired, on_board=True)


def _stage_change_saved(instance, created=False, **kwargs):
    # A move: the card leaves the column of the stage it was in; its application's save
    # reaches the column it enters.
    if created and instance.from_stage:
        columns_changed([(instance.application.opening.team_id, instance.from_stage)])
    if created and instance.from_stage == Application.Stage.HIRED:
        # A hire who did not start: the validity report no longer counts them.
        _applications_changed(instance.application_id, hires=True)
    if created and Application.Stage.HIRED in (instance.from_stage, instance.to_stage):
        # The candidate's other applications to the team say what they were hired for.
        application = instance.application
        others = Application.objects.filter(
            candidate=application.candidate_id, opening__team=application.opening.team_id
        ).exclude(pk=application.pk)
        _applications_changed(others, on_board=True)


def _part_of_application_saved(instance, **kwargs):
    _applications_changed(instance.application_id)


def _part_of_panel_saved(instance, **kwargs):
    # Times offered to a candidate, or proposed by them: the recruiters' panels to schedule.
    _applications_changed(Application.objects.filter(panel=instance.panel_id))


def _feedback_saved(instance, **kwargs):
    # Not a hire's: feedback no longer changes once its application is closed.
    _applications_changed(instance.application_id, on_board=True)


def _scorecard_version_saved(instance, **kwargs):
    # Openings on this scorecard offer its newest version's criteria to assign.
    openings = Opening.objects.filter(scorecard_id=instance.scorecard_id)
    _versions_moved(openings.values("team_id"), shared=True)


def _criterion_saved(instance, **kwargs):
    _versions_moved(
        Opening.objects.filter(scorecard__versions=instance.version_id).values("team_id"),
        hires=True,  # its name, on the validity report
        shared=True,
    )


def _candidate_saved(instance, created=False, **kwargs):
    # Its own applications' pages and cards (a record just made has none yet), and the pages of
    # the records that may be the same person: an application page lists its possible duplicates.
    others = [found.candidate.pk for found in possible_duplicates(instance)]
    if others:
        _applications_changed(Application.objects.filter(candidate_id__in=others))
    if not created:
        _applications_changed(Application.objects.filter(candidate_id=instance.pk), on_board=True)


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
        _versions_moved(_teams_showing(instance), hires=True, shared=True)


# Every model a team's data reaches is in one of these two (tests/test_freshness.py checks).
WATCHED = {
    AuditEvent: _audit_event_saved,
    Application: _application_saved,
    StageChange: _stage_change_saved,
    Feedback: _feedback_saved,
    Panel: _part_of_application_saved,
    ScorecardVersion: _scorecard_version_saved,
    Criterion: _criterion_saved,
    Opening: _opening_saved,
    Membership: _membership_saved,
    Team: _team_saved,
    Candidate: _candidate_saved,
    User: _person_saved,
    CandidateEmail: _part_of_application_saved,
    Offer: _part_of_application_saved,
    SlotOffer: _part_of_panel_saved,
    CandidateWindow: _part_of_panel_saved,
}
NOT_WATCHED = {
    Ballot: "membership votes show on the team page, which is not cached",
    Proposal: "membership proposals show on the team page, which is not cached",
    Invitation: "invitations show on the team and organisation pages, which are not cached",
    InterviewSession: "created with its panel, booked and cancelled with an audited event",
    SessionInterviewer: "seated with its session, which is created or booked audited",
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
    ClosingCount: "derived from applications and their closing moves, which move the team on",
    FiguresOutdated: "a note that figures are to be rebuilt; nothing shows it",
    StageCount: "kept by the database from applications, whose saves move the team on",
    OpeningQuestion: "questions show on the careers form and the questions page, not cached",
    ApplicationAnswer: "written once with its application, in the same transaction, whose "
    "creation moves the team on; erasure forgets the pages that showed them",
}


def connect():
    """Called once the apps are ready."""
    for model, receiver in WATCHED.items():
        uid = f"freshness-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
