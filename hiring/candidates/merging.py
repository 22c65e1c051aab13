"""Possible duplicate candidates, and merging two records of one person into one.

Two records are possible duplicates when they share an email (case-insensitive, the merged
records' addresses included), or have the same name (in any case, with or without its accents:
its searchable form, as the search compares it) and the same phone (its digits) or a link in
common. The database narrows (same email, or same name and
both with a phone or links); duplicate_reason() decides. Each record carries whether an older
one may be it (Candidate.has_older_match, kept by every write of a record): the review page
reads those.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext as _

from ..access import merges_candidates, runs_pipeline
from ..email.notifications import keys_starting, retention_notice_keys_of
from ..models import (
    HAS_PHONE_OR_LINKS,
    Application,
    AuditEvent,
    Candidate,
    CandidateAccess,
    Notification,
    Opening,
    fold,
    folded,
    match_turns,
    searchable,
    take_turns,
)

# How many records one candidate's check reads, and how many emails of a merged record it
# compares: the application page's cost stays bounded whatever the data.
MAX_SCANNED = 50
MAX_EMAILS = 10
# How many addresses held() asks for in one query (SQLite bounds a statement's parameters).
ADDRESSES_AT_ONCE = 200
PAGE_SIZE = 20


@dataclass(frozen=True)
class Duplicate:
    candidate: Candidate | None  # None: told to someone who may not see the other record
    reason: str


def digits(phone):
    return "".join(ch for ch in phone if ch in "0123456789")


def holding(address):
    """The records holding `address`, whatever its case (held())."""
    return Candidate.objects.filter(pk__in=[pk for _address, pk in held([address])])


def held(addresses, records=None):
    """(address, record id) for each of `addresses` (any case) that a record of `records` (a
    query; every record by default) holds: as its own, through the index of migration 0019, or
    as that of a record merged into it, through their own index (candidate_merged) and told
    apart from longer addresses (ann@x.io in joann@x.io) by Candidate.emails(). An import's
    hundreds of addresses are read ADDRESSES_AT_ONCE at a time."""
    records = Candidate.objects.all() if records is None else records
    wanted = sorted({address.strip().lower() for address in addresses if address.strip()})
    found = set()
    for start in range(0, len(wanted), ADDRESSES_AT_ONCE):
        chunk = wanted[start : start + ADDRESSES_AT_ONCE]
        own = records.alias(email_key=folded("email")).filter(
            email_key__in=[fold(address) for address in chunk]
        )
        merged = records.exclude(other_emails="").filter(
            reduce(or_, [Q(other_emails__icontains=address) for address in chunk])
        )
        for query in (own, merged):
            for record in query.order_by().only("pk", "email", "other_emails"):
                found |= {(address, record.pk) for address in record.emails() & set(chunk)}
    return found


def _links(candidate):
    return {link.lower().rstrip("/") for link in candidate.link_list()}


def _keys():
    """What records are compared by, through their indexes: the email in one case (migrations
    0019, 0032) and the searchable name (0045)."""
    return {"email_key": folded("email"), "name_key": F("search_name")}


def duplicate_reason(a, b):
    """Why `a` and `b` may be one person, or None."""
    if a.emails() & b.emails():
        return _("Same email")
    if (name := searchable(a.name)) and name == searchable(b.name):
        if digits(a.phone) and digits(a.phone) == digits(b.phone):
            return _("Same name and phone")
        if _links(a) & _links(b):
            return _("Same name and a shared link")
    return None


def possible_duplicates(candidate):
    """The other records that may be `candidate`, newest first. One query, bounded: records
    with one of its emails come first, then those with its name and a phone or links."""
    addresses = [fold(email) for email in sorted(candidate.emails())[:MAX_EMAILS]]
    same_email = Q(email_key__in=addresses)
    # A name of accents alone ("\u0301") is no name to match: searchable() leaves nothing of it.
    name = searchable(candidate.name)
    same_name = Q(pk__in=[])
    if name and candidate.phone:
        same_name |= ~Q(phone="")
    if name and candidate.links:
        same_name |= ~Q(links="")
    others = (
        Candidate.objects.alias(**_keys())
        .filter(same_email | Q(same_name, name_key=name))
        .exclude(pk=candidate.pk)
        .order_by(Case(When(same_email, then=0), default=1), "-pk")[:MAX_SCANNED]
    )
    found = []
    for other in others:
        reason = duplicate_reason(candidate, other)
        if reason:
            found.append(Duplicate(other, reason))
    return found


def duplicates_shown_to(user, application):
    """The candidate box's possible duplicates: for those who run the application's team's
    pipeline. Only recruiters, who see every candidate, get the other record and its merge
    link; a member is told a duplicate exists, not whose record it is, and only of records
    they see (else adding an address to their own opening would tell them whether it is a
    candidate of another team)."""
    found = possible_duplicates(application.candidate)  # first: mostly none, and no more asked
    if not found or not runs_pipeline(user, application.team):
        return []
    if merges_candidates(user):
        return found
    seen = set(
        Application.objects.visible_to(user)
        .filter(candidate__in=[duplicate.candidate for duplicate in found])
        .values_list("candidate", flat=True)
    )
    return [Duplicate(None, d.reason) for d in found if d.candidate.pk in seen]


def pairs_to_review(before=None):
    """A page of records with an older possible duplicate, newest first, each with its
    `duplicates` (older ones only, so a pair shows once); and the id to continue before, or
    None on the last page. Keyset paging: no OFFSET at any depth. Two queries.

    The records marked as having an older record of their email or name (has_older_match),
    read newest first by their own index; duplicate_reason() keeps the pairs (a page may show
    fewer: the same name with different phones is no pair)."""
    suspects = Candidate.objects.filter(has_older_match=True)
    if before is not None:
        suspects = suspects.filter(pk__lt=before)
    page = list(suspects.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    partners = _older_partners(page)
    rows = []
    for candidate in page:
        found = [
            Duplicate(other, reason)
            for other in partners
            if other.pk < candidate.pk and (reason := duplicate_reason(candidate, other))
        ]
        if found:
            candidate.duplicates = found
            rows.append(candidate)
    return rows, (page[-1].pk if more else None)


def _older_partners(page):
    if not page:
        return []
    names = {searchable(candidate.name) for candidate in page} - {""}
    addresses = {fold(email) for candidate in page for email in sorted(candidate.emails())}
    return list(
        Candidate.objects.alias(**_keys())
        .filter(
            Q(email_key__in=addresses) | Q(HAS_PHONE_OR_LINKS, name_key__in=names),
            pk__lt=page[0].pk,
        )
        .order_by("-pk")[: PAGE_SIZE * MAX_SCANNED]
    )


class MergeRefused(ValidationError):
    pass


@transaction.atomic
def merge(keep, other, by):
    """Move everything of `other` to `keep` and delete `other`: its applications (and with
    them their stage history, feedback, panels, emails and offers), its consents, exports,
    access log, retention notices' ledger rows, legal hold (its reason beside `keep`'s own)
    and confirmed erasure request, what `keep` lacks of its phone, résumé, time zone and
    language, its links and its addresses. Refused, with nothing changed, when both applied to
    the same opening or one was erased."""
    if keep.pk == other.pk:
        raise MergeRefused(_("Choose two different records."))
    # The turns of their emails and names first, as every writer of candidates takes them
    # before their rows (models.take_turns).
    take_turns(match_turns([(record.email, record.search_name) for record in (keep, other)]))
    locked = Candidate.objects.select_for_update().in_bulk([keep.pk, other.pk])
    if len(locked) != 2:
        raise MergeRefused(_("One of these records no longer exists: it may have been merged."))
    keep, other = locked[keep.pk], locked[other.pk]
    other_id = other.pk  # delete() forgets it
    if keep.erased_at or other.erased_at:
        raise MergeRefused(_("An erased record holds nothing to merge. Nothing was changed."))
    shared = shared_openings(keep, other)
    if shared:
        raise MergeRefused(
            _(
                "Both records applied to %(openings)s: an opening has one application per "
                "candidate, so merging would lose one. Nothing was changed."
            )
            % {"openings": ", ".join(shared)}
        )
    moving = list(other.applications.select_related("opening__team"))
    for application in moving:
        application.candidate = keep
        application.save(update_fields=["candidate"])
        AuditEvent.record(
            AuditEvent.Action.CANDIDATES_MERGED,
            by,
            application.opening.team,
            application=application,
            details=f"Merged with candidate record #{other_id}",
        )
    other.consents.update(candidate=keep)
    other.exports.update(candidate=keep)
    CandidateAccess.move(other, keep)
    _move_retention_notices(other, keep)
    if other.held_at and not keep.held_at:
        keep.held_at, keep.held_by, keep.hold_reason = (
            other.held_at,
            other.held_by,
            other.hold_reason,
        )
    elif other.held_at and other.hold_reason.strip() not in ("", keep.hold_reason.strip()):
        # Both held: the kept hold stands, and the reason for the other is not lost with it.
        keep.hold_reason = "\n\n".join(filter(None, [keep.hold_reason, other.hold_reason]))
    # An erasure the person confirmed while a record was held is theirs, whichever record
    # stays: retention erases the kept one once its hold is released.
    requested = [at for at in (keep.erasure_requested_at, other.erasure_requested_at) if at]
    keep.erasure_requested_at = min(requested, default=None)
    keep.erasure_started_at = keep.erasure_started_at or other.erasure_started_at

    unused_resume = None
    if other.resume and not keep.resume:
        keep.resume = other.resume.name
    elif other.resume and other.resume.name != keep.resume.name:
        unused_resume = other.resume.name
    keep.phone = keep.phone or other.phone
    keep.time_zone = keep.time_zone or other.time_zone
    keep.language = keep.language or other.language
    keep.links = "\n".join(dict.fromkeys([*keep.link_list(), *other.link_list()]))
    keep.other_emails = "\n".join(_other_emails(keep, other))
    keep.save()
    other.delete()
    # Its words say where the record went: a retention notice's keep link, naming the record
    # merged away, follows them (record_now). Keep them.
    AuditEvent.record(
        AuditEvent.Action.CANDIDATES_MERGED,
        by,
        None,
        details=f"Candidate record #{other_id} merged into #{keep.pk}: "
        f"{len(moving)} application{'s' if len(moving) != 1 else ''} moved",
    )
    if unused_resume:
        storage = Candidate._meta.get_field("resume").storage
        transaction.on_commit(lambda: storage.delete(unused_resume))
    return keep


def _move_retention_notices(other, keep):
    """The ledger's rows of the retention notices sent to `other`, keyed by its id, are keyed
    by `keep`'s: the person's export and erasure find them there (inventory.LedgerHolding),
    as they find everything else of the record by the record now holding it. A notice sent to
    both in one run has one key once moved: `keep`'s row stands for both."""
    moved_from, moved_to = retention_notice_keys_of(other.pk), retention_notice_keys_of(keep.pk)
    for notification in Notification.objects.filter(keys_starting(moved_from)):
        key = moved_to + notification.key.removeprefix(moved_from)
        if Notification.objects.filter(key=key).exists():
            notification.delete()
        else:
            Notification.objects.filter(pk=notification.pk).update(key=key)


