"""The receipt e-mail: content in Vietnamese, sent once, enqueued after commit, run by a real worker."""

import email
import email.policy
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from submissions.models import Application
from submissions.tasks import send_receipt_email

from .helpers import desk_application, online_application

pytestmark = pytest.mark.django_db


def test_receipt_email_sent_after_commit_in_vietnamese(province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application = online_application(province.licence, province.justice, timezone.now())

    assert len(callbacks) >= 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    body = message.body
    due = timezone.localtime(application.due_at)
    assert message.to == ["hoa@example.org"]
    assert message.subject == f"Hồ sơ {application.code} đã nộp trực tuyến, chờ tiếp nhận"
    assert "Kính gửi Ông/Bà Trần Thị Hoa," in body
    assert "Cấp phiếu lý lịch tư pháp" in body
    assert f"{due:%H:%M} ngày {due:%d/%m/%Y}" in body
    assert f"/ho-so/tra-cuu/?ma={application.code}" in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert application.code in html
    application.refresh_from_db()
    assert application.receipt_email_sent_at is not None


def test_receipt_email_not_sent_twice(province):
    application = online_application(province.licence, province.justice, timezone.now())

    results = [send_receipt_email.apply(args=[application.pk]).get() for _ in range(3)]

    assert results == ["sent", "already-sent", "already-sent"]
    assert len(mail.outbox) == 1


def test_nothing_enqueued_without_address(province, people, django_capture_on_commit_callbacks):
    from submissions.processing.intake import Applicant

    applicant = Applicant("Võ Thị Lan", "040185123456", "+84912000111", "", "Nghệ An")
    with django_capture_on_commit_callbacks(execute=True):
        application = online_application(province.licence, province.justice, timezone.now(), applicant=applicant)

    assert mail.outbox == []
    assert send_receipt_email.apply(args=[application.pk]).get() == "no-address"


def test_desk_intake_sends_receipt(province, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = desk_application(
            province.licence, people.justice_desk, province.justice, province.justice, timezone.now()
        )

    assert [message.to for message in mail.outbox] == [["nam@example.org"]]
    assert application.code in mail.outbox[0].subject
    assert mail.outbox[0].subject == f"Đã nhận hồ sơ {application.code}"


def _read_messages(folder):
    messages = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
    return messages


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker for a real worker")
def test_real_worker_sends_receipt_once(province, tmp_path):
    queue = f"h2-test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    database_url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.submissions.worker_settings",
        "DATABASE_URL": database_url,
        "PORTAL_TEST_EMAIL_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--queues", queue,
            "--hostname", f"{queue}@localhost", "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    previous = {"task_always_eager": celery_app.conf.task_always_eager, "task_default_queue": celery_app.conf.task_default_queue}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        # Committed at once (transactional test): the on-commit hook puts the task on the queue.
        application = online_application(province.licence, province.justice, timezone.now())

        deadline = time.monotonic() + 90
        messages = []
        while time.monotonic() < deadline and not messages:
            time.sleep(0.5)
            messages = _read_messages(tmp_path)
            assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
        assert len(messages) == 1, "the worker sent no e-mail within 90 s"

        message = messages[0]
        assert message["To"] == "hoa@example.org"
        assert str(message["Subject"]).strip() == f"Hồ sơ {application.code} đã nộp trực tuyến, chờ tiếp nhận"
        plain = message.get_body(preferencelist=("plain",)).get_content()
        assert "Kính gửi Ông/Bà Trần Thị Hoa," in plain
        assert application.code in plain
        assert Application.objects.get(pk=application.pk).receipt_email_sent_at is not None

        # A second run of the task on the worker finds the mark and sends nothing.
        # disable_sync_subtasks: other tests may have run an in-process worker, which marks this process as one.
        assert send_receipt_email.delay(application.pk).get(timeout=60, disable_sync_subtasks=False) == "already-sent"
        assert len(_read_messages(tmp_path)) == 1
    finally:
        celery_app.conf.update(**previous)
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_receipt_email_without_fixed_limit_points_to_lookup(province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        online_application(province.unparsed, province.justice, timezone.now())

    body = mail.outbox[0].body
    assert "ấn định ngày hẹn, thông báo cho ông/bà" in body
    assert "tại đây" not in body
