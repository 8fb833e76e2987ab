"""
Settings of the Celery worker that the search worker test starts.

The test settings with tasks really queued on Redis. The search engine comes from the
PORTAL_SEARCH_* variables that the test sets (the OpenSearch node and an index of its own).
"""

from portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
