"""Online application: the form, its checks, kept values and files, idempotency and the receipt."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from service_catalog.models.procedures import Channel, TimeLimitUnit
from submissions.forms.public import component_field_name
from submissions.models import Application, ApplicationEvent, DraftFile, Status
from submissions.working_time import calendar_for

from . import builders
from .helpers import apply_url, draft_token, form_data, open_form, submit

pytestmark = pytest.mark.django_db


def test_form_lists_components_and_communes(client, province):
    response = client.get(apply_url(province.birth))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tờ khai đăng ký khai sinh" in html
    assert "Giấy chứng sinh" in html
    assert 'name="commune"' in html
    assert "Phường Thành Vinh" in html


def test_commune_level_application_goes_to_chosen_ward(client, province, applicant_data):
    response, application = submit(client, province.birth, applicant_data, commune=province.thanh_vinh)

    local_day = timezone.localtime(application.submitted_at).date()
    assert re.fullmatch(rf"PV\.X\.16681\.H41-{local_day:%y%m%d}-\d{{4}}", application.code)
    assert application.code.endswith("-0001")
    assert application.status == Status.SUBMITTED
    assert application.channel == Channel.ONLINE
    assert application.receiving_agency == province.thanh_vinh
    assert application.processing_agency == province.thanh_vinh
    assert application.current_agency == province.thanh_vinh
    assert application.procedure_revision_id == province.birth.live_revision_id
    assert application.applicant_phone == "+84912345678"
    assert application.documents.count() == 2
    assert ApplicationEvent.objects.filter(application=application, to_status=Status.SUBMITTED).count() == 1


def test_receipt_shows_code_and_working_day_appointment(client, province, applicant_data):
    response, application = submit(client, province.birth, applicant_data, commune=province.thanh_vinh)
    receipt = client.get(response["Location"])

    expected_due = calendar_for(province.thanh_vinh).due_at(application.submitted_at, 5, TimeLimitUnit.WORKING_DAYS)
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert application.due_at == expected_due
    assert application.code in html
    assert timezone.localtime(expected_due).strftime("%d/%m/%Y") in html
    assert "ngày làm việc" in html


def test_department_procedure_goes_to_owner(client, province, applicant_data):
    _response, application = submit(client, province.licence, applicant_data)

    assert application.processing_agency == province.justice
    assert application.code.startswith("PV.S.TP.H41-")


def test_optional_component_may_be_left_out(client, province, applicant_data):
    procedure = province.licence
    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, files=False, token=token)
    required = procedure.dossier_components.get(is_required=True)
    data[component_field_name(required)] = builders.pdf_upload()

    response = client.post(apply_url(procedure), data)

    assert response.status_code == 302
    assert Application.objects.get(procedure=procedure).documents.count() == 1


def test_unparsed_time_limit_invents_no_date(client, province, applicant_data):
    response, application = submit(client, province.unparsed, applicant_data)
    receipt = client.get(response["Location"])

    assert application.due_at is None
    assert application.needs_appointment
    assert "cơ quan giải quyết sẽ ấn định ngày hẹn" in receipt.content.decode()


def test_counter_only_procedure_has_no_online_form(client, province):
    response = client.get(apply_url(province.counter_only))

    assert response.status_code == 404
    assert "không nộp trực tuyến" in response.content.decode()


def _error_next_to(html, field_name):
    """Return the error list rendered for the field `field_name`, or ''."""
    match = re.search(rf'<ul class="form-field__errors" id="id_{field_name}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


BAD_INPUT = [
    ("full_name", "", "Trường này là bắt buộc"),
    ("id_number", "04008512345", "12 chữ số"),
    ("id_number", "999085123456", "không phải mã tỉnh"),
    ("id_number", "040485123456", "trong tương lai"),
    ("phone", "0123456", "số điện thoại Việt Nam"),
    ("phone", "09123456789", "số điện thoại Việt Nam"),
    ("email", "hoa@", "địa chỉ email"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_keeps_everything_else(client, province, applicant_data, field, value, message):
    procedure = province.birth
    token = open_form(client, procedure)
    data = form_data(procedure, {**applicant_data, field: value}, province.thanh_vinh, token=token)

    response = client.post(apply_url(procedure), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in _error_next_to(html, field)
    for other, other_value in applicant_data.items():
        if other != field:
            assert f'value="{other_value}"' in html, other
    assert "Đã tải lên: tai-lieu-0.pdf" in html
    assert Application.objects.count() == 0

    # The applicant fixes only the wrong field and sends no file again.
    fixed = form_data(procedure, applicant_data, province.thanh_vinh, files=False, token=draft_token(response))
    second = client.post(apply_url(procedure), fixed)

    assert second.status_code == 302
    application = Application.objects.get()
    assert sorted(application.documents.values_list("original_name", flat=True)) == [
        "giay-chung-sinh.png",
        "tai-lieu-0.pdf",
    ]


def test_missing_file_error_next_to_component(client, province, applicant_data):
    procedure = province.birth
    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, province.thanh_vinh, token=token)
    second_component = procedure.dossier_components.all()[1]
    del data[component_field_name(second_component)]

    response = client.post(apply_url(procedure), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy đính kèm giấy tờ này" in _error_next_to(html, component_field_name(second_component))
    assert "Đã tải lên: tai-lieu-0.pdf" in html


def test_file_type_checked_by_content(client, province, applicant_data):
    procedure = province.birth
    first, second = procedure.dossier_components.all()
    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, province.thanh_vinh, files=False, token=token)
    data[component_field_name(first)] = builders.text_upload("to-khai.pdf")
    data[component_field_name(second)] = builders.png_upload("giay-chung-sinh.pdf")

    response = client.post(apply_url(procedure), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "không phải là tài liệu PDF, JPEG hoặc PNG" in _error_next_to(html, component_field_name(first))
    assert _error_next_to(html, component_field_name(second)) == ""
    kept = DraftFile.objects.get(slot=component_field_name(second))
    assert kept.content_type == "image/png"
    assert kept.file.name.endswith(".png")


@override_settings(PORTAL_UPLOAD_MAX_BYTES=4000)
def test_file_too_large(client, province, applicant_data):
    procedure = province.birth
    first, second = procedure.dossier_components.all()
    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, province.thanh_vinh, files=False, token=token)
    data[component_field_name(first)] = builders.pdf_upload("lon.pdf", size=9000)
    data[component_field_name(second)] = builders.jpeg_upload("nho.jpg")

    response = client.post(apply_url(procedure), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "vượt quá giới hạn 3,9" in _error_next_to(html, component_field_name(first))
    assert "Đã tải lên: nho.jpg" in html


def test_double_submission_creates_one_application(client, province, applicant_data):
    procedure = province.licence
    token = open_form(client, procedure)

    first = client.post(apply_url(procedure), form_data(procedure, applicant_data, token=token))
    second = client.post(apply_url(procedure), form_data(procedure, applicant_data, token=token))

    assert first.status_code == 302
    assert second.status_code == 302
    assert Application.objects.count() == 1
    code = Application.objects.get().code
    assert code in client.get(first["Location"]).content.decode()
    assert code in client.get(second["Location"]).content.decode()


def test_receipt_needs_signed_link(client, province, applicant_data):
    response, application = submit(client, province.licence, applicant_data)
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    forged = client.get(reverse("submissions:receipt", args=[token[:-2] + "xx"]))
    guessed = client.get(reverse("submissions:receipt", args=[str(application.pk)]))

    assert forged.status_code == 404
    assert guessed.status_code == 404
    assert application.code not in forged.content.decode()
