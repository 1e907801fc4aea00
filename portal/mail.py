"""The outgoing mailer, read from an e-mail URL (EMAIL_URL) by the settings.

Kept apart from the settings so that the translation of the URL can be tested on its own.
"""

from urllib.parse import parse_qs, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}


def _timeout(value: str, source: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ImproperlyConfigured(f"{source} must be a positive number of seconds, not {value!r}.")
    return seconds


def mailer_from_url(url: str, *, default_timeout: float) -> dict:
    """The MAILERS entry for an e-mail URL (smtp+tls://user:pw@host:587?timeout=10).

    An SMTP mailer always has a timeout (`?timeout=` in the URL, else `default_timeout`): without
    one, a server that accepts the connection and never answers would hold the task worker, and
    with it every other mail, for ever."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    if backend != SMTP_BACKEND:
        return {"BACKEND": backend, "OPTIONS": {}}
    options = {option: config[key] for key, option in _SMTP_OPTIONS.items() if config.get(key)}
    query = parse_qs(urlsplit(url).query)
    if "timeout" in query:
        options["timeout"] = _timeout(query["timeout"][0], "The timeout in EMAIL_URL")
    else:
        options["timeout"] = _timeout(str(default_timeout), "EMAIL_TIMEOUT")
    return {"BACKEND": backend, "OPTIONS": options}
