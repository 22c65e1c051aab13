"""allauth's forms, narrowed. Kept apart from forms.py, which allauth's own forms import (the
signup form class): importing them back there would be circular."""

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress


class VerifiedResetPasswordForm(ResetPasswordForm):
    """A password reset only to an address its account verified. allauth falls back to an
    unverified one: an address anyone added to their account by mistake (or a colleague's)
    received the link to that account, and whoever held it took the account over."""

    def clean_email(self):
        email = super().clean_email()
        verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
        self.users = [user for user in self.users if verified.filter(user=user).exists()]
        return email
