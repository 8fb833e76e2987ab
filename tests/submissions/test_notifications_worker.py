"""
Outbox delivery by real Celery workers on Redis, against the SMS stand-in over HTTP.

The worker is killed with SIGKILL while the stand-in delays its response (the SMS is already
accepted): a second worker takes the row over once its lease expires, the stand-in recognises
the repeated request id, and exactly one SMS exists while the row ends delivered.
"""

import datetime
import os
import signal
import time

import pytest
import redis
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from tests import workers
from submissions.notifications.models import DeliveryState, Notification, NotificationChannel
from submissions.notifications.tasks import sweep_outbox
from submissions.processing.intake import Applicant

from .helpers import online_application
from .sms_standin import sms_standin  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker for a real worker"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="a worker process needs PostgreSQL"
    ),
]

LEASE_SECONDS = 3
MONDAY_NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_default_timezone())


def wait_for(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s: {message}")


@pytest.fixture
def queued_tasks():
    """Queue tasks on Redis from this process (the test settings run them eagerly) and empty the queue after."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield celery_app
    celery_app.control.purge()
    # The killed worker's task stays in the broker's unacknowledged set; drop it so that a later
    # run's worker does not receive a task for a row of this test's database.
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("unacked", "unacked_index")
    celery_app.conf.task_always_eager = True


@pytest.fixture
def start_worker(sms_standin, tmp_path):  # noqa: F811
    """Return a function that starts a solo-pool worker on the test database; stops them all after the test."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.submissions.notifications_worker_settings",
        "DATABASE_URL": workers.worker_database_url(),
        "PORTAL_SMS_URL": sms_standin.send_url,
        "PORTAL_SMS_API_KEY": sms_standin.api_key,
        "PORTAL_SMS_TIMEOUT": "60",
        "PORTAL_NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
        "PORTAL_NOTIFICATION_BACKOFF_SECONDS": "1",
    }
    started = []

    def start(name):
        log = open(tmp_path / f"{name}.log", "w")
        process = workers.start_worker(name, env, log)
        started.append((process, log))
        return process

    yield start

    for process, log in started:
        workers.stop_worker(process, timeout=15)
        log.close()


def sms_notification(province):
    applicant = Applicant(name="Trần Thị Hoa", id_number="040085123456", phone="+84912345678", email="", address="Vinh")
    application = online_application(province.licence, province.justice, MONDAY_NINE, applicant=applicant)
    return Notification.objects.get(application=application, channel=NotificationChannel.SMS)


def test_killed_worker_loses_and_duplicates_nothing(province, sms_standin, queued_tasks, start_worker):  # noqa: F811
    sms_standin.control(delay_seconds=30)
    first = start_worker("first")

    row = sms_notification(province)  # committed; its on_commit hook queued the delivery on Redis
    wait_for(lambda: sms_standin.messages(), 60, "the first worker never called the gateway")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    row.refresh_from_db()
    assert row.state == DeliveryState.SENDING
    assert row.attempts == 1
    assert len(sms_standin.messages()) == 1

    sms_standin.control(delay_seconds=0)
    start_worker("second")
    time.sleep(LEASE_SECONDS + 0.5)
    sweep_outbox.delay()

    def delivered():
        row.refresh_from_db()
        return row.state == DeliveryState.DELIVERED

    wait_for(delivered, 60, "the second worker did not deliver the row")
    messages = sms_standin.messages()
    assert len(messages) == 1
    assert messages[0]["request_id"] == str(row.delivery_key)
    assert sms_standin.send_requests() == 2
    assert row.attempts == 2
    assert row.provider_message_id == messages[0]["message_id"]
    connection.close()


def test_worker_retries_temporary_failure(province, sms_standin, queued_tasks, start_worker):  # noqa: F811
    sms_standin.control(fail_next=1)
    start_worker("retrying")

    row = sms_notification(province)

    def delivered():
        row.refresh_from_db()
        return row.state == DeliveryState.DELIVERED

    wait_for(delivered, 60, "the worker did not retry the failed delivery")
    assert row.attempts == 2
    assert len(sms_standin.messages()) == 1
    assert sms_standin.send_requests() == 2
    assert row.last_error == ""
    connection.close()
