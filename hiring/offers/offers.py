"""Offers: prepared only after the team decided to hire, answered by the candidate through a
signed link. Each move is atomic and audited; an accepted offer makes the application Hired."""

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import freshness
from ..access import the_candidates_among
from ..accounts import zones
from ..checkins import checkins
from ..models import (
    LONGEST_REASON_NOTE,
    Application,
    AuditEvent,
    ChangedMeanwhile,
    ClosingReason,
    Decision,
    EmailTemplate,
    LinkError,
    Offer,
    refuse_if_saved_since,
    stored_words,
    unsign,
    version_of,
)
from ..outreach import automation, messages
from ..scheduling import booking
from ..teams import membership

Status = Offer.Status
Stage = Application.Stage

MAX_TERMS = 5000
MAX_REASON = 2000
# Why a hire did not start: a line on the application's timeline.
MAX_NOT_STARTING_REASON = 200
# How far ahead an offer may expire and a start date lie: beyond that it is a typo.
LONGEST_EXPIRY = timedelta(days=90)
LATEST_START = timedelta(days=2 * 365)
NOT_TEAMS_DECISION = gettext_lazy("Only the team's decision to hire opens an offer.")


def hire_decided(application):
    """Whether the team's decision to hire is in force and the application waits for an offer."""
    return _hire_in_force(application) and application.stage == Stage.OFFER


def _hire_in_force(application):
    try:
        decision = application.decision
    except Decision.DoesNotExist:
        return False
    return decision.is_effective and decision.outcome == Decision.Outcome.HIRE


def can_prepare(application, offers):
    """Whether a new offer may be prepared now: the team decided hire, no offer is live, and
    the application waits for an offer or was closed by the candidate declining the last one
    (a revised offer, which reopens it once sent)."""
    live = any(offer.is_live for offer in offers)
    return not live and (hire_decided(application) or reopens(application))


def reopens(application):
    """Whether sending a revised offer would reopen `application`: the candidate's decline
    closed it, nothing moved it since, and the team's decision to hire is still in force (a
    candidate who withdrew through their own page is not offered again)."""
    if application.stage != Stage.WITHDRAWN:
        return False
    latest = _latest_moves(application, 1)
    return (
        bool(latest)
        and latest[0].reason == ClosingReason.OFFER_DECLINED
        and _hire_in_force(application)
    )


def _latest_moves(application, count):
    return list(application.stage_changes.order_by("-at", "-pk")[:count])


def _close_again(application):
    """The revised offer whose sending reopened `application` never reached the candidate (its
    email undone or stopped): the application is withdrawn again, as their decline left it.
    Nobody's move (by None, as the decline's own): the recruiter took back their offer, not
    the candidate's application."""
    latest = _latest_moves(application, 2)
    if application.stage != Stage.OFFER or len(latest) < 2:
        return
    reopening, decline = latest
    if reopening.from_stage == Stage.WITHDRAWN and decline.reason == ClosingReason.OFFER_DECLINED:
        application.move_to(
            Stage.WITHDRAWN, None, reason=decline.reason, reason_note=decline.reason_note
        )


