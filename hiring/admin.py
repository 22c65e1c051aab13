from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect

from .accounts.people import end_sessions
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


class ReadOnly:
    """Teams own their membership: the admin may look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class MembershipInline(ReadOnly, admin.TabularInline):
    model = Membership
    fields = ["user", "joined_at"]
    readonly_fields = fields
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
        if obj is None:  # a new account is named as it is made
            return self.readonly_fields
        # A name, a role and the active flag change on the Organisation page, a superuser's too:
        # audited there, and an admin who leaves leaves no invitation waiting (accounts/people.py).
        return ["display_name", "role", "is_active", *self.readonly_fields]

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
        obj.is_staff = obj.is_superuser or obj.role == User.Role.ADMIN
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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


class VoteInline(ReadOnly, admin.TabularInline):
    model = Ballot
    fields = ["voter", "approve", "cast_at"]
    readonly_fields = fields
    extra = 0


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
