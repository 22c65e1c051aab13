"""`python manage.py invite_admin EMAIL`: the operator's way in. Sign-up is by invitation only
and invitations come from an admin, so a fresh deployment has no way to its first admin (or
back in, when none can sign in) but this: an invitation to the admin role, emailed as any is,
and its link printed. Run again while it waits, it prints the same link and sends nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from hiring.models import Invitation, User
from hiring.teams import invitations


class Command(BaseCommand):
    help = "Invite an organisation admin by email; prints the invitation's link."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
            with transaction.atomic():
                waiting = Invitation.objects.pending().filter(email__iexact=email, team=None)
                invitation = waiting.first()
                if invitation is not None and invitation.role != User.Role.ADMIN:
                    # Its link would make a member or a recruiter, not the admin asked for.
                    raise CommandError(
                        f"{email} has an invitation waiting as {invitation.get_role_display()}:"
                        " withdraw it on the Organisation page, then run this again."
                    )
                if invitation is None:
                    invitation = invitations.invite(email, invited_by=None, role=User.Role.ADMIN)
                    said = f"Invitation to the admin role emailed to {email}."
                else:
                    said = f"{email} has an invitation waiting: not sent again."
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        expires = invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        self.stdout.write(
            f"{said} Its link works once, until {expires}:\n"
            f"{settings.SITE_URL}{invitation.get_absolute_url()}"
        )
