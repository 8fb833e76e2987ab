"""
Hostile and careless input: formula injection in exports, invisible characters, over-long and
non-ASCII values, unsafe downloads, draft limits, lookup lockout, crafted posts and wording.
"""

import datetime
import io
import re
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from service_catalog.models.procedures import TimeLimitUnit
from submissions.drafts import keep_file
from submissions.forms.public import ApplicationForm, LookupForm, component_field_name
from submissions.forms.staff import IntakeForm, RequestPaymentForm, RequestSupplementForm
from submissions.models import Action, Application, ReasonCode, Status, UploadDraft
from submissions.notifications.models import Notification
from submissions.processing.actions import perform
from submissions.processing.intake import Applicant
from submissions.slips.context import SLIPS
from submissions.slips.pdf import render_pdf
from submissions.slips.register import build_register
from submissions.tasks import build_receipt_email
from submissions.views.lookup import client_address
from submissions.working_time import calendar_for

from . import builders
from .conftest import VALID_ID
from .helpers import apply_url, desk_application, draft_token, form_data, online_application, open_form

pytestmark = pytest.mark.django_db

LOOKUP = reverse("submissions:lookup")
# A well-formed address of 255 characters, one more than the column (RFC 5321 allows 254).
EMAIL_255 = "a" * 64 + "@" + ".".join(["b" * 62, "b" * 62, "b" * 61]) + ".vn"
UNSAFE_TEXTS = ["Trần\x01Hoa", "Trần\x0bHoa", "Trần\u200bHoa", "Trần\u202eHoa", "Trần\x85Hoa", "Trần\ufeffHoa"]


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def _applicant(name="Trần Thị Hoa", address="Nghệ An"):
    return Applicant(name=name, id_number=VALID_ID, phone="+84912345678", email="hoa@example.org", address=address)


def _register_sheet(agency):
    today = timezone.localdate()
    return load_workbook(io.BytesIO(build_register(agency, today, today))).active


# Exports


def test_register_writes_formula_as_text(province):
    name = '=HYPERLINK("http://x","y")'
    application = online_application(province.licence, province.justice, timezone.now(), _applicant(name=name))

    content = build_register(province.justice, timezone.localdate(), timezone.localdate())

    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=6, column=5)
    assert sheet.cell(row=6, column=2).value == application.code
    assert cell.value == name
    assert cell.data_type == "s"
    assert cell.quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


@pytest.mark.parametrize("text", ["+84912", "-1+2", "@SUM(A1)", "\t=1"])
def test_register_keeps_formula_prefixes_as_text(province, text):
    online_application(province.licence, province.justice, timezone.now(), _applicant(address=text))

    cell = _register_sheet(province.justice).cell(row=6, column=6)

    assert cell.data_type == "s"
    assert cell.value.startswith(text)
    assert cell.quotePrefix


def test_register_strips_stored_control_characters(province):
    application = online_application(province.licence, province.justice, timezone.now())
    # A row written before the forms rejected these characters.
    Application.objects.filter(pk=application.pk).update(applicant_name="Trần\x01Thị\x0bHoa\u200b")

    sheet = _register_sheet(province.justice)

    assert sheet.cell(row=6, column=5).value == "TrầnThịHoa"


# Invisible and control characters in forms


@pytest.mark.parametrize("name", UNSAFE_TEXTS)
def test_online_form_rejects_unsafe_name(province, applicant_data, name):
    form = ApplicationForm(data={**applicant_data, "full_name": name}, procedure=province.licence)

    assert not form.is_valid()
    assert "ký tự ẩn hoặc ký tự điều khiển" in form.errors["full_name"][0]


def test_online_form_rejects_line_break_in_address(province, applicant_data):
    form = ApplicationForm(data={**applicant_data, "address": "Số 5\nLê Lợi"}, procedure=province.licence)

    assert not form.is_valid()
    assert form.errors["address"] == ["Ô này không nhận dấu xuống dòng hoặc ký tự tab; hãy viết trên một dòng."]


def test_online_post_with_control_character_is_field_error(client, province, applicant_data):
    token = open_form(client, province.licence)
    data = form_data(province.licence, {**applicant_data, "full_name": "Trần\x01Hoa"}, token=token)

    response = client.post(apply_url(province.licence), data)

    assert response.status_code == 400
    assert "U+0001" in response.context["form"].errors["full_name"][0]
    assert Application.objects.count() == 0


