"""Where someone is signed in: a record per session as they sign in (allauth.usersessions), so
deactivating them ends their sessions without reading anyone else's, they see theirs and sign
out the others, the sessions of before the upgrade are recorded by its migration, and the
records of sessions that ended go with the retention run."""

import importlib
from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.accounts import people
from hiring.models import User
from hiring.privacy import retention
from tests.factories import PASSWORD, UserFactory

LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1"
backfill = importlib.import_module("hiring.migrations.0047_user_sessions")


def signed_in(user, browser=LAPTOP, address="203.0.113.7"):
    """A browser of `user`'s, signed in through the sign-in page as every person is."""
    client = Client(HTTP_USER_AGENT=browser, REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def is_signed_in(client):
    return client.get(reverse("profile")).status_code == 200


def set_active(person, admin, is_active):
    people.change_person(
        person, admin, display_name=person.display_name, role=person.role, is_active=is_active
    )


# Deactivation


def test_someone_deactivated_is_signed_out_everywhere_and_no_one_else(
    member, teammate, org_admin, django_assert_max_num_queries
):
    laptop, phone = signed_in(member), signed_in(member, PHONE)
    colleague = signed_in(teammate)
    admin = signed_in(org_admin)
    for _ in range(20):  # everyone else's sessions, in any number
        Client().force_login(UserFactory())

    # 2 of them ask whether they are a hire of their teams with check-ins to end (they are not).
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(10):
        set_active(member, org_admin, is_active=False)

    # No one's session was read to find theirs.
    assert not [query for query in queries if "session_data" in query["sql"]]
    assert not UserSession.objects.filter(user=member).exists()
    # Ended, not paused: reactivated, they sign in again; whoever held the laptop does not.
    set_active(member, org_admin, is_active=True)
    assert [is_signed_in(each) for each in (laptop, phone, colleague, admin)] == [
        False,
        False,
        True,
        True,
    ]


# Passwords set in the Django admin


@pytest.fixture
def operator(db):
    """The operator's superuser, signing in as anyone does."""
    return UserFactory(is_superuser=True, is_staff=True, role=User.Role.ADMIN)


def test_the_operators_own_password_changes_where_the_session_stays_recorded(operator):
    browser = signed_in(operator)

    for url in (
        reverse("admin:password_change"),
        reverse("admin:auth_user_password_change", args=[operator.pk]),
    ):
        response = browser.get(url)
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("account_change_password"),
        )
    browser.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "New-secret-2468", "password2": "New-secret-2468"},
    )

    assert is_signed_in(browser)
    recorded = UserSession.objects.filter(user=operator).values_list("session_key", flat=True)
    assert browser.session.session_key in recorded


def test_a_password_the_operator_sets_signs_its_person_out_everywhere(operator, member, teammate):
    laptop, colleague, browser = signed_in(member), signed_in(teammate), signed_in(operator)
    url = reverse("admin:auth_user_password_change", args=[member.pk])

    response = browser.post(
        url,
        {
            "password1": "Set-by-root-2468",
            "password2": "Set-by-root-2468",
            "set_usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert not UserSession.objects.filter(user=member).exists()
    assert [is_signed_in(each) for each in (laptop, colleague, browser)] == [False, True, True]
    assert UserSession.objects.filter(user=teammate).exists()


# The page


def test_the_page_lists_ones_own_sessions_and_signs_out_the_others(member, teammate):
    laptop = signed_in(member, LAPTOP, "203.0.113.7")
    phone = signed_in(member, PHONE, "198.51.100.23")
    colleague = signed_in(teammate, "Teammate's browser/1.0", "192.0.2.99")

    page = laptop.get(reverse("usersessions_list")).text

    # Each browser as one knows it, the string it sent in the cell's title.
    assert all(text in page for text in ("Firefox on Linux", "Safari on iOS", "198.51.100.23"))
    assert f'title="{LAPTOP}"' in page
    assert not any(text in page for text in ("Teammate&#x27;s browser", "192.0.2.99"))
    assert page.count("This browser") == 1
    assert page.index("This browser") > page.index("Firefox on Linux")  # on the laptop's row
    assert "London time" in page  # the member's zone, named
    assert "Sign out the others" in page

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert [is_signed_in(each) for each in (laptop, phone, colleague)] == [True, False, True]
    page = laptop.get(reverse("usersessions_list")).text
    assert PHONE not in page
    assert "You are signed in nowhere else." in page


def test_a_browser_the_page_cannot_name_is_shown_as_it_signed_in(member):
    laptop = signed_in(member, "Teamfit-Kiosk/2.1 (terminal 7)")

    assert '<td title="Teamfit-Kiosk/2.1 (terminal 7)">Teamfit-Kiosk/2.1 (terminal 7)</td>' in (
        laptop.get(reverse("usersessions_list")).text
    )


def test_the_profile_leads_to_the_page(member):
    laptop = signed_in(member)

    assert reverse("usersessions_list") in laptop.get(reverse("profile")).text


# The upgrade


def test_the_upgrade_records_the_sessions_made_before_it(member, teammate, org_admin):
    before = Client()
    before.force_login(member)  # signed in before sessions were recorded
    colleague_before = Client()
    colleague_before.force_login(teammate)
    anonymous = SessionStore()
    anonymous["_messages"] = "[]"
    anonymous.create()
    gone = SessionStore()
    gone[SESSION_KEY] = "999999"  # an account deleted since
    gone.create()
    expired = SessionStore()
    expired[SESSION_KEY] = str(member.pk)
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now())
    assert not UserSession.objects.exists()

    backfill.record_live_sessions(apps, None)

    recorded = UserSession.objects.order_by("user__email")
    assert [(row.user, row.ip, row.user_agent) for row in recorded] == [
        (member, "0.0.0.0", ""),
        (teammate, "0.0.0.0", ""),
    ]
    assert "Before" in before.get(reverse("usersessions_list")).text
    assert "Not recorded" in before.get(reverse("usersessions_list")).text

    set_active(member, org_admin, is_active=False)
    set_active(member, org_admin, is_active=True)

    assert not is_signed_in(before)
    assert is_signed_in(colleague_before)


# Retention


def test_the_retention_run_purges_the_records_of_sessions_that_ended(member):
    kept = signed_in(member, LAPTOP)
    signed_out = signed_in(member, PHONE)
    expired = signed_in(member, "Old browser/1.0")
    signed_out.post(reverse("account_logout"))
    expired_key = expired.cookies["sessionid"].value
    Session.objects.filter(pk=expired_key).update(expire_date=timezone.now() - timedelta(1))

    figures = retention.run()

    assert figures.sessions_purged == 2
    assert [row.user_agent for row in UserSession.objects.all()] == [LAPTOP]
    assert is_signed_in(kept)
    assert not Session.objects.filter(pk=expired_key).exists()


# The operator's list of sessions in the Django admin


def test_the_operator_finds_someones_sessions_by_their_address(client, superuser, member, teammate):
    signed_in(member)
    signed_in(teammate)
    client.force_login(superuser)

    response = client.get(reverse("admin:usersessions_usersession_changelist"), {"q": member.email})

    assert response.status_code == 200
    assert member.email in response.text
    assert teammate.email not in response.text