# The audit trail's words for a merge (merge()): where a record went.
MERGED_INTO = re.compile(r"Candidate record #\d+ merged into #(?P<id>\d+)\b")
# How many merges record_now() follows: one person's records are merged a few times at most.
MOST_MERGES = 20


def record_now(candidate_id):
    """The record that the person of record `candidate_id` is now: that one, or, once it was
    merged into another (merge() deletes it), the one it went to, as the merge's audit event
    names it (the audit trail keeps it, erasure included)."""
    for _merge in range(MOST_MERGES):
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is not None:
            return candidate
        merged = (
            AuditEvent.objects.filter(
                action=AuditEvent.Action.CANDIDATES_MERGED,
                application=None,
                details__startswith=f"Candidate record #{candidate_id} merged into #",
            )
            .values_list("details", flat=True)
            .first()
        )
        into = MERGED_INTO.match(merged or "")
        if into is None:
            return None
        candidate_id = int(into["id"])
    return None


def merged_already(candidate_id, other_id):
    """The record that records `candidate_id` and `other_id` are now, if they are one already
    (a merge sent twice, or asked from a page read before it), else None."""
    kept = record_now(candidate_id)
    if candidate_id == other_id or kept is None or kept != record_now(other_id):
        return None
    return kept


def shared_openings(a, b):
    """The titles of the openings both `a` and `b` applied to: they cannot be merged."""
    return sorted(
        Opening.objects.filter(applications__candidate=a)
        .filter(applications__candidate=b)
        .values_list("title", flat=True)
    )


def _other_emails(keep, other):
    """`keep`'s other addresses, then `other`'s own and others: each once, never `keep`'s own."""
    seen = {keep.email.strip().lower()}
    kept = []
    for email in [*keep.other_emails.splitlines(), other.email, *other.other_emails.splitlines()]:
        email = email.strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            kept.append(email)
    return kept