@pytest.mark.parametrize("code", ["PV.S.TP.H41\u200b-260302-0001", "PV.S.TP.H41\x01-260302-0001"])
def test_lookup_rejects_unsafe_code(code):
    form = LookupForm(data={"code": code, "phone_digits": "5678"})

    assert not form.is_valid()
    assert "code" in form.errors


def test_desk_form_unsafe_text_and_note_lines(province):
    procedure = province.licence
    data = {
        "channel": "in_person",
        "full_name": "Phạm\u2066Bình",
        "id_number": VALID_ID,
        "phone": "0987 654 321",
        "address": "Xóm 3",
        "decision": "refuse",
        "note": "Lý do 1.\nLý do 2.\tHết.",
    }
    for component in procedure.upload_components():
        data[f"verdict_{component.pk}"] = "ok"

    form = IntakeForm(data=data, procedure=procedure, officer_agency=province.justice)

    assert not form.is_valid()
    assert list(form.errors) == ["full_name"]


def test_action_note_rejects_control_character(province, people):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())
    data = {"request_payment-version": application.version, "request_payment-note": "Lệ phí\x07", "request_payment-amount": "1000"}

    form = RequestPaymentForm(data=data, prefix="request_payment", application=application)

    assert not form.is_valid()
    assert "U+0007" in form.errors["note"][0]


# Lengths from the model fields


@pytest.mark.parametrize(
    "field, value",
    [
        ("full_name", "Hoa" * 50 + "x"),
        ("address", "a" * 301),
        ("email", EMAIL_255),
    ],
)
def test_online_form_text_over_model_length(province, applicant_data, field, value):
    limit = Application._meta.get_field(f"applicant_{'name' if field == 'full_name' else field}").max_length
    assert len(value) == limit + 1

    form = ApplicationForm(data={**applicant_data, field: value}, procedure=province.licence)

    assert not form.is_valid()
    assert field in form.errors


def test_long_email_post_gives_field_error(client, province, applicant_data):
    token = open_form(client, province.licence)
    data = form_data(province.licence, {**applicant_data, "email": EMAIL_255}, token=token)

    response = client.post(apply_url(province.licence), data)

    assert response.status_code == 400
    assert "email" in response.context["form"].errors


@pytest.mark.parametrize("field, limit", [("note", 2000)])
def test_desk_note_over_limit(province, field, limit):
    form = IntakeForm(
        data={field: "a" * (limit + 1)}, procedure=province.licence, officer_agency=province.justice
    )

    assert not form.is_valid()
    assert field in form.errors


def test_payment_amount_and_note_limits(province, people):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())
    data = {
        "request_payment-version": application.version,
        "request_payment-note": "a" * 2001,
        "request_payment-amount": str(10**12 + 1),
    }

    form = RequestPaymentForm(data=data, prefix="request_payment", application=application)

    assert not form.is_valid()
    assert set(form.errors) == {"note", "amount"}


# Digits


@pytest.mark.parametrize("id_number", ["04008512345²", "٠٤٠٠٨٥١٢٣٤٥٦", "０４００８５１２３４５６", "04008512345Ⅸ"])
def test_personal_id_accepts_ascii_digits_only(province, applicant_data, id_number):
    form = ApplicationForm(data={**applicant_data, "id_number": id_number}, procedure=province.licence)

    assert not form.is_valid()
    assert form.errors["id_number"] == [
        "Số định danh cá nhân gồm đúng 12 chữ số (từ 0 đến 9); hãy kiểm tra lại số trên thẻ căn cước."
    ]


def test_personal_id_superscript_post_is_field_error(client, province, applicant_data):
    token = open_form(client, province.licence)
    data = form_data(province.licence, {**applicant_data, "id_number": "04008512345²"}, token=token)

    response = client.post(apply_url(province.licence), data)

    assert response.status_code == 400
    assert "id_number" in response.context["form"].errors


@pytest.mark.parametrize("phone", ["0912 ABC DEF", "09I2 345 678", "０９１２３４５６７８", "٠٩١٢٣٤٥٦٧٨"])
def test_phone_rejects_letters_and_other_digits(province, applicant_data, phone):
    form = ApplicationForm(data={**applicant_data, "phone": phone}, procedure=province.licence)

    assert not form.is_valid()
    assert "phone" in form.errors


