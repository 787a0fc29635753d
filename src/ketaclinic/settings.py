"""KetaClinic settings: one file, driven by environment variables.

``KETACLINIC_ENV`` is ``development`` (the default: ``make run``), ``test`` or ``production``.
Production refuses to start without its own secret key and allowed hosts; development uses a key
Django's own deploy check flags as insecure, so a development key can never pass as a real one.
SQLite is the default database (zero set-up); ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from ketaclinic.env import env_bool, env_choice, env_int, env_list, env_optional, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("KETACLINIC_DATA_DIR", str(Path.cwd() / "var")))

ENVIRONMENT = env_choice("KETACLINIC_ENV", "development", ("development", "test", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("KETACLINIC_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("KETACLINIC_DEBUG=true: refused when KETACLINIC_ENV=production")

_secret = env_optional("KETACLINIC_SECRET_KEY")
if _secret is None:
    if PRODUCTION:
        raise ImproperlyConfigured("KETACLINIC_SECRET_KEY: required when KETACLINIC_ENV=production")
    _secret = "django-insecure-ketaclinic-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = _secret

# De-identified exports (ketaclinic.interop.deid): the key of the per-patient pseudonyms and date
# shifts. Whoever holds it can re-link a de-identified export to the clinic's records, so it is a
# secret like SECRET_KEY (and not SECRET_KEY itself: rotating the session key must not change the
# pseudonyms a research consortium already holds). Production refuses to start without its own.
_deid_secret = env_optional("KETACLINIC_DEID_SECRET")
if _deid_secret is None:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "KETACLINIC_DEID_SECRET: required when KETACLINIC_ENV=production"
        )
    _deid_secret = "insecure-ketaclinic-development-deid-key-never-use-in-production"  # noqa: S105
elif len(_deid_secret) < 32:
    raise ImproperlyConfigured("KETACLINIC_DEID_SECRET: expected at least 32 characters")
DEID_SECRET = _deid_secret
# Identifier systems and code systems of this installation's FHIR resources (one base per
# installation, so two clinics' record numbers never share a system).
FHIR_BASE = env_str("KETACLINIC_FHIR_BASE", "https://ketaclinic.example/fhir").rstrip("/")
# The largest request body read (a FHIR Bundle import; Synthea's run to ~4 MiB, a whole
# practice's to tens): 64 MiB, answered 413 (JSON on the API) above. Django's 2.5 MiB default
# refused real bundles. Form fields stay bounded by DATA_UPLOAD_MAX_NUMBER_FIELDS.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024
# Researchers' cohort outcomes (ketaclinic.outcomes.disclosure): counts of 1 to this minus one
# are suppressed. 11 follows the CMS cell-size suppression policy ("1 to 10"); a data use
# agreement may ask for more, never less than 2 (1 would suppress nothing).
OUTCOMES_MIN_CELL = env_int("KETACLINIC_OUTCOMES_MIN_CELL", 11, minimum=2, maximum=1000)
# Prescription monitoring (clinical.prescription_monitoring, docs/clinical-rules.md §13): a PDMP
# check counts for this many days before the first course or a home prescription, or, with
# KETACLINIC_PDMP_EACH_PRESCRIPTION=true, only if made after the previous prescription.
PDMP_WINDOW_DAYS = env_int("KETACLINIC_PDMP_WINDOW_DAYS", 30, minimum=1, maximum=365)
PDMP_EACH_PRESCRIPTION = env_bool("KETACLINIC_PDMP_EACH_PRESCRIPTION", default=False)

ALLOWED_HOSTS = env_list(
    "KETACLINIC_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KETACLINIC_ALLOWED_HOSTS: required when KETACLINIC_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("KETACLINIC_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from our own static files (no CDN, no inline script)
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ketaclinic.core",
    "ketaclinic.accounts",
    "ketaclinic.audit",
    "ketaclinic.patients",
    "ketaclinic.instruments",
    "ketaclinic.treatment",
    "ketaclinic.inventory",
    "ketaclinic.diary",
    "ketaclinic.portal",
    "ketaclinic.scheduling",
    "ketaclinic.reminders",
    "django_tasks",
    "django_tasks_db",
    "ketaclinic.interop",
    "ketaclinic.outcomes",
    "ketaclinic.home",
    "ketaclinic.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ketaclinic.core.middleware.RequestContextMiddleware",
    "ketaclinic.core.middleware.RejectNulCharactersMiddleware",
    "ketaclinic.core.middleware.BoundedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ketaclinic.accounts.middleware.StaffIdleTimeoutMiddleware",
    "ketaclinic.accounts.middleware.TwoFactorMiddleware",
    # Branded 404 for unknown addresses and branded answers to exceptions views raise, in every
    # mode: never Django's debug page, its URL list or a traceback (core.error_pages).
    "ketaclinic.core.error_pages.ErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out authentication into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ketaclinic.urls"
# Even with DEBUG on (development), Django's own error pages show the branded page, not a
# traceback; a failed CSRF check answers the branded 403 with what to do.
DEFAULT_EXCEPTION_REPORTER = "ketaclinic.core.error_pages.NoTracebackReporter"
CSRF_FAILURE_VIEW = "ketaclinic.core.error_pages.csrf_failure"
WSGI_APPLICATION = "ketaclinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketaclinic.home.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
_database_url = env_optional("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "ketaclinic.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
                # instead of one failing with "database is locked" half-way through its work.
                "transaction_mode": "IMMEDIATE",
                # Wait up to 20 s for that lock rather than erroring at once.
                "timeout": 20,
                # WAL lets readers go on while one writer writes; NORMAL sync is durable in WAL
                # mode across application crashes; foreign keys on as in PostgreSQL.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling: 5 failures for one username from one address lock that pair for 15 minutes
# (a lock on the username alone would let anyone lock a nurse out of a running session).
AXES_FAILURE_LIMIT = env_int("KETACLINIC_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KETACLINIC_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ketaclinic.accounts.lockout.lockout_response"
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    # Tests create hundreds of users; Argon2's deliberate slowness would dominate the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Two-factor authentication (TOTP, with single-use recovery codes) for staff roles. "required":
# every staff member must enrol and use it (the production default); "optional": anyone who has
# enrolled must use it, others may enrol (the development default, so the demo log-ins work with
# a password alone). Anyone with a confirmed device always needs a code, in either mode.
STAFF_TWO_FACTOR = env_choice(
    "KETACLINIC_STAFF_2FA", "required" if PRODUCTION else "optional", ("required", "optional")
)
OTP_TOTP_ISSUER = "KetaClinic"
# Staff sessions end after this many idle minutes (shared workstations on a ward).
STAFF_IDLE_TIMEOUT_MINUTES = env_int("KETACLINIC_STAFF_IDLE_MINUTES", 15, minimum=1, maximum=720)
API_TOKEN_LIFETIME_HOURS = env_int("KETACLINIC_API_TOKEN_HOURS", 12, minimum=1, maximum=24 * 90)
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("KETACLINIC_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if PRODUCTION else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts only from our own static files (no inline script anywhere);
# inline style attributes are allowed because server-rendered SVG figures carry them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Cache ------------------------------------------------------------------------------------
# Each process's own memory (Django's default, said here). What is cached is the drawn diary
# summary (diary.summary_views), under a key made of everything it shows, so no entry is ever
# stale and the workers need not share a cache. Up to ~70 kB an entry; 300 entries at most.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 300},
    }
}

# --- Locale -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("KETACLINIC_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected files only in production; development and tests serve from the apps (finders).
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
# Background jobs' results (ketaclinic.jobs): the data directory by default; a clinic running
# several app servers points them at shared S3-compatible storage (django-storages) by setting
# KETACLINIC_JOB_STORAGE_BUCKET, so any server can hand out what any worker wrote.
_job_bucket = env_optional("KETACLINIC_JOB_STORAGE_BUCKET")
JOB_STORAGE: dict[str, object] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _job_bucket,
            "location": env_str("KETACLINIC_JOB_STORAGE_PREFIX", "ketaclinic"),
            "endpoint_url": env_optional("KETACLINIC_JOB_STORAGE_ENDPOINT_URL"),
            "region_name": env_optional("KETACLINIC_JOB_STORAGE_REGION"),
            # None: boto3's own chain (AWS_ACCESS_KEY_ID..., an instance role) supplies them.
            "access_key": env_optional("KETACLINIC_JOB_STORAGE_ACCESS_KEY_ID"),
            "secret_key": env_optional("KETACLINIC_JOB_STORAGE_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if _job_bucket
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "jobs")},
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "jobs": JOB_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "KETACLINIC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("KETACLINIC_FROM_EMAIL", "KetaClinic <no-reply@ketaclinic.example>")

# --- Background tasks -------------------------------------------------------------------------
# Django's task API (the django-tasks backport until Django 6) with the database backend: tasks
# are rows in the same database, run by ``db_worker``, which ``ketaclinic serve`` starts and
# stops alongside the web server, so no extra server is needed. A clinic that scales out points
# this at another backend (for example a Redis-backed one) without touching the code.
TASKS = {
    "default": {
        "BACKEND": env_str("KETACLINIC_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# How often the worker looks for reminders that are due (minutes).
REMINDER_SCAN_MINUTES = env_int("KETACLINIC_REMINDER_SCAN_MINUTES", 10, minimum=1, maximum=1440)

# --- Audit checkpoints ------------------------------------------------------------------------
# Signed (sequence, hash, time) statements of the audit chain, written by the worker outside the
# database so a chain cut short with its head rewound is still caught (ketaclinic.audit.checkpoints;
# docs/operations.md says where to keep the key and the copy). The key is created on first use.
AUDIT_CHECKPOINT_KEY = Path(
    env_str("KETACLINIC_AUDIT_KEY", str(DATA_DIR / "keys" / "audit-checkpoint.key"))
)
AUDIT_CHECKPOINT_FILE = Path(
    env_str("KETACLINIC_AUDIT_CHECKPOINTS", str(DATA_DIR / "audit-checkpoints.jsonl"))
)
# A second place for every checkpoint: a directory on another volume, and/or e-mail addresses of
# the security contact (empty: not configured).
AUDIT_CHECKPOINT_COPY_DIR = env_optional("KETACLINIC_AUDIT_CHECKPOINT_COPY_DIR")
AUDIT_CHECKPOINT_EMAIL = env_list("KETACLINIC_AUDIT_CHECKPOINT_EMAIL", [])
AUDIT_CHECKPOINT_MINUTES = env_int(
    "KETACLINIC_AUDIT_CHECKPOINT_MINUTES", 5, minimum=1, maximum=1440
)
# How often the worker's sealer gives newly written audit events their place in the hash chain
# (ADR 0008): the longest an event stays unsealed while the worker runs.
AUDIT_SEAL_SECONDS = env_int("KETACLINIC_AUDIT_SEAL_SECONDS", 2, minimum=1, maximum=60)

# --- Outcomes -------------------------------------------------------------------------------
# Response and relapse follow clinical.relapse (docs/clinical-rules.md §9): no setting.

# --- Patient portal ---------------------------------------------------------------------------
# Invitation links expire after this many days; a new invitation replaces older ones.
PORTAL_INVITE_DAYS = env_int("KETACLINIC_PORTAL_INVITE_DAYS", 7, minimum=1, maximum=60)
# Consultation requests accepted per client address per hour (spam resistance).
PORTAL_REQUESTS_PER_HOUR = env_int("KETACLINIC_PORTAL_REQUESTS_PER_HOUR", 5, minimum=1)
# Where links in e-mails point (invitation, password reset come from the request itself). In
# development, this server itself: PORT, which `ketaclinic serve --port` passes on to the web and
# worker processes it starts, so a reminder's link reaches the port actually served.
PUBLIC_BASE_URL = env_str(
    "KETACLINIC_PUBLIC_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1, maximum=65535)}"
)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KETACLINIC_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
