"""The databases of the settings, read from the environment (portal/settings.py uses it).

SQLite in the project folder by default (also when DATABASE_URL is set but empty), PostgreSQL
(psycopg 3) with DATABASE_URL. Scale-out (portal.dbrouter): DATABASE_REPLICA_URLS=postgres://…,
postgres://… become the aliases replica_1… that anonymous reads use; a replica that does not
answer within DATABASE_REPLICA_CONNECT_TIMEOUT is set aside for a while. DATABASE_POOL=1 gives each
process a psycopg pool per database (then CONN_MAX_AGE must be 0); PgBouncer in transaction mode
in front of PostgreSQL is the alternative (deploy/README.md): DATABASE_PGBOUNCER=1 then turns
off what transaction pooling cannot carry from one transaction to the next, server-side cursors
and the list rows' prepared statement (portal.compiled); DATABASE_PREPARED_STATEMENTS=1 keeps
the latter for PgBouncer 1.21 and later with `max_prepared_statements` set.
"""

from pathlib import Path

import environ

POSTGRESQL = "django.db.backends.postgresql"


def from_environment(env: environ.Env, base_dir: Path) -> dict[str, dict]:
    url = env.str("DATABASE_URL", default="") or f"sqlite:///{base_dir / 'db.sqlite3'}"
    default = environ.Env.db_url_config(url)
    if default["ENGINE"] == POSTGRESQL:
        default["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
        default["CONN_HEALTH_CHECKS"] = True
        # An unreachable database fails a request within seconds (a 503), instead of holding a
        # worker for the operating system's TCP timeout of minutes.
        default.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
    else:
        default.setdefault("OPTIONS", {}).update(
            # WAL lets the web server read while a worker writes; IMMEDIATE avoids lock upgrades.
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            transaction_mode="IMMEDIATE",
        )
    databases = {"default": default}
    for number, replica in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
        databases[f"replica_{number}"] = {
            **environ.Env.db_url_config(replica),
            "CONN_MAX_AGE": default.get("CONN_MAX_AGE", 0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"connect_timeout": env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)},
            # The tests read the replicas' aliases from the test database itself.
            "TEST": {"MIRROR": "default"},
        }
    pgbouncer = env.bool("DATABASE_PGBOUNCER", default=False)
    prepared = env.bool("DATABASE_PREPARED_STATEMENTS", default=not pgbouncer)
    for database in databases.values():
        if database["ENGINE"] == POSTGRESQL:
            database["DISABLE_SERVER_SIDE_CURSORS"] = pgbouncer
            database["PREPARED_STATEMENTS"] = prepared
    if env.bool("DATABASE_POOL", default=False):
        for database in databases.values():
            if database["ENGINE"] == POSTGRESQL:
                database["CONN_MAX_AGE"] = 0
                database["OPTIONS"]["pool"] = {
                    "min_size": env.int("DATABASE_POOL_MIN", default=1),
                    "max_size": env.int("DATABASE_POOL_MAX", default=4),
                    # Waiting longer for a connection than a request may take helps no one.
                    "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
                }
    return databases
