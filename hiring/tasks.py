from celery import shared_task

from .models import Invitation
from .notifications import send_once, templated_email


@shared_task
def send_invitation(invitation_id):
    invitation = (
        Invitation.objects.select_related("team", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    return send_once(
        f"invitation:{invitation.pk}",
        lambda: templated_email("invitation", invitation.email, {"invitation": invitation}),
    )
