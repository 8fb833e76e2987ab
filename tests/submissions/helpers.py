"""Helpers shared by the submissions tests: posting the online form, reading tokens from pages."""

import re

from django.urls import reverse

from submissions.forms.public import component_field_name

from . import builders

DRAFT_TOKEN = re.compile(r'name="draft" value="([^"]*)"')


def draft_token(response):
    match = DRAFT_TOKEN.search(response.content.decode())
    assert match, "the form carries no draft token"
    return match.group(1)


def apply_url(procedure):
    return reverse("submissions:apply", args=[procedure.pk])


def form_data(procedure, applicant, commune=None, files=True, token=None):
    """Return the POST data of a complete online application; files are fresh uploads when `files`."""
    data = dict(applicant)
    if commune is not None:
        data["commune"] = commune.pk
    if token is not None:
        data["draft"] = token
    if files:
        for index, component in enumerate(procedure.dossier_components.all()):
            upload = builders.pdf_upload(f"tai-lieu-{index}.pdf") if index % 2 == 0 else builders.png_upload()
            data[component_field_name(component)] = upload
    return data


def open_form(client, procedure):
    response = client.get(apply_url(procedure))
    assert response.status_code == 200
    return draft_token(response)


def submit(client, procedure, applicant, commune=None):
    """Open the form, post it complete, and return (response, application)."""
    from submissions.models import Application

    token = open_form(client, procedure)
    response = client.post(apply_url(procedure), form_data(procedure, applicant, commune, token=token))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(draft__isnull=False, procedure=procedure, applicant_name=applicant["full_name"])
    return response, application


def online_application(procedure, processing_agency, now, applicant=None):
    """Submit an online application through the service (no HTTP), at the moment `now`."""
    from submissions.models import DraftFile, UploadDraft
    from submissions.processing.intake import Applicant, submit_online

    applicant = applicant or Applicant(
        name="Trần Thị Hoa",
        id_number="040085123456",
        phone="+84912345678",
        email="hoa@example.org",
        address="Phường Thành Vinh, Nghệ An",
    )
    draft = UploadDraft.objects.create(purpose="test")
    for component in procedure.dossier_components.filter(is_required=True):
        upload = builders.pdf_upload(f"nop-{component.pk}.pdf")
        kept = DraftFile(
            draft=draft, slot=component_field_name(component), original_name=upload.name,
            content_type="application/pdf", size=upload.size,
        )
        kept.file.save(upload.name, upload, save=False)
        kept.save()
    application, _created = submit_online(
        procedure=procedure, applicant=applicant, processing_agency=processing_agency, draft=draft, now=now
    )
    return application


def desk_application(procedure, officer, receiving_agency, processing_agency, now, decision="accept", items=(), note=""):
    """Record a paper dossier at the desk through the service, with a stored scan per component."""
    from service_catalog.models.procedures import Channel
    from submissions.processing.actions import FileInput
    from submissions.processing.intake import Applicant, record_intake
    from submissions.storage import private_storage

    files = {}
    for component in procedure.dossier_components.all():
        upload = builders.pdf_upload(f"scan-{component.pk}.pdf")
        stored = private_storage().save(f"test/scan-{component.pk}.pdf", upload)
        files[component] = FileInput(name=upload.name, content_type="application/pdf", file=stored, size=upload.size)
    applicant = Applicant(
        name="Lê Văn Nam", id_number="040085123456", phone="+84987654321", email="nam@example.org", address="Nghệ An"
    )
    return record_intake(
        procedure=procedure,
        channel=Channel.IN_PERSON,
        applicant=applicant,
        officer=officer,
        receiving_agency=receiving_agency,
        processing_agency=processing_agency,
        files=files,
        decision=decision,
        supplement_items=items,
        note=note,
        now=now,
    )
