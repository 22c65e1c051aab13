"""Teamfit settings: embedded defaults for a fresh clone, environment variables for production."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of a development checkout: SQLite files, the embedded broker, mail, uploads.
VAR_DIR = Path(os.environ.get("TEAMFIT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(exist_ok=True)


def strong_secret_key(key):
    """Whether `key` passes `check --deploy`'s test of SECRET_KEY (security.W009), by its
    public limits: Django's own function for it is private."""
    return (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    return env(name, str(default)).lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "django-insecure-teamfit-development-key" if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# With DEBUG off, refuse to start without these rather than answer every request with an error
# or sign sessions with a key anyone could guess (the key tested as `check --deploy` tests it).
if not DEBUG and not strong_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or weak: with DEBUG off, set it to 50 or more random characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty: with DEBUG off, set it to the site's host names, comma-separated"
    )
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "hiring",
    "scorecards",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the project's renderer (FORM_RENDERER)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "template_partials",
    "csp",
]

MIDDLEWARE = [
    "hiring.health.HealthCheckMiddleware",
    # Outside all that can refuse a request (the host check raises in SecurityMiddleware's
    # redirect and in CommonMiddleware), so error pages carry the policy and frame refusal too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hiring.accounts.middleware.UserTimeZoneMiddleware",
    "hiring.accounts.middleware.UserLanguageMiddleware",
    "hiring.middleware.HtmxPagesMiddleware",
    "hiring.middleware.NoStoreMiddleware",
    "hiring.middleware.SignedOutMiddleware",
    "hiring.middleware.MethodNotAllowedMiddleware",
    "hiring.accounts.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "hiring.urls"
WSGI_APPLICATION = "hiring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "hiring.access.navigation",
            ],
        },
    },
]

# Forms render with the project's templates: templates/django/forms overrides what is slow.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
# Connections are kept a minute, and checked before a request reuses one: a connection the
# server dropped (a restart, a failover) is opened again instead of failing the request.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'teamfit.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a Celery worker started by a test can open the test database;
    # one per test process, so two test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-teamfit-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the board's and the reports' plans cost enough to set it off, and compiling
    # took longer than running them (a cold funnel at 100k applications: 1.8 s -> 0.75 s).
    # A random read costed as an SSD's or a cached page's, not a spinning disk's (the default,
    # 4): otherwise small joins hash a whole table, the panel's ratings every criterion of the
    # organisation (1.2 ms at 100k applications, 0.06 ms by index).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between processes so allauth's rate limits hold across web workers. A Redis
# outage empties it rather than failing requests (hiring/cache.py).
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "hiring.cache.FailOpenRedisCache",
            "LOCATION": env("REDIS_URL"),
            # Give up on a Redis that does not answer within a second, not redis-py's 5 s.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "hiring.cache.DatabaseCache",
            "LOCATION": "teamfit_cache",
            # Pages are cached per viewer (hiring/freshness.py): more than the default 300.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Rendered fragments keyed by all they show (hiring/freshness.py cached_each): right in any
# process, so each keeps its own, in memory.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "teamfit-fragments",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# Sessions in the database, never in the cache: a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "hiring.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "hiring.accounts.permissions.RolePermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, mandatory verification, sign-up by invitation only (see adapter).
ACCOUNT_ADAPTER = "hiring.accounts.adapter.AccountAdapter"
MFA_ADAPTER = "hiring.accounts.adapter.MfaAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "hiring.accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {
    "signup": "hiring.accounts.allauth_forms.InvitedSignupForm",
    "reset_password": "hiring.accounts.allauth_forms.VerifiedResetPasswordForm",
}
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "hiring.accounts.tokens.ActiveAccountTokenGenerator"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Teamfit] "
# Adding, removing or choosing an address asks for the password (typed in the last 5 minutes), as
# two-factor settings do: whoever found a session open would otherwise make their own address the
# account's, and take the account over by a password reset to it.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Told by email when their password, an address or two-factor authentication changes: whoever
# took an account over is noticed (templates/account/email/base_notification.txt: the time in
# their zone).
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Teamfit"
# A row per signed-in session (allauth.usersessions), written as one signs in: the sessions page
# lists them, and deactivating someone ends theirs (accounts/people.py). Not touched on every
# request (no activity tracking): no page costs a query more for it.
USERSESSIONS_TRACK_ACTIVITY = False
# Login rate limits count per client address. Behind a proxy every request comes from the
# proxy, so without one of these one client's failed logins lock out everyone behind it:
# TRUSTED_PROXY_COUNT, how many proxies of ours append to X-Forwarded-For; or CLIENT_IP_HEADER,
# a header our proxy sets to the client's address (X-Real-IP), overwriting any the client sent.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("CLIENT_IP_HEADER") or None

