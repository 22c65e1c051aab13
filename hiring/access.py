"""Who may see what: each function returns the object for this user or raises Http404."""

from functools import wraps

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from scorecards.models import CheckIn, Feedback

from .checkins.checkins import accepted_addresses, addresses_of, is_candidate, is_closed
from .models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateImport,
    EmailTemplate,
    Invitation,
    Membership,
    Opening,
    Panel,
    Proposal,
    SessionInterviewer,
    Team,
    User,
)


def get_team_for(user, team_id):
    """A team its members, recruiters and leadership may read."""
    return get_object_or_404(Team.objects.visible_to(user), pk=team_id)


def reads_team(user, team):
    """Whether `user` opens the team's page (get_team_for): the admin, say, edits a team's
    emails to candidates without reading the team."""
    return user.sees_all_teams or team.has_member(user)


def get_team_for_member(user, team_id):
    """A team only its own members may change."""
    return get_object_or_404(Team.objects.of_member(user), pk=team_id)


def get_hire_of(team, application_id):
    """The team's application `application_id` at Hired, whose hire its member proposes to
    join it, else 404."""
    return get_object_or_404(Application.objects.hires_of([team]), pk=application_id)


def get_proposal_for_member(user, team_id, proposal_id):
    team = get_team_for_member(user, team_id)
    return get_object_or_404(Proposal.objects.select_related("team"), team=team, pk=proposal_id)


def get_team_invitation_for_member(user, team_id, invitation_id):
    """The team's invitation, for its members (who may withdraw it: withdraws_team_invitation)."""
    team = get_team_for_member(user, team_id)
    return get_object_or_404(team.invitations.select_related("team"), pk=invitation_id)


def withdraws_team_invitation(user, invitation, members):
    """Whether `user`, one of the team's `members`, may withdraw the team's `invitation`: the
    member who proposed the person (the team agreed to invite them; one member does not undo
    that alone); any member once that member no longer can (they left the team, or their
    account was deactivated), or it would wait until it expired."""
    proposer = next((m for m in members if m.pk == invitation.invited_by_id), None)
    return invitation.invited_by_id == user.pk or proposer is None or not proposer.is_active


def get_opening_for(user, opening_id):
    return get_object_or_404(Opening.objects.visible_to(user).select_related("team"), pk=opening_id)


def get_opening_for_member(user, opening_id):
    """An opening its team's members may edit."""
    return get_object_or_404(
        Opening.objects.filter(team__in=Team.objects.of_member(user)).select_related("team"),
        pk=opening_id,
    )


def get_question_for_member(user, opening_id, question_id):
    """A question of an opening its team's members may edit (get_opening_for_member)."""
    opening = get_opening_for_member(user, opening_id)
    return get_object_or_404(opening.questions.select_related("opening__team"), pk=question_id)


def in_pipelines_run_by(user, queryset, team, own=None):
    """`queryset` within the teams whose pipeline `user` runs (Team.objects.pipeline_run_by),
    `team` the path to its team: a recruiter runs every team's, so theirs is not filtered, nor
    joined to the teams (a subquery of every team cost each read half a millisecond to build).
    `own`: the ids of the teams `user` is a member of, where the caller has read them
    (next_steps.own_teams says why)."""
    if user.is_recruiter:
        return queryset
    teams = Team.objects.pipeline_run_by(user) if own is None else own
    return queryset.filter(**{f"{team}__in": teams})


def get_opening_for_pipeline(user, opening_id):
    """An opening this user may add candidates to: its team's members and recruiters."""
    openings = in_pipelines_run_by(user, Opening.objects.select_related("team"), "team")
    return get_object_or_404(openings, pk=opening_id)


def get_open_opening(opening_id):
    """An opening anyone may read, apply to and refer people to, signed in or not: an open one."""
    return get_object_or_404(
        Opening.objects.filter(status=Opening.Status.OPEN).select_related("team"), pk=opening_id
    )


# The session's openings applied to, for their thanks pages.
APPLIED_TO = "careers_applied_to"


def get_opening_applied_to(session, opening_id):
    """An opening whose thanks page a visitor may read: one their session applied to, open or
    closed since (careers.views.remember_applied()), else Http404."""
    if opening_id not in session.get(APPLIED_TO, ()):
        raise Http404
    return get_object_or_404(Opening.objects.select_related("team"), pk=opening_id)


def get_application_for(user, application_id):
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("candidate", "opening__team"),
        pk=application_id,
    )


