"""Reminders polled from the database by beat: each is keyed, so it goes out once.

Feedback that is still to be written (not submitted, not excused, on an open application,
for an interview that took place) is chased on a bounded schedule, in days after the
interview: its interviewer on days 0, 1 and 2, then weekly on days 7 and 14; the rest of the
team from day 2, then on days 7 and 14, in one email per application and step naming everyone
still to write. After day 14 nobody is chased any more: the team has
been told three times, and the debrief shows who is missing and lets the team excuse them.

The candidate is reminded of a day's interviews as its first is a day away, in one email.

A post-hire check-in's raters who have not submitted are reminded once when it falls due and
once a week before it closes.

Nobody whose account the admin deactivated (someone who left) is reminded of anything, nor
anyone of an interview or a scorecard of a team they left (they no longer open it); the team
is still told of the scorecard they left unwritten, which the debrief lets it excuse.
"""

import zoneinfo
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from scorecards.models import CheckIn, CheckInReview, Feedback

from ..access import the_candidates_among
from ..checkins import checkins
from ..models import (
    Application,
    InterviewSession,
    Membership,
    Notification,
    SessionInterviewer,
    User,
)
from .notifications import (
    candidate_reminder_key,
    candidate_reminder_keys_of,
    email_to,
    keys_starting_any,
    seat_reminder_key,
    seat_reminder_keys_of,
    send_all,
)

BEFORE_SESSION = timedelta(hours=24)
REMIND_ON_DAYS = (0, 1, 2, 7, 14)
ESCALATE_ON_DAYS = (2, 7, 14)
CHECK_IN_CLOSING = timedelta(days=7)
LONGEST_DAY = timedelta(hours=25)  # the day the clocks go back


def send_due(now=None):
    """Send the reminders due at `now`; returns how many went out."""
    now = now or timezone.now()
    return send_all(
        [
            *_before_sessions(now),
            *_candidates_before_interviews(now),
            *_overdue_feedback(now),
            *_check_ins(now),
        ]
    )


def _before_sessions(now):
    """Each interviewer's reminder of their seat within BEFORE_SESSION, once at its start
    (seat_reminder_key): one moved is reminded again, unless the invite saying it moved stood
    for its reminder (told_by_the_move)."""
    seats = (
        SessionInterviewer.objects.filter(
            start__gt=now,
            start__lte=now + BEFORE_SESSION,
            user__is_active=True,
            user__memberships__team=F("session__panel__application__opening__team"),
        )
        .exclude(session__panel__application__stage__in=Application.CLOSED_STAGES)
        .select_related("user", "session__panel__application__candidate")
    )
    return [
        (
            seat_reminder_key(seat),
            lambda seat=seat: email_to(
                "reminder_before", seat.user, {"seat": seat, "session": seat.session}
            ),
        )
        for seat in seats
    ]


def _candidates_before_interviews(now):
    """The candidate's reminder of a day's interviews, in their zone, once the first of them is
    within BEFORE_SESSION: one email per application and day, listing those still to come (a
    panel's day is often several back to back; an email for each would be noise). None to a
    candidate who withdrew, was decided on, or erased.
    Each interview is reminded once, at its start (candidate_reminder_key): the days an
    interview falls on change with the candidate's zone, so a day's email leaves out those
    reminded already with another day, and one moved is reminded again, unless the invite
    saying it moved stood for its reminder (told_by_the_move), as an interviewer's does."""
    due = _candidates_sessions().filter(start__gt=now, start__lte=now + BEFORE_SESSION)
    days = {}
    # A day that starts within the next BEFORE_SESSION ends within twice that; one with an
    # interview to come began at most LONGEST_DAY ago.
    for session in _candidates_sessions().filter(
        panel__application__in=due.values("panel__application"),
        start__gt=now - LONGEST_DAY,
        start__lte=now + 2 * BEFORE_SESSION,
    ):
        day = _day_of(session.panel.application.candidate, session.start)
        days.setdefault((session.panel.application, day), []).append(session)
    reminded = set(
        Notification.objects.filter(
            key__in=[_key(s) for sessions in days.values() for s in sessions]
        )
        .exclude(sent_at=None)
        .values_list("key", flat=True)
    )
    reminders = []
    for (application, _day), sessions in days.items():
        to_come = [
            session for session in sessions if session.start > now and _key(session) not in reminded
        ]
        # Its first is due, not only a later day's.
        if to_come and sessions[0].start <= now + BEFORE_SESSION:
            key, *also = [_key(session) for session in to_come]
            reminders.append((key, _candidate_reminder(application, to_come), also))
    return reminders


def _key(session):
    return candidate_reminder_key(session.pk, session.start)


def _day_of(reader, moment):
    """The day `moment` falls on for `reader` (a candidate or a user): their reminders tell of
    a day of theirs."""
    return timezone.localdate(moment, zoneinfo.ZoneInfo(reader.zone_name))


