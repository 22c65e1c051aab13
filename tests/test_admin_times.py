"""The Django admin shows every time in the staff member's own zone, named, as the product's
pages do: Django writes it in that zone with nothing saying which ("4 Mar 2030, 5 p.m.")."""

import re
from datetime import UTC, datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from hiring.models import AuditEvent, Decision, Notification, User
from hiring.teams import invitations, membership
from tests.factories import ApplicationFactory, assigned, submit

AT = datetime(2030, 3, 4, 9, tzinfo=UTC)
IN_SINGAPORE = "4 Mar 2030, 17:00 Singapore time"
UNNAMED = "4 Mar 2030, 5 p.m."  # Django's own, in en-gb
EDITED = "Entered and shown in Singapore time."  # beside a date-time input


def times(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]


@pytest.fixture
def staff(client, superuser):
    superuser.time_zone = "Asia/Singapore"
    superuser.save(update_fields=["time_zone"])
    client.force_login(superuser)
    return client


@pytest.fixture
def everything(team, member, teammate, org_admin, superuser):
    """A row of each model the admin lists, with every time of every row at AT."""
    application = ApplicationFactory(opening__team=team)
    submit(assigned(application, member, "skills"))
    Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.HIRE,
        recommendation=Decision.Outcome.HIRE,
        recorded_by=member,
    )
    AuditEvent.record(AuditEvent.Action.STAGE_CHANGED, member, team, application)
    Notification.objects.create(key="reminder:1", claimed_at=AT, sent_at=AT)
    invitations.invite("rita@example.com", invited_by=org_admin, role="recruiter")
    membership.propose_member(team, member, "dan@example.com")
    Authenticator.objects.create(user=superuser, type=Authenticator.Type.TOTP, data={})
    UserSession.objects.create(user=superuser, ip="192.0.2.1", session_key="s", user_agent="Zen")
    for model in apps.get_models():
        # One instant everywhere, past the audit trail's append-only guard (set up, not shown).
        if times(model):
            models.QuerySet.update(model._default_manager.all(), **dict.fromkeys(times(model), AT))
    listed = [model for model in admin.site._registry if times(model)]
    inlined = [inline.model for each in admin.site._registry.values() for inline in each.inlines]
    assert [m for m in listed + inlined if not m._default_manager.exists()] == []
    return listed


def test_every_list_and_page_of_the_admin_names_the_zone_of_its_times(staff, everything):
    for model in everything:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        page = staff.get(reverse(f"{name}_change", args=[model._default_manager.first().pk]))
        listing = staff.get(reverse(f"{name}_changelist"))

        assert UNNAMED not in page.text + listing.text, model
        assert IN_SINGAPORE in page.text or EDITED in page.text, model
        if set(times(model)) & set(admin.site._registry[model].list_display):
            assert IN_SINGAPORE in listing.text, model


def test_a_column_of_times_still_sorts_and_links_to_its_row(staff, everything):
    url = reverse("admin:hiring_auditevent_changelist")

    listing = staff.get(url, {"o": "0"}).text

    assert 'class="sortable column-at sorted ascending"' in listing
    assert re.search(
        rf'<th class="field-at"><a href="[^"]+"><time datetime="2030-03-04T09:00:00Z">'
        rf"{IN_SINGAPORE}</time></a></th>",
        listing,
    )


def test_a_time_staff_may_edit_says_its_zone(staff, everything):
    session = UserSession.objects.get()

    page = staff.get(reverse("admin:usersessions_usersession_change", args=[session.pk])).text

    assert 'value="17:00:00"' in page
    assert page.count(EDITED) == 2  # created_at, last_seen_at


def test_an_objects_history_names_the_zone_of_its_times(staff, superuser, member):
    LogEntry.objects.create(
        user=superuser,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(member.pk),
        object_repr=str(member),
        action_flag=CHANGE,
        change_message="Changed role.",
        action_time=AT,
    )

    page = staff.get(reverse("admin:hiring_user_history", args=[member.pk])).text

    assert f'<time datetime="2030-03-04T09:00:00Z">{IN_SINGAPORE}</time>' in page
    assert UNNAMED not in page
    assert "Changed role." in page
