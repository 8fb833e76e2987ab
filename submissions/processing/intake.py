"""Creating applications: online submission by the applicant and intake at the one-stop desk."""

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from service_catalog.models.procedures import Channel

from ..codes import save_with_code
from ..drafts import claim_draft
from ..forms.public import component_field_name
from ..models import Action, Application, ApplicationDocument, ApplicationEvent, DraftFile
from ..models import Status as S
from ..validators import stored_file_name
from . import steps as step_ops
from .actions import FileInput, PendingEvent, actor_name, perform_on_new, start_clock, write_events

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
    """Return a unique stand-in code; `_allocate_code` replaces it in the same transaction."""
    return f"~{uuid.uuid4().hex}"


def _new_application(*, procedure, channel, applicant, receiving_agency, processing_agency, now, created_by, draft=None):
    """
    Insert the application and return its WorkflowState: the first step started and the
    receiving agency's stint opened, in memory. The caller writes them with `state.save()`.
    """
    value, unit, text = _time_limit(procedure, channel)

    application = Application.objects.create(
        code=_provisional_code(),
        procedure=procedure,
        procedure_revision_id=procedure.live_revision_id,
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

    state = step_ops.WorkflowState.new(application, step_ops.new_steps(application))
    first = state.steps[0]
    first.started_at = now
    application.current_step = first
    step_ops.start_stint(state, receiving_agency, now)
    return state


def _creation_event(application, action, user, note=""):
    """Return the unsaved event that records the application's creation, with its current status and step."""
    event = ApplicationEvent(
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
        data={"channel": application.channel},
    )
    return PendingEvent(event, None, application.version)


def _allocate_code(application, creation):
    # The number is taken after every other row of the application is written: its daily
    # counter row stays locked until the transaction ends, so every intake of the agency waits
    # for it, and the work before needs no lock. Only the events and the rows that their
    # signal receivers write follow it.
    save_with_code(application)
    creation.event.data["code"] = application.code


def _store_documents(application, files, uploader, now, stored_names):
    """
    Insert one document per component from `files` ({DossierComponent: FileInput}).

    An uploaded file is written once, straight to its place among the application documents.
    Its storage name is appended to `stored_names`, so a failed transaction can remove it. A
    stored file (a draft's kept file) stays where it is.
    """
    file_field = ApplicationDocument._meta.get_field("file")
    documents = []
    for component, file_input in files.items():
        document = ApplicationDocument(
            application=application,
            component=component,
            component_name=component.name,
            original_name=file_input.name,
            content_type=file_input.content_type,
            size=file_input.size,
            uploaded_at=now,
            uploaded_by=uploader,
        )
        if file_input.is_stored:
            document.file = file_input.file
        else:
            stored_name = stored_file_name(file_input.name, file_input.content_type)
            file_input.file.seek(0)
            name = file_field.storage.save(
                file_field.generate_filename(document, stored_name), file_input.file, max_length=file_field.max_length
            )
            stored_names.append(name)
            document.file = name
        documents.append(document)
    ApplicationDocument.objects.bulk_create(documents)


def _delete_stored(names):
    storage = ApplicationDocument._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not remove the file of a failed intake: %s", name, exc_info=True)


def _with_kept_files(procedure, files, draft_files):
    """Return `files` completed with the draft's kept file for every component without a new upload."""
    if not draft_files:
        return files
    kept = {draft_file.slot: draft_file for draft_file in draft_files}
    completed = dict(files)
    for component in procedure.upload_components():
        draft_file = kept.get(component_field_name(component))
        if draft_file is not None and component not in completed:
            completed[component] = FileInput(
                name=draft_file.original_name,
                content_type=draft_file.content_type,
                file=draft_file.file.name,
                size=draft_file.size,
            )
    return completed


def _release_draft_files(draft_files, files):
    """
    Delete the draft's file rows once the documents are written.

    A kept file that became a document stays where it is. A kept file that no document uses,
    because a new upload replaced it, is deleted once the transaction commits.
    """
    if not draft_files:
        return
    used = {file_input.file for file_input in files.values() if file_input.is_stored}
    unused = [draft_file.file.name for draft_file in draft_files if draft_file.file.name not in used]
    DraftFile.objects.filter(pk__in=[draft_file.pk for draft_file in draft_files]).delete()
    if unused:
        transaction.on_commit(lambda: _delete_kept_files(unused))


def _delete_kept_files(names):
    storage = DraftFile._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _enqueue_receipt_email(application):
    if not application.applicant_email:
        return
    from ..tasks import send_receipt_email

    application_id = application.pk
    transaction.on_commit(lambda: send_receipt_email.delay(application_id))


def submit_online(*, procedure, applicant, processing_agency, draft, files=None, now=None):
    """
    Create an online application from a complete form.

    `files` ({DossierComponent: FileInput}) are the form's new uploads; a component without
    one takes the file kept in `draft` from an earlier post of the form. `draft` may be unsaved
    (the form's first post). Returns (application, created). Posting the same draft again
    returns the application it already produced, so a double click or a refresh never creates a
    second one.
    """
    now = now or timezone.now()
    stored_names = []
    try:
        with transaction.atomic():
            claim = claim_draft(draft)
            if claim.application is not None:
                return claim.application, False

            draft_files = [] if claim.is_new else list(claim.draft.files.all())
            files = _with_kept_files(procedure, files or {}, draft_files)
            state = _new_application(
                procedure=procedure,
                channel=Channel.ONLINE,
                applicant=applicant,
                receiving_agency=processing_agency,
                processing_agency=processing_agency,
                now=now,
                created_by=None,
                draft=claim.draft,
            )
            application = state.application
            start_clock(application, now, state)
            state.save()
            _store_documents(application, files, None, now, stored_names)
            _release_draft_files(draft_files, files)

            creation = _creation_event(application, Action.SUBMIT, None)
            _allocate_code(application, creation)
            write_events([creation])
            _enqueue_receipt_email(application)
    except BaseException:
        _delete_stored(stored_names)
        raise

    logger.info("Online application id=%s created for procedure id=%s", application.pk, procedure.pk)
    return application, True


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

    `files` maps DossierComponent to FileInput (the desk's scans, uploaded now or kept in the
    draft). The verdict is applied as a second event: accepted (received, the clock starts now),
    supplement requested (every missing or wrong item at once), or refused with the reasons in
    `note`. With a `draft` (saved or not), a second post of the same form returns the
    application already recorded.
    """
    now = now or timezone.now()
    stored_names = []
    try:
        with transaction.atomic():
            draft_files = []
            if draft is not None:
                claim = claim_draft(draft)
                if claim.application is not None:
                    return claim.application
                draft = claim.draft
                draft_files = [] if claim.is_new else list(draft.files.all())
            state = _new_application(
                procedure=procedure,
                channel=channel,
                applicant=applicant,
                receiving_agency=receiving_agency,
                processing_agency=processing_agency,
                now=now,
                created_by=officer,
                draft=draft,
            )
            application = state.application
            creation = _creation_event(application, Action.INTAKE, officer)
            # The rule of the verdict is checked before any scan is written, so an ActionError
            # leaves the uploaded scans unread for the form to keep in its draft.
            verdict = _apply_decision(state, decision, officer, note, supplement_items, now)
            state.save()
            _store_documents(application, files, officer, now, stored_names)
            _release_draft_files(draft_files, files)

            _allocate_code(application, creation)
            write_events([creation, verdict])
            if decision == Decision.ACCEPT:
                _enqueue_receipt_email(application)
    except BaseException:
        _delete_stored(stored_names)
        raise

    logger.info("Desk intake id=%s decision=%s", application.pk, decision)
    return application


def _apply_decision(state, decision, officer, note, supplement_items, now):
    """Apply the desk's completeness verdict in memory and return its pending event."""
    if decision == Decision.ACCEPT:
        return perform_on_new(state, Action.ACCEPT, officer, note=note, now=now)
    if decision == Decision.SUPPLEMENT:
        return perform_on_new(state, Action.REQUEST_SUPPLEMENT, officer, note=note, items=supplement_items, now=now)
    if decision == Decision.REFUSE:
        return perform_on_new(state, Action.REFUSE, officer, note=note, is_internal=False, now=now)
    raise ValueError(f"Unknown intake decision {decision!r}")
