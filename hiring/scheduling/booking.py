"""Panels: build them, find times for them, book them atomically, reschedule and cancel."""

import dataclasses
import json
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from scorecards import scoring
from scorecards.models import Category, Feedback

from .. import freshness
from ..access import get_panel_to_place, the_candidates_among
from ..accounts import zones
from ..email.notifications import interview_summary
from ..models import (
    Application,
    AuditEvent,
    BusyBlock,
    CandidateWindow,
    ChangedMeanwhile,
    EmailTemplate,
    InterviewSession,
    LinkError,
    Membership,
    Panel,
    PoolMember,
    Proposal,
    SessionInterviewer,
    SlotOffer,
    User,
    WorkingHours,
    version_of,
)
from ..outreach import automation, messages
from ..reports import figures
from ..tasks import send_session_cancellations, send_session_invites, send_windows_proposed
from ..templatetags.teamfit import in_sentence
from . import ics, slots


class SlotTaken(Exception):
    """Someone was booked into the chosen time meanwhile."""


@transaction.atomic
def create_panel(application, by, sessions, back_to_back=True):
    """A panel of sessions, each a dict of focus, duration_minutes, interviewers, pool_count.
    The same panel sent twice (a double click) is created once, and the first one returned."""
    # Locked: two posts at once take turns, the second finding the first's panel.
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    existing = Panel.objects.filter(application=application.pk).first()
    if existing is not None:
        if _as_edited(session_rows(existing), existing.back_to_back) == _as_edited(
            sessions, back_to_back
        ):
            return existing
        raise ValidationError(gettext("This application already has a panel."))
    _check_open(application)
    panel = Panel.objects.create(application=application, back_to_back=back_to_back, created_by=by)
    _add_sessions(panel, sessions)
    return panel


def _check_open(application):
    # Nothing is booked for a candidate who is gone, nor offered to them.
    if application.is_closed:
        raise ValidationError(gettext("This application is closed."))


def _add_sessions(panel, sessions):
    if not sessions:
        raise ValidationError(gettext("A panel needs at least one session."))
    team = panel.application.opening.team
    trainees = trainees_of(team)
    for position, spec in enumerate(sessions):
        people = list(spec.get("interviewers", [])) + list(spec.get("shadows", []))
        outsiders = [user for user in people if not team.has_member(user)]
        if outsiders:
            raise ValidationError(
                gettext("%(person)s is not a member of %(team)s.")
                % {"person": outsiders[0], "team": team}
            )
        _refuse_the_candidate(people, panel.application)
        pool_size = interviewer_pool(team).filter(focus=spec["focus"]).count()
        if spec.get("pool_count", 0) > pool_size:
            raise ValidationError(
                gettext("The %(focus)s pool has %(count)s.")
                % {"focus": in_sentence(Category(spec["focus"]).label), "count": pool_size}
            )
        if not spec.get("interviewers") and not spec.get("pool_count"):
            raise ValidationError(
                gettext("Each session needs interviewers, named or from the pool.")
            )
        counted = [user for user in people if user.pk not in trainees[spec["focus"]]]
        if not counted and not spec.get("pool_count"):
            # Reverse shadowing: a trainee leads, a full interviewer's scorecard counts.
            raise ValidationError(
                gettext(
                    "Only trainees are on this session: add a full interviewer, as an "
                    "interviewer or as a shadow to a trainee who leads it."
                )
            )
        session = InterviewSession.objects.create(
            panel=panel,
            position=position,
            focus=spec["focus"],
            duration_minutes=spec["duration_minutes"],
            pool_count=spec.get("pool_count", 0),
        )
        SessionInterviewer.objects.bulk_create(
            [SessionInterviewer(session=session, user=user) for user in spec["interviewers"]]
            + [
                SessionInterviewer(session=session, user=user, shadow=True)
                for user in spec.get("shadows", [])
            ]
        )


def _refuse_the_candidate(people, application):
    """ValidationError if one of `people` is `application`'s candidate (a member who applied):
    nobody interviews themselves."""
    if candidates := the_candidates_among(people, application):
        raise ValidationError(
            gettext("%(person)s is this application's candidate: choose someone else.")
            % {"person": candidates[0]}
        )


def interviewer_pool(team):
    """The team's pool the slot finder seats interviewers from: not its trainees (who shadow),
    nor anyone whose account was deactivated (who left, and would be booked and invited)."""
    return team.pool_members.filter(trainee=False, user__is_active=True)


def join_pool(team, user, focus, trainee):
    """`user` in `team`'s pool on `focus`, as a trainee or not. A trainee becomes a full
    interviewer only by the team's vote (membership.propose_graduation), never here: the pools
    page let a trainee graduate themselves, and one taken off the pool come back as a full
    interviewer."""
    if not trainee and _in_training(team, user, focus):
        raise ValidationError(
            gettext(
                "%(person)s is a trainee here: the team graduates them by its rule, from their "
                "path's page."
            )
            % {"person": user}
        )
    member, _created = PoolMember.objects.get_or_create(
        team=team, user=user, focus=focus, defaults={"trainee": trainee}
    )
    if member.trainee != trainee:
        member.trainee = trainee
        member.save(update_fields=["trainee"])
    return member


def _in_training(team, user, focus):
    """Whether `user` trains on `focus` in `team`: in its pool as a trainee, or with practice
    scorecards there (taken off the pool since) and never graduated by the team's vote."""
    if team.pool_members.filter(user=user, focus=focus, trainee=True).exists():
        return True
    practised = Feedback.all_objects.practice().filter(
        interviewer=user, focus=focus, application__opening__team=team
    )
    graduated = team.proposals.filter(
        kind=Proposal.Kind.GRADUATE, status=Proposal.Status.ACCEPTED, subject=user
    )
    return practised.exists() and not graduated.exists()


def trainees_of(team):
    """{focus: the ids of the team's trainees in its pool}, every focus there."""
    trainees = {focus: set() for focus in Category.values}
    for focus, user_id in _trainee_places(team).values_list("focus", "user_id"):
        trainees[focus].add(user_id)
    return trainees


def _trainee_places(team):
    return PoolMember.objects.filter(team=team, trainee=True)


# A session holding a time: booked and not cancelled.
HOLDS_TIME = Q(cancelled_at=None, start__isnull=False)
# A session waiting for a time: not booked yet, or booked again after its cancellation.
AWAITS_TIME = Q(cancelled_at=None, start__isnull=True)


def is_booked(panel):
    """Whether a session of the panel holds a time: then it is rescheduled or cancelled, no
    longer edited or deleted."""
    return panel.sessions.filter(HOLDS_TIME).exists()


def keep_panel_booked(applications):
    """Application.panel_booked of `applications` (a query) as their panels' sessions now
    stand: a session holds a time, none waits for one, and none cancelled is still needed
    (InterviewSession.objects.still_needed()). Cancelling and booking again call it
    under the application's lock (_lock_application), as booking sets the flag (every open
    session then holds a time), so they set it one after another, each from what the one
    before committed; rows made in bulk (the benchmark's) get it once made."""
    sessions = InterviewSession.objects.filter(panel__application=OuterRef("pk"))
    applications.update(
        panel_booked=Exists(sessions.filter(HOLDS_TIME))
        & ~Exists(sessions.filter(AWAITS_TIME))
        & ~Exists(sessions.still_needed())
    )


def _check_not_booked(panel):
    if is_booked(panel):
        raise ValidationError(gettext("This panel is booked: reschedule or cancel it instead."))


