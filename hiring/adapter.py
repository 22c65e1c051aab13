from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from .membership import accept_invitation
from .models import Invitation, LinkError

SESSION_KEY = "invitation_token"


def pending_invitation(request):
    """The invitation this visitor opened, if it can still be used."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    try:
        return Invitation.from_token(token)
    except LinkError:
        return None


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only, for the invited address, which the link has verified."""

    def is_open_for_signup(self, request):
        return pending_invitation(request) is not None

    def clean_email(self, email):
        email = super().clean_email(email)
        invitation = pending_invitation(self.request)
        if invitation and email.lower() != invitation.email.lower():
            raise ValidationError(f"Sign up with the invited address, {invitation.email}.")
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = pending_invitation(request)
        if commit and invitation:
            accept_invitation(invitation, user)
            del request.session[SESSION_KEY]
        return user
