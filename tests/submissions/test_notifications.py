"""The notification outbox: rows written with the status change, delivery, retries, deduplication."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone

from submissions.models import Action, ReasonCode, Status
from submissions.notifications import delivery
from submissions.notifications.messages import unaccented
from submissions.notifications.models import Audience, DeliveryState, Notification, NotificationChannel, Topic
from submissions.notifications.sms import HttpJsonSmsGateway, LocmemSmsGateway, SmsError
from submissions.notifications.tasks import sweep_outbox
from submissions.processing.actions import SupplementItemInput, perform
from submissions.processing.intake import Applicant

from .helpers import desk_application, online_application
from .sms_standin import sms_standin  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

MONDAY_NINE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield
    LocmemSmsGateway.outbox.clear()


def rows(application, **filters):
    return list(Notification.objects.filter(application=application, **filters).order_by("pk"))


def test_online_submission_writes_email_and_sms(province):
    application = online_application(province.licence, province.justice, MONDAY_NINE)

    email, sms = rows(application)
    assert (email.channel, sms.channel) == (NotificationChannel.EMAIL, NotificationChannel.SMS)
    assert email.topic == Topic.RECEIPT
    assert email.audience == Audience.APPLICANT
    assert email.recipient_address == "hoa@example.org"
    assert sms.recipient_address == "+84912345678"
    assert email.state == DeliveryState.PENDING
    assert email.event.action == Action.SUBMIT
    assert application.code in email.subject
    assert application.code in sms.body
    assert "Ho so cua ong/ba da duoc nop truc tuyen" in sms.body
    assert sms.body == unaccented(sms.body)


def test_rolled_back_action_writes_nothing(province, people):
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, MONDAY_NINE
    )
    before = Notification.objects.count()

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            perform(application, Action.WITHDRAW, people.justice_desk, note="Người nộp xin rút")
            assert Notification.objects.count() == before + 2
            raise RuntimeError("roll back")

    application.refresh_from_db()
    assert application.status == Status.RECEIVED
    assert Notification.objects.count() == before


def test_internal_action_sends_nothing(province, people):
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, MONDAY_NINE
    )
    before = Notification.objects.count()

    perform(application, Action.START_PROCESSING, people.justice_specialist)

    assert Notification.objects.count() == before


def test_desk_receipt_notifies_with_appointment(province, people):
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, MONDAY_NINE
    )

    email, sms = rows(application)
    assert email.topic == Topic.RECEIPT
    assert "Hồ sơ của ông/bà đã được tiếp nhận." in email.body
    assert "Hẹn trả kết quả: 09:00 16/03/2026." in email.body
    assert "Hen tra ket qua: 09:00 16/03/2026." in sms.body


def test_supplement_request_lists_items(province, people):
    component = province.licence.dossier_components.first()
    application = desk_application(
        province.licence,
        people.justice_desk,
        province.justice,
        province.justice,
        MONDAY_NINE,
        decision="supplement",
        items=[SupplementItemInput(component, ReasonCode.ILLEGIBLE, "")],
    )

    email = rows(application, channel=NotificationChannel.EMAIL)[0]
    assert "Cơ quan đề nghị ông/bà bổ sung, hoàn thiện hồ sơ." in email.body
    assert component.name in email.body
    assert "Bản chụp không rõ hoặc không đầy đủ" in email.body


def test_eager_delivery_sends_each_message_once(province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = online_application(province.licence, province.justice, MONDAY_NINE)

    email, sms = rows(application)
    assert email.state == DeliveryState.DELIVERED
    assert sms.state == DeliveryState.DELIVERED
    assert sms.attempts == 1
    # The receipt task and the outbox both handle the receipt e-mail; the applicant gets one.
    assert len(mail.outbox) == 1
    assert application.code in mail.outbox[0].subject
    assert len(LocmemSmsGateway.outbox) == 1
    assert LocmemSmsGateway.outbox[0]["request_id"] == str(sms.delivery_key)
    assert sms.provider_message_id == LocmemSmsGateway.outbox[0]["message_id"]


def test_status_email_has_stable_message_id(province, people, django_capture_on_commit_callbacks):
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, MONDAY_NINE
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        perform(application, Action.WITHDRAW, people.justice_desk, note="Người nộp xin rút", is_internal=False)

    email = rows(application, channel=NotificationChannel.EMAIL)[-1]
    assert email.state == DeliveryState.DELIVERED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{email.delivery_key}@localhost>"
    assert "Hồ sơ của ông/bà đã được rút theo yêu cầu." in mail.outbox[0].body
    assert "Người nộp xin rút" in mail.outbox[0].body


@pytest.fixture
def sms_row(province, settings, sms_standin):  # noqa: F811
    settings.PORTAL_SMS = sms_standin.gateway_settings(settings.PORTAL_SMS)
    applicant = Applicant(name="Trần Thị Hoa", id_number="040085123456", phone="+84912345678", email="", address="Vinh")
    application = online_application(province.licence, province.justice, MONDAY_NINE, applicant=applicant)
    (row,) = rows(application)
    return row


def test_http_gateway_delivers_to_standin(sms_row, sms_standin):  # noqa: F811
    outcome = delivery.deliver(sms_row.pk)

    sms_row.refresh_from_db()
    (message,) = sms_standin.messages()
    assert outcome.state == DeliveryState.DELIVERED
    assert sms_row.state == DeliveryState.DELIVERED
    assert message["phone"] == "84912345678"
    assert message["request_id"] == str(sms_row.delivery_key)
    assert message["brandname"] == "UBND NGHE AN"
    assert message["message"] == sms_row.body
    assert sms_row.provider_message_id == message["message_id"]


def test_temporary_failure_retries_with_backoff(sms_row, sms_standin):  # noqa: F811
    sms_standin.control(fail_next=1)

    first = delivery.deliver(sms_row.pk)
    sms_row.refresh_from_db()
    assert first.state == DeliveryState.RETRY
    assert first.retry_in == 30
    assert sms_row.state == DeliveryState.RETRY
    assert "503" in sms_row.last_error
    assert sms_row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=25)
    assert delivery.deliver(sms_row.pk).state == "not-due"

    Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    second = delivery.deliver(sms_row.pk)

    sms_row.refresh_from_db()
    assert second.state == DeliveryState.DELIVERED
    assert sms_row.attempts == 2
    assert len(sms_standin.messages()) == 1
    assert sms_standin.send_requests() == 2


def test_backoff_doubles_up_to_maximum(settings):
    settings.PORTAL_NOTIFICATION_BACKOFF_SECONDS = 30
    settings.PORTAL_NOTIFICATION_BACKOFF_MAX_SECONDS = 200

    waits = [delivery.backoff_seconds(attempt) for attempt in range(1, 6)]

    assert waits == [30, 60, 120, 200, 200]


def test_last_attempt_marks_failed(sms_row, sms_standin, settings):  # noqa: F811
    settings.PORTAL_NOTIFICATION_MAX_ATTEMPTS = 2
    sms_standin.control(fail_next=5)

    delivery.deliver(sms_row.pk)
    Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now())
    outcome = delivery.deliver(sms_row.pk)

    sms_row.refresh_from_db()
    assert outcome.state == DeliveryState.FAILED
    assert sms_row.state == DeliveryState.FAILED
    assert sms_row.attempts == 2
    assert delivery.deliver(sms_row.pk).state == DeliveryState.FAILED
    assert sms_standin.messages() == []


def test_rejected_key_fails_without_retry(sms_row, sms_standin, settings):  # noqa: F811
    settings.PORTAL_SMS = {**settings.PORTAL_SMS, "API_KEY": "wrong-key"}

    outcome = delivery.deliver(sms_row.pk)

    sms_row.refresh_from_db()
    assert outcome.state == DeliveryState.FAILED
    assert sms_row.attempts == 1
    assert "401" in sms_row.last_error
    assert "invalid api key" in sms_row.last_error


def test_unreachable_gateway_is_temporary():
    gateway = HttpJsonSmsGateway(url="http://127.0.0.1:9/v1/sms", api_key="x", timeout=2)

    with pytest.raises(SmsError) as error:
        gateway.send(phone="+84912345678", message="thu", request_id="r-1")

    assert error.value.temporary is True


def test_retry_after_lost_answer_sends_once(sms_row, sms_standin):  # noqa: F811
    """A worker killed after the gateway accepted the SMS: the row is still `sending` when its lease runs out."""
    delivery.deliver(sms_row.pk)
    first_id = sms_standin.messages()[0]["message_id"]
    Notification.objects.filter(pk=sms_row.pk).update(
        state=DeliveryState.SENDING, lease_expires_at=timezone.now() - datetime.timedelta(seconds=1), provider_message_id=""
    )

    outcome = delivery.deliver(sms_row.pk)

    sms_row.refresh_from_db()
    assert outcome.state == DeliveryState.DELIVERED
    assert len(sms_standin.messages()) == 1
    assert sms_standin.send_requests() == 2
    assert sms_row.provider_message_id == first_id


def test_live_lease_is_left_alone(sms_row, sms_standin):  # noqa: F811
    Notification.objects.filter(pk=sms_row.pk).update(
        state=DeliveryState.SENDING, attempts=1, lease_expires_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    outcome = delivery.deliver(sms_row.pk)

    assert outcome.state == "leased"
    assert sms_standin.send_requests() == 0


def test_sweep_enqueues_due_rows(sms_row, sms_standin):  # noqa: F811
    Notification.objects.filter(pk=sms_row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    enqueued = sweep_outbox()

    sms_row.refresh_from_db()
    assert enqueued == 1
    assert sms_row.state == DeliveryState.DELIVERED
    assert sweep_outbox() == 0


def test_staff_panel_shows_delivery_state(province, people, django_capture_on_commit_callbacks, rf):
    with django_capture_on_commit_callbacks(execute=True):
        application = online_application(province.licence, province.justice, MONDAY_NINE)
    request = rf.get("/")
    request.user = people.justice_desk

    html = Template("{% load submissions_outbox %}{% application_outbox_panel application %}").render(
        Context({"application": application, "request": request})
    )

    assert 'id="notification-list"' in html
    assert html.count('data-state="delivered"') == 2
    assert 'data-channel="sms"' in html
    assert "Đã gửi" in html


def test_lookup_lists_messages_without_staff(client, province, people):
    application = online_application(province.licence, province.justice, MONDAY_NINE)
    Notification.objects.create(
        application=application,
        topic=Topic.OVERDUE,
        channel=NotificationChannel.EMAIL,
        audience=Audience.STAFF,
        recipient_user=people.justice_leader,
        recipient_address="lanhdao.tuphap@example.org",
        subject="Quá hạn",
        body="Nội bộ",
    )

    response = client.post("/ho-so/tra-cuu/", {"code": application.code, "phone_digits": "5678"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="notifications"' in html
    assert "Tin nhắn đã gửi cho ông/bà" in html
    assert html.count("Tiếp nhận và hẹn trả kết quả") == 2
    assert "lanhdao.tuphap@example.org" not in html
    assert "Tp_Lanhdao" not in html