def session_rows(panel):
    """The panel's open sessions as its edit page shows them, to edit."""
    rows = []
    for session in panel.sessions.filter(cancelled_at=None).prefetch_related("interviewers"):
        seats = [seat for seat in session.interviewers.all() if not seat.from_pool]
        rows.append(
            {
                "focus": session.focus,
                "duration_minutes": session.duration_minutes,
                "pool_count": session.pool_count,
                "interviewers": [seat.user_id for seat in seats if not seat.shadow],
                "shadows": [seat.user_id for seat in seats if seat.shadow],
            }
        )
    return rows


def _as_edited(sessions, back_to_back):
    """What an edit sets, from `sessions` as edit_panel takes them (people as users) or as
    session_rows() gives them (people as ids), the same either way."""

    def ids(people):
        return sorted(person if isinstance(person, int) else person.pk for person in people)

    return [back_to_back] + [
        (
            spec["focus"],
            spec["duration_minutes"],
            spec.get("pool_count", 0),
            ids(spec.get("interviewers", [])),
            ids(spec.get("shadows", [])),
        )
        for spec in sessions
    ]


def panel_version(panel):
    """The version of `panel` its edit page carries, to tell on saving whether someone saved
    it since (edit_panel)."""
    return version_of(_as_edited(session_rows(panel), panel.back_to_back))


@transaction.atomic
def edit_panel(panel, sessions, back_to_back, by, based_on=None):
    """Replace the sessions of a panel not booked yet. None of them was ever booked, so no
    invite went out for them; the links offering their times stop working
    (offer_for_link). `based_on`: the version (panel_version()) the edit page showed; when
    someone saved another since, ChangedMeanwhile, nothing saved (the interviewer they added
    would be gone, unseen)."""
    panel = _lock_panel(panel.pk)
    _check_not_booked(panel)
    current = _as_edited(session_rows(panel), panel.back_to_back)
    if based_on is not None and based_on != version_of(current):
        if _as_edited(sessions, back_to_back) == current:
            return panel  # the same form sent twice (a double click): saved once
        raise ChangedMeanwhile(
            gettext(
                "Someone saved this panel after you opened this page. What you chose is below, "
                "not saved, and the panel as it is now under it: save again to replace it with "
                "yours."
            ),
            panel,
        )
    panel.sessions.filter(cancelled_at=None).delete()
    _add_sessions(panel, sessions)
    panel.back_to_back = back_to_back
    # Saved even when unchanged: the application's cached pages follow the panel.
    panel.save(update_fields=["back_to_back"])
    _record_change(panel, by, "Edited: " + describe(panel))
    return panel


@transaction.atomic
def delete_panel(panel, by):
    """Delete a panel not booked yet, with the times offered to the candidate and those they
    proposed; a new one can be built."""
    panel = _lock_panel(panel.pk)
    _check_not_booked(panel)
    _record_change(panel, by, "Deleted: " + describe(panel))
    panel.delete()


def describe(panel):
    """The panel's sessions in words, for its audit trail: "Skills 60 min (Ana, pool of 1)"."""
    sessions = panel.sessions.filter(cancelled_at=None).prefetch_related("interviewers__user")
    return ", ".join(
        f"{session.get_focus_display()} {session.duration_minutes} min ("
        + ", ".join(
            [str(seat.user) for seat in session.interviewers.all() if not seat.shadow]
            + ([f"pool of {session.pool_count}"] if session.pool_count else [])
        )
        + ")"
        for session in sessions
    )


def _record_change(panel, by, details):
    application = panel.application
    AuditEvent.record(
        AuditEvent.Action.PANEL_CHANGED, by, application.opening.team, application, details
    )


def interviewers_for(user_ids, start, end, locked=False):
    """What the slot finder needs to know of these people between `start` and `end`.

    A fixed number of queries whatever the number of people or blocks. `locked`: for a
    booking, each person's row held until it commits, read first (see _still_free).
    """
    # Interviews of the surrounding weeks count towards weekly caps.
    week_start, week_end = start - timedelta(days=7), end + timedelta(days=7)
    users = User.objects.filter(pk__in=user_ids)
    if locked:
        users = users.select_for_update(no_key=True).order_by("pk")
    # Plain rows, not model instances: a booking's re-check reads every seat of its people in
    # three weeks.
    users = list(users.values_list("pk", "time_zone", "buffer_minutes", "weekly_interview_cap"))
    hours = {user_id: {} for user_id in user_ids}
    working = WorkingHours.objects.filter(user_id__in=user_ids)
    for user_id, weekday, begins, ends in working.values_list("user_id", "weekday", "start", "end"):
        hours[user_id].setdefault(weekday, []).append((begins, ends))
    busy = {user_id: [] for user_id in user_ids}
    blocks = BusyBlock.objects.filter(user_id__in=user_ids, start__lt=end, end__gt=start)
    for user_id, begins, ends in blocks.values_list("user_id", "start", "end"):
        busy[user_id].append(slots.Interval(begins, ends))
    interviews = {user_id: [] for user_id in user_ids}
    seats = SessionInterviewer.objects.filter(
        user_id__in=user_ids, start__lt=week_end, end__gt=week_start
    )
    for user_id, begins, ends in seats.values_list("user_id", "start", "end"):
        interviews[user_id].append(slots.Interval(begins, ends))
    return {
        user_id: slots.Interviewer(
            id=user_id,
            time_zone=time_zone,
            working_hours={day: tuple(ranges) for day, ranges in hours[user_id].items()},
            busy=tuple(busy[user_id]),
            interviews=tuple(interviews[user_id]),
            buffer=timedelta(minutes=buffer_minutes),
            weekly_cap=weekly_cap,
        )
        for user_id, time_zone, buffer_minutes, weekly_cap in users
    }


def _requests(panel, sessions):
    application = panel.application
    pool = list(interviewer_pool(application.opening.team).select_related("user"))
    # A member who applied to the team's opening is not seated on their own panel.
    candidates = the_candidates_among([member.user for member in pool], application)
    pools = {}
    for member in pool:
        if member.user not in candidates:
            pools.setdefault(member.focus, []).append(member.user_id)
    requests = []
    for session in sessions:
        seats = [seat for seat in session.interviewers.all() if not seat.from_pool]
        named = tuple(seat.user_id for seat in seats if not seat.shadow)
        requests.append(
            slots.SessionRequest(
                duration=session.duration,
                interviewer_ids=named,
                pool_ids=tuple(u for u in pools.get(session.focus, []) if u not in named),
                pool_count=session.pool_count,
                shadow_ids=tuple(seat.user_id for seat in seats if seat.shadow),
            )
        )
    return requests


def _people(requests):
    return {
        user_id
        for request in requests
        for user_id in (*request.interviewer_ids, *request.pool_ids, *request.shadow_ids)
    }


def _open_sessions(panel):
    """The panel's sessions to place (neither cancelled nor begun), and what the slot finder
    asks of each."""
    sessions = list(panel.sessions.to_place().prefetch_related("interviewers"))
    return sessions, _requests(panel, sessions)


def _candidate_busy(panel, sessions):
    """The times of the panel's interviews that placing `sessions` leaves where they are: the
    candidate can't be in two at once."""
    kept = panel.sessions.filter(HOLDS_TIME).exclude(pk__in=[session.pk for session in sessions])
    return [slots.Interval(start, end) for start, end in kept.values_list("start", "end")]


