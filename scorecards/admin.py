from django.contrib import admin

from hiring.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Feedback, FeedbackRevision, Rating, Scorecard


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    """Teams own their scorecards: the admin can look, not edit."""

    list_display = ["name", "team", "created_at"]
    list_filter = ["team"]


class SuperuserOnly(ReadOnlyAdmin):
    """Ratings, notes and votes: only a superuser sees them here, and nobody edits them."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ["criterion", "score", "no_evidence", "notes"]
    readonly_fields = fields


@admin.register(Feedback)
class FeedbackAdmin(SuperuserOnly):
    list_display = ["interviewer", "application", "focus", "submitted_at"]
    list_filter = ["focus"]


@admin.register(FeedbackRevision)
class FeedbackRevisionAdmin(SuperuserOnly):
    list_display = ["feedback", "number", "vote", "submitted_at"]
    inlines = [RatingInline]

    def get_queryset(self, request):
        # Nobody reads another's draft, the operator included: only what was submitted.
        return super().get_queryset(request).exclude(submitted_at=None)