# Email: printed to the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# A mail server that hangs fails the send (retried) instead of holding a worker or a request.
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Teamfit <teamfit@teamfit.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: an embedded filesystem broker under var/ unless CELERY_BROKER_URL names Redis or RabbitMQ.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("messages", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "messages"),
        "data_folder_out": str(_broker_dir / "messages"),
        "control_folder": str(_broker_dir / "control"),
        # kombu sleeps this long whenever a poll finds nothing or the worker's prefetch is full:
        # a second by default, so 2 email tasks/s at --concurrency=2 (6-12 trivial ones). Costs
        # ten listings of a folder a second when idle (tests/email/broker_throughput.py).
        "polling_interval": 0.1,
    }
    # Four tasks per process fetched per poll, not one: with the interval above, 70-150 email
    # tasks/s instead of 18. The only worker holds them, so no other worker waits for them.
    CELERY_WORKER_PREFETCH_MULTIPLIER = 4
    # kombu's filesystem transport, writing each message atomically (hiring/celery.py).
    CELERY_BROKER_TRANSPORT = "hiring.celery:FilesystemTransport"
else:
    # Redis redelivers a task not acknowledged within this many seconds (an hour by default):
    # a minute above the longest task time limit (hiring/tasks.py), so a task still running is
    # never handed to a second worker and a dead worker's tasks come back after six minutes.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 360}
    # Late acknowledgement: a worker holds only the tasks it runs, and idle workers get the rest.
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "teamfit")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
# A report page that took this long to compute is served as it was after a change, with when
# that was, while a worker computes it again (hiring/reports/cached.py): about twenty times a
# plain page: a report slower than that keeps no reader waiting after a change.
REPORTS_IN_BACKGROUND_AFTER_S = float(env("REPORTS_IN_BACKGROUND_AFTER_S", "0.1"))


def polled(task, every, expires=None):
    """Beat's entry for `task`, run `every` (seconds, or a crontab of `expires` seconds). A
    poll no worker took before the next was queued expires: workers back from an outage run
    the latest of each once, not every one beat queued meanwhile."""
    return {"task": task, "schedule": every, "options": {"expires": expires or every}}


CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": polled("hiring.tasks.send_due_reminders", 300),
    "refresh-calendar-feeds": polled("hiring.tasks.refresh_calendar_feeds", 3600),
    "warm-default-reports": polled("hiring.tasks.warm_default_reports", 60),
    "send-due-candidate-emails": polled("hiring.outreach.tasks.send_due_candidate_emails", 60),
    "expire-offers": polled("hiring.offers.tasks.expire_offers", 300),
    "queue-unqueued": polled("hiring.tasks.queue_unqueued", 60),
    "expire-data-exports": polled("hiring.privacy.tasks.expire_exports", 3600),
    # Daily, at night in Europe, when few people move cards on the board.
    "run-retention": polled(
        "hiring.privacy.tasks.run_retention", crontab(hour=3, minute=30), expires=24 * 3600
    ),
    "sweep-stored-files": polled(
        "hiring.privacy.tasks.sweep_stored_files", crontab(hour=4, minute=30), expires=24 * 3600
    ),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

LANGUAGE_CODE = "en-gb"
# The languages Teamfit speaks: a signed-in person's from their profile, a candidate's from
# their browser (hiring/accounts/middleware.py). The catalogues are in hiring/locale.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "hiring" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hiring" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

RESUME_MAX_BYTES = int(env("RESUME_MAX_MB", "10")) * 1024 * 1024