# How many options a search shows, and so how many can be offered to the candidate at once.
OPTIONS_SHOWN = 10


def find_options(panel, start, end, candidate_windows=None, limit=OPTIONS_SHOWN):
    """Ranked options for the panel's open sessions, each session mapped to its time and people."""
    sessions, requests = _open_sessions(panel)
    interviewers = _moving(interviewers_for(_people(requests), start, end), sessions)
    options = slots.find_options(
        requests,
        interviewers,
        start=start,
        end=end,
        candidate_windows=candidate_windows,
        candidate_busy=_candidate_busy(panel, sessions),
        back_to_back=panel.back_to_back,
        # One more: the panel's own time, which moves nothing, is left out.
        limit=limit + 1,
    )
    payloads = [to_payload(option, sessions) for option in options]
    return [payload for payload in payloads if not _stands_as(sessions, payload)][:limit]


def _moving(people, sessions):
    """`people` (interviewers_for()) without the seats that placing `sessions` moves: booked
    now, they take no time from their people and count towards no cap (a reschedule moved an
    interview by half an hour, or within the week of someone at their cap)."""
    own = {
        (seat.user_id, seat.start)
        for session in sessions
        for seat in session.interviewers.all()
        if seat.start
    }
    return {
        user_id: dataclasses.replace(
            person,
            interviews=tuple(i for i in person.interviews if (user_id, i.start) not in own),
        )
        for user_id, person in people.items()
    }


# How much further explain() looks for the first time that fits.
LONGER_SEARCH = timedelta(days=30)


def explain(panel, start, end, candidate_windows=None):
    """Why no time fits the panel's open sessions between `start` and `end`, and what would
    help (slots.explain), with people and sessions in place of their ids."""
    sessions, requests = _open_sessions(panel)
    later = end + LONGER_SEARCH
    interviewers = _moving(interviewers_for(_people(requests), start, later), sessions)
    found = slots.explain(
        requests,
        interviewers,
        start=start,
        end=end,
        candidate_windows=candidate_windows,
        candidate_busy=_candidate_busy(panel, sessions),
        back_to_back=panel.back_to_back,
        later=later,
    )
    people = User.objects.in_bulk(interviewers)

    def shown(item):
        """The blocker or suggestion as a template reads it."""
        fields = dict(item.__dict__)
        index = fields.pop("session", None)
        fields["session"] = sessions[index] if index is not None else None
        fields["request"] = requests[index] if index is not None else None
        for name in ("person", "replacement"):
            if fields.get(name) is not None:
                fields[name] = people[fields[name]]
        if "others" in fields:
            fields["others"] = [people[pid] for pid in fields["others"]]
        return fields

    return {
        "blockers": [shown(blocker) for blocker in found.blockers],
        "suggestions": [shown(suggestion) for suggestion in found.suggestions],
    }


def to_payload(option, sessions):
    """An option as plain JSON: what a form posts back and a candidate's offer stores. Each
    session's time when the option was found goes along (`was`): a page opened before the panel
    was booked or moved meanwhile must not book or offer over it (check_as_found)."""
    return {
        "sessions": [
            {
                "session": sessions[placed.index].pk,
                "start": placed.start.isoformat(),
                "end": placed.end.isoformat(),
                "interviewers": list(placed.interviewer_ids),
                "was": _when(sessions[placed.index].start),
            }
            for placed in option.sessions
        ],
        "reasons": list(option.reasons),
    }


def _when(moment):
    return moment.isoformat() if moment else None


def check_as_found(sessions, payload):
    """ValidationError when one of `sessions` the option `payload` places was booked or moved
    since the search that found it: the page that offers it was opened before (another tab,
    another recruiter), and booking, rescheduling or offering from it would undo what was done
    meanwhile unseen. Options found before `was` was kept are not checked."""
    entries = {entry["session"]: entry for entry in payload["sessions"]}
    for session in sessions:
        entry = entries.get(session.pk, {})
        if "was" in entry and entry["was"] != _when(session.start):
            raise ValidationError(
                gettext(
                    "This panel was booked or moved after these times were found: find "
                    "times again, from the panel as it is now."
                )
            )


def _still_free(panel, sessions, payload, candidate_busy, locked=False):
    """Re-run the slot finder over exactly the chosen times with exactly the chosen people,
    the candidate in none of `candidate_busy` (_candidate_busy()).

    `locked`: for a booking, everyone the option seats is held until it commits. Two panels
    sharing a person each lock only their own row, and the database refuses only overlapping
    seats: without this both could pass the re-check and break a buffer or a weekly cap.
    Locking in one order (by id) makes crossing bookings wait instead of deadlocking; once the
    locks are held, READ COMMITTED reads show every earlier booking.

    FOR NO KEY UPDATE: bookings wait for each other, but not the rows other writes make that
    name these people (an audit event's actor, a report's interview counts), whose foreign
    keys only share the row. FOR UPDATE made them wait too, and a report's figures, holding
    their team, deadlocked with a booking that held the people and wanted the team."""
    by_id = {session.pk: session for session in sessions}
    chosen = {entry["session"]: entry for entry in payload["sessions"]}
    if set(chosen) != set(by_id):
        return False
    ordered = [by_id[session_id] for session_id in chosen]
    # Whom an option seats from a pool is in it still: an offer's options wait days, while
    # people leave the team, are deactivated or are taken off the pool.
    pooled = [session for session in ordered if session.pool_count]
    for session, request in zip(pooled, _requests(panel, pooled) if pooled else [], strict=True):
        seatable = {*request.interviewer_ids, *request.pool_ids, *request.shadow_ids}
        if not seatable.issuperset(chosen[session.pk]["interviewers"]):
            return False
    requests = []
    for session in ordered:
        shadows = {seat.user_id for seat in session.interviewers.all() if seat.shadow}
        people = tuple(u for u in chosen[session.pk]["interviewers"] if u not in shadows)
        requests.append(
            slots.SessionRequest(
                duration=session.duration, interviewer_ids=people, shadow_ids=tuple(shadows)
            )
        )
    start = min(datetime.fromisoformat(entry["start"]) for entry in chosen.values())
    end = max(datetime.fromisoformat(entry["end"]) for entry in chosen.values())
    others = _moving(interviewers_for(_people(requests), start, end, locked), ordered)
    wanted = {
        (index, datetime.fromisoformat(chosen[s.pk]["start"])) for index, s in enumerate(ordered)
    }
    search = {"start": start, "end": end, "candidate_busy": candidate_busy}
    for option in slots.find_options(
        requests, others, **search, back_to_back=panel.back_to_back, limit=50
    ):
        if {(placed.index, placed.start) for placed in option.sessions} == wanted:
            return True
    return False


