"""Candidates apply: the careers page's openings, an application from its form or a member's
referral, and the limits that keep robots from filling the pipeline."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .. import ratelimit
from ..candidates.merging import holding
from ..models import Application, Candidate, Consent, EmailTemplate, Opening
from ..outreach.messages import queue_email
from ..pipeline.applications import check_open, start_application
from .questions import save_answers

# What a second application fills in on the candidate we already hold, when it is blank there.
FILLED_IF_BLANK = ["phone", "links", "time_zone", "language", "resume"]


def open_openings():
    """The openings the careers page lists, by team."""
    return (
        Opening.objects.filter(status=Opening.Status.OPEN)
        .select_related("team")
        .order_by("team__name", "title", "pk")
    )


def apply(
    opening,
    *,
    source=Application.Source.CAREERS,
    referred_by=None,
    consent=True,
    note="",
    answers=(),
    **candidate_fields,
):
    """`candidate_fields`' person applies to `opening` (or is referred to it): the candidate
    with this email if we hold one, a new one otherwise; an application in Applied, the
    consent to the privacy notice, their `answers` to the opening's questions ([(question,
    answer)]), and the email saying it was received.

    Applying again to the same opening changes nothing and returns the application already
    there: the answer is the same, so nobody learns whether an address applied."""
    stored = None
    try:
        with transaction.atomic():
            # One application to an opening at a time: a form sent twice finds the first.
            opening = Opening.objects.select_for_update().get(pk=opening.pk)
            check_open(opening)
            with_email = _with_email(candidate_fields["email"])
            application = opening.applications.filter(candidate__in=with_email).first()
            if application is not None:
                return application
            candidate = with_email.held_only_by(opening.team_id).first()
            candidate, stored = _with_details(candidate, candidate_fields)
            application = start_application(
                candidate, opening, referred_by, source=source, referred_by=referred_by, note=note
            )
            save_answers(application, answers)
            if consent:
                Consent.objects.create(
                    candidate=candidate,
                    application=application,
                    notice_version=settings.PRIVACY_NOTICE_VERSION,
                )
            # Someone referred did not apply: their email says who they heard from.
            received = (
                EmailTemplate.Kind.REFERRAL_RECEIVED
                if source == Application.Source.REFERRAL
                else EmailTemplate.Kind.APPLICATION_RECEIVED
            )
            queue_email(application, received)
            return application
    except BaseException:
        # The database forgot the candidate's résumé; the storage must too.
        if stored:
            Candidate._meta.get_field("resume").storage.delete(stored)
        raise


def _with_email(email):
    """The candidates we hold with this email, whatever its case, as their own or as that of a
    record merged into them, the first first. A new application joins the first that no other
    team holds: anyone may send the form with anyone's address, and it must neither add to nor
    open another team's record (a recruiter merges the two, hiring/candidates/merging.py)."""
    return holding(email).order_by("pk")


def _with_details(candidate, fields):
    """`candidate` with what was blank filled in from `fields`, or a new one from them if None;
    and the name of the résumé file stored now, if any."""
    if candidate is None:
        candidate = Candidate.objects.create(**{**fields, "email": fields["email"].strip()})
        return candidate, candidate.resume.name or None
    blanks = [name for name in FILLED_IF_BLANK if fields.get(name) and not getattr(candidate, name)]
    for name in blanks:
        setattr(candidate, name, fields[name])
    if blanks:
        candidate.save(update_fields=blanks)
    return candidate, candidate.resume.name if "resume" in blanks else None


def refusal(address, email):
    """Count an application from client `address` with `email`; why it is refused once past
    either limit, else None. When the cache fails nothing is counted: an outage of the cache
    must not turn candidates away."""
    limits = [
        (
            "careers-address",
            address,
            settings.CAREERS_APPLICATIONS_PER_ADDRESS_HOUR,
            3600,
            _(
                "Too many applications were sent from your network in the last hour. "
                "Please wait an hour, then send yours again."
            ),
        ),
        (
            "careers-email",
            email.strip().lower(),
            settings.CAREERS_APPLICATIONS_PER_EMAIL_DAY,
            86400,
            _(
                "Too many applications were sent with this email address today. "
                "Please try again tomorrow."
            ),
        ),
    ]
    refused = None
    for name, value, limit, window, message in limits:
        if ratelimit.count(name, value, window) > limit:
            refused = refused or message
    return refused
