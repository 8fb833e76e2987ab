"""Creating applications: online submission by the applicant and intake at the one-stop desk."""

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from service_catalog.models.procedures import Channel

from ..codes import allocate_code
from ..models import Action, Application, ApplicationDocument, ApplicationEvent, UploadDraft
from ..models import Status as S
from ..signals import status_changed
from . import steps as step_ops
from .actions import actor_name, perform, start_clock

logger = logging.getLogger(__name__)


@dataclass
class Applicant:
    name: str
    id_number: str
    phone: str  # E.164
    email: str
    address: str


class Decision:
    """The desk officer's completeness verdict on a paper dossier."""

    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"


def processing_agency_for(procedure, commune=None):
    """Return the agency that processes `procedure`: the chosen commune for commune-level procedures, else the owner."""
    if procedure.level_commune and commune is not None:
        return commune
    return procedure.owner_agency


def _time_limit(procedure, channel):
    row = procedure.channel_for(channel)
    if row is None and channel != Channel.IN_PERSON:
        # Procedures often publish the limit only for the counter; it applies to every channel.
        row = procedure.channel_for(Channel.IN_PERSON)
    if row is None:
        return None, "", ""
    return row.time_limit_value, row.time_limit_unit, row.time_limit_text


def _provisional_code():
    """Return a unique stand-in code; `_write_creation_event` replaces it in the same transaction."""
    return f"~{uuid.uuid4().hex}"


def _new_application(*, procedure, channel, applicant, receiving_agency, processing_agency, now, created_by, draft=None):
    value, unit, text = _time_limit(procedure, channel)
    revision = procedure.live_revision
    application = Application.objects.create(
        code=_provisional_code(),
        procedure=procedure,
        procedure_revision=revision,
        procedure_title=procedure.title,
        procedure_code=procedure.instance_code or procedure.national_code,
        channel=channel,
        status=S.SUBMITTED,
        receiving_agency=receiving_agency,
        processing_agency=processing_agency,
        current_agency=receiving_agency,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        submitted_at=now,
        time_limit_value=value,
        time_limit_unit=unit or "",
        time_limit_text=text or "",
        created_by=created_by,
        draft=draft,
    )
    steps = step_ops.copy_steps(application)
    step_ops.start_stint(application, receiving_agency, now)
    application.current_step = steps[0]
    steps[0].started_at = now
    steps[0].save(update_fields=["started_at"])
    return application


def _write_creation_event(application, action, user, note=""):
    # The number is taken last: its daily counter row stays locked until the transaction ends,
    # so every intake of the agency waits for it, and the work before needs no lock.
    application.code = allocate_code(application.receiving_agency, application.submitted_at)
    application.save(update_fields=["code"])
    event = ApplicationEvent.objects.create(
        application=application,
        at=application.submitted_at,
        action=action,
        actor=user,
        actor_name=actor_name(user),
        agency=application.receiving_agency,
        from_status=None,
        to_status=application.status,
        step=application.current_step,
        step_name=application.current_step.name,
        note=note,
        is_internal=True,
        data={"channel": application.channel, "code": application.code},
    )
    status_changed.send(
        sender=Application, application=application, event=event, from_status=None, to_status=application.status
    )
    return event


def _enqueue_receipt_email(application):
    if not application.applicant_email:
        return
    from ..tasks import send_receipt_email

    application_id = application.pk
    transaction.on_commit(lambda: send_receipt_email.delay(application_id))


def submit_online(*, procedure, applicant, processing_agency, draft, now=None):
    """
    Create an online application from a complete form and its draft's files.

    Returns (application, created). Posting the same draft again returns the application it
    already produced, so a double click or a refresh never creates a second one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        draft = UploadDraft.objects.select_for_update().get(pk=draft.pk)
        existing = Application.objects.filter(draft=draft).first()
        if existing is not None:
            return existing, False

        application = _new_application(
            procedure=procedure,
            channel=Channel.ONLINE,
            applicant=applicant,
            receiving_agency=processing_agency,
            processing_agency=processing_agency,
            now=now,
            created_by=None,
            draft=draft,
        )
        _documents_from_draft(application, procedure, draft, now)
        start_clock(application, now)
        application.save()
        _write_creation_event(application, Action.SUBMIT, None)
        _enqueue_receipt_email(application)

    logger.info("Online application id=%s created for procedure id=%s", application.pk, procedure.pk)
    return application, True


def _documents_from_draft(application, procedure, draft, now):
    """Move the draft's files onto the application, one document per component (the files stay in place)."""
    components = {f"component_{component.pk}": component for component in procedure.dossier_components.all()}
    for draft_file in draft.files.all():
        component = components.get(draft_file.slot)
        if component is None:
            continue
        ApplicationDocument.objects.create(
            application=application,
            component=component,
            component_name=component.name,
            file=draft_file.file.name,
            original_name=draft_file.original_name,
            content_type=draft_file.content_type,
            size=draft_file.size,
            uploaded_at=now,
        )
    draft.files.all().delete()


def record_intake(
    *,
    procedure,
    channel,
    applicant,
    officer,
    receiving_agency,
    processing_agency,
    files,
    decision,
    supplement_items=(),
    note="",
    draft=None,
    now=None,
):
    """
    Record a paper dossier received at the desk (in person or by post) with its completeness verdict.

    `files` maps DossierComponent to FileInput (the desk's scans). The verdict is applied as a
    second event: accepted (received, the clock starts now), supplement requested (every
    missing or wrong item at once), or refused with the reasons in `note`. With a `draft`, a
    second post of the same form returns the application already recorded.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if draft is not None:
            draft = UploadDraft.objects.select_for_update().get(pk=draft.pk)
            existing = Application.objects.filter(draft=draft).first()
            if existing is not None:
                return existing
        application = _new_application(
            procedure=procedure,
            channel=channel,
            applicant=applicant,
            receiving_agency=receiving_agency,
            processing_agency=processing_agency,
            now=now,
            created_by=officer,
            draft=draft,
        )
        for component, file_input in files.items():
            ApplicationDocument.objects.create(
                application=application,
                component=component,
                component_name=component.name,
                file=file_input.file,
                original_name=file_input.name,
                content_type=file_input.content_type,
                size=file_input.size,
                uploaded_at=now,
                uploaded_by=officer,
            )
        application.save()
        _write_creation_event(application, Action.INTAKE, officer)

        if decision == Decision.ACCEPT:
            perform(application, Action.ACCEPT, officer, note=note, now=now)
            _enqueue_receipt_email(application)
        elif decision == Decision.SUPPLEMENT:
            perform(application, Action.REQUEST_SUPPLEMENT, officer, note=note, items=supplement_items, now=now)
        elif decision == Decision.REFUSE:
            perform(application, Action.REFUSE, officer, note=note, is_internal=False, now=now)
        else:
            raise ValueError(f"Unknown intake decision {decision!r}")

    application.refresh_from_db()
    logger.info("Desk intake id=%s decision=%s", application.pk, decision)
    return application
