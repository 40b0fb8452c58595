"""Patronage settings: one module, driven by environment variables (see docs/configuration.md)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PATRONAGE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _secret_key() -> str:
    # The embedded default keeps a generated key under var/ so sessions survive restarts;
    # production sets SECRET_KEY explicitly.
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "patronage.core",
    "patronage.members",
    "patronage.commerce",
    "patronage.loyalty",
    "patronage.messages",
    "patronage.care",
    "patronage.feedback",
    "patronage.standards",
    "patronage.segments",
    "patronage.analytics",
    "patronage.demo",
    "patronage.api",
    "patronage.console",
    "patronage.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "patronage.api.guard.ApiInputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "patronage.core.middleware.BusinessClockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "patronage.core.audit.AuditContextMiddleware",
    # Last, as axes asks: it turns a locked-out login into its response (see AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "patronage.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'patronage.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one of them writes;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Concurrent test runs on one server must not share (and drop) each other's test database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "PATRONAGE_TEST_DATABASE", f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
        )
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "console:login"
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "patronage" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One way to write dates and numbers per language on every page (issue 11): CLDR's, see config/formats.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# HTTPS: production sets PATRONAGE_HTTPS=true and is then served over HTTPS only (plain http is
# redirected, HSTS, cookies only over HTTPS); `make run` serves plain http on 127.0.0.1, so all of it
# is off by default. Behind a load balancer or TLS terminator, PATRONAGE_PROXY_COUNT says how many
# proxies stand in front; they must set X-Forwarded-Proto and X-Forwarded-For.
PATRONAGE_HTTPS = _env_bool("PATRONAGE_HTTPS", False)
PATRONAGE_PROXY_COUNT = _env_int("PATRONAGE_PROXY_COUNT", 0)
if PATRONAGE_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = PATRONAGE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the web processes over plain http
SECURE_HSTS_SECONDS = _env_int("PATRONAGE_HSTS_SECONDS", 365 * 24 * 3600) if PATRONAGE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("PATRONAGE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("PATRONAGE_HSTS_PRELOAD", False)
# Preloading is asked for on hstspreload.org by whoever owns the whole domain, and is slow to undo:
# it is theirs to switch on, so its deploy-check reminder is silenced until they do.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = PATRONAGE_HTTPS or _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Login throttling (django-axes): repeated failed logins lock the account, from any address, and the
# address, for any account; the address gets a higher limit because an office or a mobile network puts
# many people behind one. See docs/decisions/0015-login-throttling-and-headers.md.
PATRONAGE_LOGIN_FAILURES_PER_ACCOUNT = _env_int("PATRONAGE_LOGIN_FAILURES_PER_ACCOUNT", 5)
PATRONAGE_LOGIN_FAILURES_PER_ADDRESS = _env_int("PATRONAGE_LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_FAILURE_LIMIT = PATRONAGE_LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("PATRONAGE_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused unchecked and do not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "patronage.core.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "patronage.core.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "patronage.core.login_throttle.lockout_response"
# No table of every successful login (it would keep addresses and e-mail addresses for ever).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every command; failures are still logged, with names and addresses masked

# Content-Security-Policy (django-csp): every script, style, image and font is our own (vendored, no
# CDN) and no page runs inline script. Style attributes stay allowed (progress bars, heat-map cells
# set a width or a colour in the template; an attribute can hold no script and, with images and
# fonts limited to our own origin, cannot send anything away); <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
if EMAIL_URL.startswith("smtp"):
    from urllib.parse import unquote, urlparse

    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = EMAIL_URL.startswith("smtp+tls")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "patronage@localhost")

# The cache is shared by the web server and the workers (import progress is read from it),
# so the embedded default is a folder under var/, and production points CACHE_URL at Redis.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# Celery: a real broker (Redis or RabbitMQ) in production; the embedded default uses
# kombu's filesystem transport under var/ so that `make run` needs no server.
# "localhost" only quiets kombu's warning that a URL without a host names localhost.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Without it kombu keeps its exchange table in ./control, wherever the command was started.
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs; each capability adds its own (expiry, tier review, SLA watch, analytics refresh, ...).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "sessions-purge": {"task": "core.sessions_purge", "schedule": 6 * 3600.0},
    # Import files outlive their job only when it failed (kept 7 days for a re-run), never an erasure.
    "members-import-files-sweep": {"task": "members.import_files_sweep", "schedule": 6 * 3600.0},
    "loyalty-pending-activate": {"task": "loyalty.pending_activate", "schedule": 15 * 60.0},
    "loyalty-points-expire": {"task": "loyalty.points_expire", "schedule": 3600.0},
    "loyalty-expiry-warnings": {"task": "loyalty.expiry_warnings", "schedule": 6 * 3600.0},
    "loyalty-tiers-review": {"task": "loyalty.tiers_review", "schedule": 3600.0},
    "loyalty-tier-benefits-refresh": {"task": "loyalty.tier_benefits_refresh", "schedule": 6 * 3600.0},
    # Analytics: every standard analysis recomputed once a day, each run by its own task.
    "analytics-refresh": {"task": "analytics.refresh", "schedule": 24 * 3600.0},
    # Webhooks: fan out new outbox events and send the deliveries due, every few seconds; once a day,
    # disable endpoints failing for 3 days and purge the outbox rows older than WEBHOOKS_RETENTION_DAYS.
    "messaging-webhooks-pump": {"task": "messaging.webhooks_pump", "schedule": 5.0},
    "messaging-webhooks-housekeeping": {"task": "messaging.webhooks_housekeeping", "schedule": 24 * 3600.0},
    # Messages to people: send those due (quiet hours over, retry time come) every few seconds.
    "messaging-messages-send": {"task": "messaging.messages_send", "schedule": 5.0},
    # Care: breaches are stamped with their due time whenever the sweep runs; it runs often so that the
    # escalation reaches the lead within a minute of the breach.
    "care-sla-sweep": {"task": "care.sla_sweep", "schedule": 30.0},
    # Proactive notices: the customers of a notice being sent are told within a minute.
    "care-notices-send": {"task": "care.notices_send", "schedule": 60.0},
    # Anonymous cases go to the customer's file once a member with their e-mail or phone exists.
    "care-cases-match": {"task": "care.cases_match", "schedule": 60.0},
    # Surveys after an event (a case closed, a purchase, a redemption) go out within a minute.
    "feedback-triggers-run": {"task": "feedback.triggers_run", "schedule": 60.0},
    # Themes of free-text answers: every ten minutes, the surveys with new answers, each at most hourly.
    "feedback-themes-refresh": {"task": "feedback.themes_refresh", "schedule": 600.0},
    # Standards: measurements derived from legs met and cases rated; breached periods found and warned.
    "standards-derive": {"task": "standards.derive", "schedule": 600.0},
    "standards-breaches-find": {"task": "standards.breaches_find", "schedule": 3600.0},
    # Segments: members moved by their own changes within a minute; time-based rules and the day's sizes
    # hourly; every segment evaluated in full and proved equal to its kept members once a day.
    "segments-upkeep": {"task": "segments.upkeep", "schedule": 60.0},
    "segments-clock": {"task": "segments.clock", "schedule": 3600.0},
    "segments-reconcile": {"task": "segments.reconcile", "schedule": 24 * 3600.0},
    # Campaigns: started when their time comes, their messages queued a bounded number per minute.
    "segments-campaigns": {"task": "segments.campaigns", "schedule": 60.0},
    # Next-best offers: exposures marked converted hourly; the co-purchase lift table refitted nightly.
    "segments-offers-convert": {"task": "segments.offers_convert", "schedule": 3600.0},
    "segments-offers-table": {"task": "segments.offers_table", "schedule": 24 * 3600.0},
    # Information: the day's new items announced, and the weekly and monthly digests due, once a day.
    "segments-digests": {"task": "segments.digests", "schedule": 24 * 3600.0},
}
CELERY_TIMEZONE = "UTC"

# Webhooks (decision 0023). A URL resolving to a loopback, private, link-local or reserved address is
# refused, at registration and at each send, unless allowed (by default only while DEBUG is on).
WEBHOOKS_ALLOW_PRIVATE = _env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "").strip() or 10)
WEBHOOKS_RETENTION_DAYS = _env_int("WEBHOOKS_RETENTION_DAYS", 30)

# Messages to people (decision 0024): marketing waits out the quiet hours in the member's time zone and
# goes at most N times a week; links in messages (unsubscribe) start with the site's public address.
MESSAGES_QUIET_HOURS = os.environ.get("MESSAGES_QUIET_HOURS", "21:00-08:00")
MESSAGES_MARKETING_PER_WEEK = _env_int("MESSAGES_MARKETING_PER_WEEK", 3)
MESSAGES_BASE_URL = os.environ.get("MESSAGES_BASE_URL", "http://localhost:8000")
# News older than this is not sent (a backfill of last year's orders must not mail every member).
# Inbound e-mail: the largest message the API and `patronage inbound` accept, in bytes (10 MiB).
INBOUND_EMAIL_MAX_BYTES = _env_int("INBOUND_EMAIL_MAX_BYTES", 10 * 1024 * 1024)
MESSAGES_LATE_AFTER = timedelta(hours=_env_int("MESSAGES_LATE_AFTER_HOURS", 48))

# Files attached to cases (photos, receipts): the largest file in bytes (10 MiB), how many go with one
# message, and how many a case holds in all.
CARE_ATTACHMENT_MAX_BYTES = _env_int("CARE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
CARE_ATTACHMENTS_PER_MESSAGE = _env_int("CARE_ATTACHMENTS_PER_MESSAGE", 5)
CARE_ATTACHMENTS_PER_CASE = _env_int("CARE_ATTACHMENTS_PER_CASE", 30)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "patronage.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PATRONAGE_DEFAULT_CURRENCY = os.environ.get("PATRONAGE_DEFAULT_CURRENCY", "KRW")
# The country of a phone number typed without its country code (ISO 3166).
PATRONAGE_DEFAULT_REGION = os.environ.get("PATRONAGE_DEFAULT_REGION", "KR")
PATRONAGE_SITE_NAME = os.environ.get("PATRONAGE_SITE_NAME", "Patronage")
