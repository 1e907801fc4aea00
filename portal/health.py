"""Health pages for the load balancer and the orchestrator: is the process up, can it serve."""

import logging
import secrets

from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

log = logging.getLogger("portal")

# How long a client should wait before asking a page that is not ready again, in seconds.
RETRY_AFTER = 30


@require_safe
@cache_control(no_store=True)
def healthz(request):
    """The process answers: no database, no cache, no session."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return the value just set")
    cache.delete(key)


# Once every migration was found applied, this process does not look again: migrations are
# only ever added by a deploy, which restarts the app servers. Loading the migration graph
# costs tens of milliseconds, too much for a page the load balancer asks every few seconds.
_migrated = False


def _migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations are not applied, the first {pending[0][0]}")
    _migrated = True


CHECKS = {"database": _database, "cache": _cache, "migrations": _migrations}


@require_safe
@cache_control(no_store=True)
def readyz(request):
    """The database and the cache answer and every migration is applied; a 503 names the
    check that failed."""
    checks = {}
    for name, check in CHECKS.items():
        if name == "migrations" and checks["database"] != "ok":
            # Not known without the database (whatever this process saw before).
            checks[name] = "unknown"
            continue
        try:
            check()
        # Any error of a driver or a cache backend (each has its own classes) means "not ready":
        # the page must say so, never answer a 500.
        except Exception as error:  # noqa: BLE001
            log.error("readyz: %s check failed: %r", name, error)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    if all(result == "ok" for result in checks.values()):
        return JsonResponse({"status": "ready", "checks": checks})
    response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
