"""The cache backends the settings choose: Redis where REDIS_URL names one, else the database.

A Redis outage turns it into an empty cache rather than an error page. Nothing kept in the cache
is worth a 500: cached pages are computed afresh, and allauth's rate limits, whose counters and
locks live here, let requests through while Redis is away. A login that is not rate-limited for a
few minutes beats no login at all.

A deletion that could not reach Redis is made once it answers again: the board forgets a
column's token by deleting it (hiring/freshness.py), and a Redis that was only out of this
process's reach, or kept its data, would otherwise go on serving the column as it was.

Without Redis, the cache is a table of the database (DatabaseCache below), each write to it
one statement.
"""

import base64
import contextlib
import functools
import logging
import pickle
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Once Redis failed, leave it alone this long: a request meets the cache several times, and a
# Redis that is down may cost a connect timeout each time.
RETRY_AFTER_S = 5
# Enough to see an outage in the logs without a line per request.
WARN_EVERY_S = 60
# The database cache counts its table (to cull it) once in this many writes of a process.
CULL_CHECK_EVERY = 50


class Outage:
    """When this cache last found Redis unreachable, and when it said so."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        self.retry_at = None
        self.warned_at = None

    def ongoing(self):
        return self.retry_at is not None and time.monotonic() < self.retry_at

    def began(self, error):
        now = time.monotonic()
        self.retry_at = now + self.retry_after
        if self.warned_at is None or now - self.warned_at >= WARN_EVERY_S:
            self.warned_at = now
            logger.warning("Redis cache unreachable, serving without it: %s", error)

    def ended(self):
        """True once, when an outage ends."""
        if self.retry_at is None:
            return False
        self.retry_at = None
        logger.info("Redis cache reachable again")
        return True


def _fail_open(operation, fallback):
    """`operation`, or what `fallback` gives for the cache and the same arguments while Redis
    is unreachable."""

    @functools.wraps(operation)
    def attempt(self, *args, **kwargs):
        if self.outage.ongoing():
            return fallback(self, *args, **kwargs)
        try:
            result = operation(self, *args, **kwargs)
        except UNREACHABLE as error:
            self.outage.began(error)
            return fallback(self, *args, **kwargs)
        if self.outage.ended():
            self.delete_missed()
        return result

    return attempt


def _not_found(cache, key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, each operation answers as an empty
    Redis that keeps nothing would. OPTIONS may hold RETRY_AFTER (seconds) beside the client's
    options."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.outage = Outage(options.pop("RETRY_AFTER", RETRY_AFTER_S))
        # Keys (as stored) whose deletion did not reach Redis.
        self.missed = set()
        super().__init__(server, {**params, "OPTIONS": options})

    def miss(self, keys, version=None):
        self.missed.update(self.make_and_validate_key(key, version=version) for key in keys)

    def delete_missed(self):
        if not self.missed:
            return
        missed, self.missed = list(self.missed), set()
        try:
            self._cache.delete_many(missed)
        except UNREACHABLE as error:
            self.missed.update(missed)
            self.outage.began(error)

    get = _fail_open(RedisCache.get, lambda cache, key, default=None, version=None: default)
    get_many = _fail_open(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _fail_open(RedisCache.has_key, lambda *args, **kwargs: False)
    # "Added": allauth takes its rate-limit lock with add(), and so goes on.
    add = _fail_open(RedisCache.add, lambda *args, **kwargs: True)
    set = _fail_open(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _fail_open(RedisCache.set_many, lambda cache, data, *args, **kwargs: list(data))
    touch = _fail_open(RedisCache.touch, lambda *args, **kwargs: False)
    incr = _fail_open(RedisCache.incr, _not_found)
    delete = _fail_open(
        RedisCache.delete, lambda cache, key, version=None: cache.miss([key], version) or False
    )
    delete_many = _fail_open(
        RedisCache.delete_many, lambda cache, keys, version=None: cache.miss(keys, version)
    )
    clear = _fail_open(RedisCache.clear, lambda cache: False)


class DatabaseCache(db.DatabaseCache):
    """Django's database cache with a write in one statement. Django 5.2 counts the whole table
    before every set or add, to cull it, then reads the entry and writes it in a savepoint:
    five statements, twenty when the board rebuilds two columns after a move. Here a set or an
    add is one upsert (INSERT ... ON CONFLICT, which SQLite and PostgreSQL both have), and the
    table is counted once in CULL_CHECK_EVERY writes of a process (the first one included), so
    it may hold that many entries more than MAX_ENTRIES in between."""

    def __init__(self, table, params):
        super().__init__(table, params)
        self.writes_until_cull_check = 0

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        connection = connections[router.db_for_write(self.cache_model_class)]
        adapt = connection.ops.adapt_datetimefield_value
        quote = connection.ops.quote_name
        table, key_column = quote(self._table), quote("cache_key")
        value_column, expires = quote("value"), quote("expires")
        now = tz_now().replace(microsecond=0)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            until = datetime.max
        else:
            until = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        pickled = pickle.dumps(value, self.pickle_protocol)
        sql = (
            f"INSERT INTO {table} ({key_column}, {value_column}, {expires}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = excluded.{value_column}, "
            f"{expires} = excluded.{expires}"
        )
        encoded = base64.b64encode(pickled).decode("latin1")
        params = [key, encoded, adapt(until.replace(microsecond=0))]
        if mode == "add":  # over an entry that has expired, not a live one
            sql += f" WHERE {table}.{expires} < %s"
            params.append(adapt(now))
        # A write that fails must not abort a transaction it is part of: a savepoint then.
        if connection.in_atomic_block:
            apart = transaction.atomic(using=connection.alias)
        else:
            apart = contextlib.nullcontext()
        with connection.cursor() as cursor:
            self._cull_now_and_then(connection, cursor, now)
            try:
                with apart:
                    cursor.execute(sql, params)
            except DatabaseError:
                return False  # as Django's: a cache write may fail quietly
            return mode == "set" or cursor.rowcount == 1

    def clear(self):
        super().clear()
        # As good as a count: the next one comes after CULL_CHECK_EVERY writes, however many
        # this process made before (so a page's queries do not depend on them).
        self.writes_until_cull_check = CULL_CHECK_EVERY + 1

    def _cull_now_and_then(self, connection, cursor, now):
        self.writes_until_cull_check -= 1
        if self.writes_until_cull_check > 0:
            return
        self.writes_until_cull_check = CULL_CHECK_EVERY
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(self._table)}")
        [count] = cursor.fetchone()
        if count > self._max_entries:
            self._cull(connection.alias, cursor, now, count)
