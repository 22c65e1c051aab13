"""Candidates apply: the careers page's openings, an application from its form or a member's
referral, and the limits that keep robots from filling the pipeline."""

from django.conf import settings
from django.utils.translation import gettext as _

from .. import ratelimit
from ..models import Application, Consent, EmailTemplate, Opening, User
from ..outreach.messages import queue_email
from ..pipeline.applications import applicant, start_application
from .questions import save_answers


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
    with applicant(opening, candidate_fields) as (application, candidate, _stored):
        if application is not None:
            return application
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


def refer(opening, by, **candidate_fields):
    """`by` refers `candidate_fields`' person to `opening` (apply()); they consent when they
    answer. Their emails are written in their own language where an account at their address
    says it (a colleague referred to another team), else in the default one, as to anyone we do
    not know yet: whoever referred them, the referrer's language is not theirs."""
    account = User.objects.at_address(candidate_fields["email"].strip())
    if account is not None:
        candidate_fields["language"] = account.language
    return apply(
        opening,
        source=Application.Source.REFERRAL,
        referred_by=by,
        consent=False,
        **candidate_fields,
    )


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
