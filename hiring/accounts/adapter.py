import uuid
import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Invitation, LinkError, Organisation, User
from ..tasks import send_account_email

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
        # Only the sign-up is the invitation's: a password reset or an address added in a
        # browser that opened one is for another account.
        invitation = pending_invitation(self.request) if self._signs_up() else None
        if invitation is None:
            return email
        if email.lower() != invitation.email.lower():
            raise ValidationError(
                _("Sign up with the invited address, %(email)s.") % {"email": invitation.email}
            )
        # The link proved the address is this visitor's: another account's claim to it, never
        # verified (added by mistake, or a colleague's), no longer turns the sign-up away.
        EmailAddress.objects.filter(email__iexact=email, verified=False, primary=False).delete()
        return email

    def _signs_up(self):
        match = getattr(self.request, "resolver_match", None)
        return match is not None and match.url_name == "account_signup"

    def login(self, request, user):
        # allauth turns a deactivated account away before the two-factor code, not after: one
        # deactivated in between was signed in, a session that came back with a reactivation.
        if not user.is_active:
            raise ImmediateHttpResponse(self.respond_user_inactive(request, user))
        super().login(request, user)

    def post_login(self, request, user, *, signup, **kwargs):
        # allauth records no authentication for a sign-up, and counts only a confirmed
        # password (or code, or 2FA) as recent: a newcomer sent to set up the two-factor
        # authentication their organisation requires would type the password they set
        # seconds ago again. Recorded as allauth records that confirmation, marked as the
        # sign-up: only in the sign-up's own request (one finished later, from a verification
        # link, is no fresh proof) and only when it set a password (a social or passkey
        # sign-up sets none). allauth has no public hook for this; its internal
        # record_authentication is pinned by tests/accounts/test_two_factor_after_signup.py.
        if signup and self._signs_up() and user.has_usable_password():
            record_authentication(
                request, user, "password", email=user.email, signup=True, reauthenticated=True
            )
        return super().post_login(request, user, signup=signup, **kwargs)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # The account named: the notice reads in its language and zone (send_mail) also at an
        # address it no longer has (the one an address change replaced).
        context = {"user": user, **(context or {})}
        super().send_notification_mail(template_prefix, user, context, email)

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (address verification, password reset, ...) are rendered here, where
        the request is, and sent by a worker once the transaction commits: a slow mail server
        never holds up the page, and a failed send is retried instead of lost."""
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        recipient = context.get("user")
        if not isinstance(recipient, User):
            recipient = User.objects.filter(email__iexact=email).first()
        if recipient is None:  # nobody we know: as the request reads
            message = self.render_mail(template_prefix, email, context)
        else:  # in the recipient's language and zone, whoever's browser asked for it
            with (
                translation.override(recipient.language_code),
                timezone.override(zoneinfo.ZoneInfo(recipient.zone_name)),
            ):
                message = self.render_mail(template_prefix, email, context)
        send_account_email.delay_on_commit(
            uuid.uuid4().hex,
            {
                "subject": message.subject,
                "body": message.body,
                "content_subtype": message.content_subtype,
                "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
                "from_email": message.from_email,
                "to": message.to,
                "headers": message.extra_headers,
            },
        )


class MfaAdapter(DefaultMFAAdapter):
    """Two-factor authentication the organisation requires of someone's role stays on: turned
    off, every page but their account's would send them to set it up again at once."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Your organisation requires two-factor authentication for your role: it stays on."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        user = authenticator.user
        return not (user.must_use_mfa and Organisation.current().require_mfa_for_staff)