# Invitations are signed links that expire.
INVITATION_MAX_AGE_DAYS = int(env("INVITATION_MAX_AGE_DAYS", "7"))
SLOT_OFFER_MAX_AGE_DAYS = int(env("SLOT_OFFER_MAX_AGE_DAYS", "5"))
# A candidate's status page link, in every email to them: it works until this long after the
# application closed.
CANDIDATE_LINK_MAX_AGE_DAYS = int(env("CANDIDATE_LINK_MAX_AGE_DAYS", "365"))
# The links the privacy page emails again (hiring/privacy/links.py) work this long after they
# were sent, however long ago the application closed: the data is kept for longer than that.
CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS = int(env("CANDIDATE_LINK_RENEWED_MAX_AGE_DAYS", "30"))
# The privacy notice candidates agree to; raise the version when its text changes.
PRIVACY_NOTICE_VERSION = "2026-12.4"
# A data export's download link works, as often as asked, this long after the export is
# ready; the link confirming a candidate's erasure request, this long after it was sent.
DATA_EXPORT_MAX_AGE_DAYS = int(env("DATA_EXPORT_MAX_AGE_DAYS", "7"))
ERASURE_CONFIRMATION_MAX_AGE_DAYS = int(env("ERASURE_CONFIRMATION_MAX_AGE_DAYS", "7"))
# Candidates are told this many days before retention erases their data; the daily run
# erases at most this many candidates per transaction, so it never holds locks for long.
RETENTION_NOTICE_DAYS = 30
RETENTION_BATCH_SIZE = int(env("RETENTION_BATCH_SIZE", "100"))
# Beat's daily sweep deletes stored files no row references once last changed this long ago: a
# file stored in a transaction still open is referenced once it commits (hiring/privacy/files.py).
ORPHAN_FILES_GRACE_HOURS = int(env("ORPHAN_FILES_GRACE_HOURS", "24"))
# The careers page takes at most this many applications an hour from one client address, and
# a day with one email address (hiring/careers/careers.py).
CAREERS_APPLICATIONS_PER_ADDRESS_HOUR = int(env("CAREERS_APPLICATIONS_PER_ADDRESS_HOUR", "10"))
CAREERS_APPLICATIONS_PER_EMAIL_DAY = int(env("CAREERS_APPLICATIONS_PER_EMAIL_DAY", "3"))
# Emails a stage change queues (a rejection) wait this long, so a recruiter can undo them.
CANDIDATE_EMAIL_UNDO_MINUTES = int(env("CANDIDATE_EMAIL_UNDO_MINUTES", "10"))
# A CSV of candidates from another ATS: read whole in the web process, so bounded.
CANDIDATE_IMPORT_MAX_BYTES = int(env("CANDIDATE_IMPORT_MAX_MB", "2")) * 1024 * 1024
# A form with a file is refused (400) past this size before any of it is read (Django would
# write a file of any size to disk first, for the form to refuse): the largest file a form takes
# (a résumé, an import, a calendar's 2 MB) and the form's other fields (Django's limit for them,
# 2.5 MB). Below it, a file too large is refused beside its field.
UPLOAD_MAX_BYTES = max(RESUME_MAX_BYTES, CANDIDATE_IMPORT_MAX_BYTES, 2 * 1024 * 1024) + 2_621_440
FILE_UPLOAD_HANDLERS = [
    "hiring.middleware.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CANDIDATE_IMPORT_MAX_ROWS = int(env("CANDIDATE_IMPORT_MAX_ROWS", "5000"))
# A checked import holds candidates' rows until it is run: one its author has not run this many
# days after the upload loses them in the nightly retention run (the record of the upload stays).
CANDIDATE_IMPORT_PREVIEW_DAYS = int(env("CANDIDATE_IMPORT_PREVIEW_DAYS", "7"))

# Content Security Policy: everything from our own origin; htmx runs without eval or inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Production is served over HTTPS, by a proxy that terminates TLS and forwards plain HTTP with
# X-Forwarded-Proto (see README). INSECURE_HTTP=true serves plain HTTP end to end, for an
# operator whose internal network has no TLS: no redirect, no HSTS, cookies sent in the clear.
INSECURE_HTTP = env_bool("INSECURE_HTTP")
if not DEBUG and not INSECURE_HTTP:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# Django's LOGGING, and no email address or signed link in any process's log lines
# (hiring/logs.py).
LOGGING_CONFIG = "hiring.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # When, how bad and which part of Teamfit, for whoever reads the web's or a worker's output.
    "formatters": {"operator": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "operator"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
