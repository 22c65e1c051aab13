"""Erasure anonymises a candidate, driven by the inventory (inventory.HOLDINGS): every holding's
personal fields are blanked and its files deleted, so a holding added there is erased too. The
numbers stay (stages and their dates, ratings, votes, decisions' outcomes, offers' dates), so a
team's history and its statistics do not change. The record itself stays, as "Erased candidate".

A candidate is erased at their own request (their status page, then a confirmation link), by a
recruiter or leadership from the privacy page, or by retention (retention.py). A legal hold
stops all three (holds.py). Erasing twice changes nothing.
"""

import base64
import logging
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecards.models import CheckIn

from .. import freshness
from ..accounts import zones
from ..cache import UNREACHABLE
from ..candidates.merging import possible_duplicates
from ..checkins import checkins
from ..email.notifications import ClaimHeld, email_to, erasure_confirmation_key, send_once
from ..models import (
    Application,
    AuditEvent,
    Candidate,
    CandidateEmail,
    CandidateImport,
    DataExport,
    InterviewSession,
    LinkError,
    Notification,
    Proposal,
    match_turns,
    take_turns,
    unsign,
)
from ..outreach import messages
from ..portal import status
from ..scheduling import booking
from ..tasks import InviteBeingSent, send_session_invites
from . import links
from .files import deleter
from .inventory import HOLDINGS, records_holding

logger = logging.getLogger(__name__)

# Stored (the name, the audit trail's details): never translated.
ERASED_NAME = "Erased candidate"
AT_THEIR_REQUEST = "at the candidate's request"
BY_RETENTION = "by retention"
GONE = gettext_lazy("We no longer hold this application.")
ON_HOLD = gettext_lazy("This candidate is on legal hold: release the hold to erase their data.")
INVITE_BEING_SENT = gettext_lazy(
    "An invitation to the interview is being sent right now, so nothing was erased: try "
    "again in a few minutes, and its cancellation will go with the erasure."
)
KEPT_FOR_NOW = gettext_lazy(
    "We must keep your data for now to meet a legal obligation, so we can't erase it yet. "
    "Your request is recorded: we will erase your data as soon as that obligation ends."
)
CONFIRMATION_SALT = "teamfit.erasure-confirmation"
# Cached pages are searched for these texts of an erased candidate; shorter ones would match
# pages about anybody.
SHORTEST_SEARCHED = 3


class OnHold(ValidationError):
    """The candidate is on legal hold: nothing of theirs is erased until it is released."""


def erased_address(candidate_id, index=0):
    """What replaces a candidate's address (index 0) or the addresses of records merged in: a
    reserved domain, so nothing is ever delivered there."""
    return (
        f"erased-{candidate_id}@invalid" if index == 0 else f"erased-{candidate_id}-{index}@invalid"
    )


def erase(candidate, by=None, how=None, requested=False):
    """Erase `candidate` (outside a transaction): open applications are withdrawn and
    interviews still to come cancelled, their cancellations sent while the address is still
    known, then the record is anonymised. `how` says why for the audit trail
    (AT_THEIR_REQUEST), else it is "by <by>". `requested`: the request they made while on
    legal hold, carried out once it ended, which stands only until they ask to be kept
    (retention.keep), read under lock. ValidationError while on legal hold, or when the
    cancellations could not be sent (nothing is erased then); False if erased already, or
    no longer requested."""
    if candidate.erased_at:
        return False
    how = how or f"by {by}"
    if not _wind_down(candidate, by, how, requested):
        return False
    try:
        _send_cancellations(candidate)
        shown_with = _records_shown_with([candidate])
        with transaction.atomic():
            _take_turns([candidate])
            candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
            if candidate.held_at:
                raise OnHold(ON_HOLD)
            if not _to_erase(candidate, requested):
                return False
            _anonymise([candidate], by, how, shown_with)
    except ValidationError:
        if not requested:
            # Nothing carries it on (retention resumes only a request made on hold, which
            # keeps its start): a wish to be kept counts again.
            Candidate.objects.filter(
                pk=candidate.pk, erased_at=None, erasure_requested_at=None
            ).update(erasure_started_at=None)
        raise
    return True


def erase_at_their_request(candidate):
    """The candidate confirmed their request through the link sent to their address: every
    record that holds it is erased (inventory.records_holding), the one behind the link last,
    so that the link still works to try again if another could not be. True once all are.
    False while one is on legal hold: the request is recorded on it, and retention erases it
    once the hold is released."""
    erased_all = True
    for record in records_requested_with(candidate):
        try:
            erase(record, how=AT_THEIR_REQUEST)
        except OnHold:
            Candidate.objects.filter(pk=record.pk, erasure_requested_at=None).update(
                erasure_requested_at=timezone.now()
            )
            erased_all = False
    return erased_all


