"""allauth's password reset links (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR). allauth's forms
module makes its generator as it loads, so this module imports nothing else of it."""

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator


class ActiveAccountTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """allauth's links, which also stop working while their account is deactivated: one sent
    before set a deactivated person's password."""

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}|{user.is_active}"
