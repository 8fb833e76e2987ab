"""
Forms and intake ask for the dossier's documents only: the real birth registration (1.001193).

Its published record lists 33 entries: two required documents, six needed only in some cases,
and 25 notes that ask for no file.
"""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from service_catalog.models import Agency, ProcedurePage
from submissions.forms.public import component_field_name
from submissions.forms.staff import RequestSupplementForm
from submissions.models import Application, Status
from tests.service_catalog.conftest import import_catalogue, read_real_records, write_export

from . import builders
from .helpers import apply_url, draft_token

pytestmark = pytest.mark.django_db

BIRTH_REGISTRATION = "1.001193"


@pytest.fixture
def birth_registration(tmp_path):
    """The real record of birth registration, imported with the real agencies and sectors."""
    record = next(record for record in read_real_records() if record["ma_tthc"] == BIRTH_REGISTRATION)
    import_catalogue(write_export(tmp_path / "birth.jsonl", [record]))
    procedure = ProcedurePage.objects.get(national_code=BIRTH_REGISTRATION)
    assert procedure.accepts_online
    assert procedure.level_commune
    return procedure


@pytest.fixture
def ward():
    return Agency.objects.filter(kind=Agency.Kind.COMMUNE).order_by("code").first()


def _file_fields(html):
    return re.findall(r'<input type="file" name="(component_\d+|scan_\d+)"', html)


def test_online_form_asks_for_documents_only(client, birth_registration):
    uploads = birth_registration.upload_components()
    notes = birth_registration.dossier_notes()

    response = client.get(apply_url(birth_registration))

    html = response.content.decode()
    assert response.status_code == 200
    assert (len(uploads), len(notes)) == (8, 25)
    assert _file_fields(html) == [component_field_name(component) for component in uploads]
    assert "Lưu ý" in html
    for note in notes:
        assert note.name.split("\n")[0] in html
    assert html.count("không bắt buộc") == 6


def test_online_application_with_required_documents_only(client, birth_registration, ward, applicant_data):
    required = [component for component in birth_registration.upload_components() if component.is_required]
    token = draft_token(client.get(apply_url(birth_registration)))
    data = {**applicant_data, "commune": ward.pk, "draft": token}
    for component in required:
        data[component_field_name(component)] = builders.pdf_upload(f"giay-to-{component.pk}.pdf")

    response = client.post(apply_url(birth_registration), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(procedure=birth_registration)
    assert application.status == Status.SUBMITTED
    assert sorted(application.documents.values_list("component_name", flat=True)) == sorted(c.name for c in required)


def test_online_form_requires_both_required_documents(client, birth_registration, ward, applicant_data):
    token = draft_token(client.get(apply_url(birth_registration)))

    response = client.post(apply_url(birth_registration), {**applicant_data, "commune": ward.pk, "draft": token})

    errors = response.context["form"].errors
    required = [component for component in birth_registration.upload_components() if component.is_required]
    assert response.status_code == 400
    assert sorted(name for name in errors if name.startswith("component_")) == sorted(
        component_field_name(component) for component in required
    )


def test_desk_form_lists_documents_and_notes(client, birth_registration, ward, make_staff_user):
    officer = make_staff_user("xa_motcua", Role.DESK_OFFICER, ward)
    client.force_login(officer)
    uploads = birth_registration.upload_components()

    response = client.get(reverse("submissions_admin:intake_form", args=[birth_registration.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert _file_fields(html) == [f"scan_{component.pk}" for component in uploads]
    assert "Lưu ý" in html
    assert birth_registration.dossier_notes()[0].name.split("\n")[0] in html


def test_desk_accepts_with_required_scans_only(client, birth_registration, ward, make_staff_user):
    officer = make_staff_user("xa_motcua", Role.DESK_OFFICER, ward)
    client.force_login(officer)
    url = reverse("submissions_admin:intake_form", args=[birth_registration.pk])
    token = draft_token(client.get(url))
    data = {
        "draft": token,
        "channel": "in_person",
        "full_name": "Phạm Văn Bình",
        "id_number": "040085123456",
        "phone": "0987 654 321",
        "address": "Xóm 3",
        "commune": ward.pk,
        "decision": "accept",
    }
    for component in birth_registration.upload_components():
        data[f"verdict_{component.pk}"] = "ok"
        if component.is_required:
            data[f"scan_{component.pk}"] = builders.pdf_upload(f"quet-{component.pk}.pdf")

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(procedure=birth_registration)
    assert application.status == Status.RECEIVED
    assert application.documents.count() == 2


def test_supplement_request_lists_documents_only(birth_registration):
    application = Application(procedure=birth_registration)

    form = RequestSupplementForm(application=application)

    reason_fields = [name for name in form.fields if name.startswith("reason_")]
    assert reason_fields == [f"reason_{component.pk}" for component in birth_registration.upload_components()]
    assert len(reason_fields) == 8
