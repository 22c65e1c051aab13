"""The database cache, the cache of an installation without Redis: a write is one statement."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hiring.cache import CULL_CHECK_EVERY, DatabaseCache

pytestmark = pytest.mark.django_db


# A table of its own: under CI's PostgreSQL leg the default cache is Redis, with no table.
TABLE = "test_database_cache"


def database_cache(**options):
    call_command("createcachetable", TABLE, verbosity=0)
    cache = DatabaseCache(TABLE, {"OPTIONS": options})
    cache.clear()
    return cache


@pytest.fixture
def cache():
    cache = database_cache()
    cache.set("warm", 1)  # a process's first write counts the table: the next ones do not
    return cache


def expired(cache, key):
    """The entry of `key` as it is once its time has passed."""
    past = connection.ops.adapt_datetimefield_value(datetime(2000, 1, 1, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET expires = %s WHERE cache_key = %s",
            [past, cache.make_and_validate_key(key)],
        )


@pytest.mark.django_db(transaction=True)  # as a page is read: outside any transaction
def test_a_set_is_one_statement_and_replaces_what_was_there(cache):
    cache.set("page", "before")

    with CaptureQueriesContext(connection) as queries:
        cache.set("page", "after")

    assert len(queries) == 1
    assert cache.get("page") == "after"


def test_add_keeps_a_live_entry_and_replaces_an_expired_one(cache):
    assert cache.add("token", "first") is True
    assert cache.add("token", "second") is False
    assert cache.get("token") == "first"

    cache.set("token", "stale")
    expired(cache, "token")
    assert cache.add("token", "fresh") is True
    assert cache.get("token") == "fresh"


def test_entries_without_a_timeout_stay_and_touch_still_works(cache):
    cache.set("forever", {"a": [1, 2]}, timeout=None)
    assert cache.get("forever") == {"a": [1, 2]}
    assert cache.touch("forever", 60) is True
    assert cache.touch("missing", 60) is False


def test_the_table_is_still_culled_now_and_then():
    small = database_cache(MAX_ENTRIES=5, CULL_FREQUENCY=2)
    writes = CULL_CHECK_EVERY + 10

    for number in range(writes):
        small.set(f"entry-{number}", number)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        [count] = cursor.fetchone()
    # The check after CULL_CHECK_EVERY writes found 50 and culled half of them.
    assert count == writes - CULL_CHECK_EVERY // 2
