"""A candidate's links emailed again, from the privacy page: the link to each of their
applications' page, where they withdraw, get a copy of their data or ask for its erasure. The
first link stops working a while after its application closed, long before the data goes.

Anyone may ask with any address: the links go to that address alone, and the page answers the
same whether we hold it or not."""

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .. import ratelimit
from ..access import status_links_sent_for
from ..candidates.merging import holding
from ..email.notifications import send_once, templated_email
from ..models import Candidate, Notification, Organisation

# One email of links to an address in this time, however often it is asked for.
EMAIL_EVERY = timedelta(minutes=15)
# Asked for from one client address, whatever the email addresses: at most this many an hour.
ASKED_PER_CLIENT_HOUR = 10
LEDGER_PREFIX = "status-links:"


def address_digest(address):
    """`address` (any case) as the ledger and the task name it: keyed, so that neither keeps
    an address, nor one anybody could find again by hashing addresses."""
    return salted_hmac("teamfit.status-links", address.strip().lower()).hexdigest()


def ledger_key(address):
    """The ledger's key of the latest email of links to `address`; the privacy inventory finds
    it by the candidate's addresses (inventory.LedgerHolding)."""
    return f"{LEDGER_PREFIX}{address_digest(address)}"


def refusal(client_address):
    """Count one request from `client_address`; why it is refused once past the limit, else
    None (ratelimit fails open)."""
    if ratelimit.count("status-links-client", client_address, 3600) > ASKED_PER_CLIENT_HOUR:
        return _(
            "Too many requests were sent from your network in the last hour. Please wait an "
            "hour, then ask again."
        )
    return None


def email_links(address):
    """Queue, as the caller's transaction commits, the email of the links to each application
    of the records holding `address`. Queued though none does (the task then sends nothing):
    the request takes the same steps and about the same time either way, so its timing does
    not tell whether we hold the address."""
    from .tasks import send_status_links  # here: the tasks module imports this one

    records = holding(address)
    candidate_ids = sorted(set(status_links_sent_for(records).values_list("candidate", flat=True)))
    # The task's arguments keep no address: a broker's queue, or the database when the broker
    # is away (UnqueuedTask), is no place for one.
    send_status_links.delay_on_commit(address_digest(address), candidate_ids, time.time())


def send(digest, candidate_ids, asked_at):
    """Email the links of the records `candidate_ids` to their address whose digest is
    `digest`, unless an email of links went to it within EMAIL_EVERY before `asked_at` (a
    timestamp): a second request meanwhile, or this task run again, sends nothing. True if sent
    now."""
    records = Candidate.objects.filter(pk__in=candidate_ids, erased_at=None).order_by("pk")
    addresses = {address_digest(found): found for record in records for found in record.emails()}
    address = addresses.get(digest)
    # Those still holding it: one may have been erased, or merged away from it, since.
    records = [record for record in records if address in record.emails()]
    if not records:
        return False
    key = ledger_key(address)
    asked = datetime.fromtimestamp(asked_at, tz=UTC)
    # The ledger keeps one row an address: the previous email's, forgotten once it is old
    # enough that this request may send another.
    Notification.objects.filter(key=key, sent_at__lt=asked - EMAIL_EVERY).delete()
    return send_once(key, lambda: links_email(address, records))


def links_email(address, records):
    """The email of the links to every application of `records` (holding `address`), in the
    language and zone of the latest record: the person's latest choice."""
    reader = records[-1]
    applications = (
        status_links_sent_for(records)
        .select_related("opening__team")
        .order_by("-created_at", "-pk")
    )
    context = {
        "candidate": reader,
        "organisation": Organisation.current(),
        "links": [(application, application.renewed_status_url()) for application in applications],
        "until": timezone.now() + timedelta(days=settings.CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS),
    }
    return templated_email("status_links", address, context, reader.zone_name, reader.language_code)
