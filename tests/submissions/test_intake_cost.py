"""Cost of an intake: queries per POST, files written once, the procedure read without its whole tree."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import PageViewRestriction

from service_catalog.models.procedures import Channel
from submissions.forms.public import component_field_name
from submissions.models import Action, Application, ApplicationDocument, DailyCounter, DraftFile, Status
from submissions.processing.actions import FileInput
from submissions.processing.intake import Applicant, Decision, record_intake
from submissions.storage import private_storage

from . import builders
from .helpers import apply_url, draft_token, form_data, online_application, open_form

pytestmark = pytest.mark.django_db

# Reads of the procedure in one POST: on PostgreSQL one query checks the copy the process keeps
# (see submissions.procedure_cache). Elsewhere the online form reads the page, its channels,
# its components and the view restrictions, and the desk all but the restrictions.
ONLINE_PROCEDURE_QUERIES = 1 if connection.vendor == "postgresql" else 4
DESK_PROCEDURE_QUERIES = 1 if connection.vendor == "postgresql" else 3
# Queries of one POST once the process has read the workflow and the working calendar. Online,
# the view reads the procedure and the draft. Its transaction (a savepoint inside the test's
# transaction) inserts the draft, the application, its steps, its agency stint and its
# documents, updates the application, takes the number and inserts the event and the
# notification.
ONLINE_POST_MAX_QUERIES = ONLINE_PROCEDURE_QUERIES + 12
# The desk reads the session, the user, Wagtail's admin permissions (two queries) and profile,
# the procedure, the officer's role and profile, and the draft; its transaction checks the role
# again for the acceptance rule.
DESK_POST_MAX_QUERIES = DESK_PROCEDURE_QUERIES + 20


def _intake_data(procedure):
    data = {
        "channel": "in_person",
        "full_name": "Lê Văn Nam",
        "id_number": "040085123456",
        "phone": "0987 654 321",
        "email": "",
        "address": "Phường Thành Vinh, Nghệ An",
        "decision": "accept",
        "note": "",
    }
    for component in procedure.dossier_components.all():
        data[f"scan_{component.pk}"] = builders.pdf_upload(f"scan-{component.pk}.pdf")
        data[f"verdict_{component.pk}"] = "ok"
        data[f"detail_{component.pk}"] = ""
    return data


def test_online_post_query_budget(client, province, applicant_data, django_assert_max_num_queries):
    procedure = province.licence
    token = open_form(client, procedure)
    client.post(apply_url(procedure), form_data(procedure, applicant_data, token=token))

    token = open_form(client, procedure)
    data = form_data(procedure, applicant_data, token=token)
    with django_assert_max_num_queries(ONLINE_POST_MAX_QUERIES):
        response = client.post(apply_url(procedure), data)

    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_desk_post_query_budget(client, province, people, django_assert_max_num_queries):
    procedure = province.licence
    url = reverse("submissions_admin:intake_form", args=[procedure.pk])
    client.force_login(people.justice_desk)
    client.post(url, {**_intake_data(procedure), "draft": draft_token(client.get(url))})

    data = {**_intake_data(procedure), "draft": draft_token(client.get(url))}
    with django_assert_max_num_queries(DESK_POST_MAX_QUERIES):
        response = client.post(url, data)

    assert response.status_code == 302
    assert Application.objects.filter(status=Status.RECEIVED).count() == 2


def test_first_post_writes_each_upload_once(client, province, applicant_data):
    procedure = province.licence
    token = open_form(client, procedure)

    response = client.post(apply_url(procedure), form_data(procedure, applicant_data, token=token))

    assert response.status_code == 302
    required, optional = procedure.dossier_components.all()
    expected = {required.pk: ("tai-lieu-0.pdf", builders.pdf_bytes()), optional.pk: ("giay-chung-sinh.png", builders.image_bytes())}
    for document in ApplicationDocument.objects.all():
        name, content = expected[document.component_id]
        assert document.file.name.startswith("applications/")
        assert document.file.name.endswith(f"/{name}")
        with private_storage().open(document.file.name) as stored:
            assert stored.read() == content
    assert ApplicationDocument.objects.count() == 2
    assert not DraftFile.objects.exists()


def test_kept_file_becomes_document_in_place(client, province, applicant_data):
    procedure = province.birth
    first, second = procedure.dossier_components.all()
    token = open_form(client, procedure)
    data = form_data(procedure, {**applicant_data, "phone": "123"}, province.thanh_vinh, token=token)
    rejected = client.post(apply_url(procedure), data)
    kept = DraftFile.objects.get(slot=component_field_name(first))

    fixed = form_data(procedure, applicant_data, province.thanh_vinh, files=False, token=draft_token(rejected))
    response = client.post(apply_url(procedure), fixed)

    assert rejected.status_code == 400
    assert response.status_code == 302
    documents = {document.component_id: document for document in ApplicationDocument.objects.all()}
    assert documents[first.pk].file.name == kept.file.name
    assert documents[second.pk].file.name.startswith("drafts/")
    assert private_storage().exists(kept.file.name)
    assert not DraftFile.objects.exists()


def test_new_upload_replaces_kept_file(client, province, applicant_data, django_capture_on_commit_callbacks):
    procedure = province.birth
    first, second = procedure.dossier_components.all()
    token = open_form(client, procedure)
    data = form_data(procedure, {**applicant_data, "phone": "123"}, province.thanh_vinh, token=token)
    rejected = client.post(apply_url(procedure), data)
    replaced = DraftFile.objects.get(slot=component_field_name(first)).file.name

    fixed = form_data(procedure, applicant_data, province.thanh_vinh, files=False, token=draft_token(rejected))
    fixed[component_field_name(first)] = builders.pdf_upload("to-khai-moi.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(procedure), fixed)

    assert response.status_code == 302
    document = ApplicationDocument.objects.get(component=first)
    assert document.original_name == "to-khai-moi.pdf"
    assert document.file.name.startswith("applications/")
    assert not private_storage().exists(replaced)
    assert ApplicationDocument.objects.get(component=second).file.name.startswith("drafts/")


def test_desk_scan_written_once(province, people):
    procedure = province.licence
    required, optional = procedure.dossier_components.all()
    upload = builders.pdf_upload("to-khai.pdf")
    kept = private_storage().save("test/uy-quyen.pdf", builders.pdf_upload("uy-quyen.pdf"))
    files = {
        required: FileInput(name="to-khai.pdf", content_type="application/pdf", file=upload, size=upload.size),
        optional: FileInput(name="uy-quyen.pdf", content_type="application/pdf", file=kept, size=upload.size),
    }

    application = record_intake(
        procedure=procedure,
        channel=Channel.IN_PERSON,
        applicant=Applicant("Lê Văn Nam", "040085123456", "+84987654321", "", "Nghệ An"),
        officer=people.justice_desk,
        receiving_agency=province.justice,
        processing_agency=province.justice,
        files=files,
        decision=Decision.ACCEPT,
    )

    documents = {document.component_id: document for document in application.documents.all()}
    scanned = documents[required.pk].file.name
    assert scanned.startswith("applications/")
    assert scanned.endswith("/to-khai.pdf")
    with private_storage().open(scanned) as stored:
        assert stored.read() == builders.pdf_bytes()
    assert documents[optional.pk].file.name == kept
    assert application.status == Status.RECEIVED


def test_restricted_procedure_has_no_online_form(client, province, applicant_data):
    procedure = province.licence
    folder = procedure.get_parent()
    PageViewRestriction.objects.create(page=folder, restriction_type=PageViewRestriction.LOGIN)

    form = client.get(apply_url(procedure))
    post = client.post(apply_url(procedure), form_data(procedure, applicant_data))

    assert form.status_code == 404
    assert post.status_code == 404
    assert not Application.objects.exists()


def test_restriction_elsewhere_leaves_form_open(client, province):
    other = province.birth
    PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(apply_url(other)).status_code == 404
    assert client.get(apply_url(province.licence)).status_code == 200


MONDAY_NINE = datetime.datetime(2026, 3, 9, 2, tzinfo=datetime.UTC)  # 09:00 in Vinh


def test_code_written_with_number(province):
    first = online_application(province.licence, province.justice, MONDAY_NINE)
    second = online_application(province.licence, province.justice, MONDAY_NINE)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.code == "PV.S.TP.H41-260309-0001"
    assert second.code == "PV.S.TP.H41-260309-0002"


def test_code_number_past_four_digits(province):
    DailyCounter.objects.create(agency=province.justice, day=datetime.date(2026, 3, 9), last_number=9999)

    application = online_application(province.licence, province.justice, MONDAY_NINE)

    application.refresh_from_db()
    assert application.code == "PV.S.TP.H41-260309-10000"
    assert application.events.get(action=Action.SUBMIT).data["code"] == application.code
