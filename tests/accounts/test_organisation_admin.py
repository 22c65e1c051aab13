"""The organisation's admin: staff with the permissions of its role, never a superuser.

In the Django admin it reads the organisation's settings and its invitations, and nothing
else: no feedback, decisions or candidates, and no way into another person's account. The
settings, people's names, roles and active flags change on the product's own pages, audited.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from hiring.accounts import people
from hiring.accounts.views import PEOPLE_PAGE_SIZE
from hiring.models import AuditEvent, Invitation, Organisation, User
from hiring.teams import invitations
from tests.factories import PASSWORD, UserFactory, at_once, decision_state, field_errors


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


def test_the_admin_role_is_staff_but_never_a_superuser(org_admin, member):
    invitation = invitations.invite("ada@example.com", invited_by=org_admin, role="admin")
    ada = UserFactory(email="ada@example.com")
    invitations.accept_invitation(invitation, ada)

    for admin in (org_admin, ada):
        admin.refresh_from_db()
        assert (admin.is_staff, admin.is_superuser) == (True, False)


def test_the_admin_keeps_the_organisation_and_reads_invitations(admin_client, org_admin):
    Invitation.objects.create(email="rosa@example.com", role="recruiter", invited_by=org_admin)

    index = admin_client.get(reverse("admin:index"))
    organisation = admin_client.get(reverse("admin:hiring_organisation_changelist"))
    invitation_list = admin_client.get(reverse("admin:hiring_invitation_changelist"))

    assert index.status_code == organisation.status_code == invitation_list.status_code == 200
    assert "rosa@example.com" in invitation_list.text
    shown = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert shown == {"Organisation", "Invitation"}


def test_a_german_admin_reads_the_admins_names_in_german(admin_client, org_admin):
    org_admin.language = "de"
    org_admin.save(update_fields=["language"])

    index = admin_client.get(reverse("admin:index"))

    assert "Einladungen" in index.text
    assert "Invitations" not in index.text


def test_the_organisation_changes_only_on_its_audited_page(admin_client):
    """The Django admin shows the settings; a change there would skip the audit trail."""
    organisation = Organisation.current()
    url = reverse("admin:hiring_organisation_change", args=[organisation.pk])

    page = admin_client.get(url)
    change = admin_client.post(url, {"name": organisation.name, "retention_months": 1})

    assert page.status_code == 200
    assert '<input type="submit"' not in page.text  # nothing to save
    assert change.status_code == 403
    organisation.refresh_from_db()
    assert organisation.retention_months != 1


@pytest.mark.parametrize(
    "name",
    [
        "hiring_user",
        "hiring_application",
        "hiring_decision",
        "hiring_auditevent",
        "hiring_membership",
        "hiring_notification",
        "scorecards_feedback",
        "scorecards_feedbackrevision",
        "account_emailaddress",
        "mfa_authenticator",
    ],
)
def test_nothing_else_opens_in_the_admin(admin_client, name):
    response = admin_client.get(reverse(f"admin:{name}_changelist"), follow=False)

    assert response.status_code in (403, 404)


def test_the_admin_reaches_no_ones_signed_link_through_the_admin(
    admin_client, org_admin, team, member
):
    """An invitation's link signs up whoever holds it as the person invited: the admin's
    "view on site" redirect led any staff member to it, a team's and leadership's too."""
    to_leadership = Invitation.objects.create(
        email="lea@example.com", role=User.Role.LEADERSHIP, invited_by=member
    )
    to_team = Invitation.objects.create(email="tom@example.com", team=team, invited_by=member)
    kind = ContentType.objects.get_for_model(Invitation)
    change = reverse("admin:hiring_invitation_change", args=[to_leadership.pk])

    for invitation in (to_leadership, to_team):
        shortcut = reverse("admin:view_on_site", args=[kind.pk, invitation.pk])
        response = admin_client.get(shortcut)
        assert response.status_code == 404
        assert invitation.get_absolute_url() not in response.get("Location", "")
    page = admin_client.get(change)
    assert page.status_code == 200
    assert reverse("admin:view_on_site", args=[kind.pk, to_leadership.pk]) not in page.text
    assert to_leadership.get_absolute_url() not in page.text


def test_the_admin_cannot_set_another_persons_password(admin_client, member):
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    page = admin_client.get(url)
    change = admin_client.post(url, {"password1": "Taken-over-123", "password2": "Taken-over-123"})

    assert page.status_code == change.status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_admin_cannot_change_anyones_role_email_or_superuser_flag(admin_client, member):
    email = member.email
    url = reverse("admin:hiring_user_change", args=[member.pk])
    response = admin_client.post(
        url, {"email": "mine@example.com", "role": "admin", "is_active": "on"}
    )
    address = EmailAddress.objects.get(user=member)
    email_change = admin_client.post(
        reverse("admin:account_emailaddress_change", args=[address.pk]),
        {"user": member.pk, "email": "mine@example.com", "verified": "on", "primary": "on"},
    )

    assert response.status_code == email_change.status_code == 403
    member.refresh_from_db()
    assert (member.email, member.role, member.is_superuser) == (email, User.Role.MEMBER, False)
    assert EmailAddress.objects.get(pk=address.pk).email == email


def test_the_admin_cannot_remove_anyones_two_factor_authentication(admin_client, member):
    authenticator = Authenticator.objects.create(
        user=member, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_the_admin_records_no_decision(admin_client, member):
    before = decision_state()

    response = admin_client.post(reverse("admin:hiring_decision_add"), {"outcome": "hire"})

    assert response.status_code == 403
    assert decision_state() == before


# People, on the product's own page


def test_the_admin_changes_a_persons_name_role_and_active_flag_audited(
    admin_client, org_admin, recruiter
):
    url = reverse("person_edit", args=[recruiter.pk])

    response = admin_client.post(
        url, {"display_name": "Rita Lead", "role": "leadership", "is_active": ""}
    )

    assert response.status_code == 302
    recruiter.refresh_from_db()
    assert (recruiter.display_name, recruiter.role, recruiter.is_active) == (
        "Rita Lead",
        User.Role.LEADERSHIP,
        False,
    )
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_CHANGED)
    assert (event.actor, event.team) == (org_admin, None)
    assert "role Recruiter → Leadership; deactivated" in event.details
    assert "role Recruiter → Leadership" in admin_client.get(reverse("organisation")).text


def test_someone_deactivated_is_signed_out_of_the_sessions_they_had(
    admin_client, org_admin, member
):
    theirs = Client()
    theirs.force_login(member)
    assert theirs.get("/").status_code == 200

    admin_client.post(
        reverse("person_edit", args=[member.pk]),
        {"display_name": member.display_name, "role": member.role, "is_active": ""},
    )
    response = theirs.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_admin_cannot_demote_or_deactivate_themselves(admin_client, org_admin):
    response = admin_client.post(
        reverse("person_edit", args=[org_admin.pk]),
        {"display_name": org_admin.display_name, "role": "member", "is_active": "on"},
    )

    assert response.status_code == 400
    assert "You cannot change your own role or deactivate yourself." in response.text
    org_admin.refresh_from_db()
    assert org_admin.role == User.Role.ADMIN


@pytest.mark.parametrize("change", [{"role": "member", "is_active": "on"}, {"role": "admin"}])
def test_the_admin_neither_demotes_nor_deactivates_the_operator(admin_client, superuser, change):
    """The operator's superuser is their way into the Django admin, and out of a lock-out."""
    response = admin_client.post(
        reverse("person_edit", args=[superuser.pk]), {"display_name": "Operator", **change}
    )

    assert response.status_code == 400
    assert "only the operator changes its role or deactivates it" in response.text
    superuser.refresh_from_db()
    assert (superuser.display_name, superuser.role, superuser.is_active) == (
        "Root",
        User.Role.ADMIN,
        True,
    )
    renamed = {"display_name": "Operator", "role": "admin", "is_active": "on"}
    admin_client.post(reverse("person_edit", args=[superuser.pk]), renamed)
    superuser.refresh_from_db()
    assert superuser.display_name == "Operator"  # a name is the admin's to change


