"""Who may see what: each function returns the object for this user or raises Http404."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Application, Invitation, Opening, Proposal, Team


def get_team_for(user, team_id):
    """A team its members, recruiters and leadership may read."""
    return get_object_or_404(Team.objects.visible_to(user), pk=team_id)


def get_team_for_member(user, team_id):
    """A team only its own members may change."""
    return get_object_or_404(Team.objects.of_member(user), pk=team_id)


def get_proposal_for_member(user, team_id, proposal_id):
    team = get_team_for_member(user, team_id)
    return get_object_or_404(Proposal.objects.select_related("team"), team=team, pk=proposal_id)


def get_opening_for(user, opening_id):
    return get_object_or_404(Opening.objects.visible_to(user).select_related("team"), pk=opening_id)


def get_opening_for_member(user, opening_id):
    """An opening its team's members may edit."""
    return get_object_or_404(
        Opening.objects.filter(team__in=Team.objects.of_member(user)).select_related("team"),
        pk=opening_id,
    )


def get_opening_for_pipeline(user, opening_id):
    """An opening this user may add candidates to: its team's members and recruiters."""
    return get_object_or_404(
        Opening.objects.filter(team__in=Team.objects.pipeline_run_by(user)).select_related("team"),
        pk=opening_id,
    )


def get_application_for(user, application_id):
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("candidate", "opening__team"),
        pk=application_id,
    )


def get_application_for_pipeline(user, application_id):
    """An application this user may move through stages and staff: team members, recruiters."""
    return get_object_or_404(
        Application.objects.filter(
            opening__team__in=Team.objects.pipeline_run_by(user)
        ).select_related("candidate", "opening__team"),
        pk=application_id,
    )


def get_application_for_debrief(user, application_id):
    """The debrief: its team's members, and leadership to read. Recruiters see outcomes only."""
    teams = Team.objects.all() if user.is_leadership else Team.objects.of_member(user)
    return get_object_or_404(
        Application.objects.filter(opening__team__in=teams).select_related(
            "candidate", "opening__team"
        ),
        pk=application_id,
    )


def get_invitation_for_admin(user, invitation_id):
    if not user.is_org_admin:
        raise Http404
    return get_object_or_404(Invitation, pk=invitation_id, team=None)


def org_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_org_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
