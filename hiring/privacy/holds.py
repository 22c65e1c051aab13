"""Legal hold: while a candidate is on hold, neither erasure nor retention touches their data."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiring.models import AuditEvent, Candidate


@transaction.atomic
def put_on_hold(candidate, by, reason):
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.erased_at:
        raise ValidationError(_("This candidate's data was erased: there is nothing to hold."))
    if candidate.held_at:
        if (candidate.held_by_id, candidate.hold_reason) == (by.pk, reason):
            return candidate  # the same form sent twice (a double click): held once
        raise ValidationError(_("This candidate is already on hold."))
    candidate.held_at, candidate.held_by, candidate.hold_reason = timezone.now(), by, reason
    candidate.save(update_fields=["held_at", "held_by", "hold_reason"])
    # The reason may name people: it stays on the candidate, which erasure blanks.
    AuditEvent.record(
        AuditEvent.Action.LEGAL_HOLD, by, None, details=f"Candidate record #{candidate.pk} held"
    )
    return candidate


@transaction.atomic
def release(candidate, by, held_since=None):
    """Release the hold; False if there is none (released already: a double click, a second
    tab). `held_since`: when the hold the releasing page showed began, so that a page opened
    before a colleague released it and held the candidate again does not release the new hold
    unread."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not candidate.held_at:
        return False
    if held_since is not None and held_since != candidate.held_at.isoformat():
        raise ValidationError(
            _("This candidate was put on hold again since you opened the page: read it again.")
        )
    candidate.held_at, candidate.held_by, candidate.hold_reason = None, None, ""
    candidate.save(update_fields=["held_at", "held_by", "hold_reason"])
    AuditEvent.record(
        AuditEvent.Action.LEGAL_HOLD, by, None, details=f"Candidate record #{candidate.pk} released"
    )
    return True
