"""
Settings of the Celery worker that the e-mail test starts as a separate process.

The test settings plus a real broker (REDIS_URL) and a file-based e-mail backend writing into
PORTAL_TEST_EMAIL_DIR, so the test can read what the worker sent. DATABASE_URL names the test
database, set by the test from its own connection.
"""

import os

from portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["PORTAL_TEST_EMAIL_DIR"]