@pytest.mark.parametrize("persona", ["member", "recruiter", "leadership", "outsider"])
def test_only_the_admin_changes_people(request, client, persona, recruiter):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("person_edit", args=[recruiter.pk])

    response = client.post(url, {"display_name": "X", "role": "admin", "is_active": "on"})

    assert client.get(url).status_code == response.status_code == 404
    recruiter.refresh_from_db()
    assert recruiter.role == User.Role.RECRUITER


def test_the_django_admin_signs_in_through_allauth(client, org_admin):
    """Its rate limits and two-factor authentication apply: no second door without them."""
    response = client.post(
        reverse("admin:login"), {"username": org_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"role": User.Role.MEMBER}], ids=["deactivated", "demoted"]
)
def test_an_admin_who_leaves_leaves_no_invitation_of_theirs_waiting(org_admin, change):
    """One to a private address let them back in, as leadership or as an admin."""
    other_admin = UserFactory(role=User.Role.ADMIN)
    theirs = invitations.invite("me@private.example", org_admin, role=User.Role.LEADERSHIP)
    kept = invitations.invite("rosa@example.com", other_admin, role=User.Role.RECRUITER)

    fields = {"display_name": org_admin.display_name, "role": org_admin.role, "is_active": True}
    people.change_person(org_admin, other_admin, **{**fields, **change})

    assert not Invitation.objects.get(pk=theirs.pk).is_pending
    assert Invitation.objects.get(pk=kept.pk).is_pending
    assert "1 invitation(s) withdrawn" in AuditEvent.objects.latest("pk").details


