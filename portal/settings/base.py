"""
Settings shared by every environment.

Values that differ between machines come from environment variables. With none set, the
portal runs on the embedded defaults: a SQLite file, Celery tasks executed in-process and the
database search engine. `dev.py`, `test.py` and `production.py` adjust this file.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes" and "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Applications

INSTALLED_APPS = [
    "accounts",
    "cms_pages",
    "service_catalog",
    "submissions",
    "search",
    "themes",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# A theme is a folder under themes/ with templates/ and static/; PORTAL_THEME picks the active one.
PORTAL_THEME = os.environ.get("PORTAL_THEME", "default")
THEME_DIR = BASE_DIR / "themes" / PORTAL_THEME

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [THEME_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "themes.context_processors.portal",
            ],
        },
    },
]


# Database: DATABASE_URL (for example postgres://user:pass@127.0.0.1:5432/portal) or a SQLite file.

DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means unset, as it does for every variable here.
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; a busy timeout makes concurrent requests wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A transaction takes the write lock when it begins, so two writers that both read first
    # wait for each other instead of failing with "database is locked" on the lock upgrade.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Caches: Redis when REDIS_URL is set, process memory otherwise.

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# Passwords

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"


# Languages, time and formats: Vietnamese first, English second.

LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
# The first catalogue completes Wagtail's and Django's own; the second holds the strings of the
# `portal` package, which is not an installed app.
LOCALE_PATHS = [BASE_DIR / "locale", PROJECT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Django's own `vi` formats parse 05/04/2025 as 4 May; portal/formats/ makes it 5 April.
FORMAT_MODULE_PATH = ["portal.formats"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES


# Static and uploaded files

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [THEME_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Wagtail's page editor posts many fields for long procedure pages.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Larger files go to disk while they upload, so RAM stays flat under concurrent submissions.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024


# E-mail: console output unless EMAIL_HOST is set.

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng dịch vụ công Nghệ An <noreply@localhost>")


# Celery: workers on Redis when a broker is set; otherwise tasks run in the calling process.

_broker_url = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not _broker_url
# In-process tasks still need a transport name; "memory://" keeps Kombu from guessing localhost.
CELERY_BROKER_URL = _broker_url or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", _broker_url or None)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only after it finishes, so a worker killed mid-task leaves it queued.
# Every task must therefore be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Task modules outside an app's `tasks` module, and the periodic tasks that `celery beat` starts.
CELERY_IMPORTS = ["submissions.notifications.tasks", "submissions.deadlines.tasks"]
CELERY_BEAT_SCHEDULE = {
    "watch-deadlines": {"task": "submissions.deadlines.tasks.watch_deadlines", "schedule": 15 * 60},
    "sweep-notification-outbox": {"task": "submissions.notifications.tasks.sweep_outbox", "schedule": 60},
    "purge-stale-upload-drafts": {"task": "submissions.tasks.purge_stale_drafts", "schedule": 6 * 60 * 60},
}


# Wagtail

WAGTAIL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", "Cổng dịch vụ công tỉnh Nghệ An")
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "odt", "pdf", "rtf", "txt", "xlsx", "xls", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
# An approved workflow publishes without requiring the last approver's publish permission:
# department approvers approve other people's changes but cannot publish their own.
WAGTAIL_FINISH_WORKFLOW_ACTION = "service_catalog.workflows.publish_approved_workflow_state"
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# Avatars come from uploads only: Gravatar would send staff e-mail hashes to an outside service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None


# Portal

# "development", "test" or "production"; demo data and accounts are refused in production.
PORTAL_ENVIRONMENT = "development"
PORTAL_PROVINCE_NAME = os.environ.get("PORTAL_PROVINCE_NAME", "Nghệ An")
# Electronic identifier of the province's People's Committee (QCVN 102:2016 format).
PORTAL_PROVINCE_AGENCY_CODE = os.environ.get("PORTAL_PROVINCE_AGENCY_CODE", "000.00.00.H41")
# Folder of the shared real data (administrative units, agency codes, procedure records).
PORTAL_DATA_DIR = Path(os.environ.get("PORTAL_DATA_DIR", BASE_DIR / "data"))

# Applications (submissions app).
# Largest file accepted for one dossier component, in bytes.
PORTAL_UPLOAD_MAX_BYTES = int(os.environ.get("PORTAL_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Applicants' uploads and desk scans live outside MEDIA_ROOT and are served only through views
# that check the staff member's agency and record the access.
PORTAL_PRIVATE_MEDIA_ROOT = Path(os.environ.get("PORTAL_PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Office hours (local time) of an agency that has none configured in the admin.
PORTAL_OFFICE_HOURS = [("07:30", "11:30"), ("13:30", "17:00")]
# Status lookup by code and phone digits: attempts allowed per client address within the
# window (seconds). Failed attempts on one code beyond PORTAL_LOOKUP_CODE_FREE_FAILURES in the
# window make the next attempt on that code wait 2, 4, 8 … seconds, at most
# PORTAL_LOOKUP_CODE_MAX_DELAY_SECONDS: guessing slows down, the code is never locked.
PORTAL_LOOKUP_MAX_ATTEMPTS = int(os.environ.get("PORTAL_LOOKUP_MAX_ATTEMPTS", "10"))
PORTAL_LOOKUP_WINDOW_SECONDS = int(os.environ.get("PORTAL_LOOKUP_WINDOW_SECONDS", "900"))
PORTAL_LOOKUP_CODE_FREE_FAILURES = int(os.environ.get("PORTAL_LOOKUP_CODE_FREE_FAILURES", "20"))
PORTAL_LOOKUP_CODE_MAX_DELAY_SECONDS = int(os.environ.get("PORTAL_LOOKUP_CODE_MAX_DELAY_SECONDS", "60"))
# Addresses or networks of the reverse proxies whose X-Forwarded-For header names the client
# (comma-separated). Empty: the header is ignored and the peer address is the client.
PORTAL_TRUSTED_PROXIES = env_list("PORTAL_TRUSTED_PROXIES", "")
# Files kept in one form's draft between posts: at most this many, and this many bytes in all.
PORTAL_DRAFT_MAX_FILES = int(os.environ.get("PORTAL_DRAFT_MAX_FILES", "60"))
PORTAL_DRAFT_MAX_BYTES = int(os.environ.get("PORTAL_DRAFT_MAX_BYTES", str(200 * 1024 * 1024)))
# Bytes that one client address may keep in the drafts of the public forms per hour.
PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR = int(
    os.environ.get("PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR", str(500 * 1024 * 1024))
)

# Notifications (submissions.notifications). Channels used for messages to applicants.
PORTAL_NOTIFICATION_CHANNELS = env_list("PORTAL_NOTIFICATION_CHANNELS", "email,sms")
# Delivery attempts per message, and the first and largest wait between attempts (seconds).
PORTAL_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("PORTAL_NOTIFICATION_MAX_ATTEMPTS", "8"))
PORTAL_NOTIFICATION_BACKOFF_SECONDS = int(os.environ.get("PORTAL_NOTIFICATION_BACKOFF_SECONDS", "30"))
PORTAL_NOTIFICATION_BACKOFF_MAX_SECONDS = int(os.environ.get("PORTAL_NOTIFICATION_BACKOFF_MAX_SECONDS", "3600"))
# How long a worker holds a message it is sending before another worker may take it over
# (seconds); keep it above the SMS gateway's and the mail server's timeouts.
PORTAL_NOTIFICATION_LEASE_SECONDS = int(os.environ.get("PORTAL_NOTIFICATION_LEASE_SECONDS", "120"))
# SMS gateway: a class path (see submissions/notifications/sms.py) and its options. Without a
# URL, messages are written to the console, as the console e-mail backend does.
PORTAL_SMS = {
    "GATEWAY": os.environ.get(
        "PORTAL_SMS_GATEWAY",
        "submissions.notifications.sms.HttpJsonSmsGateway"
        if os.environ.get("PORTAL_SMS_URL")
        else "submissions.notifications.sms.ConsoleSmsGateway",
    ),
    "URL": os.environ.get("PORTAL_SMS_URL", ""),
    "API_KEY": os.environ.get("PORTAL_SMS_API_KEY", ""),
    "BRANDNAME": os.environ.get("PORTAL_SMS_BRANDNAME", "UBND NGHE AN"),
    "TIMEOUT": float(os.environ.get("PORTAL_SMS_TIMEOUT", "10")),
    # Send SMS text without diacritics: unaccented messages fit 160 characters per part.
    "UNACCENTED": env_bool("PORTAL_SMS_UNACCENTED", True),
}

# Search engine behind the public search box; see search/engines/.
PORTAL_SEARCH = {
    "ENGINE": os.environ.get("PORTAL_SEARCH_ENGINE", "search.engines.database.DatabaseEngine"),
    "URL": os.environ.get("PORTAL_SEARCH_URL", ""),
    "INDEX_PREFIX": os.environ.get("PORTAL_SEARCH_INDEX_PREFIX", "portal"),
    # Client library of search.engines.dsl.DSLEngine: "opensearch" or "elasticsearch".
    "LIBRARY": os.environ.get("PORTAL_SEARCH_LIBRARY", "opensearch"),
    # Seconds before a request to the search cluster times out.
    "TIMEOUT": float(os.environ.get("PORTAL_SEARCH_TIMEOUT", "10")),
}


# Logging: one logger per module under the app's name; personal data is never logged.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Wagtail logs every page save and each background task at INFO; the admin's history
        # already records page actions, so the console shows only their warnings by default.
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
        "django_tasks": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
        # WeasyPrint logs each rendering step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