def records_requested_with(candidate):
    """The records a request the candidate confirmed through the link of `candidate` is about:
    every record not erased holding its address (inventory.records_holding), `candidate` last.
    Keeping their data (retention.keep) cancels it on the same ones."""
    others = [record for record in records_holding(candidate.email) if record.pk != candidate.pk]
    return [*others, candidate]


def erase_batch(candidates, how=BY_RETENTION):
    """Erase, in one transaction, the candidates of the queryset `candidates` that have nothing
    in motion (no open application, no interview to come): retention's batches. The queryset
    is read again once their rows are locked, so a candidate who asked to be kept, applied or
    was put on hold meanwhile is left alone. Returns how many were erased."""
    found = list(candidates)
    shown_with = _records_shown_with(found)  # read before the transaction, to keep it short
    wanted = [candidate.pk for candidate in found]
    with transaction.atomic():
        _take_turns(found)
        locked = Candidate.objects.select_for_update().filter(pk__in=wanted)
        list(locked.values_list("pk", flat=True))  # the locks first, then the query again
        erasable = list(
            candidates.filter(pk__in=wanted, erased_at=None, held_at=None)
            .exclude(models.Exists(in_motion()))
            .order_by("pk")
        )
        if erasable:
            _anonymise(erasable, None, how, shown_with)
    return len(erasable)


def _take_turns(candidates):
    """The turns of the candidates' emails and names, before their rows are locked, as every
    writer of candidates takes them (models.take_turns): their erasure marks them again."""
    take_turns(match_turns([(candidate.email, candidate.search_name) for candidate in candidates]))


def in_motion():
    """What erasure winds down first, for `Candidate` rows: an open application or an
    interview still to come."""
    return Application.objects.filter(
        models.Q(candidate=models.OuterRef("pk"))
        & (
            ~models.Q(stage__in=status.FINAL)
            | models.Q(
                panel__sessions__cancelled_at=None,
                panel__sessions__start__gt=timezone.now(),
            )
        )
    )


def _to_erase(candidate, requested):
    """Whether `candidate`, read under lock, is still to be erased."""
    return not candidate.erased_at and (candidate.erasure_requested_at or not requested)