def test_lookup_digits_ascii_only():
    form = LookupForm(data={"code": "PV.S.TP.H41-260302-0001", "phone_digits": "٥٦٧٨"})

    assert not form.is_valid()
    assert "phone_digits" in form.errors


# Downloads


@pytest.fixture
def stored_document(province, people):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())
    return application, application.documents.first()


def _download(client, application, document):
    return client.get(reverse("submissions_admin:document", args=[application.pk, document.pk]))


def test_html_upload_downloads_as_attachment(client, people, stored_document):
    application, document = stored_document
    with open(document.file.path, "wb") as stored:
        stored.write(b"<html><script>alert(1)</script></html>")
    type(document).objects.filter(pk=document.pk).update(original_name="bao-cao.html", content_type="text/html")
    client.force_login(people.justice_desk)

    response = _download(client, application, document)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.bin"'


def test_pdf_polyglot_named_html_served_as_pdf(client, people, stored_document):
    application, document = stored_document
    with open(document.file.path, "wb") as stored:
        stored.write(builders.pdf_bytes() + b"<html><script>alert(1)</script></html>")
    type(document).objects.filter(pk=document.pk).update(original_name="trang.html", content_type="text/html")
    client.force_login(people.justice_desk)

    response = _download(client, application, document)

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="trang.pdf"'


# Draft limits


@override_settings(PORTAL_DRAFT_MAX_FILES=2)
def test_draft_keeps_limited_number_of_files():
    draft = UploadDraft.objects.create(purpose="test")
    keep_file(draft, "a", builders.pdf_upload(), "application/pdf", "a.pdf")
    keep_file(draft, "b", builders.pdf_upload(), "application/pdf", "b.pdf")
    # Replacing a slot's file needs no extra room.
    keep_file(draft, "b", builders.pdf_upload(), "application/pdf", "b.pdf")

    with pytest.raises(ValidationError) as raised:
        keep_file(draft, "c", builders.pdf_upload(), "application/pdf", "c.pdf")

    assert raised.value.code == "draft_full"
    assert draft.files.count() == 2


def test_draft_limits_total_size(settings):
    upload = builders.pdf_upload(size=5000)
    settings.PORTAL_DRAFT_MAX_BYTES = upload.size + 100
    draft = UploadDraft.objects.create(purpose="test")
    keep_file(draft, "a", upload, "application/pdf", "a.pdf")

    with pytest.raises(ValidationError):
        keep_file(draft, "b", builders.pdf_upload(size=5000), "application/pdf", "b.pdf")

    assert draft.files.count() == 1


def test_client_upload_budget_per_hour(client, province, applicant_data, settings):
    upload = builders.pdf_upload(size=5000)
    settings.PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR = upload.size + 100
    required = province.licence.upload_components()[0]

    def failing_post():
        token = open_form(client, province.licence)
        data = {**applicant_data, "full_name": "", "draft": token, component_field_name(required): builders.pdf_upload(size=5000)}
        return client.post(apply_url(province.licence), data)

    first = failing_post()
    second = failing_post()

    assert component_field_name(required) not in first.context["form"].errors
    assert "trong một giờ qua" in second.context["form"].errors[component_field_name(required)][0]
    assert sum(draft.files.count() for draft in UploadDraft.objects.all()) == 1


# Status lookup