def get_import_for_pipeline(user, import_id):
    """A candidate import, for those who may add candidates to its opening."""
    imports = CandidateImport.objects.select_related("opening__team")
    return get_object_or_404(in_pipelines_run_by(user, imports, "opening__team"), pk=import_id)


def get_application_for_pipeline(user, application_id, locked=False):
    """An application this user may move through stages and staff: team members, recruiters,
    not its candidate (runs_pipeline_of). `locked`: its row locked until the caller's
    transaction ends, read once for both."""
    applications = _applications_in_pipelines_run_by(user, locked)
    return _not_their_own(user, get_object_or_404(applications, pk=application_id))


def get_applications_for_pipeline(user, application_ids, locked=False):
    """get_application_for_pipeline() of each of `application_ids`, in one query, in the order
    of their ids (rows locked in one order, so two such requests never wait for each other):
    Http404 for all of them if one is not theirs to run."""
    ids = set(application_ids)
    found = list(_applications_in_pipelines_run_by(user, locked).filter(pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise Http404
    return [_not_their_own(user, application) for application in found]


def pipeline_applications(user):
    """The applications get_application_for_pipeline() finds for this user, as a query: of the
    teams whose pipeline they run, not their own."""
    return _applications_in_pipelines_run_by(user, locked=False).exclude(
        pk__in=Application.objects.ids_of_candidate(user_addresses(user))
    )


def _applications_in_pipelines_run_by(user, locked):
    applications = in_pipelines_run_by(
        user, Application.objects.select_related("candidate", "opening__team"), "opening__team"
    )
    return applications.select_for_update(of=("self",)) if locked else applications


def _not_their_own(user, application, addresses=None):
    """`application`, unless `user` (of `addresses`, where the caller has read them) is its
    candidate: then Http404."""
    if is_candidate(user_addresses(user) if addresses is None else addresses, application):
        raise Http404
    return application


def get_panel_for_pipeline(user, application_id):
    """The panel of an application this user may schedule (get_application_for_pipeline's),
    read with the application in one query."""
    panel = _panel_in_pipelines_run_by(user, application_id, locked=False)
    _not_their_own(user, panel.application)
    return panel


def get_panel_to_place(user, application_id, seating):
    """get_panel_for_pipeline() for a booking by `user` of an option that seats `seating` (ids
    of people): (panel, accepted). The panel's row (alone) is locked until the caller's
    transaction ends, read once for the check and the write. The booking asks of whoever it
    has score whether they are the candidate, as the check asks of the user: `accepted`, the
    addresses of the invitations accepted by the user, by `seating` and by everyone the panel
    seats already, read in one query for both (the_candidates_among's)."""
    panel = _panel_in_pipelines_run_by(user, application_id, locked=True)
    seated = SessionInterviewer.objects.filter(session__panel=panel).values("user")
    people = User.objects.filter(Q(pk__in=[user.pk, *seating]) | Q(pk__in=seated))
    accepted = accepted_addresses(people.values("pk"))
    _not_their_own(user, panel.application, addresses_of([user], accepted)[user.pk])
    return panel, accepted


def _panel_in_pipelines_run_by(user, application_id, locked):
    panels = Panel.objects.select_related("application__candidate", "application__opening__team")
    panels = in_pipelines_run_by(user, panels, "application__opening__team")
    if locked:
        panels = panels.select_for_update(of=("self",))
    return get_object_or_404(panels, application=application_id)


def get_session_for_pipeline(user, application_id, session_id):
    """A session of the panel get_panel_for_pipeline() finds; its `panel` is that one."""
    panel = get_panel_for_pipeline(user, application_id)
    return get_object_or_404(panel.sessions, pk=session_id)


def get_seat_for_pipeline(user, application_id, session_id, person_id):
    """A person's seat in a session of the panel get_panel_for_pipeline() finds, with its
    session (whose `panel` is that one) and person; None when the session is the panel's but
    they no longer sit in it (replaced meanwhile: the form posted twice, or by someone else)."""
    panel = get_panel_for_pipeline(user, application_id)
    seats = SessionInterviewer.objects.select_related("session", "user")
    # By pk: an id past the database's integers then matches nothing, as it does for any pk.
    seat = seats.filter(session__panel=panel, session__pk=session_id, user__pk=person_id).first()
    if seat is None:
        get_object_or_404(panel.sessions, pk=session_id)
        return None
    seat.session.panel = panel
    return seat


def get_application_for_offer(user, application_id):
    """An application whose offers this user prepares, sends and withdraws: those who run its
    team's pipeline. Whether an offer may exist at all is the team's decision to hire
    (hiring/offers/offers.py)."""
    return get_application_for_pipeline(user, application_id)


def get_offer_for(user, application_id, offer_id):
    application = get_application_for_offer(user, application_id)
    offer = get_object_or_404(application.offers, pk=offer_id)
    offer.application = application
    return offer


def get_candidate_email_for(user, application_id, email_id):
    """An email to the candidate, which those who run the application's pipeline undo,
    confirm or discard; everyone who sees the application reads it on its page."""
    application = get_application_for_pipeline(user, application_id)
    email = get_object_or_404(application.emails, pk=email_id)
    email.application = application
    return email


def edits_organisation_emails(user):
    """The organisation's email templates: recruiters write to candidates, and the admin runs
    the organisation."""
    return user.is_recruiter or user.is_org_admin


def email_template_teams(user):
    """The teams whose email template overrides `user` edits: every team for those who edit
    the organisation's, else their own."""
    return Team.objects.all() if edits_organisation_emails(user) else Team.objects.of_member(user)


def get_team_for_emails(user, team_id):
    return get_object_or_404(email_template_teams(user), pk=team_id)


def get_email_template_for(user, template_id):
    """A saved template `user` edits: the organisation's, or one of email_template_teams."""
    templates = EmailTemplate.objects.select_related("team")
    if not edits_organisation_emails(user):
        templates = templates.filter(team__in=Team.objects.of_member(user))
    return get_object_or_404(templates, pk=template_id)


def get_application_for_debrief(user, application_id, locked=False):
    """`locked`: for a decision, its row locked until the caller's transaction ends and its
    decision read with it, one read for the check and the write."""
    applications = Application.objects.filter(opening__team__in=debrief_teams(user)).select_related(
        "candidate", "opening__team"
    )
    if locked:
        applications = applications.select_for_update(of=("self",)).select_related("decision")
    application = get_object_or_404(applications, pk=application_id)
    if not user.is_leadership:
        application.opening.team.known_member(user)  # found among their own teams' alone
    return application


def get_scorecard_to_excuse(user, application_id, feedback_id):
    """A scorecard the debrief waits for, which a member excuses from the debrief of an
    application `user` opens (get_application_for_debrief): one of its own, counted (the
    debrief never waits for practice), else Http404. Its `application` is the one read; whether
    this member may excuse it now is the team's rule (debrief.decisions.excuse)."""
    application = get_application_for_debrief(user, application_id)
    scorecard = get_object_or_404(Feedback.objects.filter(application=application), pk=feedback_id)
    scorecard.application = application
    return scorecard


def debrief_teams(user):
    """The teams whose debriefs `user` opens: their own, and every team for leadership to read.
    Recruiters see outcomes only."""
    return Team.objects.all() if user.is_leadership else Team.objects.of_member(user)


def opens_debrief(user, team):
    return debrief_teams(user).filter(pk=team.pk).exists()


def get_stage_for_rejecting(user, stage):
    """A stage whose applications `user` rejects several at once: one before the interviews
    (after them only the team's decision rejects), for who runs some team's pipeline
    (leadership and admins run none, nor does a member of no team)."""
    if stage not in Application.BEFORE_INTERVIEWS:
        raise Http404
    if not Team.objects.pipeline_run_by(user).exists():
        raise Http404
    return Application.Stage(stage)


def runs_pipeline(user, team):
    """Whether `user` adds candidates to `team`, moves its applications and schedules panels."""
    return Team.objects.pipeline_run_by(user).filter(pk=team.pk).exists()


def told_of_proposals(offer):
    """Who hears that the candidate proposed their own times at the link `offer` (a SlotOffer,
    read with its panel's team): who offered them, unless they left since (deactivated, or
    out of the team), else the recruiters, who schedule every team's panels."""
    offered_by = offer.created_by
    if offered_by.is_active and runs_pipeline(offered_by, offer.panel.application.opening.team):
        return [offered_by]
    return list(User.objects.recruiters())


def told_of_offer_answer(offer):
    """Who hears that the candidate accepted or declined `offer` (read with its team): those
    told of its team's pipeline (told_of_pipeline), `offer`'s preparer theirs, whose hire it is.
    Asked as the notice is sent: someone deactivated or gone from the team since the answer
    hears nothing."""
    return told_of_pipeline(offer.application.opening.team, offer.created_by)


def told_of_departure(panel):
    """Who hears that a session still to come of `panel` (read with its team) seats someone
    deactivated since it was booked, to replace them (scheduling.booking.replace_interviewer)
    before the candidate meets a panel short of them: those told of its team's pipeline
    (told_of_pipeline), who built the panel theirs. Asked as the notice is sent."""
    return told_of_pipeline(panel.application.opening.team, panel.created_by)


def told_of_pipeline(team, preparer):
    """The recruiters, and `preparer` (who built what the notice is about) while they still run
    `team`'s pipeline, so a team without a recruiter hears too. With neither (no recruiter, and
    the preparer left), the team's active members."""
    told = list(User.objects.recruiters())
    if preparer.is_active and preparer not in told and runs_pipeline(preparer, team):
        told.append(preparer)
    return told or list(team.active_members())


def told_of_leadership_grant(granted_to, granted_by):
    """Who hears that someone gained the leadership role, which reads every team's feedback
    (an admin could give it to anyone, a second account of their own included, and the admin
    reads none): the active leadership, who answer for that reading; with none, the active
    admins, so somebody independent of the grant hears. Never the two parties to it:
    `granted_to` (None while an invitation waits) and `granted_by` (None: the operator's
    command). Asked as the notice is sent: someone deactivated since hears nothing."""
    parties = [user.pk for user in (granted_to, granted_by) if user is not None]
    active = User.objects.filter(is_active=True).exclude(pk__in=parties)
    return list(active.filter(role=User.Role.LEADERSHIP)) or list(
        active.filter(role=User.Role.ADMIN)
    )


def runs_pipeline_of(user, application):
    """Whether `user` moves `application`, schedules its panel, writes to its candidate and
    makes its offers: they run its team's pipeline and are not its candidate (a member who
    applied to their team's opening, a hire who joined it, by any address of theirs), who
    would otherwise choose their own interviewers and make their own offer."""
    return runs_pipeline(user, application.team) and not is_candidate(
        user_addresses(user), application
    )


def pipelines_run_among(user, applications, runs_teams):
    """Of `applications` (read with their candidate and opening), the ids of those whose
    pipeline `user` runs (runs_pipeline_of): of the teams `runs_teams`
    (Team.objects.pipeline_run_by's), not their own. Their addresses are read once, and only
    where one is of a team they run."""
    theirs = [
        application for application in applications if application.opening.team_id in runs_teams
    ]
    if not theirs:
        return set()
    addresses = user_addresses(user)
    return {application.pk for application in theirs if not is_candidate(addresses, application)}


def proposes_members(user, team):
    """Whether `user` may propose a member for `team`: its own members only."""
    return Team.objects.of_member(user).filter(pk=team.pk).exists()


def merges_candidates(user):
    """Recruiters merge duplicate candidate records: only they see every candidate and run
    every team's pipeline."""
    return user.is_recruiter


def reviews_duplicates(user):
    """The organisation's possible duplicates: recruiters, and leadership who read every
    pipeline (and merge nothing)."""
    return user.sees_all_teams


def get_candidate_for_merge(user, candidate_id):
    if not merges_candidates(user):
        raise Http404
    return get_object_or_404(Candidate, pk=candidate_id)


def handles_candidate_data(user):
    """Recruiters and leadership export, erase and hold a candidate's data (SPEC's matrix)."""
    return user.sees_all_teams


def get_candidate_for_privacy(user, candidate_id):
    if not handles_candidate_data(user):
        raise Http404
    return get_object_or_404(Candidate.objects.select_related("held_by"), pk=candidate_id)


def get_export_for_privacy(user, candidate_id, export_id):
    candidate = get_candidate_for_privacy(user, candidate_id)
    export = get_object_or_404(candidate.exports.select_related("requested_by"), pk=export_id)
    export.candidate = candidate
    return export


def downloads_export(user, export):
    """A candidate's own export is theirs, through the emailed link alone; a recruiter's or
    leadership's to the one who asked for it, signed in (what it holds depends on who reads it:
    hiring.privacy.export.withheld_applications)."""
    return export.requested_by_id is None or (
        user.is_authenticated and user.pk == export.requested_by_id and handles_candidate_data(user)
    )


def status_links_sent_for(records):
    """The applications whose status links the privacy page emails to an address `records`
    hold (candidates.merging.holding): every one of each record not erased, whoever asks, as
    the links go to that address alone (hiring/privacy/links.py)."""
    return Application.objects.filter(candidate__in=records, candidate__erased_at=None)


def reader_teams(user):
    """The teams whose reports `user` reads: leadership every team, a member their own. None
    for recruiters and admins: reports show scores, and recruiters see pipelines, not scores."""
    if not reads_reports(user):
        return None
    if user.is_leadership:
        return Team.objects.all()
    return Team.objects.of_member(user)


def readers_teams(readers):
    """reader_teams() of each of `readers` who reads reports, as {reader: [team, ...]}, in two
    queries whatever their number (the worker warming every reader's report)."""
    readers = [reader for reader in readers if reads_reports(reader)]
    teams = list(Team.objects.all())
    own = {}
    for user_id, team_id in Membership.objects.values_list("user_id", "team_id"):
        own.setdefault(user_id, set()).add(team_id)
    return {
        reader: teams
        if reader.is_leadership
        else [team for team in teams if team.pk in own.get(reader.pk, ())]
        for reader in readers
    }


def reads_reports(user):
    return not (user.is_recruiter or user.is_org_admin)


def check_in_teams(user):
    """The teams whose post-hire check-ins `user` reads: their own, every team for leadership.
    Never recruiters or admins: check-ins are scores, and the hire's colleagues'."""
    if not reads_reports(user):
        return Team.objects.none()
    return Team.objects.all() if user.is_leadership else Team.objects.of_member(user)


def reads_check_ins(user, application):
    """Whether `user` opens `application`'s check-ins: its team and leadership, never the hire
    (who may have joined the team). Only a hire has check-ins."""
    if application.stage != Application.Stage.HIRED or not reads_reports(user):
        return False
    return check_in_teams(user).filter(pk=application.opening.team_id).exists() and not (
        is_the_candidate(user, application)
    )


# What is_the_candidate() reads of an application.
THE_CANDIDATE_READS = [
    "stage",
    "member_email",
    "candidate__email",
    "candidate__other_emails",
    "candidate__erased_at",
]


def is_the_candidate(user, application):
    """Whether `user` is the person who applied in `application`, at any stage: a member of the
    team applying to its opening, a hire who joined it. They read neither the panel's feedback
    on themselves nor what is derived from it, take no part in its decision, score it nowhere,
    and rate none of its check-ins. No query but one for a user object, however many
    applications a page asks about. Once a hire's data is erased they are known by no address,
    so anyone might be them: nobody reads their check-ins then."""
    hired = application.stage == Application.Stage.HIRED
    if hired and application.candidate.erased_at is not None:
        return True
    return is_candidate(user_addresses(user), application)


def the_candidates_among(users, application, accepted=None):
    """Those of `users` who are `application`'s candidate (is_the_candidate()), in one query
    for them all: those to interview it. `accepted`: as addresses_of()'s."""
    addresses = addresses_of(users, accepted)
    return [user for user in users if is_candidate(addresses[user.pk], application)]


def user_addresses(user):
    """checkins.addresses_of(user), read once for this user object (one lives one request) while
    its address stays: a trainee's page asks is_the_candidate() of every hire they practised
    on."""
    known = getattr(user, "_addresses_known", None)
    if known is None or known[0] != user.email:
        known = (user.email, addresses_of([user])[user.pk])
        user._addresses_known = known
    return known[1]


def get_check_in_for(user, check_in_id):
    check_in = get_object_or_404(
        CheckIn.objects.filter(application__opening__team__in=check_in_teams(user)).select_related(
            "application__candidate", "application__opening__team", "version"
        ),
        pk=check_in_id,
    )
    if is_the_candidate(user, check_in.application):  # an erased hire's are nobody's
        raise Http404
    return check_in


def reads_check_in_reviews(user, check_in, raters, reviews, now=None):
    """Independence for check-ins: whether `user` reads the others' submitted reviews (scores,
    would-hire-again, notes) and what is derived from them. `user` passed get_check_in_for. A
    rater still to submit while the check-in is open reads nothing; once it closed, the missing
    read with the rest. Nobody ever reads another's draft."""
    if user not in raters or is_closed(check_in, now):
        return True
    return any(review.rater_id == user.pk and review.submitted_at for review in reviews)


def navigation(request):
    """Context processor: what the navigation offers this user. A request refused before the
    middleware ran (an unknown host's 400 page) has none."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"reads_reports": reads_reports(user), "runs_organisation": user.is_org_admin}


def get_invitation_for_admin(user, invitation_id):
    if not user.is_org_admin:
        raise Http404
    return get_object_or_404(Invitation.objects.to_organisation(), pk=invitation_id)


def get_person_for_admin(user, person_id):
    """A person whose name, role and active flag the organisation's admin changes."""
    if not user.is_org_admin:
        raise Http404
    return get_object_or_404(User, pk=person_id)


def opens_organisation_page(user):
    """Whether `user` opens the organisation's page (its people, roles and invitations)."""
    return user.is_org_admin


def org_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not opens_organisation_page(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# Audited events whose details carry feedback (an amendment's reason) or the team's reasoning
# over it (a decision's rationale, why an interviewer was excused: written by a member who may
# have read the panel).
FEEDBACK_EVENTS = {
    AuditEvent.Action.FEEDBACK_SUBMITTED,
    AuditEvent.Action.FEEDBACK_AMENDED,
    AuditEvent.Action.INTERVIEWER_EXCUSED,
    AuditEvent.Action.DECISION_RECORDED,
    AuditEvent.Action.DECISION_CONFIRMED,
    AuditEvent.Action.DECISION_WITHDRAWN,
}


# What recruiters read the details of: the candidate's way through the pipeline and the panels
# they schedule, no more.
SHOWN_TO_RECRUITERS = {
    AuditEvent.Action.STAGE_CHANGED,
    AuditEvent.Action.PANEL_BOOKED,
    AuditEvent.Action.PANEL_CHANGED,
    AuditEvent.Action.PANEL_CANCELLED,
    AuditEvent.Action.OFFER,
    # The candidate withdrew, or did not start after accepting (offers.did_not_start: the
    # reason, which the recruiter may have recorded themselves).
    AuditEvent.Action.WITHDRAWN_BY_CANDIDATE,
    AuditEvent.Action.WITHDRAWN_BY_ERASURE,  # how the erasure went
    AuditEvent.Action.CANDIDATES_MERGED,
    AuditEvent.Action.CANDIDATES_IMPORTED,
}


# A decision's own events. Only a decision departing from the rule's recommendation waits for
# a second member, and only one waiting or a hold is taken back: that a decision was recorded
# while the application stayed in the debrief, confirmed or withdrawn tells what the rule made
# of the feedback. The stage changes say the outcome once it is in force.
DECISION_EVENTS = {
    AuditEvent.Action.DECISION_RECORDED,
    AuditEvent.Action.DECISION_CONFIRMED,
    AuditEvent.Action.DECISION_WITHDRAWN,
}


def pending_decisions_told(user, application_ids):
    """Of `application_ids`, applications whose card flags a decision waiting for a second
    member's confirmation, those `user` is told of: that one waits says it departs from what the
    rule made of the feedback, so never a recruiter, who reads no feedback (see
    DECISION_EVENTS), nor where they still write a scorecard (scorecards.access.still_to_score),
    nor its candidate (is_the_candidate). Asked of those cards alone: two queries, and the
    reader's addresses once a request."""
    if user.is_recruiter or not application_ids:
        return set()
    writing = Feedback.all_objects.outstanding_for(user).filter(application__in=application_ids)
    # Asked of each card's application in Python: they are few, and the query of the reader's
    # own (Application.objects.ids_of_candidate) took longer to build than these rows to read.
    flagged = (
        Application.objects.filter(pk__in=application_ids)
        .select_related("candidate")
        .only(*THE_CANDIDATE_READS)
    )
    theirs = {application.pk for application in flagged if is_the_candidate(user, application)}
    return set(application_ids) - theirs - set(writing.values_list("application", flat=True))


def events_shown(events, withheld):
    """The audit `events` (a queryset) a reader is shown: of the applications `withheld` (ids),
    those whose panel feedback they do not read (scorecards.access.reads_panel_feedback), not
    a decision's own events."""
    if not withheld:
        return events
    return events.exclude(application__in=withheld, action__in=DECISION_EVENTS)


def with_shown_details(user, events, reads_feedback=False):
    """The timeline `events` (those shown to this user: events_shown), each with
    `shown_details`: what they may read of it. Recruiters see what happened, and the details
    of the candidate's way through the pipeline; feedback only those who read the panel's
    feedback do."""
    events = list(events)
    for event in events:
        if user.is_recruiter:
            shown = event.action in SHOWN_TO_RECRUITERS
        else:
            shown = reads_feedback or event.action not in FEEDBACK_EVENTS
        event.shown_details = event.details if shown else ""
    return events
