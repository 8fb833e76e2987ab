"""The applicant's pages: apply online, the receipt, the supplement upload and the status lookup."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..clients import client_address
from ..drafts import (
    check_draft_room,
    draft_application,
    draft_for,
    files_by_slot,
    keep_file,
    new_token,
    posted_draft,
    reserve_client_upload,
    save_draft,
    sign_draft,
)
from ..forms.public import ApplicationForm, SupplementForm, component_field_name
from ..models import Action, Application
from ..processing.actions import ActionError, FileInput, pending_supplement, perform_as_applicant
from ..processing.intake import Applicant, processing_agency_for, submit_online
from ..procedures import published_procedure
from ..validators import stored_file_name

logger = logging.getLogger(__name__)

RECEIPT_SALT = "submissions.receipt"
SUPPLEMENT_SALT = "submissions.supplement"
# The signed receipt link works this long; later the applicant uses the status lookup.
RECEIPT_MAX_AGE = 60 * 60 * 24 * 30
SUPPLEMENT_MAX_AGE = 60 * 60 * 24 * 90


def receipt_url(application):
    token = signing.dumps(application.pk, salt=RECEIPT_SALT)
    return reverse("submissions:receipt", args=[token])


def supplement_url(application, request):
    token = signing.dumps({"a": application.pk, "r": request.pk}, salt=SUPPLEMENT_SALT)
    return reverse("submissions:supplement", args=[token])


def _online_procedure(procedure_id):
    procedure = published_procedure(procedure_id, public_only=True)
    if procedure is None:
        raise Http404("No published procedure with this id.")
    return procedure


def _keep_uploads(request, form, draft, field_names):
    """
    Store every upload that passed its own checks, whatever else in the form failed.

    An upload over the draft's or the client's limits gets a field error instead.
    """
    kept = dict(form.kept_files)
    cleaned = getattr(form, "cleaned_data", {})
    for name in field_names:
        uploaded = cleaned.get(name)
        if not uploaded or name in form.errors:
            continue
        stored_name = stored_file_name(uploaded.name, uploaded.checked_content_type)
        try:
            check_draft_room(draft, name, uploaded.size)
            reserve_client_upload(client_address(request), uploaded.size)
            kept[name] = keep_file(draft, name, uploaded, uploaded.checked_content_type, stored_name)
        except ValidationError as error:
            form.add_error(name, error)
    form.kept_files = kept
    return kept


def _new_uploads(form):
    """Return {DossierComponent: FileInput} for the files uploaded with this post of the form."""
    uploads = {}
    for component in form.components:
        uploaded = form.cleaned_data.get(component_field_name(component))
        if uploaded:
            uploads[component] = FileInput(
                name=uploaded.name[:255],
                content_type=uploaded.checked_content_type,
                file=uploaded,
                size=uploaded.size,
            )
    return uploads


def _apply_context(procedure, form, draft_token):
    return {
        "procedure": procedure,
        "form": form,
        "draft_token": draft_token,
        "max_upload_size": settings.PORTAL_UPLOAD_MAX_BYTES,
    }


@require_http_methods(["GET", "POST"])
def apply(request, procedure_id):
    procedure = _online_procedure(procedure_id)
    if not procedure.accepts_online:
        return render(request, "submissions/not_online.html", {"procedure": procedure}, status=404)

    purpose = f"apply-{procedure.pk}"
    if request.method == "GET":
        form = ApplicationForm(procedure=procedure)
        return render(request, "submissions/apply.html", _apply_context(procedure, form, new_token(purpose)))

    draft = posted_draft(request.POST.get("draft"), purpose)
    existing = draft_application(draft)
    if existing is not None:
        # The same form posted again (browser back, then submit): nothing new is created.
        messages.info(request, _already_submitted_message(existing))
        return redirect(receipt_url(existing))

    form = ApplicationForm(request.POST, request.FILES, procedure=procedure, kept_files=files_by_slot(draft))
    if not form.is_valid():
        # Keep every file that passed its own checks, so the applicant does not upload it again.
        save_draft(draft)
        _keep_uploads(request, form, draft, [component_field_name(component) for component in form.components])
        return render(request, "submissions/apply.html", _apply_context(procedure, form, sign_draft(draft)), status=400)

    data = form.cleaned_data
    applicant = Applicant(
        name=data["full_name"],
        id_number=data["id_number"],
        phone=data["phone"],
        email=data.get("email", ""),
        address=data["address"],
    )
    try:
        application, created = submit_online(
            procedure=procedure,
            applicant=applicant,
            processing_agency=processing_agency_for(procedure, data.get("commune")),
            draft=draft,
            files=_new_uploads(form),
        )
    except IntegrityError:
        # A second post of the same form won the race on the draft; show the application it created.
        application = Application.objects.filter(draft__token=draft.token).first()
        if application is None:
            raise
        created = False
    if not created:
        messages.info(request, _already_submitted_message(application))
    return redirect(receipt_url(application))


def _already_submitted_message(application):
    return _(
        "This form was already submitted as application %(code)s on %(moment)s; it was not submitted again."
    ) % {"code": application.code, "moment": timezone.localtime(application.submitted_at).strftime("%H:%M %d/%m/%Y")}


def receipt(request, token):
    try:
        application_id = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        raise Http404("Invalid or expired receipt link.") from None
    application = (
        Application.objects.select_related("processing_agency", "receiving_agency", "procedure")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    documents = application.documents.filter(replaced_by__isnull=True)
    return render(request, "submissions/receipt.html", {"application": application, "documents": documents})


@require_http_methods(["GET", "POST"])
def supplement(request, token):
    try:
        payload = signing.loads(token, salt=SUPPLEMENT_SALT, max_age=SUPPLEMENT_MAX_AGE)
    except signing.BadSignature:
        raise Http404("Invalid or expired supplement link.") from None
    application = Application.objects.filter(pk=payload.get("a")).select_related("current_agency").first()
    if application is None:
        raise Http404("No such application.")
    request_row = application.supplement_requests.filter(pk=payload.get("r")).first()
    if request_row is None:
        raise Http404("No such supplement request.")

    if request_row.fulfilled_at is not None or pending_supplement(application) != request_row:
        return render(request, "submissions/supplement_done.html", {"application": application, "request_row": request_row})

    items = list(request_row.items.all())
    purpose = f"supplement-{request_row.pk}"
    context = {"application": application, "request_row": request_row}
    if request.method == "GET":
        form = SupplementForm(items=items)
        return render(request, "submissions/supplement.html", {**context, "form": form, "draft_token": new_token(purpose)})

    draft = draft_for(request.POST.get("draft"), purpose)
    form = SupplementForm(request.POST, request.FILES, items=items, kept_files=files_by_slot(draft))
    is_valid = form.is_valid()
    kept = _keep_uploads(request, form, draft, [SupplementForm.field_name(item) for item in items])
    if not is_valid or form.errors:
        return render(request, "submissions/supplement.html", {**context, "form": form, "draft_token": sign_draft(draft)}, status=400)

    files = {
        item.pk: FileInput(
            name=kept[SupplementForm.field_name(item)].original_name,
            content_type=kept[SupplementForm.field_name(item)].content_type,
            file=kept[SupplementForm.field_name(item)].file.name,
            size=kept[SupplementForm.field_name(item)].size,
        )
        for item in items
    }
    try:
        perform_as_applicant(application, Action.SUPPLEMENT_RECEIVED, files=files)
    except ActionError as error:
        form.add_error(None, error.message)
        return render(request, "submissions/supplement.html", {**context, "form": form, "draft_token": sign_draft(draft)}, status=409)
    draft.files.all().delete()

    application.refresh_from_db()
    return render(request, "submissions/supplement_done.html", {"application": application, "request_row": request_row})