def test_a_refused_retention_period_leaves_the_page_saying_the_one_in_force(client, org_admin):
    """The sentence below the form read the refused value: 'erased 0 months after'."""
    client.force_login(org_admin)

    response = client.post(reverse("organisation"), {"name": "Teamfit", "retention_months": "0"})

    assert response.status_code == 400
    assert "erased 24 months after their last application closed" in response.text
    assert "erased 0 months" not in response.text


def test_the_organisations_name_is_on_one_line(client, org_admin):
    """It is in the careers page's title and the candidates' emails, as a person's name is."""
    client.force_login(org_admin)

    response = client.post(
        reverse("organisation"), {"name": "Acme\nBcc: x@example.com", "retention_months": "24"}
    )

    assert response.status_code == 400
    assert "Write this on one line" in field_errors(response.text, "name")
    assert Organisation.current().name == "Teamfit"


def test_the_organisations_settings_and_invitations_are_audited(client, org_admin):
    """Granting leadership by email, or lowering the retention period, left no trace."""
    client.force_login(org_admin)
    client.post(reverse("invite"), {"email": "lee@example.com", "role": "leadership"})
    invitation = Invitation.objects.get()
    client.post(reverse("revoke_invitation", args=[invitation.pk]))
    client.post(
        reverse("organisation"),
        {"name": "Teamfit", "retention_months": "12", "require_mfa_for_staff": "on"},
    )

    details = list(
        AuditEvent.objects.filter(team=None).order_by("pk").values_list("action", "details")
    )
    assert details == [
        ("invitation", "lee@example.com as Leadership: sent"),
        ("invitation", "lee@example.com as Leadership: withdrawn"),
        (
            "organisation_changed",
            "Require two-factor authentication for admins, leadership and recruiters: "
            "False → True; Keep candidates' data for (months): 24 → 12",
        ),
    ]


def test_an_organisation_invitation_accepted_is_audited_as_the_role_it_grants_begins(org_admin):
    invitation = invitations.invite("lee@example.com", invited_by=org_admin, role="leadership")
    lee = UserFactory(email="lee@example.com", display_name="Lee Lead")

    invitations.accept_invitation(invitation, lee)

    accepted = AuditEvent.objects.filter(team=None).order_by("pk").last()
    assert (accepted.action, accepted.actor, accepted.details) == (
        "invitation",
        lee,
        "lee@example.com as Leadership: accepted",
    )


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_the_organisation_an_admin(org_admin):
    other = UserFactory(role=User.Role.ADMIN, display_name="Ola Admin")

    def demote(person, by):
        client = Client()
        client.force_login(by)
        data = {"display_name": person.display_name, "role": "member", "is_active": "on"}
        return client.post(reverse("person_edit", args=[person.pk]), data).status_code

    statuses = at_once(lambda: demote(other, org_admin), lambda: demote(org_admin, other))

    # The second refused under the lock (400), or, starting after the first, as no admin (404).
    assert sorted(statuses) in ([302, 400], [302, 404])
    assert User.objects.filter(role=User.Role.ADMIN, is_active=True).count() == 1


def test_an_admin_demoted_meanwhile_changes_nobody(org_admin, member):
    other = UserFactory(role=User.Role.ADMIN)
    stale = User.objects.get(pk=other.pk)  # their request's user, read before the demotion
    people.change_person(other, org_admin, display_name=other.display_name, role="member",
                         is_active=True)  # fmt: skip

    with pytest.raises(ValidationError, match="no longer the organisation's admin"):
        people.change_person(member, stale, display_name="Renamed", role=member.role,
                             is_active=True)  # fmt: skip
    member.refresh_from_db()
    assert member.display_name != "Renamed"


def based_on(client, person):
    """The version the person's page carries, as the admin's browser sends it back."""
    page = client.get(reverse("person_edit", args=[person.pk])).text
    return re.search(r'name="based_on" value="(\w*)"', page)[1]