def book(panel, payload, by, locked=False, as_found=False, accepted=None):
    """Book the option `payload` for the panel, or raise SlotTaken. Sends invites on commit.

    Returns the sessions it placed, each with the start it had before (None at a first
    booking); none when the panel already stands booked as `payload` (the same form posted
    again): then nothing changes and nobody is invited twice. `locked`: the panel was read
    under its row lock in this transaction, so it is not read again. `as_found`: the booker
    chose it from a search (the page's "Book" or "Reschedule"): booked or moved since, the
    panel is not moved over it (check_as_found). `accepted`: the addresses of the invitations
    accepted by those it seats, where the caller has read them (access.get_panel_to_place).
    """
    try:
        with freshness.one_write():
            if not locked:
                panel = _lock_panel(panel.pk)
            application = _lock_application(panel.pk)
            # Its sessions ahead were cancelled as it closed; those never booked were not.
            _check_open(application)
            # The panel's sessions read once, each seat with its person in one query more: who
            # scores the session, and who can still come to it. Those to place are booked;
            # those that keep their times are the candidate's busy times; those still needed
            # keep the panel unbooked (neither changes by placing the others).
            team_id = application.opening.team_id
            trainee = _trainee_places(team_id).filter(
                user=OuterRef("user"), focus=OuterRef("session__focus")
            )
            seats = _seats_with_membership(team_id).annotate(is_trainee=Exists(trainee))
            every = list(
                panel.sessions.with_roles().prefetch_related(Prefetch("interviewers", seats))
            )
            sessions = [session for session in every if session.is_to_place]
            entries = {entry["session"]: entry for entry in payload["sessions"]}
            if _stands_as(sessions, payload):
                return []
            if as_found:
                check_as_found(sessions, payload)
            # Everyone the option keeps seated is invited, at a reschedule as at the first
            # booking; pool members it does without are only told they are free.
            staying = (
                seat
                for session in sessions
                for seat in session.interviewers.all()
                if not seat.from_pool or seat.user_id in _chosen(entries.get(session.pk))
            )
            kept = [
                slots.Interval(session.start, session.end)
                for session in every
                if session.is_booked and not session.is_to_place
            ]
            # A session holding a time: the panel is no longer edited, its people are replaced.
            booked = bool(kept) or any(s.start for s in sessions)
            _check_everyone_can_come(staying, application.opening.team, booked)
            if not _still_free(panel, sessions, payload, kept, locked=True):
                raise SlotTaken
            placed, scorers = [], []
            for session in sessions:
                # A session the option leaves as it is keeps its SEQUENCE and sends nothing.
                if not _holds(session, entries[session.pk]):
                    placed.append((session, session.start))
                    # Those the pool adds are none of them: one place in the pool per focus.
                    trainees = {s.user_id for s in session.interviewers.all() if s.is_trainee}
                    scored, seated = _place(session, entries[session.pk], trainees)
                    scorers += scored
                    _save_placed(session, seated)
            # Their interviews leave the days they were on for the new ones, and the day the
            # application was made counts them (update() sends no signal).
            moments = [moment for session, before in placed for moment in (session.start, before)]
            figures.outdated(application.opening.team_id, [application.created_at, *moments])
            _assign_feedback(application, scorers, by, accepted)
            # Every open session now holds its time (_still_free took them all): the panel is
            # booked unless a cancelled session is still needed, which a booking leaves as it
            # is; saved with the move (keep_panel_booked's answer, without its update).
            booked_now = not any(session.is_still_needed for session in every)
            newly_booked = [] if application.panel_booked == booked_now else ["panel_booked"]
            application.panel_booked = booked_now
            moved = any(before for _, before in placed)
            booked = AuditEvent.of(
                AuditEvent.Action.PANEL_BOOKED,
                by,
                application.opening.team,
                application,
                details=("Rescheduled: " if moved else "")
                + ", ".join(
                    f"{s.get_focus_display()} {zones.instant_text(s.start)}" for s in sessions
                ),
            )
            moving = application.stage in (Application.Stage.APPLIED, Application.Stage.SCREEN)
            from_stage = application.stage
            application.move_through(
                [Application.Stage.PANEL] if moving else [], by, [booked], saving=newly_booked
            )
            if moving:  # the email chosen for a move to the panel goes out on this one too
                automation.after_move(application, from_stage)
    except IntegrityError as error:  # PostgreSQL's exclusion constraint: a booking raced ours
        raise SlotTaken from error
    return placed


def book_as(user, application_id, payload):
    """book() by `user` of the panel of the application `application_id`, whose pipeline they
    run (else Http404): one read, locked, for both, and one of the addresses of everyone
    asked whether they are its candidate (access.get_panel_to_place)."""
    with freshness.one_write():
        panel, accepted = get_panel_to_place(user, application_id, _seating(payload))
        _require_ahead(payload)
        return book(panel, payload, user, locked=True, as_found=True, accepted=accepted)


def _seating(payload):
    """The ids of the people the option `payload` seats."""
    return {user_id for entry in payload["sessions"] for user_id in entry["interviewers"]}


class TimePassed(SlotTaken):
    """The chosen time has come meanwhile: found or offered earlier, it has passed since."""


def _require_ahead(payload):
    """TimePassed once the option's time has come. (book() itself places any time: the demo's
    history books past ones.)"""
    if not upcoming_options([payload]):
        raise TimePassed


def reschedule(panel, payload, by, locked=False, as_found=False, accepted=None):
    """Move a booked panel to the option `payload` (book()), or raise ValidationError if it is
    not booked; the moved sessions' invites go out again with a higher SEQUENCE. `locked`,
    `as_found` and `accepted`: as book()'s."""
    with freshness.one_write():
        if not locked:
            panel = _lock_panel(panel.pk)
        if not is_booked(panel):
            raise ValidationError(gettext("This panel is not booked yet: book a time instead."))
        return book(panel, payload, by, locked=True, as_found=as_found, accepted=accepted)


def reschedule_as(user, application_id, payload):
    """reschedule() by `user`, as book_as()."""
    with freshness.one_write():
        panel, accepted = get_panel_to_place(user, application_id, _seating(payload))
        _require_ahead(payload)
        return reschedule(panel, payload, user, locked=True, as_found=True, accepted=accepted)


def _lock_panel(panel_id):
    """The panel, its row locked until the transaction ends: its bookings, offers, picks and
    proposals take turns."""
    return Panel.objects.select_for_update().get(pk=panel_id)


