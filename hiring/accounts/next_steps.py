"""What a person should do next, for their home page: one bounded query a section, each row
something they act on, and only what their role lets them act on or read."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from scorecards.models import Feedback

from ..access import in_pipelines_run_by, user_addresses
from ..checkins import checkins
from ..models import (
    Application,
    CandidateEmail,
    CandidateWindow,
    Decision,
    InterviewSession,
    Invitation,
    Offer,
    Opening,
    Panel,
    Proposal,
    SlotOffer,
)
from ..pipeline.board import STALE_AFTER
from ..teams import membership

# A section shows this many rows, then links to where the rest are.
SHOWN = 10


@dataclass
class Section:
    rows: list
    more: bool


def _section(queryset, user=None, application=None):
    """The first SHOWN rows of `queryset`, and whether there are more. With `user`, the rows of
    a pipeline they run: those whose application (`application(row)`) is their own are left
    out (access.runs_pipeline_of)."""
    rows = list(queryset[: SHOWN + 1])
    more = len(rows) > SHOWN
    if user is not None:
        addresses = user_addresses(user)
        rows = [row for row in rows if not checkins.is_candidate(addresses, application(row))]
    return Section(rows[:SHOWN], more)


def for_user(user, now, teams, names=None):
    """Each section this user has, by name (those in `names`, or all); a section with nothing
    in it is left out. `teams` are those they read, each with is_member and open_proposals
    (accounts/views.py): a section that needs a membership, a pipeline they run or an open
    proposal of a team of theirs is not looked for without one."""
    own = own_teams(teams)
    runs_a_pipeline = user.is_recruiter or bool(own)  # as Team.objects.pipeline_run_by
    readers = {
        "scorecards": lambda: scorecards_to_write(user, now),
        "invitations": lambda: team_invitations(user),
    }
    if own:
        readers["check_ins"] = lambda: check_ins_to_fill(user, now)
        readers["decisions"] = lambda: decisions_to_confirm(user, own)
    if any(team.is_member and team.open_proposals for team in teams):
        readers["votes"] = lambda: votes(user)
    if runs_a_pipeline:
        readers["offers"] = lambda: offers_to_send(user, own)
        readers["emails"] = lambda: emails_to_confirm(user, own)
        readers["proposed_times"] = lambda: proposed_times(user, own)
        readers["hires_without_offer"] = lambda: hires_without_offer(user, own)
        readers["offers_expired"] = lambda: offers_expired(user, own)
    if user.is_recruiter:
        readers["panels"] = lambda: panels_to_schedule(user, now)
    if user.is_leadership:
        readers["stale"] = lambda: stale_pipelines(now)
    sections = {name: read() for name, read in readers.items() if names is None or name in names}
    return {name: section for name, section in sections.items() if section.rows}


def own_teams(teams):
    """The ids of those of `teams` (for_user()'s) the user is a member of: the sections of their
    own teams filter by this list, not by a subquery of their memberships, which PostgreSQL
    took 3-6 ms to plan each time (1.3-1.7 ms with the list)."""
    return [team.pk for team in teams if team.is_member]


def team_invitations(user):
    """Teams that agreed to invite the user, waiting for them to join or decline: until they
    do, they are not members (teams/invitations.py)."""
    return _section(
        Invitation.objects.pending()
        .filter(email__iexact=user.email)
        .exclude(team=None)
        .select_related("team", "invited_by")
        .order_by("created_at", "pk")
    )


def votes(user):
    """Open proposals of the user's teams waiting for their vote, each with the team's hire it
    adds, if it does (membership.with_hires)."""
    section = _section(
        Proposal.objects.awaiting_vote_of(user).select_related(
            "team", "subject", "proposed_by", "opening"
        )
    )
    membership.with_hires(section.rows)
    return section


def check_ins_to_fill(user, now):
    """The open check-ins of the user's team's hires they have still to rate."""
    return _section(
        checkins.to_fill(user, now, user_addresses(user))
        # What the list shows of each: its opening's title, not its team.
        .select_related("application__candidate", "application__opening")
        .only(
            "day",
            "due_at",
            "closes_at",
            "application__candidate__name",
            "application__opening__title",
        )
    )


def decisions_to_confirm(user, own):
    """Decisions a teammate recorded against the recommendation, waiting for the user; `own`,
    the ids of their teams (own_teams())."""
    return _section(
        Decision.objects.to_confirm_by(user, own, user_addresses(user))
        .select_related("application__candidate", "application__opening", "recorded_by")
        # What the list shows: not the rationale and reasons, nor the rest of each row.
        .only(
            "outcome",
            "recorded_at",
            "application__candidate__name",
            "application__opening__title",
            "recorded_by__display_name",
            "recorded_by__email",
        )
        .order_by("recorded_at", "pk")
    )


def scorecards_to_write(user, now):
    """The interviewer's own scorecards still to write, the first due first: each is due when
    its interview ends (the board flags it overdue from then on)."""
    feedback = (
        Feedback.objects.outstanding_for(user)
        .select_related("application__candidate", "application__opening", "session")
        # What the list shows, and when each is due.
        .only(
            "focus",
            "application__candidate__name",
            "application__opening__title",
            "session__start",
            "session__end",
            "session__cancelled_at",
        )
        .order_by(F("session__end").asc(nulls_last=True), "pk")
    )
    section = _section(feedback)
    for item in section.rows:
        session = item.session
        item.due_at = session.end if session and session.is_booked else None
        item.is_overdue = item.due_at is not None and item.due_at <= now
    return section


def panels_to_schedule(user, now):
    """Applications at the Panel stage with no time booked, a session waiting for one (booked
    again after its cancellation) or a cancelled one still needed, waiting longest first:
    without a panel yet, with times offered and the candidate not yet answering, or offered
    none; each saying which (`holds_time`, `awaits_time`, `needs_session`). Those whose
    candidate proposed their own times are proposed_times()'s."""
    live_offers = SlotOffer.objects.filter(
        panel=OuterRef("panel"),
        used_at=None,
        created_at__gt=now - timedelta(days=settings.SLOT_OFFER_MAX_AGE_DAYS),
    ).order_by("-created_at")
    sessions = InterviewSession.objects.filter(panel=OuterRef("panel"))
    applications = (
        # From the few unbooked (a partial index), not through every application at the stage.
        in_pipelines_run_by(user, Application.objects.all(), "opening__team")
        .filter(stage=Application.Stage.PANEL, panel_booked=False)
        .exclude(Exists(_waiting_windows(OuterRef("panel"))))
        .annotate(
            # The panel is joined already: no subquery over every panel.
            has_panel=Q(panel__isnull=False),
            offered_at=Subquery(live_offers.values("created_at")[:1]),
            holds_time=Exists(sessions.filter(cancelled_at=None, start__isnull=False)),
            awaits_time=Exists(sessions.filter(cancelled_at=None, start__isnull=True)),
            needs_session=Exists(sessions.still_needed()),
        )
        .select_related("candidate", "opening__team")
        # What the list shows, and whose it is: a recruiter's home reads it on every request.
        .only(
            "candidate__name",
            "opening__title",
            "opening__team__name",
            "member_email",
            "candidate__email",
            "candidate__other_emails",
        )
        .order_by("stage_changed_at", "pk")
    )
    return _section(applications, user, lambda application: application)


def _waiting_windows(panel_ref):
    """The times a candidate proposed since the last options offered to them."""
    offered_since = SlotOffer.objects.filter(
        panel=OuterRef("panel"), created_at__gt=OuterRef("created_at")
    )
    return CandidateWindow.objects.filter(panel=panel_ref).exclude(Exists(offered_since))


def proposed_times(user, own):
    """Unbooked panels whose candidate proposed their own times and has not been offered
    others since: to a recruiter every one, to a member those they offered times for; `own`,
    the ids of their teams (own_teams())."""
    proposed = CandidateWindow.objects.filter(panel__application__panel_booked=False).exclude(
        panel__application__stage__in=Application.CLOSED_STAGES
    )
    # Mostly no candidate of an open, unbooked panel proposed times: a plain look says so.
    if not proposed.exists():
        return Section([], more=False)
    # From the few panels with proposed times: not through every open application.
    panels = in_pipelines_run_by(
        user,
        Panel.objects.filter(pk__in=proposed.values("panel")),
        "application__opening__team",
        own,
    )
    if not user.is_recruiter:
        panels = panels.filter(
            Exists(SlotOffer.objects.filter(panel=OuterRef("pk"), created_by=user))
        )
    waiting = _waiting_windows(OuterRef("pk"))
    panels = (
        panels.filter(Exists(waiting))
        .annotate(
            proposed_at=Subquery(waiting.order_by("-created_at").values("created_at")[:1]),
            windows=Subquery(
                waiting.order_by().values("panel").annotate(n=Count("pk")).values("n")
            ),
        )
        .select_related("application__candidate", "application__opening__team")
        .order_by("proposed_at", "pk")
    )
    return _section(panels, user, lambda panel: panel.application)


def offers_to_send(user, own):
    """Draft offers of the teams whose pipeline this user runs, the oldest first; `own`, the
    ids of their teams (own_teams())."""
    # From the few drafts (a partial index), not through every application's offers.
    drafts = Offer.objects.filter(status=Offer.Status.DRAFT).select_related("created_by")
    return _of_pipelines_run_by(
        user,
        own,
        drafts,
        # What the list shows: not the terms, nor the rest of each row.
        [
            "title",
            "created_at",
            "application__candidate__name",
            "application__opening__team__name",
            "created_by__display_name",
            "created_by__email",
        ],
        ["created_at", "pk"],
    )


def emails_to_confirm(user, own):
    """Emails to candidates of the teams whose pipeline this user runs that wait for someone to
    read them and send or discard them (a rejection, by hand or the team's no-hire, queues its
    email so), the oldest first; `own`, the ids of their teams (own_teams())."""
    return _of_pipelines_run_by(
        user,
        own,
        CandidateEmail.objects.filter(status=CandidateEmail.Status.AWAITING_CONFIRMATION),
        # What the list shows: not the email's text.
        [
            "kind",
            "created_at",
            "application__candidate__name",
            "application__opening__title",
            "application__opening__team__name",
        ],
        ["created_at", "pk"],
    )


def hires_without_offer(user, own):
    """Applications of the teams whose pipeline this user runs that their team decided to hire
    (the decision in force: Decision.objects.in_force) and that have no live offer, still
    waiting at Offer (not hired, nor withdrawn), the oldest decision first: an offer to
    prepare; `own`, the ids of their teams (own_teams()). A withdrawn or declined offer is not
    live; one past its expiry is until beat records it expired, within minutes, which moves
    its team on (offers.expire_due); an expired one is followed up under offers_expired(),
    so it is listed there, once."""
    live = Offer.objects.filter(
        application=OuterRef("application"), status__in=[*Offer.LIVE, Offer.Status.EXPIRED]
    )
    decisions = (
        Decision.objects.in_force()
        .filter(outcome=Decision.Outcome.HIRE, application__stage=Application.Stage.OFFER)
        .exclude(Exists(live))
        # In force once recorded, or once confirmed when it departs from the recommendation.
        .annotate(decided_at=Coalesce("confirmed_at", "recorded_at"))
    )
    return _of_pipelines_run_by(
        user,
        own,
        decisions,
        # What the list shows: not the rationale and reasons.
        [
            "application__candidate__name",
            "application__opening__title",
            "application__opening__team__name",
        ],
        ["decided_at", "pk"],
    )


def offers_expired(user, own):
    """Offers of the teams whose pipeline this user runs that expired unanswered (beat records
    it, offers.expire_due), their application still waiting at Offer with no newer offer live
    or expired, the latest expiry first: the candidate to follow up; `own`, the ids of their
    teams (own_teams())."""
    newer = Offer.objects.filter(
        application=OuterRef("application"),
        created_at__gt=OuterRef("created_at"),
        status__in=[*Offer.LIVE, Offer.Status.EXPIRED],
    )
    expired = Offer.objects.filter(
        status=Offer.Status.EXPIRED, application__stage=Application.Stage.OFFER
    ).exclude(Exists(newer))
    return _of_pipelines_run_by(
        user,
        own,
        expired,
        # What the list shows: not the terms.
        [
            "title",
            "expires_at",
            "application__candidate__name",
            "application__opening__team__name",
        ],
        ["-expires_at", "-pk"],
    )


def _of_pipelines_run_by(user, own, rows, shown, order):
    """A section of `rows`, each of an application, of the teams whose pipeline `user` runs
    (`own`, the ids of their teams), in `order`: read with their application's candidate and
    opening's team, only the fields `shown` and those that say whose application it is, so
    that _section() leaves out the user's own."""
    rows = in_pipelines_run_by(user, rows, "application__opening__team", own)
    return _section(
        rows.select_related("application__candidate", "application__opening__team")
        .only(
            *shown,
            "application__member_email",
            "application__candidate__email",
            "application__candidate__other_emails",
        )
        .order_by(*order),
        user,
        lambda row: row.application,
    )


def stale_pipelines(now):
    """Openings whose open applications have not moved for STALE_AFTER, the longest still
    first: leadership's to raise with their team."""
    openings = (
        _with_last_move(Opening.objects)
        .filter(last_move__lt=now - STALE_AFTER)
        .select_related("team")
        .order_by("last_move", "pk")
    )
    section = _section(openings)
    counts = dict(
        _still_open()
        .filter(opening__in=section.rows)
        .values_list("opening")
        .annotate(Count("pk"))
        .order_by()
    )
    for opening in section.rows:
        opening.open_count = counts[opening.pk]
        opening.days_still = (now - opening.last_move).days
    return section


def next_stalling(now):
    """The moment the next opening stalls: its latest move of an open application turns
    STALE_AFTER old. None when no opening moved within STALE_AFTER."""
    moving = _with_last_move(Opening.objects).filter(last_move__gte=now - STALE_AFTER)
    first = moving.aggregate(first=Min("last_move"))["first"]
    return first and first + STALE_AFTER


def _still_open():
    return Application.objects.exclude(stage__in=Application.CLOSED_STAGES)


def _with_last_move(openings):
    """`openings` with their latest move of an open application: one step down an index per
    opening, not a look at every application of the organisation."""
    last_move = _still_open().filter(opening=OuterRef("pk")).order_by("-stage_changed_at")
    return openings.annotate(last_move=Subquery(last_move.values("stage_changed_at")[:1]))
