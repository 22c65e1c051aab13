"""Who may see what: each function returns the object for this user or raises Http404."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Invitation, Proposal, Team


def get_team_for(user, team_id):
    """A team its members, recruiters and leadership may read."""
    return get_object_or_404(Team.objects.visible_to(user), pk=team_id)


def get_team_for_member(user, team_id):
    """A team only its own members may change."""
    return get_object_or_404(Team.objects.of_member(user), pk=team_id)


def get_proposal_for_member(user, team_id, proposal_id):
    team = get_team_for_member(user, team_id)
    return get_object_or_404(Proposal.objects.select_related("team"), team=team, pk=proposal_id)


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
