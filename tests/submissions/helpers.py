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
