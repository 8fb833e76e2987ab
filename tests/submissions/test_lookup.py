"""Status lookup by code and phone digits, and the applicant's supplement upload."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from submissions.forms.public import SupplementForm
from submissions.models import Action, ReasonCode, Status
from submissions.processing.actions import SupplementItemInput, perform

from . import builders
from .helpers import online_application

pytestmark = pytest.mark.django_db
LOOKUP = reverse("submissions:lookup")
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def lookup(client, code, digits):
    return client.post(LOOKUP, {"code": code, "phone_digits": digits})


def comparable(response):
    """The page without the per-request CSRF token and the echoed code."""
    html = CSRF_INPUT.sub("", response.content.decode())
    return re.sub(r'name="code"[^>]*value="[^"]*"', 'name="code"', html)


def test_lookup_with_right_pair_shows_status_and_history(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk, note="Ghi chú nội bộ: gọi lại sau")
    perform(application, Action.COMMENT, people.justice_desk, note="Hồ sơ đã được chuyển phòng chuyên môn", is_internal=False)

    response = lookup(client, application.code.lower(), "5678")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã tiếp nhận" in html
    assert "Sở Tư pháp" in html
    assert timezone.localtime(application.due_at).strftime("%d/%m/%Y") in html
    assert "Hồ sơ đã được chuyển phòng chuyên môn" in html
    assert "Ghi chú nội bộ" not in html
    assert "Trần Thị Hoa" not in html  # personal data is not shown on the lookup page
    assert "Chưa có cán bộ nào mở xem." in html


def test_lookup_shows_who_opened_the_application(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    staff_client = client.__class__()
    staff_client.force_login(people.justice_specialist)
    staff_client.get(reverse("submissions_admin:detail", args=[application.pk]))

    html = lookup(client, application.code, "5678").content.decode()

    section = html[html.index('id="access-log"') :]
    assert "Tp_Chuyenvien Nguyễn" in section
    assert "Sở Tư pháp" in section
    assert "Mở xem hồ sơ" in section


def test_wrong_pair_reveals_nothing(client, province):
    application = online_application(province.licence, province.justice, timezone.now())
    missing_code = application.code[:-4] + "9999"

    wrong_phone = lookup(client, application.code, "0000")
    unknown_code = lookup(client, missing_code, "0000")

    assert wrong_phone.status_code == unknown_code.status_code == 404
    assert comparable(wrong_phone) == comparable(unknown_code)
    assert "Không tìm thấy hồ sơ khớp với mã hồ sơ và số điện thoại này" in wrong_phone.content.decode()
    assert "Cấp phiếu lý lịch tư pháp" not in wrong_phone.content.decode()


@override_settings(PORTAL_LOOKUP_MAX_ATTEMPTS=3)
def test_lookup_attempts_are_limited(client, province):
    application = online_application(province.licence, province.justice, timezone.now())

    statuses = [lookup(client, application.code, f"{digits:04d}").status_code for digits in range(3)]
    blocked = lookup(client, application.code, "5678")

    assert statuses == [404, 404, 404]
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.content.decode()
    assert "Cấp phiếu lý lịch tư pháp" not in blocked.content.decode()


@override_settings(PORTAL_LOOKUP_CODE_FREE_FAILURES=3)
def test_failures_on_code_slow_attempts_across_addresses(client, province):
    application = online_application(province.licence, province.justice, timezone.now())

    for number, digits in enumerate(("0000", "1111", "2222", "3333")):
        response = client.post(LOOKUP, {"code": application.code, "phone_digits": digits}, REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 404
    slowed = client.post(LOOKUP, {"code": application.code, "phone_digits": "5678"}, REMOTE_ADDR="10.0.0.9")

    # The fourth failure is one over the free ones: the next attempt waits two seconds.
    assert slowed.status_code == 429
    assert slowed["Retry-After"] in {"1", "2"}


def test_lookup_form_errors(client):
    response = client.post(LOOKUP, {"code": "", "phone_digits": "12a4"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Trường này là bắt buộc" in html
    assert "Nhập bốn chữ số cuối" in html


def _request_supplement(province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk)
    perform(application, Action.START_PROCESSING, people.justice_specialist)
    required = province.licence.dossier_components.get(is_required=True)
    perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        note="Tờ khai thiếu chữ ký",
        items=[
            SupplementItemInput(required, ReasonCode.INCOMPLETE, "Thiếu chữ ký người yêu cầu"),
            SupplementItemInput(None, ReasonCode.MISSING, "Giấy xác nhận cư trú"),
        ],
    )
    application.refresh_from_db()
    return application, required


def test_applicant_uploads_only_requested_documents(client, province, people):
    application, required = _request_supplement(province, people)
    untouched = set(application.documents.values_list("pk", flat=True))

    found = lookup(client, application.code, "5678").content.decode()
    link = re.search(r'href="(/ho-so/bo-sung/[^"]+/)"', found).group(1)
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Thiếu chữ ký người yêu cầu" in html
    assert "Giấy xác nhận cư trú" in html
    assert "Giấy ủy quyền" not in html  # not requested

    items = list(application.supplement_requests.get().items.order_by("pk"))
    token = re.search(r'name="draft" value="([^"]*)"', html).group(1)
    first_try = client.post(
        link, {"draft": token, SupplementForm.field_name(items[0]): builders.pdf_upload("to-khai-da-ky.pdf")}
    )
    assert first_try.status_code == 400
    assert "Đã tải lên: to-khai-da-ky.pdf" in first_try.content.decode()

    done = client.post(link, {"draft": token, SupplementForm.field_name(items[1]): builders.jpeg_upload("cu-tru.jpg")})

    assert done.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.PROCESSING
    current = application.documents.filter(replaced_by__isnull=True)
    assert current.get(component=required).original_name == "to-khai-da-ky.pdf"
    assert current.filter(component__isnull=True).get().original_name == "cu-tru.jpg"
    # The earlier files are still attached; only the requested component's file was replaced.
    assert untouched <= set(application.documents.values_list("pk", flat=True))
    event = application.events.get(action=Action.SUPPLEMENT_RECEIVED)
    assert event.actor is None

    again = client.get(link)
    assert "Đã nhận các giấy tờ bổ sung" in again.content.decode()


def test_supplement_link_is_signed(client, province, people):
    application, _required = _request_supplement(province, people)
    request = application.supplement_requests.get()

    forged = client.get(reverse("submissions:supplement", args=[f"{application.pk}-{request.pk}"]))

    assert forged.status_code == 404


@override_settings(PORTAL_LOOKUP_MAX_ATTEMPTS=2, PORTAL_TRUSTED_PROXIES=["127.0.0.1"])
def test_limit_per_client_behind_proxy(client, province):
    first = online_application(province.licence, province.justice, timezone.now())
    second = online_application(province.licence, province.justice, timezone.now())
    third = online_application(province.licence, province.justice, timezone.now())
    fourth = online_application(province.licence, province.justice, timezone.now())

    def through_proxy(application, client_ip, forwarded_prefix=""):
        return client.post(
            LOOKUP,
            {"code": application.code, "phone_digits": "0000"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forwarded_prefix}{client_ip}",
        ).status_code

    # Two clients behind the same proxy have their own counters.
    assert [through_proxy(first, "203.0.113.5"), through_proxy(second, "203.0.113.5")] == [404, 404]
    assert through_proxy(third, "203.0.113.5") == 429
    assert through_proxy(third, "198.51.100.7") == 404
    # A forged address put in front by the client does not reset its counter.
    assert through_proxy(fourth, "203.0.113.5", forwarded_prefix="10.9.9.9, ") == 429


def test_forwarded_header_ignored_without_proxy(rf, settings):
    from submissions.views.lookup import client_address

    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.post(LOOKUP, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.1")

    assert client_address(request) == "203.0.113.5"
