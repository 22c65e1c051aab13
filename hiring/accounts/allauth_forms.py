"""allauth's forms, narrowed. Kept apart from forms.py, which allauth's own forms import (the
signup form class): importing them back there would be circular."""

from allauth.account.forms import ResetPasswordForm, SignupForm
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError

from ..models import Invitation, LinkError
from ..teams.invitations import sign_up_by
from .adapter import SESSION_KEY
from .links import link_unusable


class InvitedSignupForm(SignupForm):
    """allauth's sign-up, in one transaction with the invitation it accepts: allauth writes the
    account's name, zone and address after the account itself, and a failure between left an
    account without them, its invitation spent."""

    def save(self, request):
        try:
            invitation = Invitation.from_token(request.session.get(SESSION_KEY, ""))
            user = sign_up_by(invitation, lambda: super(InvitedSignupForm, self).save(request))
        except (LinkError, ValidationError) as error:
            # Withdrawn, or used in another tab, since the sign-up page was shown: no account
            # is made, and the visitor reads why (allauth's middleware shows the response).
            request.session.pop(SESSION_KEY, None)
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ImmediateHttpResponse(link_unusable(request, "invitation", reason)) from error
        del request.session[SESSION_KEY]
        return user


class VerifiedResetPasswordForm(ResetPasswordForm):
    """A password reset only to an address its account verified. allauth falls back to an
    unverified one: an address anyone added to their account by mistake (or a colleague's)
    received the link to that account, and whoever held it took the account over."""

    def clean_email(self):
        email = super().clean_email()
        verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
        self.users = [user for user in self.users if verified.filter(user=user).exists()]
        return email
