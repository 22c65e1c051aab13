"""The organisation's email templates and each team's overrides: checked when saved, every
change audited. A team's template of a kind replaces the organisation's for its candidates
(messages.template_for); free-form messages are many, told apart by name."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Application, AuditEvent, EmailTemplate, Organisation, Team
from . import placeholders

Kind = EmailTemplate.Kind
Stage = Application.Stage

# Kinds that may go out on a stage change: a rejection waits for a recruiter's confirmation,
# and an invitation or an offer needs the link its own step makes.
AUTOMATIC_KINDS = [Kind.APPLICATION_RECEIVED, Kind.MESSAGE]
AUTOMATIC_STAGES = [stage for stage in Stage if stage != Stage.REJECTED]
# One template of each of these per owner; messages, any number.
ONE_PER_OWNER = [kind for kind in Kind if kind != Kind.MESSAGE]


def owned_by(team):
    """The templates of `team`, or the organisation's own when `team` is None."""
    return EmailTemplate.objects.filter(team=team)


def describe(template):
    """What the audit trail says of a template: its kind or name, never a candidate's data."""
    if template.kind == Kind.MESSAGE:
        return f"{template.get_kind_display()} “{template.name}”"
    return template.get_kind_display()


def _lock_owner(team):
    """Saves of one owner's templates go one at a time: names and stages stay unique."""
    if team is None:
        Organisation.current()
        Organisation.objects.select_for_update().get(pk=1)
    else:
        Team.objects.select_for_update().get(pk=team.pk)


def check(team, kind, *, subject, body, name="", send_on_stage="", template=None):
    """ValidationError by field for a template that may not be saved as it stands."""
    errors = dict(placeholders.problems(kind, subject, body))
    if kind == Kind.MESSAGE and not name.strip():
        errors["name"] = "Name this message, so people can choose it."
    elif kind == Kind.MESSAGE:
        same_name = owned_by(team).filter(kind=Kind.MESSAGE, name__iexact=name.strip())
        if template is not None:
            same_name = same_name.exclude(pk=template.pk)
        if same_name.exists():
            errors["name"] = "Another message already has this name."
    if send_on_stage:
        if kind not in AUTOMATIC_KINDS:
            errors["send_on_stage"] = "This email cannot go out on its own."
        elif send_on_stage not in AUTOMATIC_STAGES:
            errors["send_on_stage"] = "Rejections wait for a recruiter: choose another stage."
        else:
            taken = owned_by(team).filter(send_on_stage=send_on_stage)
            if template is not None:
                taken = taken.exclude(pk=template.pk)
            if (other := taken.first()) is not None:
                errors["send_on_stage"] = (
                    f"“{other.name}” already goes out on a move to {Stage(send_on_stage).label}."
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save(team, kind, by, *, subject, body, name="", send_on_stage="", template=None):
    """Create or change the template of `team` (None: the organisation's) of `kind`.
    One of a kind other than a message replaces the owner's existing one."""
    _lock_owner(team)
    if template is None and kind in ONE_PER_OWNER:
        template = owned_by(team).filter(kind=kind).first()
    if template is not None:
        template = EmailTemplate.objects.select_for_update().get(pk=template.pk)
    if kind != Kind.MESSAGE:
        name = Kind(kind).label
    check(
        team,
        kind,
        subject=subject,
        body=body,
        name=name,
        send_on_stage=send_on_stage,
        template=template,
    )
    template = template or EmailTemplate(team=team, kind=kind)
    template.name = name.strip()
    template.subject = subject
    template.body = body
    template.send_on_stage = send_on_stage
    template.updated_by = by
    template.updated_at = timezone.now()
    template.full_clean()
    template.save()
    AuditEvent.record(
        AuditEvent.Action.EMAIL_TEMPLATE_CHANGED, by, team, details=f"{describe(template)}: saved"
    )
    return template


@transaction.atomic
def remove(template, by):
    """Delete a template: a message goes, a kind goes back to the text it overrode."""
    template = EmailTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if template is None:
        return
    outcome = "removed" if template.kind == Kind.MESSAGE else "back to the default text"
    AuditEvent.record(
        AuditEvent.Action.EMAIL_TEMPLATE_CHANGED,
        by,
        template.team,
        details=f"{describe(template)}: {outcome}",
    )
    template.delete()


def on_stage(team_id, stage):
    """The template that goes out when an application of `team_id` moves to `stage`: the
    team's own, else the organisation's."""
    return (
        EmailTemplate.objects.filter(send_on_stage=stage, kind__in=AUTOMATIC_KINDS)
        .filter(Q(team=team_id) | Q(team=None))
        .order_by(F("team").asc(nulls_last=True))  # the team's own first
        .first()
    )
