from functools import cache

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from .accounts import zones
from .accounts.people import end_sessions, readdressed
from .models import (
    Application,
    AuditEvent,
    Ballot,
    Decision,
    Invitation,
    Membership,
    Notification,
    Opening,
    Organisation,
    Proposal,
    Team,
    User,
)
from .teams.invitations import has_account
from .templatetags.zones import zoned


class Moment:
    """A list column or read-only field showing a model's moment as the product's pages do: in
    the viewer's zone, named ("4 Mar 2030, 17:00 Singapore time"), the instant for machines."""

    def __init__(self, field):
        self.__name__ = field.name  # its cells' class, field-<name>, as the field's own
        self.short_description = field.verbose_name
        self.admin_order_field = field.name

    def __call__(self, obj):
        return zoned(getattr(obj, self.__name__)) or None  # None: the admin's empty value

    def __str__(self):  # a tabular inline's column class, as for the field's own
        return self.__name__


@cache
def moment(model, name):
    """The one Moment of `model`'s date-time field `name`, else None: the same object in each
    list an admin names it in (the form's fields, the read-only ones, the columns)."""
    try:
        field = model._meta.get_field(name) if isinstance(name, str) else None
    except FieldDoesNotExist:
        return None
    return Moment(field) if isinstance(field, models.DateTimeField) else None


class ZonedTimes:
    """Every admin's times as the product shows them, in the staff member's own zone, named.
    Django's admin writes them in that zone without saying which ("4 Mar 2030, 5 p.m.") in its
    list columns and read-only fields, and its date-time inputs say nothing of their zone."""

    def get_list_display(self, request):
        return [moment(self.model, name) or name for name in super().get_list_display(request)]

    def get_readonly_fields(self, request, obj=None):
        names = super().get_readonly_fields(request, obj)
        return [moment(self.model, name) or name for name in names]

    def get_fieldsets(self, request, obj=None):
        # What a page shows read-only: its read-only fields, and all of it to whom may not
        # change it (Django's "view" page), the one Moment in both lists.
        read_only = set(self.get_readonly_fields(request, obj))
        viewing = obj is not None and not self.has_change_permission(request, obj)

        def shown(name):
            if isinstance(name, (list, tuple)):  # fields on one line
                return [shown(each) for each in name]
            found = moment(self.model, name)
            return found if found and (viewing or found in read_only) else name

        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = []
            for name in map(shown, options["fields"]):
                if name not in fields:  # a read-only Moment after its field's own name
                    fields.append(name)
            fieldsets.append((title, {**options, "fields": fields}))
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field and isinstance(db_field, models.DateTimeField):
            zone = zones.label(timezone.get_current_timezone_name())
            said = gettext("Entered and shown in %(zone)s.") % {"zone": zone}
            field.help_text = f"{field.help_text} {said}".strip()
        return field


class ReadOnly:
    """Teams own their membership: the admin may look, never add, change or delete."""

    view_on_site = False  # its redirect is closed (hiring/urls.py): no button leads to it

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, ZonedTimes, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, ZonedTimes, admin.TabularInline):
    extra = 0


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "joined_at"]
    readonly_fields = fields


class OwnAddress:
    """An account's address is nobody else's in any case (the database tells only the same
    spelling apart): a second account at ANA@example.com signed in as Ana, was taken for her
    by her invitations and, were she a candidate, read as her."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if has_account(email, but=self.instance.pk):
            raise ValidationError(gettext("%(email)s already has an account.") % {"email": email})
        return email


class UserAddForm(OwnAddress, AdminUserCreationForm):
    pass


class UserForm(OwnAddress, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(ZonedTimes, DjangoUserAdmin):
    add_form = UserAddForm
    form = UserForm
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone"]}),
        ("Organisation", {"fields": ["role", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "display_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        dates = super().get_readonly_fields(request, obj)
        if obj is None:  # a new account is named as it is made
            return dates
        # A name, a role and the active flag change on the Organisation page, a superuser's too:
        # audited there, and an admin who leaves leaves no invitation waiting (accounts/people.py).
        return ["display_name", "role", "is_active", *dates]

    def has_delete_permission(self, request, obj=None):
        # Deleting a person would silently remove them from their teams: deactivate instead.
        return False

    def user_change_password(self, request, id, form_url=""):
        person = self.get_object(request, unquote(id))
        if person == request.user:  # one's own, where allauth changes it (hiring/urls.py)
            return redirect("account_change_password")
        response = super().user_change_password(request, id, form_url)
        if person and User.objects.get(pk=person.pk).password != person.password:
            # A password set for someone signs them out everywhere (their sessions no longer
            # match it), so their records go too: their sessions page lists none of those.
            end_sessions(person)
        return response

    def save_model(self, request, obj, form, change):
        # Only a superuser reaches this page; the admin role never does.
        obj.take_role(obj.role)
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            readdressed(obj, form.initial["email"])


@admin.register(Organisation)
class OrganisationAdmin(ZonedTimes, admin.ModelAdmin):
    """Shown, never changed here: the settings change on the product's organisation page,
    which audits each value before and after (a lower retention erases candidates)."""

    list_display = ["name", "require_mfa_for_staff"]

    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "membership_rule", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "team", "joined_at"]
    list_filter = ["team"]


class VoteInline(ReadOnlyInline):
    model = Ballot
    fields = ["voter", "approve", "cast_at"]
    readonly_fields = fields


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["summary", "team", "status", "proposed_by", "created_at"]
    list_filter = ["status", "kind", "team"]
    inlines = [VoteInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "role",
        "team",
        "invited_by",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]

    def get_queryset(self, request):
        # A team's invitations follow its own proposals, which the admin role does not read:
        # it sees those to the organisation, as on the product's organisation page.
        invitations = super().get_queryset(request)
        return invitations if request.user.is_superuser else invitations.to_organisation()


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["key", "created_at", "claimed_at", "attempts", "sent_at"]
    search_fields = ["key"]


@admin.register(Opening)
class OpeningAdmin(ReadOnlyAdmin):
    list_display = ["title", "team", "status", "created_at"]
    list_filter = ["status", "team"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "opening", "stage", "stage_changed_at"]
    list_filter = ["stage", "opening__team"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """The team's decision: nobody records, changes or deletes it here, superusers included."""

    list_display = ["application", "outcome", "recommendation", "recorded_by", "confirmed_by"]
    # Each row names its application (its candidate and opening) and two people: read with the
    # page, not a query a row (the admin follows only the non-null keys by itself).
    list_select_related = [
        "application__candidate",
        "application__opening__team",
        "recorded_by",
        "confirmed_by",
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "team", "application"]
    # Its keys may be null, which the admin does not follow by itself: five queries a row.
    list_select_related = ["actor", "team", "application__candidate", "application__opening"]
    list_filter = ["action", "team"]


# allauth's lists of people's authenticators and sessions, with its times zoned too. Its admin
# modules are imported above, before the autodiscovery that would reach them after this one.
admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


@admin.register(Authenticator)
class ZonedAuthenticatorAdmin(ZonedTimes, AuthenticatorAdmin):
    pass


@admin.register(UserSession)
class ZonedUserSessionAdmin(ZonedTimes, UserSessionAdmin):
    # allauth's searches a username, which our people do not have: any search was an error.
    search_fields = ["user__email", "user__display_name", "ip"]
