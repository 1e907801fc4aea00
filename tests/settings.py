"""Test settings: the portal's settings with fast hashing, in-memory e-mail and cache."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Nothing is collected in tests; whitenoise serves through the finders.
STATIC_ROOT = None
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Failed logins still wait longer each time, in hundredths of a second.
LOGIN_FAILURE_DELAY = 0.01
LOGIN_FAILURE_DELAY_MAX = 0.04
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The switch past the append-only triggers (migration reviews 0006), for the tests only:
    # pytest-django empties the tables with TRUNCATE after each transactional test, which the
    # triggers would refuse. Production never sets it; tests/reviews/test_append_only.py proves
    # the refusals on a connection of its own, opened without it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c portal.allow_log_rewrite=on"  # noqa: F405
# A replica for the router's tests (tests/portal/test_dbrouter.py): another connection to the
# test database itself. The router stays off unless a test turns it on.
DATABASES["replica_1"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A reader of the shared in-memory test database: switching it to WAL or taking a write
    # lock (the default's init_command and IMMEDIATE transactions) would find it locked.
    DATABASES["replica_1"]["OPTIONS"] = {}  # noqa: F405
DATABASE_ROUTERS = []
# A test computes a two-factor code and the portal checks it a moment later: on a loaded machine
# the two may fall on each side of a 30-second step, so the tests accept the step before too.
MFA_TOTP_TOLERANCE = 1