def test_failures_by_strangers_do_not_lock_owner(client, province):
    application = online_application(province.licence, province.justice, timezone.now())
    for number in range(15):
        client.post(LOOKUP, {"code": application.code, "phone_digits": "0000"}, REMOTE_ADDR=f"203.0.113.{number}")

    response = client.post(LOOKUP, {"code": application.code, "phone_digits": "5678"}, REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 200
    assert application.code in response.content.decode()


@override_settings(PORTAL_LOOKUP_CODE_FREE_FAILURES=3, PORTAL_LOOKUP_CODE_MAX_DELAY_SECONDS=1)
def test_many_failures_slow_down_a_code(client, province):
    application = online_application(province.licence, province.justice, timezone.now())
    statuses = [
        client.post(LOOKUP, {"code": application.code, "phone_digits": "0000"}, REMOTE_ADDR=f"203.0.113.{number}").status_code
        for number in range(5)
    ]

    slowed = client.post(LOOKUP, {"code": application.code, "phone_digits": "5678"}, REMOTE_ADDR="198.51.100.1")
    time.sleep(1.1)
    later = client.post(LOOKUP, {"code": application.code, "phone_digits": "5678"}, REMOTE_ADDR="198.51.100.1")

    assert statuses[:4] == [404, 404, 404, 404]
    assert statuses[4] == 429
    assert slowed.status_code == 429
    assert slowed["Retry-After"] == "1"
    assert "1 giây" in slowed.content.decode()
    assert later.status_code == 200


def test_forwarded_header_ignored_by_default(rf):
    request = rf.post(LOOKUP, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_address(request) == "127.0.0.1"


def test_trusted_proxy_network(rf, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.post(LOOKUP, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.7")

    assert client_address(request) == "203.0.113.9"


# Clock stop for calendar-day limits


def test_resume_after_closing_same_day_is_neutral():
    calendar = calendar_for(None)
    due = calendar.due_at(at(2026, 3, 9, 10), 10, TimeLimitUnit.DAYS)

    resumed_due = calendar.resume(due, at(2026, 3, 10, 9), at(2026, 3, 10, 17, 30), TimeLimitUnit.DAYS)

    assert due == at(2026, 3, 19, 17)
    assert resumed_due == due


def test_resume_friday_evening_adds_pause_days_only():
    calendar = calendar_for(None)
    due = calendar.due_at(at(2026, 3, 9, 10), 10, TimeLimitUnit.DAYS)

    # Paused Tuesday 10/3, resumed Friday 13/3 after closing: three days of pause.
    resumed_due = calendar.resume(due, at(2026, 3, 10, 9), at(2026, 3, 13, 18), TimeLimitUnit.DAYS)

    assert resumed_due == at(2026, 3, 23, 17)  # 22/3 is a Sunday


# Crafted posts and report periods


@pytest.mark.parametrize("action", ["submit", "intake", "", "khong-co"])
def test_crafted_action_gives_400(client, province, people, action):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())
    client.force_login(people.justice_desk)

    response = client.post(reverse("submissions_admin:detail", args=[application.pk]), {"action": action})

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_crafted_decision_is_form_error(client, province, people):
    client.force_login(people.justice_desk)
    url = reverse("submissions_admin:intake_form", args=[province.licence.pk])
    data = {
        "draft": draft_token(client.get(url)),
        "channel": "in_person",
        "full_name": "Phạm Văn Bình",
        "id_number": VALID_ID,
        "phone": "0987 654 321",
        "address": "Xóm 3",
        "decision": "approve-everything",
    }

    response = client.post(url, data)

    assert response.status_code == 400
    assert "decision" in response.context["form"].errors


@pytest.mark.parametrize(
    "date_from, date_to",
    [("01/01/9999", "31/12/9999"), ("01/03/2026", "31/12/9999"), ("31/03/2026", "01/03/2026"), ("01/01/1", "01/01/2026")],
)
def test_report_periods_out_of_range(client, people, date_from, date_to):
    client.force_login(people.justice_desk)

    statistics = client.get(reverse("submissions_admin:statistics"), {"date_from": date_from, "date_to": date_to})
    register = client.get(reverse("submissions_slips:register"), {"date_from": date_from, "date_to": date_to})

    assert statistics.status_code == 400
    assert register.status_code == 400
    assert statistics.context["form"].errors
    assert register.context["form"].errors


def test_other_reason_needs_explanation(province, people):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())
    component = province.licence.upload_components()[0]
    prefix = "request_supplement"
    data = {f"{prefix}-version": application.version, f"{prefix}-reason_{component.pk}": ReasonCode.OTHER}

    form = RequestSupplementForm(data=data, prefix=prefix, application=application)

    assert not form.is_valid()
    assert "Khác" in form.errors[f"detail_{component.pk}"][0]


def test_desk_other_verdict_needs_explanation(province):
    procedure = province.licence
    component = procedure.upload_components()[0]
    data = {
        "channel": "in_person",
        "full_name": "Phạm Văn Bình",
        "id_number": VALID_ID,
        "phone": "0987 654 321",
        "address": "Xóm 3",
        "decision": "supplement",
        f"verdict_{component.pk}": ReasonCode.OTHER,
    }

    form = IntakeForm(data=data, procedure=procedure, officer_agency=procedure.owner_agency)

    assert not form.is_valid()
    assert f"detail_{component.pk}" in form.errors


# Wording


def test_size_error_over_by_a_few_bytes(province, applicant_data, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    upload = builders.pdf_upload(size=settings.PORTAL_UPLOAD_MAX_BYTES + 3)
    assert upload.size > settings.PORTAL_UPLOAD_MAX_BYTES
    required = province.licence.upload_components()[0]

    form = ApplicationForm(
        data=applicant_data, files={component_field_name(required): upload}, procedure=province.licence
    )

    assert not form.is_valid()
    message = form.errors[component_field_name(required)][0]
    assert message.startswith("Tệp vượt quá giới hạn 10,0\xa0MB")
    assert f"{upload.size:,}".replace(",", ".") + " byte" in message


def test_receipt_wording_for_calendar_days(client, province, applicant_data):
    procedure = builders.procedure(
        province.justice, "Thủ tục tính theo ngày", time_limit=(15, TimeLimitUnit.DAYS), time_limit_text="15 Ngày"
    )
    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, token=token)

    receipt = client.get(client.post(apply_url(procedure), data)["Location"])

    rule = re.search(r'id="time-limit-rule">(.*?)</p>', receipt.content.decode(), re.S).group(1)
    assert "ngày lịch" in rule
    assert "ngày làm việc tiếp theo" in rule
    assert "chỉ tính ngày làm việc" not in rule


def test_online_receipt_email_says_awaiting_receipt(province):
    application = online_application(province.licence, province.justice, timezone.now())

    message = build_receipt_email(application)

    assert application.status == Status.SUBMITTED
    assert message.subject == f"Hồ sơ {application.code} đã nộp trực tuyến, chờ tiếp nhận"
    assert "đã nhận hồ sơ" not in message.body
    assert "sẽ kiểm tra và tiếp nhận hồ sơ" in message.body


def test_resubmitted_form_says_already_submitted(client, province, applicant_data):
    token = open_form(client, province.licence)
    first = client.post(apply_url(province.licence), form_data(province.licence, applicant_data, token=token))

    again = client.post(apply_url(province.licence), form_data(province.licence, applicant_data, token=token), follow=True)

    application = Application.objects.get()
    assert first.status_code == 302
    assert again.status_code == 200
    assert f"đã được nộp thành hồ sơ {application.code}" in again.content.decode()


def test_error_id_matches_aria_describedby(client, province, applicant_data):
    token = open_form(client, province.licence)

    response = client.post(apply_url(province.licence), {**applicant_data, "full_name": "", "draft": token})

    html = response.content.decode()
    described = re.search(r'<input[^>]*name="full_name"[^>]*aria-describedby="([^"]+)"', html).group(1)
    assert "id_full_name_error" in described.split()
    assert 'id="id_full_name_error"' in html


def test_slip_keeps_code_on_one_line(province, people):
    # A ward's codes are the longest: PV.X.16681.H41-YYMMDD-NNNN.
    application = desk_application(province.birth, people.ward_desk, province.thanh_vinh, province.thanh_vinh, timezone.now())
    slip = SLIPS["bien-nhan"]

    content = render_pdf(slip.template, slip.builder(application))

    lines = PdfReader(io.BytesIO(content)).pages[0].extract_text().splitlines()
    # The lookup address at the foot also contains the code; the heading must have it whole.
    heading_lines = [line for line in lines if "tra-cuu" not in line]
    assert application.code in heading_lines


def test_applicant_message_in_vietnamese_for_english_staff(province, people):
    application = desk_application(province.licence, people.justice_desk, province.justice, province.justice, timezone.now())

    with translation.override("en"):
        perform(application, Action.REQUEST_PAYMENT, people.justice_desk, note="Lệ phí", amount=200000)

    message = Notification.objects.filter(application=application, channel="email").latest("pk")
    assert "Đề nghị ông/bà nộp phí, lệ phí cho hồ sơ." in message.body
    assert "Please pay" not in message.body
