"""
Settings for the test suite.

The suite runs on the production column: PostgreSQL from DATABASE_URL and Redis from REDIS_URL
when they are set (CI sets both). Celery runs eagerly unless a test starts a real worker.
"""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
PORTAL_ENVIRONMENT = "test"
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_SMS = {**PORTAL_SMS, "GATEWAY": "submissions.notifications.sms.LocmemSmsGateway"}  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-media-"))  # noqa: F405
# An existing static root keeps WhiteNoise from warning on every request.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-static-"))  # noqa: F405
PORTAL_PRIVATE_MEDIA_ROOT = MEDIA_ROOT / "private"

# Tests enqueue tasks in-process by default; the Celery worker tests override this per test.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")  # noqa: F405
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")  # noqa: F405

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