@transaction.atomic
def _wind_down(candidate, by, how, requested):
    """False if there is nothing to erase (_to_erase)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.held_at:
        raise OnHold(ON_HOLD)
    if not _to_erase(candidate, requested):
        return False
    if not candidate.erasure_started_at:
        # What is withdrawn now stays withdrawn, whoever erases them: a wish to be kept comes
        # too late from here (retention.keep).
        candidate.erasure_started_at = timezone.now()
        candidate.save(update_fields=["erasure_started_at"])
    # Withdrawing cancels the application's interviews to come (status.withdraw).
    for application in candidate.applications.exclude(stage__in=status.FINAL):
        status.withdraw(application, reason="", erasing=how, by=by)  # nobody said why
    for session in _upcoming(candidate).filter(cancelled_at=None):
        booking.cancel_session(session, by)
    return True


def _upcoming(candidate):
    return InterviewSession.objects.filter(
        panel__application__candidate=candidate, start__gt=timezone.now()
    )


def _send_cancellations(candidate):
    """The cancellations of the candidate's interviews to come, sent now, before their name and
    address go: the worker's own run of the same task finds them sent in the ledger (their
    keys are moved to the erased address, _hide_addresses) and sends nothing twice."""
    for session in _upcoming(candidate).exclude(cancelled_at=None):
        try:
            send_session_invites(session.pk, session.sequence)
        except InviteBeingSent as error:
            # Sent after the address went, the cancellation would never reach them.
            raise ValidationError(INVITE_BEING_SENT) from error
        except ClaimHeld:
            pass  # another attempt is sending it right now, the address in hand
        except OSError as error:
            raise ValidationError(
                _(
                    "The interview cancellations could not be sent (the mail server did not "
                    "answer), so nothing was erased. Try again in a few minutes."
                )
            ) from error


def _anonymise(candidates, by, how, shown_with):
    """Blank every holding of `candidates` (locked, in the caller's transaction); the teams of
    the records `shown_with` them move on."""
    ids = [candidate.pk for candidate in candidates]
    now = timezone.now()
    searched = _texts_of(candidates)
    stand_ins = _stand_ins(candidates)
    _cancel_unsent_emails(ids)
    files = []
    # Those found by an address first, while the addresses are there; the candidate's own row
    # last.
    for holding in sorted(
        HOLDINGS, key=lambda holding: (holding.model is Candidate, not holding.by_address)
    ):
        if holding.model is Notification:
            _hide_addresses(holding.rows_of(candidates), stand_ins)
        elif holding.model is CandidateImport:
            # Imports are rarely in progress: a query for each candidate only when one is (a
            # queued one left their row would bring them back when it ran).
            waiting = CandidateImport.objects.filter(status__in=CandidateImport.HOLDING_ROWS)
            for candidate in candidates if waiting.exists() else ():
                _drop_import_rows(holding.rows(candidate), candidate)
        elif holding.by_address:
            _replace_addresses(holding.rows_of(candidates), stand_ins, now)
        else:
            rows = holding.model._base_manager.filter(**{f"{holding.to_candidate}__in": ids})
            files += _stored_files(holding, rows)
            if holding.model is DataExport:
                rows.delete()
            elif holding.model is CheckIn:
                checkins.end_early(rows, now)
            elif holding.model is AuditEvent:
                _blank_audit_details(rows)
            elif holding.model is Candidate:
                # Through its own update, which marks again the records their email or name
                # paired with them, and theirs.
                erased = models.Case(
                    *[models.When(pk=pk, then=models.Value(erased_address(pk))) for pk in ids]
                )
                blanks = {**_blanks(holding), "email": erased}
                Candidate.objects.filter(pk__in=ids).update(**blanks, erased_at=now)
            elif holding.personal or holding.files:
                rows.update(**_blanks(holding))
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=AuditEvent.Action.CANDIDATE_ERASED,
            actor=by,
            details=f"Candidate record #{candidate.pk} erased {how}",
            at=now,
        )
        for candidate in candidates
    )
    # Last, so that the teams' rows, which every change to a board writes, are locked briefly.
    freshness.team_changed(
        Application.objects.filter(candidate_id__in=shown_with).values("opening__team")
    )
    transaction.on_commit(lambda: _delete_files(files))
    transaction.on_commit(lambda: forget_cached_pages(searched))


def _blanks(holding):
    """Each personal field and file of `holding` emptied, to what a new row holds (a text's
    "", a date's or a number's null); the candidate's name says erased."""
    blanks = {
        name: holding.model._meta.get_field(name).get_default()
        for name in (*holding.personal, *holding.files)
    }
    if holding.model is Candidate:
        blanks["name"] = ERASED_NAME
    return blanks


def _stored_files(holding, rows):
    """(how to delete it, name) of each file the rows hold. Locked: an export finishing now
    waits, and its file is found."""
    found = []
    for name in holding.files:
        delete = deleter(holding.model._meta.get_field(name))
        stored = rows.select_for_update().exclude(**{name: ""}).values_list(name, flat=True)
        found += [(delete, path) for path in stored]
    return found


def _delete_files(files):
    for delete, name in files:
        delete(name)


def _addresses(candidate):
    return [candidate.email, *candidate.other_emails.split()]


def _stand_ins(candidates):
    """{address, lower case: its erased stand-in} for the candidates' addresses, those of the
    records merged in and those their teams proposed them at (Application.member_email)."""
    proposed_at = defaultdict(list)
    member_emails = (
        Application.objects.filter(candidate__in=candidates)
        .exclude(member_email="")
        .order_by("pk")
        .values_list("candidate", "member_email")
    )
    for candidate_id, address in member_emails:
        proposed_at[candidate_id].append(address)
    stand_ins = {}
    for candidate in candidates:
        found = [*_addresses(candidate), *proposed_at[candidate.pk]]
        for index, address in enumerate(dict.fromkeys(a.lower() for a in found)):
            stand_ins.setdefault(address, erased_address(candidate.pk, index))
    return stand_ins


def _hide_addresses(notifications, stand_ins):
    """Ledger keys that end in one of the candidates' addresses end in its erased stand-in: a
    message sent to them before is still found sent, so nothing goes out twice. The record of
    the links last emailed to an address goes: no link goes to an erased record's."""
    for notification in notifications:
        if notification.key.startswith(links.LEDGER_PREFIX):
            Notification.objects.filter(pk=notification.pk).delete()
            continue
        start, _, address = notification.key.rpartition(":")
        if address.lower() in stand_ins:
            key = f"{start}:{stand_ins[address.lower()]}"
            Notification.objects.filter(pk=notification.pk).update(key=key)


def _replace_addresses(rows, stand_ins, now):
    """Proposals and invitations at one of the candidates' addresses name its erased stand-in
    instead, and so do the audit trail's words for them; none is left to invite anybody at
    it: an open proposal is withdrawn, an invitation not taken up revoked."""
    for row in rows.select_for_update():
        stand_in = stand_ins[row.email.lower()]
        if isinstance(row, Proposal):
            # Its words when settled (teams.membership._stored_outcome) quote its address,
            # under the action it was settled with (teams.membership._audited_as).
            settled = [AuditEvent.Action.MEMBERSHIP_CHANGED, AuditEvent.Action.PROPOSAL_NOT_AGREED]
            events = AuditEvent.objects.filter(team=row.team_id, action__in=settled)
            ended = {"status": Proposal.Status.WITHDRAWN, "decided_at": now} if row.is_open else {}
        else:
            # An invitation to the organisation is traced by its address (teams.invitations).
            events = AuditEvent.objects.filter(team=None, action=AuditEvent.Action.INVITATION)
            ended = {} if row.revoked_at else {"revoked_at": now}
        address = _whole_address(row.email)
        for event in events.filter(details__icontains=row.email):
            details = address.sub(stand_in, event.details)
            if details != event.details:
                models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), details=details)
        type(row).objects.filter(pk=row.pk).update(email=stand_in, **ended)


