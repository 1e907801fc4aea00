"""Settings of the GCM Review Portal, read from the environment.

With no environment at all the portal runs for development: DEBUG on, SQLite in the project folder,
e-mail printed to the console, the cache in the database. Production sets ``DEBUG=0`` and must then
give ``SECRET_KEY`` and ``ALLOWED_HOSTS``; see ``.env.example`` for every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal import databases, objectstore
from portal.mail import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if _env_file.is_file():
    env.read_env(_env_file)

DEBUG = env.bool("DEBUG", default=True)

# A development key is only acceptable while DEBUG is on; production refuses to start without one.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address, for links in e-mails sent by the background worker (which has no
# request to take the host from): in production it must be said, or every link would point to a
# development address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not DEBUG and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off: the portal's public address "
        "(https://…), which e-mails link to."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # allauth's sessions page (accounts/sessions/) loads the humanize template tags.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The search vector's field and queries (reviews.search); harmless on SQLite.
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "django_tasks_db",
    "crontask",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "portal",
    "actors",
    "reviews",
    # Last, as it asks: deletes a pledge's replaced, cleared or deleted attachment from the
    # storage once the transaction that let go of it commits (models marked @cleanup.select).
    "django_cleanup.apps.CleanupSelectedConfig",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and the user, which need the database.
    "portal.middleware.HealthCheckMiddleware",
    # Before anything reads the database: may this request read a replica (portal.dbrouter)?
    "portal.middleware.ReplicaRoutingMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's saved language where no cookie chose one (portal.language).
    "portal.language.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: it tells the person why their session ended.
    "actors.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actors.context_processors.acting_for",
            ],
        },
    },
]

# Databases (portal/databases.py): SQLite in the project folder by default, PostgreSQL via
# DATABASE_URL, read replicas via DATABASE_REPLICA_URLS (portal.dbrouter sends anonymous reads
# there; a person's reads stay on the primary for REPLICA_PIN_SECONDS after each of their writes,
# and a replica that does not answer is set aside for REPLICA_RETRY_SECONDS), DATABASE_POOL=1 for
# psycopg's pool.
DATABASES = databases.from_environment(env, BASE_DIR)
DATABASE_ROUTERS = ["portal.dbrouter.ReplicaRouter"] if len(DATABASES) > 1 else []
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "actors.User"
# Django's and allauth's backends, reading the signed-in person with their roles in one query
# (actors.backends). A session signed in through another backend path ends: sign in again.
AUTHENTICATION_BACKENDS = [
    "actors.backends.PortalModelBackend",
    "actors.backends.PortalAuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "actors:my-organisations"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache: shared by every app server, so the database by default and Redis with CACHE_URL.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://portal_cache")}
# Keeps apart the keys of portals that share one Redis (django-environ drops ?key_prefix=).
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")

# E-mail: printed to the console in development unless EMAIL_URL names a real server
# (smtp+tls://user:pw@host:587); production never falls back to the console, where mail would be
# lost, but to Django's own default, the SMTP server on localhost. An SMTP server is always given
# a timeout (EMAIL_TIMEOUT seconds, or ?timeout= in the URL), so one that never answers fails the
# send, which is tried again later, instead of holding the worker.
MAILERS = {
    "default": mailer_from_url(
        env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"),
        default_timeout=env.float("EMAIL_TIMEOUT", default=10.0),
    )
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="GCM Review Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth): e-mail is the login, verified before the first sign-in; the forms
# answer alike whether or not an address is known; every sensitive action is rate limited in the
# shared cache, so the limits hold across app servers.
ACCOUNT_ADAPTER = "actors.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The sign-up form asks also for the name others see (actors.forms.SignupForm).
ACCOUNT_FORMS = {"signup": "actors.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[GCM Review Portal] "
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    # Failed logins: per address and per account, in windows that expire, so an attacker can
    # slow a real user down but never lock them out for good (a password reset clears it).
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="20/10m/ip,5/15m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="10/h/ip"),
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "confirm_email": env.str("RATE_LIMIT_CONFIRM_EMAIL", default="1/3m/key"),
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# After the third failed login for an account, each further failure waits a little longer.
LOGIN_FAILURE_DELAY = env.float("LOGIN_FAILURE_DELAY", default=0.5)
LOGIN_FAILURE_DELAY_MAX = env.float("LOGIN_FAILURE_DELAY_MAX", default=4.0)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GCM Review Portal"
# Activity tracking would write the session row on every request; the list shows sign-in time.
USERSESSIONS_TRACK_ACTIVITY = False

# Sessions live in the database; they end after an idle period and after an absolute lifetime.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 60 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=24 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_SAMESITE = "Lax"

# Background work (e-mail notifications) goes through Django's tasks API to a database queue,
# worked by `python manage.py db_worker` (any number of them; rows are claimed with SKIP LOCKED).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still running this long after a worker claimed it is taken to be abandoned (its worker
# was killed) and goes back to the queue; after TASK_MAX_ATTEMPTS claims it is failed and logged.
# Longer than any task runs: a mail takes at most a few EMAIL_TIMEOUTs.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=300)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=3)
# A mail the SMTP server refused or did not answer is tried again after 1, 4, 16 … minutes
# (EMAIL_RETRY_DELAY seconds, times 4 each time), EMAIL_MAX_ATTEMPTS times in all.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_DELAY = env.int("EMAIL_RETRY_DELAY", default=60)
# The scheduler (`manage.py crontask`, django-crontask) queues the periodic tasks: the stuck-task
# recovery every minute, the digests at DIGEST_SCHEDULE (crontab syntax, in TIME_ZONE). Run one
# scheduler; with REDIS_URL set, a lock in Redis keeps a second one from queueing twice.
DIGEST_SCHEDULE = env.str("DIGEST_SCHEDULE", default="0 6 * * *")
CRONTASK = {"REDIS_URL": env.str("REDIS_URL", default="") or None}

# The API: session (with CSRF) or token authentication, cursor pagination, one error format.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "actors.authentication.HashedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["portal.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "portal.filters.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    # Throttles share out the API fairly; brute force is the accounts' business. One counter per
    # request in the shared store (portal/throttling.py), not DRF's history lists in the cache.
    "DEFAULT_THROTTLE_CLASSES": ["portal.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Where the API throttle counts: "cache" (Redis with CACHE_URL) or "database" (a table of its
# own, one upsert a request); empty: the database when the cache is the database cache.
API_THROTTLE_STORE = env.str("API_THROTTLE_STORE", default="")
SPECTACULAR_SETTINGS = {
    "TITLE": "GCM Review Portal API",
    "DESCRIPTION": (
        "Read what is published (pledges, progress, comments, reference data) and, with a "
        "session or an `Authorization: Token …` header, draft, edit and submit pledges, report "
        "progress and take part in the conversation by the same rules as the web site."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links in the API docs: Swagger UI puts each operation's link inside the button that
    # opens it, a control within a control that keyboards and screen readers cannot use apart.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "actors.models.core.Actor.Kind",
        "CycleKindEnum": "reviews.models.reference.ReviewCycle.Kind",
        "PledgeKindEnum": "reviews.models.pledges.Pledge.Kind",
        "PledgeStatusEnum": "reviews.models.pledges.Status",
        "PartnerStatusEnum": "reviews.models.partners.PledgePartner.Status",
        "ImplementationStatusEnum": "reviews.models.pledges.ImplementationStatus",
        "NeedStatusEnum": "reviews.models.needs.Need.Status",
    },
}

LANGUAGE_CODE = "en"
# The six official UN languages (catalogues in locale/, `make messages`; portal.language).
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files: on this server's disk under MEDIA_ROOT by default, in an S3-compatible object
# store with AWS_STORAGE_BUCKET_NAME (STORAGES below, from portal/objectstore.py).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# Uploads are bounded. A pledge's attachment may have ATTACHMENT_MAX_BYTES; the upload handler
# below refuses a file past it while it arrives, so the rest is neither kept in memory nor
# written to disk, and the form says why. The other fields of a form may bring
# DATA_UPLOAD_MAX_MEMORY_SIZE (also the limit of an API body); an upload above
# FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file rather than held in memory. The
# reverse proxy refuses bodies above its own limit first (README, "Deploying").
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 1  # the pledge form's one attachment
FILE_UPLOAD_HANDLERS = [
    "portal.uploads.AttachmentLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = objectstore.storages(env, debug=DEBUG)
# XLSX exports are assembled in a temporary file (constant memory) before they stream. One of
# more than EXPORT_XLSX_DIRECT_ROWS rows is built by a task into the default storage instead, for
# the signed-in person who asked, who is notified with a link; the file is kept EXPORT_FILE_DAYS.
# xlsxwriter writes ~1 ms a row of pledges on a busy 2-core machine, so 5,000 rows stay well
# inside a worker's timeout.
EXPORT_TMP_DIR = env.str("EXPORT_TMP_DIR", default=None)
EXPORT_XLSX_DIRECT_ROWS = env.int("EXPORT_XLSX_DIRECT_ROWS", default=5_000)
EXPORT_FILE_DAYS = env.int("EXPORT_FILE_DAYS", default=7)
# The IATI export of the pledges (/exports/pledges.iati.xml, reviews.exports.iati): the portal's
# secretariat reports them, as a secondary reporter. Its IATI organisation identifier is the
# prefix of every activity's identifier, so it must not change once published; the default is a
# placeholder, not a registered identifier, for a portal that does not publish to IATI yet.
IATI_ORGANISATION_IDENTIFIER = env.str("IATI_ORGANISATION_IDENTIFIER", default="XX-GCM-PORTAL")
IATI_REPORTING_ORG_NAME = env.str(
    "IATI_REPORTING_ORG_NAME", default="Secretariat of the GCM Review Portal"
)
# Its IATI OrganisationType code: 40 is Multilateral, as for a secretariat within the UN system.
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="40")

# Security headers. The content security policy carries a nonce on every page and allows nothing
# inline, nothing from another host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# SECURE_COOKIES=0 only for plain HTTP on loopback with DEBUG off (make prod-local, make soak),
# where an HTTP client would not send back a cookie marked Secure.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
if SESSION_COOKIE_SECURE:
    # A __Host- cookie is only sent over HTTPS, to this exact host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: plain text by default; LOG_FORMAT=json writes one JSON object a line (portal.logs), for a
# log collector. Either way every record carries the id of its request or task.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Failed logins, refusals and denials of access: who, when, from where, what.
        "portal.security": {"level": "INFO", "propagate": True},
    },
}

# Receive the reports of server errors (mail_admins); plain addresses, as Django 6 expects.
ADMINS = env.list("ADMIN_EMAILS", default=[])
