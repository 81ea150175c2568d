"""Settings shared by every deployment. Everything that varies comes from the environment.

Defaults give the embedded demo: SQLite under ``var/`` and a secret key generated on first run
and kept under ``var/``. ``enlace.settings.production`` makes the variables mandatory.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ENLACE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _demo_secret_key() -> str:
    """Generate once, then reuse, so demo sessions survive a restart."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _demo_secret_key()
DEBUG = os.environ.get("ENLACE_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    # Enlace domains, one app each (see ARCHITECTURE.md)
    "enlace.core",
    "enlace.accounts",
    "enlace.sharing",
    "enlace.audit",
    "enlace.api",
    "enlace.notifications",
    # Capabilities register themselves here when they land (one line each).
    "enlace.cases",
    "enlace.knowledge",
    "enlace.directory",
    "enlace.exchange",
    "enlace.legislation",
    "enlace.matching",
    "enlace.documents",  # issue 13: document register and number hit/no-hit
    "enlace.centres",
    "django_tasks", "django_tasks_db", "enlace.statistics",  # statistics: reports built by `enlace db_worker`
    "enlace.jobs",  # issue 17: task progress in the database, worker heartbeats (`enlace worker`)
    "enlace.agreements",
    "enlace.teams",
    "enlace.coordination",
    "enlace.portal", "enlace.practices", "enlace.training",  # issue 12: portal, practices, training
]

# Background jobs (the regional statistics report): queued in the database, run by `enlace db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "enlace.core.jsonlog.RequestLogMiddleware",  # first: request id, one JSON line per request (issue 17)
    "django.middleware.security.SecurityMiddleware",
    "enlace.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Times shown in the viewer's own zone (issue 15).
    "enlace.accounts.middleware.UserTimezoneMiddleware",
    # Cross-border standing is asked once per request, never remembered across requests.
    "enlace.sharing.policy.StandingCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "enlace.accounts.middleware.SessionLifetimeMiddleware",
    "enlace.accounts.middleware.RequireMFAMiddleware",
    "enlace.audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes last, as its documentation requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enlace.urls"
WSGI_APPLICATION = "enlace.wsgi.application"
ASGI_APPLICATION = "enlace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "enlace.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'enlace.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; the timeout waits for the write lock
    # instead of failing with "database is locked" under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short queries only: PostgreSQL's JIT compiles any plan whose *estimated* cost is high (the
    # policy's per-row group probe is estimated pessimistically) and spent 2.7 s compiling a count
    # that runs in 50 ms (issue 17). An explicit ``options`` in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Breached-password check: the network runs without internet, so the online Pwned Passwords API
# is out of reach; Django's list of the 20 000 most common passwords (taken from breach corpora)
# is checked offline, plus an optional local list of further breached passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "enlace.accounts.validators.LocalBreachedPasswordValidator"},
]
ENLACE_BREACHED_PASSWORDS_FILE = os.environ.get("ENLACE_BREACHED_PASSWORDS_FILE", "")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: absolute lifetime 12 h (cookie age), idle timeout 30 min (SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
ENLACE_SESSION_IDLE_SECONDS = 30 * 60
ENLACE_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Failed logins: lock the (username, address) pair, never the username alone, so that an
# attacker elsewhere cannot lock a real user out at will.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "enlace.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

OTP_TOTP_ISSUER = "Enlace CRM"
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS: list = []  # each app keeps its own catalogue in <app>/locale
TIME_ZONE = "America/Guatemala"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "private")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only through policy-checked views.
MEDIA_ROOT = VAR_DIR / "private"
WHITENOISE_USE_FINDERS = True

# Request bodies: anything larger is refused before it is read (RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ENLACE_MAX_REQUEST_BYTES = int(os.environ.get("ENLACE_MAX_REQUEST_BYTES", 25 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "enlace@crm.invalid")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "enlace.api.authentication.AuditedTokenAuthentication",
        "enlace.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "enlace.api.errors.exception_handler",
    # Bounded: ?limit= above the maximum is clamped, a non-number is a 400 (issue 16).
    "DEFAULT_PAGINATION_CLASS": "enlace.api.pagination.BoundedLimitOffsetPagination",
    # JSON bodies must be one object of bounded depth (a list or [[[…]]] is a 400, never a 500);
    # no body may carry NUL characters (PostgreSQL refuses them).
    "DEFAULT_PARSER_CLASSES": [
        "enlace.api.parsers.JSONParser",
        "enlace.api.parsers.FormParser",
        "enlace.api.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Enlace API",
    "DESCRIPTION": "API de la plataforma regional Enlace (CRM). Toda lectura pasa por la política de intercambio.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No call to swagger.io's online validator (no internet; the CSP would block it and the page waited).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Distinct names for choice sets that share a field name across apps.
    "ENUM_NAME_OVERRIDES": {
        "ExchangeThreadKindEnum": "enlace.exchange.choices.KINDS",
        "ExchangeThreadStatusEnum": "enlace.exchange.models.Thread.Status",
        "CentreCrisisLevelEnum": "enlace.centres.choices.CRISIS_LEVELS",
        "DocumentReportStatusEnum": "enlace.documents.models.DocumentReport.Status",
        "ImportBatchStatusEnum": "enlace.cases.models.ImportBatch.Status",
    },
}

# Content-Security-Policy: only our own origin. No inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Issue 17: one JSON object per line with the request id; uncaught exceptions (django.request) too.
    "formatters": {"json": {"()": "enlace.core.jsonlog.JSONFormatter"}},
    "filters": {"request_id": {"()": "enlace.core.jsonlog.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "enlace": {"handlers": ["console"], "level": os.environ.get("ENLACE_LOG_LEVEL", "INFO")},
    },
}

# Exchange: default time to answer, in hours, by priority.
ENLACE_EXCHANGE_DUE_HOURS = {"urgent": 8, "normal": 168}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CSRF_FAILURE_VIEW = "enlace.core.views.csrf_failure"