# What an address holds before its "@" (RFC 5322's atoms and dots), and after it (a domain's
# letters, digits, hyphens, and dots between them): one of them beside an address found in a
# text makes it part of a longer one (joann@x.io, ann@x.io.uk), a full stop ending a sentence
# does not.
_IN_ADDRESS_BEFORE = r"[\w.!#$%&'*+/=?^`{|}~-]"
_IN_ADDRESS_AFTER = r"[\w-]|\.[\w-]"


def _whole_address(address):
    """`address` in a text, in any case (as addresses compare), and never inside a longer
    address; a sentence's full stop after it still finds it."""
    return re.compile(
        rf"(?<!{_IN_ADDRESS_BEFORE}){re.escape(address)}(?!{_IN_ADDRESS_AFTER})", re.IGNORECASE
    )


def _drop_import_rows(imports, candidate):
    """An import not yet over loses the candidate's rows, and counts the others (a running one
    writes only the rows it still holds: imports._write)."""
    addresses = {address.lower() for address in _addresses(candidate)}
    for candidate_import in imports.select_for_update():
        rows = [row for row in candidate_import.rows if not CandidateImport.lists(row, addresses)]
        CandidateImport.objects.filter(pk=candidate_import.pk).update(rows=rows, total=len(rows))


def _cancel_unsent_emails(ids):
    """Emails still to go to them (a withdrawal's, or one awaiting a recruiter) never go. Their
    applications are locked first: an email being written to them holds its own
    (messages.queue_email), and is committed, to be blanked with the others, before this
    goes on."""
    list(Application.objects.select_for_update().filter(candidate__in=ids).values_list("pk"))
    messages.cancel_unsent(CandidateEmail.objects.filter(application__candidate__in=ids))


def _blank_audit_details(events):
    """The one edit of the append-only audit trail (AuditEventQuerySet refuses update()):
    erasure empties the details of the candidate's applications' events, which may quote what
    was written about them. Every event stays, with its action, actor and time; a stage
    change's details name only the stages, and a withdrawal by the erasure's how it went
    (status.withdraw): they stay too."""
    kept = [AuditEvent.Action.STAGE_CHANGED, AuditEvent.Action.WITHDRAWN_BY_ERASURE]
    events = events.exclude(action__in=kept).exclude(details="")
    models.QuerySet.update(events, details="")


def _records_shown_with(candidates):
    """The records whose applications' pages show `candidates`: their own, and (an application
    page lists the records that may be the same person) those that look like them until now.
    Their teams move on, so no cached page with them is read again."""
    return [candidate.pk for candidate in candidates] + [
        found.candidate.pk for candidate in candidates for found in possible_duplicates(candidate)
    ]


def _texts_of(candidates):
    texts = set()
    for candidate in candidates:
        texts |= {candidate.name, escape(candidate.name), *_addresses(candidate)}
    return {text for text in texts if len(text) >= SHORTEST_SEARCHED}


