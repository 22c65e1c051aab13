from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from hiring import membership
from hiring.models import Membership, Organisation, Team, User

PASSWORD = "teamfit-demo"
DOMAIN = "teamfit.example"

PEOPLE = [
    # (local part, display name, role, time zone)
    ("cto", "Carla Ortiz (CTO)", User.Role.LEADERSHIP, "Europe/Berlin"),
    ("rita", "Rita Recruiter", User.Role.RECRUITER, "Europe/London"),
    ("admin", "Alex Admin", User.Role.ADMIN, "Europe/London"),
    ("ana", "Ana Alves", User.Role.MEMBER, "Europe/Lisbon"),
    ("ben", "Ben Baker", User.Role.MEMBER, "Europe/London"),
    ("cai", "Cai Chen", User.Role.MEMBER, "Asia/Singapore"),
    ("dan", "Dan Dubois", User.Role.MEMBER, "America/New_York"),
    ("eve", "Eve Evans", User.Role.MEMBER, "Europe/Dublin"),
    ("fay", "Fay Fischer", User.Role.MEMBER, "Europe/Berlin"),
    ("gus", "Gus Garcia", User.Role.MEMBER, "America/Sao_Paulo"),
]

TEAMS = [
    (
        "Platform",
        "Runs the infrastructure every product team builds on.",
        ["ana", "ben", "cai", "dan"],
    ),
    ("Payments", "Moves money: checkout, payouts and reconciliation.", ["eve", "fay", "gus"]),
]


class Command(BaseCommand):
    help = "Create the demo organisation. Safe to run again: it only adds what is missing."

    @transaction.atomic
    def handle(self, *args, **options):
        Organisation.current()
        people = {local: self.person(local, *rest) for local, *rest in PEOPLE}
        for name, description, members in TEAMS:
            team, created = Team.objects.get_or_create(
                name=name, defaults={"description": description}
            )
            if created:
                for local in members:
                    Membership.objects.create(team=team, user=people[local])
        platform = Team.objects.get(name="Platform")
        if not platform.proposals.exists():
            # A proposal still waiting for votes, so the team page shows self-selection at work.
            membership.propose_member(platform, people["ana"], f"hana@{DOMAIN}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with any of these:"))
        for local, name, role, _ in PEOPLE:
            self.stdout.write(f"  {local + '@' + DOMAIN:<24} {PASSWORD}   {role.label}: {name}")

    def person(self, local, display_name, role, time_zone):
        email = f"{local}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, PASSWORD, display_name=display_name, time_zone=time_zone
            )
            user.assign_role(role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
