"""Stored files and the sweep of those no row references. A file outlives the row that named
it when a transaction stores it and an outer block rolls back (applicant() deletes it only when
its own block fails), or a process dies between storing and committing: it holds a candidate's
data that neither export nor erasure can find. Beat's daily sweep (tasks.sweep_stored_files)
deletes such files once older than ORPHAN_FILES_GRACE_HOURS, so a file whose transaction is
still open is never taken.
"""

import logging
import posixpath
import time
from datetime import timedelta
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from ..models import DataExport

logger = logging.getLogger(__name__)

OUR_APPS = ("hiring", "scorecards")
# Stored names looked up in one query: within every database's limit of parameters.
CHUNK = 500
# The folder of the last name a sweep read, for the next to go on from. Never the name: a
# résumé's is the candidate's own file name, kept here after erasure. Lost with the cache, the
# next sweep starts from the beginning of the store again.
SWEPT_TO = "privacy.files.swept-to"


def deleter(field):
    """How a file of `field` is deleted: an export's with the folder made for it alone."""
    return DataExport.delete_stored if field.model is DataExport else field.storage.delete


def sweep(budget_s=None):
    """Delete each file under the folders our FileFields upload to that no row references and
    that was last changed before the grace period. Reads a folder and a chunk of names at a
    time, in the order of their names, whatever the size of the store. Given `budget_s`, it
    stops after the chunk that took it to so many seconds, and the next such sweep goes on from
    the folder of the last name it read: a store too large for one night's sweep is swept over
    several, its later folders too, as long as a folder (a month's résumés, an export) is swept
    within the budget. Without, it sweeps the whole store from its beginning. Returns how many
    it deleted."""
    cutoff = timezone.now() - timedelta(hours=settings.ORPHAN_FILES_GRACE_HOURS)
    began = time.monotonic()
    swept_to = cache.get(SWEPT_TO) if budget_s is not None else None
    after = swept_to.split("/") if swept_to else []
    deleted = 0
    for (storage, folder), fields in sorted(_by_folder().items(), key=lambda item: item[0][1]):
        if after and folder < after[0]:
            continue
        names = _stored(storage, folder, _below(after, folder))
        while chunk := list(islice(names, CHUNK)):
            referenced = _referenced(fields, chunk)
            for name in chunk:
                if name not in referenced and _changed_before(storage, name, cutoff):
                    deleter(fields[0])(name)
                    deleted += 1
            # After each chunk: a sweep its time limit stops loses no more than the chunk.
            cache.set(SWEPT_TO, posixpath.dirname(chunk[-1]), timeout=None)
            if budget_s is not None and time.monotonic() - began >= budget_s:
                logger.info(
                    "Deleted %d stored files no row references; the next sweep goes on", deleted
                )
                return deleted
    cache.delete(SWEPT_TO)
    logger.info("Deleted %d stored files no row references", deleted)
    return deleted


def _by_folder():
    """Our FileFields by (storage, the top folder they upload to): the files under one are
    referenced from any of them."""
    folders = {}
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.local_concrete_fields:
                if isinstance(field, models.FileField):
                    key = (field.storage, _upload_folder(field))
                    folders.setdefault(key, []).append(field)
    return folders


def _upload_folder(field):
    # The first folder of a name upload_to makes (a date's or a random one's below it).
    folder, _, rest = field.generate_filename(field.model(), "name").partition("/")
    if not rest:
        raise ImproperlyConfigured(
            f"{field} must upload to a folder of its own: the sweep of stored files walks those."
        )
    return folder


def _stored(storage, folder, after=()):
    """The name of every file under `folder` in the order of their names, listed a folder at a
    time; given the parts of a folder below `folder`, only those from that folder on. A folder
    gone meanwhile (an expired export's) lists nothing."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    folders = set(folders)
    for name in sorted([*folders, *files]):
        if name in folders:
            if not after or name >= after[0]:
                yield from _stored(storage, posixpath.join(folder, name), _below(after, name))
        elif not after or name > after[0]:
            yield posixpath.join(folder, name)


def _below(after, name):
    """The parts of the folder to resume from below the folder `name`: none unless it leads
    there."""
    return after[1:] if after and name == after[0] else []


def _referenced(fields, names):
    referenced = set()
    for field in fields:
        rows = field.model._base_manager.filter(**{f"{field.attname}__in": names}).order_by()
        referenced.update(rows.values_list(field.attname, flat=True))
    return referenced


def _changed_before(storage, name, cutoff):
    try:
        return storage.get_modified_time(name) < cutoff
    except FileNotFoundError:  # deleted meanwhile (an erasure, an expiry)
        return False