def forget_cached_pages(texts):
    """Delete the cache's entries that hold any of `texts`, on the database or on Redis. Such an
    entry can no longer be read (its teams moved on, _records_shown_with), but it stays stored
    until it expires (within freshness.LONGEST_S), and on the database until it is culled."""
    cache = caches["default"]
    if not texts:
        return 0
    pattern = re.compile(b"|".join(re.escape(text.encode()) for text in texts))
    if isinstance(cache, DatabaseCache):
        return _forget_in_table(cache, pattern)
    if isinstance(cache, RedisCache):
        return _forget_in_redis(cache, pattern)
    return 0


def _forget_in_table(cache, pattern):
    """Expired entries go first, unread: only the last few hours' pages are read."""
    connection = connections[router.db_for_write(cache.cache_model_class)]
    table = connection.ops.quote_name(cache._table)
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    stale = []
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
        cursor.execute(f"SELECT cache_key, value FROM {table}")
        while rows := cursor.fetchmany(100):
            stale += [key for key, value in rows if pattern.search(base64.b64decode(value))]
        for start in range(0, len(stale), 100):
            chunk = stale[start : start + 100]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE cache_key IN ({placeholders})", chunk)
    return len(stale)


def _forget_in_redis(cache, pattern):
    """Redis holds a value as its pickle (an integer as its digits): the texts are in it as
    they are. Redis out of reach forgets nothing: its entries expire all the same."""
    try:
        client = cache._cache.get_client(write=True)
        stale = [
            key
            for key in client.scan_iter(match=cache.make_key("*"), count=500)
            if pattern.search(client.get(key) or b"")
        ]
        if stale:
            client.delete(*stale)
    except UNREACHABLE:
        logger.warning("Cached pages of erased candidates not deleted: Redis is unreachable")
        return 0
    return len(stale)


# The candidate's own request: a link to confirm it, by email


# One confirmation link an application in this time, however often it is asked for (a double
# click, two tabs); asked again later, a candidate who lost the email gets a new one.
CONFIRMATION_EVERY = timedelta(minutes=15)


def send_confirmation(application_id, asked_at):
    """Email the confirmation link of the application `application_id` to its candidate,
    unless one went within CONFIRMATION_EVERY before `asked_at` (a timestamp): a second
    request meanwhile, or this run again, sends nothing. True if sent now."""
    application = (
        Application.objects.select_related("candidate", "opening__team")
        .filter(pk=application_id, candidate__erased_at=None)
        .first()
    )
    if application is None:
        return False
    key = erasure_confirmation_key(application_id)
    asked = datetime.fromtimestamp(asked_at, tz=UTC)
    # The ledger keeps one row an application: the previous email's, forgotten once it is old
    # enough that this request may send another.
    Notification.objects.filter(key=key, sent_at__lt=asked - CONFIRMATION_EVERY).delete()
    return send_once(key, lambda: confirmation_email(application))


def next_confirmation_at(application):
    """When the candidate may ask for a new confirmation link, if one went to them lately;
    else None."""
    sent_at = (
        Notification.objects.filter(key=erasure_confirmation_key(application.pk))
        .values_list("sent_at", flat=True)
        .first()
    )
    if sent_at is None or sent_at + CONFIRMATION_EVERY <= timezone.now():
        return None
    return zones.next_minute(sent_at + CONFIRMATION_EVERY)


def confirmation_url(application):
    return reverse(
        "candidate_erasure_confirm",
        args=[signing.dumps(application.pk, salt=CONFIRMATION_SALT)],
    )


def confirmation_max_age():
    return timedelta(days=settings.ERASURE_CONFIRMATION_MAX_AGE_DAYS)


def application_to_confirm(token):
    """The application behind an erasure confirmation link, or LinkError saying why not. Its
    candidate may be erased already: the link's view says so (the request sent twice)."""
    pk = unsign(
        token,
        CONFIRMATION_SALT,
        confirmation_max_age(),
        expired=_("This link has expired. Ask again from your application's page."),
        invalid=_("This link is not valid. Check that you copied all of it."),
    )
    application = (
        Application.objects.select_related("candidate", "opening__team").filter(pk=pk).first()
    )
    if application is None:
        raise LinkError(GONE)
    return application


def confirmation_email(application):
    candidate = application.candidate
    context = {
        "application": application,
        "candidate": candidate,
        "confirm_url": confirmation_url(application),
        "expires": timezone.now() + confirmation_max_age(),
    }
    return email_to("erasure_confirmation", candidate, context)