def today_for(person):
    """The date on `person`'s own calendar now: a start date is tomorrow or later there."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(person.zone_name))


def check_fields(start_date, expires_at, terms, zone_name, candidate):
    """What is wrong with an offer's dates and terms, by field (ValidationError), for someone
    in `zone_name` (whose calendar says what today and a date are) preparing it for
    `candidate`. A field given as None was refused already (a form's own check): the others
    are still checked, so that each message shows beside its field at once."""
    zone = zoneinfo.ZoneInfo(zone_name)
    now = timezone.now()
    today = timezone.localdate(now, zone)
    errors = {}
    if start_date is not None:
        if start_date <= today:
            errors["start_date"] = _("The start date must be in the future.")
        elif start_date > today + LATEST_START:
            errors["start_date"] = _("The start date must be within two years.")
    if expires_at is not None:
        if expires_at <= now:
            errors["expires_at"] = _("The offer must expire in the future.")
        elif expires_at > now + LONGEST_EXPIRY:
            errors["expires_at"] = _("The offer must expire within 90 days.")
        elif (
            start_date
            and "start_date" not in errors
            and (late := _expires_too_late(expires_at, start_date, zone_name, candidate))
        ):
            errors["expires_at"] = late
    if terms is not None:
        if len(terms) > MAX_TERMS:
            errors["terms"] = _("Keep the terms to %(max)s characters.") % {"max": MAX_TERMS}
        elif not terms.strip():
            errors["terms"] = _("Write the terms of the offer.")
    if errors:
        raise ValidationError(errors)


def _expires_too_late(expires_at, start_date, zone_name, candidate):
    """Why an offer expiring at `expires_at` could be accepted on or after `start_date`, or
    None. The start date is a day on the candidate's calendar: the expiry is read in their zone
    once they set one (in the preparer's, `zone_name`, until then). Else the candidate could
    accept a job that had started without them."""
    their_zone = candidate.time_zone or zone_name
    if expires_at.astimezone(zoneinfo.ZoneInfo(their_zone)).date() < start_date:
        return None
    if their_zone == zone_name:
        return _("The offer must expire before its start date.")
    return _(
        "The offer must expire before its start date in the candidate's time zone, where it "
        "expires %(when)s."
    ) % {"when": messages.shown_to(candidate, expires_at)}


def _lock(application):
    return Application.objects.select_for_update().get(pk=application.pk)


def _lock_offer(offer):
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__opening__team")
        .get(pk=offer.pk)
    )


def _audit(offer, by, suffix=""):
    """The offer's new status in the audit trail (stored: in the default language)."""
    with stored_words():
        details = f"{offer.get_status_display()}{suffix}"
    AuditEvent.record(
        AuditEvent.Action.OFFER, by, offer.application.opening.team, offer.application, details
    )


def last_of(offers):
    """The newest of `offers`, or None."""
    return max(offers, key=lambda offer: (offer.created_at, offer.pk), default=None)


def last_declined(offers):
    """The newest of `offers` the candidate declined, or None."""
    return last_of([offer for offer in offers if offer.status == Status.DECLINED])


TERMS = ["title", "start_date", "terms", "expires_at"]


def _terms_of(offer):
    return tuple(getattr(offer, name) for name in TERMS)


def version(offer):
    """The version of a draft a page editing it carries, to tell on saving whether someone
    saved it since (edit)."""
    return version_of(_terms_of(offer))


def prepare(application, by, *, title, start_date, terms, expires_at):
    """A draft offer, only for an application its team decided to hire and without a live one.
    After the candidate declined the last one, a revised draft leaves the application withdrawn
    until it is sent (can_prepare, send). The same form sent twice (a double click) gets the
    draft the first made."""
    check_fields(start_date, expires_at, terms, by.zone_name, application.candidate)
    try:
        with transaction.atomic():
            application = _lock(application)
            offer = Offer(
                application=application,
                title=title.strip(),
                start_date=start_date,
                terms=terms.strip(),
                expires_at=expires_at,
                created_by=by,
            )
            earlier = list(application.offers.all())
            for other in earlier:
                if other.has_lapsed:  # its expiry is recorded before a new one may start
                    _expire(other)
            live = next((other for other in earlier if other.is_live), None)
            if live is not None:
                if live.status == Status.DRAFT and _terms_of(live) == _terms_of(offer):
                    return live
                raise ChangedMeanwhile(
                    _(
                        "This application already has an offer, prepared after you opened this "
                        "page. Your text is below, not saved, and that offer under it."
                    ),
                    live,
                )
            if not (hire_decided(application) or reopens(application)):
                raise ValidationError(NOT_TEAMS_DECISION)
            offer.full_clean()
            offer.save()
            _audit(offer, by)
    except IntegrityError as error:  # another offer was prepared at the same moment
        raise ValidationError(_("This application already has an offer.")) from error
    return offer


@transaction.atomic
def edit(offer, by, *, title, start_date, terms, expires_at, based_on=None):
    """Change a draft. `based_on`: the version (version()) the editor's page showed, which
    must still be the draft's."""
    check_fields(start_date, expires_at, terms, by.zone_name, offer.application.candidate)
    _lock(offer.application)  # before the offer, as send() and withdraw(): else they deadlock
    offer = _lock_offer(offer)
    if offer.status != Status.DRAFT:
        raise ChangedMeanwhile(
            _(
                "Only a draft offer can be edited, and this one is %(status)s now. Your text is "
                "below, not saved."
            )
            % {"status": offer.shown_status.label.lower()},
            offer,
        )
    fields = {
        "title": title.strip(),
        "start_date": start_date,
        "terms": terms.strip(),
        "expires_at": expires_at,
    }
    refuse_if_saved_since(
        offer,
        TERMS,
        fields,
        based_on,
        _(
            "Someone saved this draft after you opened this page. Your text is below, not "
            "saved, and theirs under it: save again to replace theirs with yours."
        ),
    )
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean()
    offer.save(update_fields=TERMS)
    AuditEvent.record(
        AuditEvent.Action.OFFER,
        by,
        offer.application.opening.team,
        offer.application,
        details="Draft edited",
    )
    return offer


def email_values(offer):
    """What the offer email fills in; queue_email shows dates and times in the candidate's zone."""
    return {
        "offer_title": offer.title,
        "offer_start_date": offer.start_date,
        "offer_expires": offer.expires_at,
    }


def preview(offer, by):
    """The email `by` sends with the offer, (subject, body), as the candidate will read it."""
    return messages.compose(
        offer.application, EmailTemplate.Kind.OFFER, by=by, values=email_values(offer)
    )


def fingerprint(offer, subject, body):
    """What the sender confirmed (the email and the terms its link shows), to tell whether it
    changed since: a colleague edited the draft, or the team's offer template."""
    return version_of([subject, body, offer.terms])


def _confirmed_as_is(offer, by, previewed):
    """Whether `previewed` is the fingerprint of the offer's email as `by` reads it now."""
    return previewed is not None and fingerprint(offer, *preview(offer, by)) == previewed


@transaction.atomic
def send(offer, by, previewed=None):
    """Send a draft to the candidate, from the offer email template, once this commits; a
    revised offer after the candidate declined reopens the application at Offer. From the page
    that shows the email: only if it is still the one `by` read (`previewed`, its
    fingerprint)."""
    application = _lock(offer.application)
    offer = _lock_offer(offer)
    if offer.status == Status.SENT and _confirmed_as_is(offer, by, previewed):
        return offer  # the same confirmation sent twice (a double click): it went out once
    if offer.status != Status.DRAFT:
        raise ValidationError(_("Only a draft offer can be sent."))
    reopening = reopens(application)
    if not (hire_decided(application) or reopening):
        raise ValidationError(NOT_TEAMS_DECISION)
    if offer.expires_at <= timezone.now() or offer.start_date <= today_for(by):
        raise ValidationError(_("This draft's dates have passed: edit them before sending."))
    check_draft(offer, by)
    if previewed is not None and not _confirmed_as_is(offer, by, previewed):
        raise ValidationError(_("The offer changed since you read it: read it again, then send."))
    if reopening:
        application.move_to(Stage.OFFER, by)
    offer.status, offer.sent_at = Status.SENT, timezone.now()
    offer.save(update_fields=["status", "sent_at"])
    _audit(offer, by)
    messages.queue_email(
        offer.application, EmailTemplate.Kind.OFFER, by=by, values=email_values(offer)
    )
    return offer


def check_draft(offer, by):
    """check_fields() of a draft `by` is about to send, read again: the candidate may have set
    their time zone since it was saved, and its expiry may now fall on or after the start date
    on their calendar."""
    check_fields(
        offer.start_date, offer.expires_at, offer.terms, by.zone_name, offer.application.candidate
    )


@transaction.atomic
def withdraw(offer, by):
    """Take back a draft or a sent offer; the application stays where it is, for a new one. Its
    email, if still in its undo delay, does not go out: its link would only say "withdrawn";
    a revised offer stopped so leaves the application as the candidate's decline left it.
    False if it was withdrawn already (a double click, a second tab): nothing more is done."""
    application = _lock(offer.application)
    offer = _lock_offer(offer)
    if offer.status == Status.WITHDRAWN:
        return False
    if offer.shown_status not in (Status.DRAFT, Status.SENT):
        raise ValidationError(
            _("This offer is %(status)s.") % {"status": offer.shown_status.label.lower()}
        )
    offer.status = Status.WITHDRAWN
    offer.save(update_fields=["status"])
    _audit(offer, by)
    # One statement; the offer's save above renews the application's page.
    if messages.cancel_unsent(emails_to_go(application)):
        _close_again(application)
    return True


@transaction.atomic
def end_for_withdrawal(application, by=None):
    """The candidate withdrew (or an erasure `by` someone withdrew it): their live offer is
    withdrawn, and one past its expiry that beat has not recorded yet is recorded expired
    (withdraw() refuses it: it is no longer live)."""
    for offer in application.offers.filter(status__in=[Status.DRAFT, Status.SENT]):
        if not offer.has_lapsed:
            withdraw(offer, by)
            continue
        offer = _lock_offer(offer)
        if offer.status == Status.SENT:  # else expire_due recorded it meanwhile
            _expire(offer)


@transaction.atomic
def undo_sending(email, by):
    """The offer's email undone within its delay: the offer it carries is a draft again, to
    edit and send (else it would wait, sent, for an answer to a link the candidate never got),
    and a revised one leaves the application as the candidate's decline left it. False once
    the email went out."""
    application = _lock(email.application)
    if not messages.cancel(email):
        return False
    for offer in application.offers.filter(status=Status.SENT):  # one at most: it is live
        offer.status, offer.sent_at = Status.DRAFT, None
        offer.save(update_fields=["status", "sent_at"])
        _audit(offer, by, ": its email undone")
    _close_again(application)
    return True


def emails_to_go(application):
    """The application's offer emails still in their undo delay (one live offer at a time, so
    they are its live offer's)."""
    return application.emails.unsent().filter(kind=EmailTemplate.Kind.OFFER)


def offer_for_link(token, answer=None):
    """The sent offer behind a candidate's link, or LinkError saying why it can't be answered.
    The link lives as long as the offer: until it expires, is withdrawn or answered.
    `answer`: the status the candidate's answer posts, which a double click sends twice
    (accept() and decline() record it once); a no is still taken by an offer that expired
    meanwhile."""
    pk = unsign(
        token,
        Offer.SALT,
        None,  # the offer's own expiry bounds the link, below
        expired=_("This offer has expired."),
        invalid=_("This link is not valid. Check that you copied all of it."),
    )
    offer = (
        Offer.objects.select_related("application__candidate", "application__opening__team")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise LinkError(_("This offer was withdrawn. Write to the recruiter who contacted you."))
    if offer.application.candidate.erased_at:  # as every candidate link, whatever the offer
        raise LinkError(_("We no longer hold this application."))
    if offer.status != answer:
        check_answerable(offer, declining=answer == Status.DECLINED)
    return offer


def check_answerable(offer, declining=False):
    """LinkError saying why the candidate can't answer `offer` now; `declining`: a no, which an
    expired offer still takes (decline)."""
    if offer.status == Status.ACCEPTED:
        raise LinkError(_("You already accepted this offer. Welcome aboard!"))
    if offer.status == Status.DECLINED:
        raise LinkError(_("You already declined this offer."))
    expired = offer.shown_status == Status.EXPIRED
    if expired and not declining:
        raise _expired(offer)
    if offer.status != Status.SENT and not expired:
        raise LinkError(_("This offer was withdrawn. Write to the recruiter who contacted you."))
    candidate = offer.application.candidate
    # Sent to expire before its start date on their calendar; moved to another zone since,
    # they could reach the start day with the offer still open (without a zone of their own,
    # the sending checked the preparer's calendar, which stands).
    if not declining and candidate.time_zone and today_for(candidate) >= offer.start_date:
        raise LinkError(
            _(
                "This offer was to start on %(date)s: that day has come. Write to the recruiter "
                "who contacted you."
            )
            % {"date": zones.written(offer.start_date, "l j F Y")}
        )


def _expired(offer):
    expired = messages.shown_to(offer.application.candidate, offer.expires_at)
    return LinkError(
        _("This offer expired on %(date)s. Write to the recruiter who contacted you.")
        % {"date": expired}
    )


def _answer(offer, status, stage, reason=""):
    with transaction.atomic():
        application = _lock(offer.application)
        offer = _lock_offer(offer)
        if offer.status == status and offer.decline_reason == reason:
            return offer  # the same answer sent twice (a double click): recorded once
        check_answerable(offer, declining=status == Status.DECLINED)
        if application.stage != Stage.OFFER:
            raise LinkError(
                _("This application is closed. Write to the recruiter who contacted you.")
            )
        late = offer.shown_status == Status.EXPIRED
        if late and last_of(application.offers.all()) != offer:
            raise _expired(offer)  # a newer offer was made since: the no was to this one
        if offer.has_lapsed:
            _expire(offer)  # as expire_due would have, before the answer
        offer.status, offer.answered_at, offer.decline_reason = status, timezone.now(), reason
        offer.save(update_fields=["status", "answered_at", "decline_reason"])
        _audit(offer, None, " by the candidate after its expiry" if late else " by the candidate")
        if status == Status.DECLINED:
            application.move_to(
                stage, None, reason=ClosingReason.OFFER_DECLINED, reason_note=_as_note(reason)
            )
        else:
            application.move_to(stage, by=None)
            # A member hired into their own team joins it no more: linked to their account now.
            team = application.opening.team
            hired = the_candidates_among(list(team.members.all()), application)
            checkins.link_hires(team, hired)
        automation.after_move(application, Stage.OFFER)
        booking.cancel_upcoming(application, by=None)  # hired, or withdrawn
        _tell_of_the_answer(offer)
    return offer


def _as_note(text):
    """`text` as a closing reason's note: its start, marked cut, when it is longer (the whole
    of it stays where it was written)."""
    if len(text) <= LONGEST_REASON_NOTE:
        return text
    return text[: LONGEST_REASON_NOTE - 1].rstrip() + "…"


def accept(offer):
    """The candidate accepts through their link: the application is Hired."""
    return _answer(offer, Status.ACCEPTED, Stage.HIRED)


def decline(offer, reason=""):
    """The candidate declines through their link, with a reason if they like: the application
    is Withdrawn (the candidate said no), the reason kept on the offer. A no that comes after
    the offer expired (they were writing their reason) still counts, and the team hears it,
    unless a newer offer was made since (the no was to this one)."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(_("Keep the reason to %(max)s characters.") % {"max": MAX_REASON})
    return _answer(offer, Status.DECLINED, Stage.WITHDRAWN, reason)


def _tell_of_the_answer(offer):
    """One task tells whoever hears of the candidate's answer, deciding who as it sends
    (access.told_of_offer_answer)."""
    from .tasks import send_offer_answered_notices  # here: the tasks module imports this one

    send_offer_answered_notices.delay_on_commit(offer.pk)


def expire_due(now=None):
    """Sent offers past their expiry become expired; the application stays at Offer."""
    due = Offer.objects.filter(status=Status.SENT, expires_at__lte=now or timezone.now())
    expired = 0
    for offer in due.select_related("application").order_by("pk"):
        with transaction.atomic():
            # Its application first, as the candidate's answer: else the two deadlock.
            _lock(offer.application)
            offer = _lock_offer(offer)
            if offer.status != Status.SENT:  # answered or withdrawn meanwhile
                continue
            _expire(offer)
            expired += 1
    return expired


def _expire(offer):
    offer.status = Status.EXPIRED
    offer.save(update_fields=["status"])
    _audit(offer, None)


# A hire who does not start (they took another offer, say): the offer they accepted stays
# accepted, their application is withdrawn.


def why_no_did_not_start(application):
    """Why it can't be recorded that `application`'s hire did not start, or None: only a hire
    who never joined the team may not start; a member leaves through the team's own
    membership flow (leaving, or a proposal to remove them), and one who left had started.
    Two queries for a hire."""
    if application.stage != Stage.HIRED:
        return _("Only a hired candidate can be recorded as not starting.")
    if application.candidate.erased_at:
        # Nothing more is written about them, and anyone might be the hire now (is_the_candidate).
        return _("This candidate's data was erased: nothing more is recorded about them.")
    if membership.hire_joined(application):
        return _joined(application)
    if application.member_id:  # linked as they joined (checkins.link_hires), kept as they left
        return _(
            "%(person)s joined %(team)s and has left it since: they started, so this can't be "
            "recorded."
        ) % {"person": application.candidate, "team": application.opening.team}
    return None


def _joined(application):
    return _(
        "%(person)s has joined %(team)s already: they leave it through the team's membership "
        "(they leave, or a member proposes to remove them), not here."
    ) % {"person": application.candidate, "team": application.opening.team}


def check_not_starting(application, told_on, zone_name):
    """What is wrong with the day the hire told that they would not start, by field, for
    someone in `zone_name`: a day of their calendar from the hire to today."""
    zone = zoneinfo.ZoneInfo(zone_name)
    if told_on > timezone.localdate(timezone=zone):
        raise ValidationError({"told_on": _("The date can't be in the future.")})
    hired_on = timezone.localdate(application.stage_changed_at, zone)
    if application.stage == Stage.HIRED and told_on < hired_on:
        raise ValidationError(
            {
                "told_on": _("The date can't be before the hire (%(date)s).")
                % {"date": zones.written(hired_on, "j M Y")}
            }
        )


@freshness.one_write()
def did_not_start(application, by, *, reason, told_on):
    """Record that the hire of `application` will not start, as `by` was told on `told_on`:
    the application moves from Hired to Withdrawn (the candidate's choice), the team's
    invitation waiting for the hire is withdrawn, and the check-ins nobody submitted go; the
    accepted offer and the submitted check-ins stay, as they happened."""
    reason = reason.strip()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate", "opening__team")
        .get(pk=application.pk)
    )
    details = f"did not start: {reason} (told on {told_on.isoformat()})"
    if application.stage == Stage.WITHDRAWN and _last_withdrawal(application) == details:
        return application  # the same form sent twice (a double click): recorded once
    if why := why_no_did_not_start(application):
        raise ValidationError(why)
    check_not_starting(application, told_on, by.zone_name)
    team = application.opening.team
    withdrawn = AuditEvent.of(
        AuditEvent.Action.WITHDRAWN_BY_CANDIDATE, by, team, application, details=details
    )
    # Nothing on the lists says it: what they were told is the note.
    application.move_through(
        [Stage.WITHDRAWN], by, [withdrawn], reason=ClosingReason.OTHER, reason_note=reason
    )
    automation.after_move(application, Stage.HIRED)  # a welcome still in its undo delay: taken back
    if not membership.hire_not_joining(application, by):
        raise ValidationError(_joined(application))
    checkins.end_early(application.check_ins.all(), timezone.now())
    return application


def _last_withdrawal(application):
    """The details of the application's latest withdrawal in the trail, or None."""
    events = application.audit_events.filter(action=AuditEvent.Action.WITHDRAWN_BY_CANDIDATE)
    return events.order_by("-pk").values_list("details", flat=True).first()
