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