def _lock_application(panel_id):
    """The panel's application, its row locked until the transaction ends: whatever books or
    cancels a session holds it, after the panel's lock and before the sessions', so they take
    turns keeping its panel_booked in step (a candidate's withdrawal locks it first too). Its
    candidate, opening, team and scorecard come along: a booking's seats, scorecards and audit
    event read them."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "opening__team", "opening__scorecard")
        .get(panel=panel_id)
    )


def _seats_with_membership(team_id=None):
    """Seats with their person and `in_team`: whether that person is still a member of the
    panel's team (they may have left it, or been removed, since the panel was built). `team_id`:
    that team, where every seat read is of one panel whose team is known (a booking's): then
    the check names it, and the seats' query joins no panel, application and opening to find
    it (building those joins took longer than the query ran)."""
    team = team_id or OuterRef("session__panel__application__opening__team")
    members = Membership.objects.filter(team=team, user=OuterRef("user"))
    return SessionInterviewer.objects.select_related("user").annotate(in_team=Exists(members))


def _chosen(entry):
    """The ids of the people an option's `entry` seats (none for a session it leaves out)."""
    return set(entry["interviewers"]) if entry else set()


def _check_everyone_can_come(seats, team, booked=False):
    """A booking invites everyone seated (`seats`, of _seats_with_membership()): refused while
    one of them can no longer come, their account deactivated or out of `team`, until the panel
    is edited without them or, `booked` (it holds its times), they are replaced
    (replace_interviewer)."""
    for seat in seats:
        if not seat.user.is_active:
            message = (
                gettext(
                    "%(person)s's account was deactivated: replace them in the %(focus)s session."
                )
                if booked
                else gettext(
                    "%(person)s's account was deactivated: edit the panel to choose someone "
                    "else before booking it."
                )
            )
        elif not seat.in_team:
            message = (
                gettext(
                    "%(person)s is no longer in %(team)s: replace them in the %(focus)s session."
                )
                if booked
                else gettext(
                    "%(person)s is no longer in %(team)s: edit the panel to choose someone "
                    "else before booking it."
                )
            )
        else:
            continue
        focus = in_sentence(seat.session.get_focus_display())
        raise ValidationError(message % {"person": seat.user, "team": team, "focus": focus})


def check_everyone_can_come(panel):
    """_check_everyone_can_come() for the named seats of the panel's sessions to place, in one
    query: the times found or offered for it would be refused too. (A booked panel's pool
    seats are chosen afresh by the times found, among the pool's members, who are in the team
    and active.)"""
    holding = InterviewSession.objects.filter(HOLDS_TIME, panel=OuterRef("session__panel"))
    seats = list(
        _seats_with_membership()
        .filter(session__in=panel.sessions.to_place(), from_pool=False)
        .select_related("session__panel__application__opening__team")
        .annotate(booked=Exists(holding))
        .order_by("pk")
    )
    if seats:
        team = seats[0].session.panel.application.opening.team
        _check_everyone_can_come(seats, team, seats[0].booked)


def sessions_with_seats(panel):
    """The panel's sessions, each seat with its person and `in_team` (_seats_with_membership):
    what its page shows, in two queries."""
    seats = Prefetch("interviewers", queryset=_seats_with_membership())
    return list(panel.sessions.prefetch_related(seats))


def sessions_ahead(sessions):
    """Of a panel's `sessions` (sessions_with_seats()), those ahead, whose people are replaced
    and which are cancelled one by one: booked and still to come, and, once the panel holds a
    time (it is no longer edited), those waiting for one (booked again after their
    cancellation)."""
    now = timezone.now()
    booked = any(session.is_booked for session in sessions)
    return [
        session
        for session in sessions
        if session.cancelled_at is None and (session.start > now if session.start else booked)
    ]


def who_to_replace(sessions, team):
    """What a booked panel's page says of its `sessions` (sessions_with_seats()) still to come
    or to book again that seat someone who can no longer come (deactivated, or out of `team`):
    whom to replace; None when everyone can come."""
    seats = [seat for session in sessions_ahead(sessions) for seat in session.interviewers.all()]
    try:
        _check_everyone_can_come(seats, team, booked=True)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _stands_as(sessions, payload):
    """Whether the panel's `sessions` to place stand booked as the option `payload` (sent
    again once placed: those it placed hold its times, and a session it booked again alone,
    to_place(), made the panel's others to place again beside it)."""
    entries = {entry["session"]: entry for entry in payload["sessions"]}
    return (
        bool(entries)
        and entries.keys() <= {s.pk for s in sessions}
        and all(_holds(s, entries[s.pk]) for s in sessions if s.pk in entries)
    )


def _holds(session, entry):
    """Whether the session is booked exactly as the option's `entry`: same time, same people."""
    start, end = datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"])
    seated = {seat.user_id for seat in session.interviewers.all() if seat.start == start}
    return (session.start, session.end) == (start, end) and seated == set(entry["interviewers"])


def _place(session, entry, trainees):
    """The session at the entry's time with its people, left to the caller to save with its
    seats; returns who scores it, as (person, session, practice), and its seats at that time:
    `trainees`, the ids of the pool's trainees on its focus."""
    start, end = datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"])
    before = session.start
    if before is not None:
        session.sequence += 1  # a reschedule: the same UID, a higher SEQUENCE
    session.start, session.end = start, end
    chosen = set(entry["interviewers"])
    seats = {seat.user_id: seat for seat in session.interviewers.all()}
    # Those the session releases are told the start they no longer keep: the one its invites
    # last told (a move whose invites never went out told nobody of its own).
    freed_from = (session.announced_start or before).isoformat() if before else None
    dropped = [
        seat.user_id for seat in seats.values() if seat.from_pool and seat.user_id not in chosen
    ]
    if dropped:
        # Pool members the new time does without: off the session, told so by a cancellation
        # naming the time they no longer keep.
        session.interviewers.filter(user_id__in=dropped).delete()
        session.feedback.filter(interviewer__in=dropped, submitted_at=None, revisions=None).delete()
        send_session_cancellations.delay_on_commit(
            session.pk, session.sequence, dropped, freed_from
        )
    joined = sorted(chosen - set(seats))
    for user_id in joined:
        seats[user_id] = SessionInterviewer.objects.create(
            session=session, user_id=user_id, from_pool=True
        )
    seated = [
        seat
        for seat in seats.values()
        if seat.user_id in chosen or (seat.shadow and not seat.from_pool)
    ]
    for seat in seated:
        seat.start, seat.end = start, end
    # Placed for the first time since it was built or cancelled: nobody holds an invite to it.
    # The invites of a reschedule say when it was before (announced_start), to those invited
    # then, unless it is back at that time (then they are an update that claims no move).
    send_session_invites.delay_on_commit(
        session.pk, session.sequence, joined=joined, first=before is None
    )
    return _scorers(session, seated, trainees), seated


def _scorers(session, seated, trainees):
    """Who of `seated` (the session's seats at its time) scores it, as (person, session,
    practice): `trainees`, the ids of the pool's trainees on its focus. A trainee writes a
    practice scorecard, shadowing or leading. A shadow writes none, but one who is a full
    interviewer writes a counting one when a trainee leads (reverse shadowing)."""
    trainee_leads = any(not seat.shadow and seat.user_id in trainees for seat in seated)
    return [
        (seat.user, session, seat.user_id in trainees)
        for seat in seated
        if seat.user_id in trainees or not seat.shadow or trainee_leads
    ]


def _save_placed(session, seats):
    """The session placed, and its seats at its time: a plain UPDATE each. bulk_update() wrote
    every session and every seat in two statements, but building its CASE, a WHEN for each row
    and field, took 7 ms for two sessions of six seats, where these take under 1 ms."""
    InterviewSession.objects.filter(pk=session.pk).update(
        start=session.start, end=session.end, sequence=session.sequence
    )
    SessionInterviewer.objects.filter(pk__in=[seat.pk for seat in seats]).update(
        start=session.start, end=session.end
    )


def _assign_feedback(application, scorers, by, accepted=None):
    """Each of `scorers`, (person, session, practice), scores its session's focus in it: a
    scorecard of theirs on that focus already (an earlier booking's, or one assigned by hand)
    moves to the session, the others are assigned, all together. One person scoring a focus in
    two sessions has one scorecard for it, in the later. `accepted`: as book()'s."""
    people = {person for person, _session, _practice in scorers}
    assigned = Feedback.all_objects.filter(application=application, interviewer__in=people)
    assigned = {(feedback.interviewer_id, feedback.focus): feedback for feedback in assigned}
    unassigned = {}
    for person, session, practice in scorers:
        feedback = assigned.get((person.pk, session.focus))
        if feedback is None:
            unassigned[person.pk, session.focus] = (person, session.focus, session, practice)
        elif feedback.session_id != session.pk:
            feedback.session = session
            feedback.save(update_fields=["session"])
    if unassigned:
        scoring.assign_each(
            application,
            list(unassigned.values()),
            by,
            existing=assigned.values(),
            accepted=accepted,
        )


@transaction.atomic
def cancel_session(session, by, now=None):
    """Cancel a booked session still to come, everyone invited told, or one to book again
    beside one holding a time (the panel no longer edited), nobody told. `now`: the moment the
    caller chose the sessions to cancel by, so that one beginning in between is not refused."""
    application = _lock_application(session.panel_id)
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at:
        raise ValidationError(gettext("This session is already cancelled."))
    if session.start is None:
        _cancel_unbooked(session, application, by)
        return
    if session.start <= (now or timezone.now()):
        # It took place (or is under way): its scorecards are due, not withdrawn, and nobody's
        # calendar loses it.
        raise ValidationError(gettext("This session has begun: it can no longer be cancelled."))
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save(update_fields=["cancelled_at", "sequence"])
    # Seats keep who was invited (the cancellation goes to them) but no longer hold the time.
    session.interviewers.update(start=None, end=None)
    keep_panel_booked(Application.objects.filter(pk=session.panel.application_id))
    AuditEvent.record(
        AuditEvent.Action.PANEL_CANCELLED,
        by,
        application.opening.team,
        application,
        details=f"{session.get_focus_display()} {zones.instant_text(session.start)}",
    )
    # Practice scorecards too: nobody started them.
    Feedback.all_objects.filter(session=session, submitted_at=None, revisions=None).delete()
    send_session_invites.delay_on_commit(session.pk, session.sequence)


def _cancel_unbooked(session, application, by):
    """Cancel `session`, which holds no time. Nobody was invited to it since its cancellation:
    there is no time to free, nor anyone to tell."""
    if not is_booked(session.panel):
        raise ValidationError(
            gettext("This session is not booked: edit the panel to change its sessions.")
        )
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at"])
    keep_panel_booked(Application.objects.filter(pk=application.pk))
    _record_change(
        session.panel,
        by,
        f"Not booked again: {session.get_focus_display()} {session.duration_minutes} min",
    )


@transaction.atomic
def reopen_session(session, by):
    """Make a cancelled session one to book again, as it was built: its named interviewers and
    shadows, its pool members to be chosen afresh. Then the panel's search places it alone
    (to_place()): the others keep their times. A session already reopened is left as it is (a
    double click)."""
    panel = _lock_panel(session.panel_id)
    application = _lock_application(panel.pk)
    _check_open(application)
    session = InterviewSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is None:
        return session
    # Its people had its cancellation at this SEQUENCE: the invite of its next booking must
    # come after it, or calendar apps would ignore it.
    session.sequence += 1
    session.cancelled_at, session.start, session.end = None, None, None
    session.save(update_fields=["sequence", "cancelled_at", "start", "end"])
    # Told of the cancellation already; a booking seats whom the pool has free then.
    session.interviewers.filter(from_pool=True).delete()
    # Waiting for a time: the panel is among those to schedule until it is booked.
    keep_panel_booked(Application.objects.filter(pk=application.pk))
    _record_change(
        panel,
        by,
        f"Reopened: {session.get_focus_display()} {session.duration_minutes} min",
    )
    return session


def replace_interviewer(seat, replacement, by):
    """`replacement` takes the seat (`seat.user`'s, interviewing or shadowing) in its booked
    session still to come, at the same time: the person replaced is sent a cancellation (if
    its invite reached them) and their scorecard for it goes; `replacement` is sent the invite
    and assigned the scorecard.
    Nobody else is told, the candidate included: their time stays the same. In a session
    waiting to be booked again (its panel no longer edited), nobody is told: its booking
    invites whoever sits then. ValidationError, and nothing changes, if the session has
    started, the person replaced began their scorecard for it (it stays theirs), or
    `replacement` is seated in it already, can't come (out of the team, deactivated) or is not
    free then."""
    with freshness.one_write():
        panel = _lock_panel(seat.session.panel_id)
        application = _lock_application(panel.pk)
        session = InterviewSession.objects.select_for_update().get(pk=seat.session_id)
        replaced = seat.user
        seat = session.interviewers.filter(pk=seat.pk, user=replaced).first()
        if seat is None:
            raise ValidationError(
                gettext("%(person)s is no longer on this session.") % {"person": replaced}
            )
        _check_replaceable(session, replaced)
        team = application.opening.team
        trainees = trainees_of(team)[session.focus]
        _check_replacement(session, seat, replacement, application, trainees)
        seat.user = replacement
        seat.save(update_fields=["user"])
        if session.start is None:
            # Its people had its cancellation; its booking invites and assigns the scorecards.
            _record_change(
                panel,
                by,
                f"Replaced {replaced} with {replacement}: {session.get_focus_display()}, "
                "to book again",
            )
            return session
        # A change of the event: the cancellation and the new invite carry a higher SEQUENCE.
        session.sequence += 1
        session.save(update_fields=["sequence"])
        # Who scores follows who leads, as at a booking (_scorers): a full interviewer
        # shadowing scores once a trainee leads, and no longer once none does. The scorecard
        # of whoever no longer scores goes, unstarted (the replaced one's is: _check_replaceable).
        scorers = _scorers(session, list(session.interviewers.select_related("user")), trainees)
        who_scores = [person for person, _session, _practice in scorers]
        unstarted = Feedback.all_objects.filter(session=session).exclude(BEGUN)
        unstarted.exclude(interviewer__in=who_scores).delete()
        _assign_feedback(application, scorers, by)
        _record_change(
            panel,
            by,
            f"Replaced {replaced} with {replacement}: {session.get_focus_display()} "
            f"{zones.instant_text(session.start)}",
        )
        freed_from = (session.announced_start or session.start).isoformat()
        send_session_cancellations.delay_on_commit(
            session.pk, session.sequence, [replaced.pk], freed_from
        )
        send_session_invites.delay_on_commit(
            session.pk, session.sequence, joined=[replacement.pk], only=[replacement.pk]
        )
    return session


def check_replaceable(seat):
    """ValidationError saying why `seat.user` can't be replaced in their session, if so: what
    the page to replace them says before anyone is chosen."""
    _check_replaceable(seat.session, seat.user)


# A scorecard its author began: submitted, or a draft saved. It stays theirs.
BEGUN = Q(submitted_at__isnull=False) | Q(revisions__isnull=False)


def _check_replaceable(session, person):
    if session.cancelled_at:
        raise ValidationError(gettext("This session was cancelled."))
    if session.start is None:
        # Booked again after its cancellation beside one holding a time, the panel is no longer
        # edited: its people are replaced.
        if not is_booked(session.panel):
            raise ValidationError(
                gettext("This session is not booked: edit the panel to change its interviewers.")
            )
    elif session.start <= timezone.now():
        raise ValidationError(
            gettext("This session has started: its interviewers can no longer be replaced.")
        )
    # Their evidence stays theirs, a draft included: nobody else's name goes on it.
    if Feedback.all_objects.filter(BEGUN, session=session, interviewer=person).exists():
        raise ValidationError(
            gettext(
                "%(person)s has begun or submitted their scorecard for this interview: it stays "
                "theirs, so they can't be replaced. If they can't take part, the team can "
                "excuse them on the debrief page."
            )
            % {"person": person}
        )


def _check_replacement(session, seat, replacement, application, trainees):
    """ValidationError unless `replacement` can take `seat` in `session`: not seated in it,
    able to come, not the candidate, not leaving it to trainees alone, and free then
    (_check_free)."""
    team = application.opening.team
    seated = {other.user_id for other in session.interviewers.all()}
    if replacement.pk in seated:
        raise ValidationError(
            gettext("%(person)s is already on this session.") % {"person": replacement}
        )
    if not replacement.is_active:
        raise ValidationError(
            gettext("%(person)s's account was deactivated.") % {"person": replacement}
        )
    if not team.has_member(replacement):
        raise ValidationError(
            gettext("%(person)s is not a member of %(team)s.")
            % {"person": replacement, "team": team}
        )
    # Checked again as their scorecard is assigned, which a session to book again waits for.
    _refuse_the_candidate([replacement], application)
    after = (seated - {seat.user_id}) | {replacement.pk}
    if not after - trainees:
        raise ValidationError(
            gettext("Only trainees would be on this session: choose a full interviewer.")
        )
    if session.start:
        _check_free(session, replacement)


def _check_free(session, person):
    """ValidationError saying why, unless `person` is free for the whole of `session`: in their
    working hours, not busy, clear of their other interviews and the buffer they keep around
    each, within their weekly cap, as a booking re-checks them (_still_free), their row locked
    as there."""
    people = interviewers_for([person.pk], session.start, session.end, locked=True)
    request = slots.SessionRequest(duration=session.duration, interviewer_ids=(person.pk,))
    # Any minute: a session placed by hand need not start on the finder's quarter hours.
    search = {"start": session.start, "end": session.end, "step": timedelta(minutes=1)}
    if slots.find_options([request], people, limit=1, **search):
        return
    blockers = slots.explain([request], people, **search).blockers
    reason = blockers[0].reason if blockers else None
    not_free = {
        slots.HOURS: gettext(
            "%(person)s is outside their working hours then (%(local)s for them)."
        ),
        slots.BUSY: gettext("%(person)s is busy in their calendar then."),
        slots.INTERVIEWS: gettext(
            "%(person)s has another interview then, or too close for the %(buffer)s minutes "
            "they keep free around each."
        ),
        slots.CAPPED: gettext("%(person)s has reached their weekly cap of interviews."),
    }
    message = not_free.get(reason, gettext("%(person)s is not free then."))
    with timezone.override(person.time_zone):
        local = zones.shown(session.start, "D j M, H:i")
    raise ValidationError(
        message % {"person": person, "buffer": person.buffer_minutes, "local": local}
    )


def cancel_upcoming(application, by):
    """The application closed (hired, rejected or withdrawn; locked by the caller): its
    interviews still to come are cancelled and everyone invited told, so nobody keeps the time
    for a candidate who is gone."""
    now = timezone.now()
    upcoming = InterviewSession.objects.filter(
        panel__application=application, cancelled_at=None, start__gt=now
    )
    for session in upcoming:
        cancel_session(session, by, now)


@transaction.atomic
def cancel_panel(panel, by):
    """Cancel every booked session of the panel still to come: each invited person gets a
    cancellation; and those waiting to be booked again, nobody told. Unless one took place
    already, the panel can then be edited or deleted."""
    panel = _lock_panel(panel.pk)
    booked = [session for session in panel.sessions.all() if session.is_booked]
    if not booked:
        raise ValidationError(gettext("No session of this panel is booked."))
    # Those held already stay: cancel_session() refuses them.
    now = timezone.now()
    upcoming = [session for session in booked if session.start > now]
    if not upcoming:
        raise ValidationError(
            gettext("Every booked session of this panel has begun: none can be cancelled.")
        )
    # Those waiting first, while the others still hold their times: left, they kept the panel
    # among those to schedule, as if a cancelled session were still needed.
    for session in panel.sessions.filter(AWAITS_TIME):
        cancel_session(session, by, now)
    for session in upcoming:
        cancel_session(session, by, now)
    return upcoming


@transaction.atomic
def offer_to_candidate(panel, payloads, by):
    """Offer the candidate the options `payloads` through a link emailed to them. The same
    offer made again a moment later (a double click, the back button) is the first one: no
    second email, and the first link keeps working."""
    payloads = _distinct(payloads)
    if not payloads:
        raise ValidationError(gettext("Choose at least one option to offer."))
    if len(payloads) > OPTIONS_SHOWN:
        raise ValidationError(
            gettext("Offer at most %(count)s options at once.") % {"count": OPTIONS_SHOWN}
        )
    # Under the panel's lock, so its created_at orders it among the panel's bookings.
    _lock_panel(panel.pk)
    _check_open(panel.application)
    # The candidate's pick would be refused.
    check_everyone_can_come(panel)
    # Each option places this panel's open sessions: one found for another panel (or before
    # this one changed) would send the candidate a link that cannot book.
    open_sessions = list(panel.sessions.to_place())
    open_ids = {session.pk for session in open_sessions}
    if any({entry["session"] for entry in p["sessions"]} != open_ids for p in payloads):
        raise ValidationError(
            gettext("These options are not this panel's as it is now: find times again.")
        )
    for payload in payloads:
        check_as_found(open_sessions, payload)
    if len(upcoming_options(payloads)) < len(payloads):
        raise ValidationError(gettext("One of these times has passed: find times again."))
    offered = _offered_just_now(panel, payloads, by)
    if offered:
        return offered
    offer = SlotOffer.objects.create(panel=panel, options=payloads, created_by=by)
    # The organisation's (or the team's) invitation, on the application's timeline.
    messages.queue_email(
        panel.application,
        EmailTemplate.Kind.INVITATION_TO_SCHEDULE,
        by=by,
        values={"schedule_expires": offer.expires_at},
    )
    return offer


def _distinct(payloads):
    """`payloads` without repeats of an option (the same times with the same people): the
    candidate would read it twice."""
    distinct = {}
    for payload in payloads:
        distinct.setdefault(json.dumps(payload["sessions"], sort_keys=True), payload)
    return list(distinct.values())


def _offered_just_now(panel, payloads, by):
    """The panel's latest offer if `by` made it a moment ago with these very options and the
    candidate has neither picked from it nor proposed times since; else None."""
    latest = panel.offers.first()
    if (
        latest is None
        or latest.used_at
        or latest.created_by_id != by.pk
        or latest.options != payloads
        or latest.created_at < timezone.now() - messages.SENT_TWICE_WITHIN
        or panel.candidate_windows.filter(created_at__gte=latest.created_at).exists()
    ):
        return None
    return latest


def offers_made(panel, limit=5):
    """The panel's latest offers to the candidate, newest first, each with `answer` (picked,
    proposed, waiting, replaced, withdrawn by a booking, expired) and `proposed`, the times
    the candidate proposed through its link."""
    offers = list(panel.offers.select_related("created_by")[:limit])
    windows = list(panel.candidate_windows.order_by("created_at"))
    last_booked = (
        AuditEvent.objects.filter(
            application=panel.application_id, action=AuditEvent.Action.PANEL_BOOKED
        )
        .values_list("at", flat=True)
        .first()
    )
    now, newer = timezone.now(), None
    for offer in offers:
        offer.proposed = [
            window
            for window in windows
            if offer.created_at <= window.created_at
            and (newer is None or window.created_at < newer)
        ]
        if offer.used_at:
            offer.answer = "picked"
        elif offer.proposed:
            offer.answer = "proposed"
        elif newer is not None:
            offer.answer = "replaced"
        elif last_booked and last_booked > offer.created_at:
            offer.answer = "withdrawn"
        elif now >= offer.expires_at:
            offer.answer = "expired"
        else:
            offer.answer = "waiting"
        newer = offer.created_at
    return offers


def offer_for_link(token, picked=False):
    """The offer behind a candidate's link, or LinkError saying why it can't be used.

    Beyond SlotOffer.from_token (signature, age, used), a newer offer of the panel replaces an
    older one, and a booking of the panel since the offer was made withdraws it. `picked`: an
    offer the candidate picked from is theirs still, to read what they booked (a second click
    on their pick, or the link opened again).
    """
    offer = SlotOffer.from_token(token, used=picked)
    if offer.used_at:
        _check_not_closed(offer)
    else:
        _check_current(offer)
    return offer


def picked_offer_for_link(token):
    """offer_for_link(), an offer picked from included."""
    return offer_for_link(token, picked=True)


def picked_sessions(offer):
    """The sessions booked for the panel of `offer`, picked from, as the candidate reads them
    after their pick: (to come, held), each by start. A session booked again sits beside one
    held before it, which is no longer what they are booked for. LinkError once none holds a
    time (cancelled since): not "already picked", which read as if the interview still stood;
    nor "you're booked" once every one was held."""
    sessions = list(booked_sessions(offer.panel))
    if not sessions:
        raise LinkError(
            gettext(
                "The interviews you booked through this link were cancelled. The team will "
                "write to you about what comes next."
            )
        )
    now = timezone.now()
    to_come = [session for session in sessions if session.end > now]
    if not to_come:
        raise LinkError(
            gettext(
                "The interviews you booked through this link were held. The team will write "
                "to you about what comes next."
            )
        )
    return to_come, [session for session in sessions if session.end <= now]


def _check_not_closed(offer):
    # The candidate withdrew (or the team closed the application): nothing is to be booked.
    if offer.panel.application.is_closed:
        raise LinkError(
            gettext("This application is closed. Write to the recruiter who contacted you.")
        )


def _check_current(offer):
    _check_not_closed(offer)
    # The team may have read the panel's feedback: a booking would assign scorecards that are
    # no longer independent (scoring.assign_each refuses them), so nothing is booked.
    if offer.panel.application.debrief_opened_at:
        raise LinkError(
            gettext(
                "Your interviews are no longer being scheduled. The recruiter will be in touch "
                "with you."
            )
        )
    if offer.panel.offers.filter(created_at__gt=offer.created_at).exists():
        raise LinkError(
            gettext("This link was replaced by a newer one. Use the latest one we sent you.")
        )
    changed = LinkError(
        gettext(
            "The team changed your interviews since this link was sent. "
            "They will send you new times."
        )
    )
    # Someone seated left since: the team edits the panel, then offers again.
    try:
        check_everyone_can_come(offer.panel)
    except ValidationError as error:
        raise changed from error
    # An edit replaces the panel's sessions (edit_panel): the options name the old ones.
    open_sessions = set(offer.panel.sessions.to_place().values_list("pk", flat=True))
    for option in offer.options:
        if {entry["session"] for entry in option["sessions"]} != open_sessions:
            raise changed
    # Sessions keep no booking time; the audit trail's booking events say when.
    booked_since = AuditEvent.objects.filter(
        application=offer.panel.application_id,
        action=AuditEvent.Action.PANEL_BOOKED,
        at__gt=offer.created_at,
    )
    if booked_since.exists():
        raise LinkError(
            gettext("This interview is already booked. Your calendar invitation has the time.")
        )


def _lock_offer(offer, picked=False):
    """The offer read again under its panel's lock and its application's, or LinkError if it
    can no longer be used: checked under the panel's lock, a booking or a newer offer can't
    slip in meanwhile; and under the application's, a withdrawal (which takes only that one)
    can't either. `picked`: an offer picked from meanwhile is returned as it is."""
    _lock_panel(offer.panel_id)
    application = _lock_application(offer.panel_id)
    offer = SlotOffer.objects.select_related("panel").get(pk=offer.pk)
    offer.panel.application = application
    if picked and offer.used_at:
        return offer
    offer.check_unused()
    _check_current(offer)
    return offer


def candidate_pick(offer, index):
    """Book the offered option `index`.

    LinkError if the link was replaced or withdrawn meanwhile; SlotTaken if the option went
    meanwhile (the others may remain). Picked from already (a double click), nothing changes.
    """
    with transaction.atomic():
        offer = _lock_offer(offer, picked=True)
        if offer.used_at:
            return offer
        if not 0 <= index < len(offer.options):
            raise ValidationError(gettext("Choose one of the times offered."))
        _require_ahead(offer.options[index])
        book(offer.panel, offer.options[index], by=offer.created_by, locked=True)
        offer.used_at = timezone.now()
        offer.save(update_fields=["used_at"])
    return offer


# Times a candidate can propose through one link: enough to say when they are free, too few
# to flood the panel page.
MAX_WINDOWS_PER_OFFER = 10


@transaction.atomic
def propose_window(offer, start, end):
    """Store a time the candidate is free; ValidationError past MAX_WINDOWS_PER_OFFER, and
    LinkError if the link was used, replaced or withdrawn meanwhile (as candidate_pick). The
    same time proposed again through the link (a double click) is the one stored."""
    # Under the panel's lock, so two proposals at once can't both take the last place.
    offer = _lock_offer(offer)
    proposed = offer.panel.candidate_windows.filter(created_at__gte=offer.created_at)
    if same := proposed.filter(start=start, end=end).first():
        return same
    if proposed.count() >= MAX_WINDOWS_PER_OFFER:
        raise ValidationError(
            gettext("You proposed %(count)s times already: the team will come back to you.")
            % {"count": MAX_WINDOWS_PER_OFFER}
        )
    window = CandidateWindow.objects.create(panel=offer.panel, start=start, end=end)
    send_windows_proposed.delay_on_commit(offer.pk)
    return window


def upcoming_options(options):
    """(index, option) of each of `options` whose sessions are all still to come: a link's
    options pass while the candidate waits."""
    now = timezone.now()
    return [
        (index, option)
        for index, option in enumerate(options)
        if all(datetime.fromisoformat(entry["start"]) > now for entry in option["sessions"])
    ]


def options_for_candidate(offer, options):
    """(index, [(session, start, end), ...]) of each (index, option): what the candidate
    reads of an option, its sessions in time order."""
    sessions = offer.panel.sessions.in_bulk()
    return [
        (
            index,
            sorted(
                (
                    (
                        sessions[entry["session"]],
                        datetime.fromisoformat(entry["start"]),
                        datetime.fromisoformat(entry["end"]),
                    )
                    for entry in option["sessions"]
                ),
                key=lambda placed: placed[1],
            ),
        )
        for index, option in options
    ]


def booked_sessions(panel):
    return panel.sessions.filter(HOLDS_TIME).order_by("start")


def calendar_file(sessions):
    """The candidate's interviews as a calendar file they add by hand (ics.published)."""
    return ics.published(
        [
            ics.Meeting(
                uid=session.uid,
                sequence=session.sequence,
                start=session.start,
                end=session.end,
                summary=interview_summary(session, for_candidate=True),
            )
            for session in sessions
        ]
    )


def remaining_options(offer):
    """The offered options still free, for a candidate whose pick was just taken."""
    sessions = list(offer.panel.sessions.to_place().prefetch_related("interviewers"))
    kept = _candidate_busy(offer.panel, sessions)
    return [
        (index, option)
        for index, option in upcoming_options(offer.options)
        if _still_free(offer.panel, sessions, option, kept)
    ]