def test_a_persons_page_opened_before_a_deactivation_does_not_reactivate_them(
    admin_client, org_admin, member
):
    version = based_on(admin_client, member)
    other = UserFactory(role=User.Role.ADMIN)
    people.change_person(member, other, display_name=member.display_name, role=member.role,
                         is_active=False)  # fmt: skip
    renamed = {"display_name": "Ana M.", "role": "member", "is_active": "on", "based_on": version}

    response = admin_client.post(reverse("person_edit", args=[member.pk]), renamed)

    assert response.status_code == 409
    assert "Someone changed this person after you opened this page." in response.text
    assert "The person as they are now" in response.text
    member.refresh_from_db()
    assert (member.display_name, member.is_active) == ("Ana Member", False)
    # Sent again from the page that said so, it replaces what is there.
    renamed["based_on"] = re.search(r'name="based_on" value="(\w*)"', response.text)[1]
    assert admin_client.post(reverse("person_edit", args=[member.pk]), renamed).status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.is_active) == ("Ana M.", True)


def test_a_persons_page_sent_twice_saves_once(admin_client, member):
    version = based_on(admin_client, member)
    data = {"display_name": member.display_name, "role": "recruiter", "is_active": "on"}

    for _ in range(2):
        response = admin_client.post(
            reverse("person_edit", args=[member.pk]), {**data, "based_on": version}
        )
        assert response.status_code == 302

    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_CHANGED).count() == 1


def test_the_settings_page_opened_before_another_admin_saved_saves_nothing(admin_client, org_admin):
    page = admin_client.get(reverse("organisation")).text
    version = re.search(r'name="based_on" value="(\w*)"', page)[1]
    other = Client()
    other.force_login(UserFactory(role=User.Role.ADMIN))
    shorter = {"name": "Teamfit", "retention_months": "12"}
    assert other.post(reverse("organisation"), shorter).status_code == 302

    renamed = {"name": "Teamfit GmbH", "retention_months": "24", "based_on": version}
    response = admin_client.post(reverse("organisation"), renamed)

    assert response.status_code == 409
    assert "Someone saved the settings after you opened this page." in response.text
    assert "The settings as they are now" in response.text
    organisation = Organisation.current()
    assert (organisation.name, organisation.retention_months) == ("Teamfit", 12)
    # The same settings sent twice (a double click) save once.
    version = re.search(r'name="based_on" value="(\w*)"', response.text)[1]
    again = {**shorter, "name": "Teamfit GmbH", "based_on": version}
    for _ in range(2):
        assert admin_client.post(reverse("organisation"), again).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ORGANISATION_CHANGED).count() == 2


def test_an_invitation_withdrawn_twice_is_withdrawn_once(admin_client, org_admin):
    """A double click, or the confirmation page open in two tabs."""
    invitation = invitations.invite("lee@example.com", invited_by=org_admin, role="recruiter")
    url = reverse("revoke_invitation", args=[invitation.pk])
    admin_client.post(url)
    withdrawn_at = Invitation.objects.get().revoked_at

    response = admin_client.post(url, follow=True)

    assert "That invitation was already withdrawn." in response.text
    assert Invitation.objects.get().revoked_at == withdrawn_at
    trail = AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION)
    assert list(trail.order_by("pk").values_list("details", flat=True)) == [
        "lee@example.com as Recruiter: sent",
        "lee@example.com as Recruiter: withdrawn",
    ]


def test_an_invitation_does_not_change_a_role_given_since_it_was_sent(client, org_admin):
    """Invited as a recruiter, they joined a team meanwhile and were made the admin: the old
    link would have left the organisation without one."""
    invitation = invitations.invite("lee@example.com", invited_by=org_admin, role="recruiter")
    lee = UserFactory(email="lee@example.com", role=User.Role.ADMIN)
    client.force_login(lee)

    response = client.post(invitation.get_absolute_url())

    assert "You are already Admin: an invitation does not change your role." in response.text
    lee.refresh_from_db()
    assert lee.role == User.Role.ADMIN
    assert Invitation.objects.get().accepted_at is None


def person_links(page):
    return re.findall(r'href="/organisation/people/(\d+)/"', page)


@pytest.mark.parametrize("others", [3, 2 * PEOPLE_PAGE_SIZE])
def test_the_people_list_opens_a_page_at_a_time_in_bounded_queries(
    admin_client, django_assert_max_num_queries, others
):
    UserFactory.create_batch(others)
    everyone = list(User.objects.order_by("display_name", "pk").values_list("pk", flat=True))

    shown = []
    for number in range(1, -(-len(everyone) // PEOPLE_PAGE_SIZE) + 1):
        # As many as for the first of a few people, whoever is in the organisation.
        with django_assert_max_num_queries(13):
            page = admin_client.get(reverse("organisation"), {"page": number}).text
        assert len(person_links(page)) <= PEOPLE_PAGE_SIZE
        shown += person_links(page)
        if number * PEOPLE_PAGE_SIZE < len(everyone):
            assert f'href="/organisation/?&amp;page={number + 1}">Next rows</a>' in page

    assert shown == [str(pk) for pk in everyone]
