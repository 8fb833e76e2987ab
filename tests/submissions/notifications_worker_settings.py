"""
Settings of the Celery workers that the notification worker tests start.

The test settings plus: tasks really queued on Redis, and SMS through the HTTP gateway at the
stand-in whose address the test passes in PORTAL_SMS_URL and PORTAL_SMS_API_KEY.
"""

import os

from portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
PORTAL_SMS = {  # noqa: F405
    **PORTAL_SMS,  # noqa: F405
    "GATEWAY": "submissions.notifications.sms.HttpJsonSmsGateway",
    "URL": os.environ["PORTAL_SMS_URL"],
    "API_KEY": os.environ["PORTAL_SMS_API_KEY"],
}