def told_by_the_move(session, moved_from):
    """{address: keys} of the reminders that the invites telling each person `session` moved
    (`moved_from`: the start they were last told of, or None: no move) stand for, to be
    recorded sent with them (send_once's `also`): the candidate's reminder at its new start,
    and each interviewer's of their seat, when the last one they were sent of it fell on that
    same day of theirs. They were reminded of the day and the invite gives the new time: a
    second reminder of the day is noise. Moved to another day, that day's reminder is due.
    By the reminders sent, not by the start it moved from: the last they were reminded of may
    be earlier than the last they were told of, by a move since."""
    if not moved_from:
        return {}
    candidate = session.panel.application.candidate
    # (who, their address, what each of their reminder keys of it starts with, the new one)
    readers = [
        (candidate, candidate.email, candidate_reminder_keys_of(session.pk), _key(session)),
        *(
            (seat.user, seat.user.email, seat_reminder_keys_of(seat), seat_reminder_key(seat))
            for seat in session.interviewers.all()
            if seat.start
        ),
    ]
    sent = (
        Notification.objects.filter(keys_starting_any([prefix for *_, prefix, _ in readers]))
        .exclude(sent_at=None)
        .order_by("sent_at")
        .values_list("key", flat=True)
    )
    last_reminded = {}
    for key in sent:
        prefix = next(prefix for *_, prefix, _ in readers if key.startswith(prefix))
        last_reminded[prefix] = datetime.fromisoformat(key.removeprefix(prefix))
    told = {}
    for reader, address, prefix, key in readers:
        before = last_reminded.get(prefix)
        if before and _day_of(reader, before) == _day_of(reader, session.start):
            told.setdefault(address, []).append(key)
    return told


def _candidate_reminder(application, sessions):
    return lambda: email_to(
        "candidate_reminder_before",
        application.candidate,
        {"application": application, "sessions": sessions, "status_url": application.status_url()},
    )


def _candidates_sessions():
    return (
        InterviewSession.objects.filter(
            cancelled_at=None, panel__application__candidate__erased_at=None
        )
        .exclude(panel__application__candidate__email="")
        .exclude(panel__application__stage__in=Application.CLOSED_STAGES)
        .select_related("panel__application__candidate", "panel__application__opening__team")
        .order_by("start", "position")
    )


def _overdue_feedback(now):
    """The reminders and escalations due today for feedback still to be written."""
    waiting = (
        Feedback.objects.filter(
            submitted_at=None,
            excused_at=None,
            session__cancelled_at=None,
            session__end__lte=now,
            session__end__gt=now - timedelta(days=max(REMIND_ON_DAYS) + 1),
        )
        .exclude(application__stage__in=Application.CLOSED_STAGES)
        .select_related(
            "interviewer", "session", "application__candidate", "application__opening__team"
        )
        .annotate(
            still_member=Exists(
                Membership.objects.filter(
                    team=OuterRef("application__opening__team"), user=OuterRef("interviewer")
                )
            )
        )
    )
    due, late = [], {}
    for feedback in waiting:
        days = (now - feedback.session.end).days
        if days in REMIND_ON_DAYS and not feedback.gone:
            due.append(_reminder(feedback, days))
        # By application, not by day: no day is everyone's (a Sydney morning spans two UTC
        # dates, and the team's people may each live in another zone).
        late.setdefault(feedback.application_id, []).append(feedback)
    for group in late.values():
        # Counted from the application's last interview still waiting, so a morning's
        # interviews are named together once its last is two days past; the group then only
        # shrinks as scorecards come in. The key holds each step to one email, should a later
        # interview of the panel join the group after the step went out.
        days = (now - max(feedback.session.end for feedback in group)).days
        if days in ESCALATE_ON_DAYS:
            due.extend(_escalations(group, days))
    return due


def _reminder(feedback, days):
    context = {"feedback": feedback, "days": days}
    return (
        f"overdue:{feedback.pk}:{days}",
        lambda: email_to("feedback_overdue", feedback.interviewer, context),
    )


class Missing(NamedTuple):
    """An interviewer named in an escalation, and why they will not write it, if they will not
    (Feedback.gone: the team excuses them on the debrief rather than nudge)."""

    interviewer: User
    gone: str | None


def _escalations(late, days):
    """One email to each other active member of the team, naming who of `late` (the feedback
    still to be written on one application's interviews) they could nudge, or excuse, if they
    left. Not to the application's candidate (a member who applied to the team's opening),
    who runs nothing of it and is not told who on their own panel is late."""
    application = late[0].application
    # One person may owe a scorecard for each focus: named once.
    interviewers = list(dict.fromkeys(Missing(f.interviewer, f.gone) for f in late))
    members = list(application.opening.team.active_members())
    candidates = the_candidates_among(members, application)
    others = {
        member: [named for named in interviewers if named.interviewer != member]
        for member in members
        if member not in candidates
    }
    return [
        (
            f"escalated:{application.pk}:{days}:team:{member.pk}",
            lambda member=member, missing=missing: email_to(
                "feedback_escalated",
                member,
                {"application": application, "days": days, "member": member, "missing": missing},
            ),
        )
        for member, missing in others.items()
        if missing
    ]


def _check_ins(now):
    """A reminder to each rater still to submit an open check-in: "due" until a week before it
    closes, then "closing"; each once."""
    open_now = list(
        CheckIn.objects.filter(due_at__lte=now, closes_at__gt=now).select_related(
            "application__candidate", "application__opening__team"
        )
    )
    raters = checkins.raters_of(open_now)
    submitted = set(
        CheckInReview.objects.filter(check_in__in=open_now)
        .exclude(submitted_at=None)
        .values_list("check_in", "rater")
    )
    due = []
    for check_in in open_now:
        kind = "closing" if now >= check_in.closes_at - CHECK_IN_CLOSING else "due"
        due += [
            (
                f"check-in:{check_in.pk}:{rater.pk}:{kind}",
                lambda check_in=check_in, rater=rater, kind=kind: email_to(
                    f"check_in_{kind}", rater, {"check_in": check_in, "rater": rater}
                ),
            )
            for rater in raters[check_in.pk]
            if (check_in.pk, rater.pk) not in submitted
        ]
    return due
