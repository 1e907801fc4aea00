"""Read replicas: anonymous reads go to a replica, everything else to the primary.

`DATABASE_REPLICA_URLS` (comma-separated) adds the aliases `replica_1`, `replica_2`… A read goes
to a replica only while a request allows it (ReplicaRoutingMiddleware), that is a GET or HEAD of
a visitor who
- has no session and sends no `Authorization` header: a signed-in person reads the primary, so
  their own drafts, roles and memberships are never seen stale, and a permission just taken away
  is taken away at once;
- did not just write: every unsafe request (POST, PUT, PATCH, DELETE) sets a short-lived cookie
  that keeps the next `REPLICA_PIN_SECONDS` of reads on the primary, longer than a replica lags.
Everything else reads the primary: writes, reads inside a transaction on the primary, task
workers, the scheduler and management commands (no request allows it), and the state that must
be read where it was written by anyone (the cache table, sessions, the task queue).

A replica that cannot be reached is set aside for `REPLICA_RETRY_SECONDS` and its reads go to
the primary: a replica down costs load on the primary, never a failed page. Migrations run on
the primary only (a streaming replica is read-only and follows it).
"""

import contextvars
import logging
import random
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

log = logging.getLogger("portal.db")

PREFIX = "replica_"
PIN_COOKIE = "portal_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Read and written by every visitor, so always read on the primary.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "sessions", "django_tasks_db"})

_reads_may_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reads_may_use_replica", default=False
)
# alias → time.monotonic() before which it is not tried again (per process).
_down_until: dict[str, float] = {}


def replica_aliases() -> list[str]:
    return [alias for alias in connections if alias.startswith(PREFIX)]


def request_may_read_replica(request) -> bool:
    """The request is a safe one of an anonymous visitor who did not just write."""
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def allow_replica_reads(allowed: bool) -> contextvars.Token:
    return _reads_may_use_replica.set(allowed)


def end_replica_reads(token: contextvars.Token) -> None:
    _reads_may_use_replica.reset(token)


def _reachable(alias: str) -> bool:
    """Connect to (or health-check the open connection of) the replica; set it aside when it
    does not answer. Once connected and checked, this costs nothing for the rest of the request."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        log.warning(
            "replica %s unreachable, reading the primary for %ss: %s",
            alias,
            settings.REPLICA_RETRY_SECONDS,
            error,
        )
        connection.close()
        return False
    _down_until.pop(alias, None)
    return True


class ReplicaRouter:
    """Chooses the database of each query; see the module's docstring for the rules."""

    def db_for_read(self, model, **hints):
        if not _reads_may_use_replica.get():
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a read that belongs to a write
        aliases = replica_aliases()
        random.shuffle(aliases)
        for alias in aliases:
            if _reachable(alias):
                return alias
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
