"""
Actions on an application: the only code that changes its status.

`perform` runs one action in one transaction. It locks the application and compares the version
the officer saw with the current one, so a stale version raises StaleApplication and changes
nothing (optimistic locking). It then checks the rule, applies the action in memory, bumps the
version, writes the changed rows, the append-only event with its attachments, and sends
`signals.status_changed`. `perform_on_new` applies an action to an application that the current
transaction is creating (the desk's verdict at intake), leaving the writes to the caller.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Action,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    EventAttachment,
    SupplementItem,
    SupplementRequest,
)
from ..models import Status as S
from ..signals import status_changed
from ..working_time import calendar_for
from . import steps as step_ops
from .rules import RULES, denial_reason

logger = logging.getLogger(__name__)


class ActionError(Exception):
    """An action could not be taken; `message` is a translated sentence for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ActionNotAllowed(ActionError):
    pass


class StaleApplication(ActionError):
    """Someone else changed the application after the officer opened it."""


class InvalidActionInput(ActionError):
    pass


@dataclass
class FileInput:
    """
    A file handed to an action or an intake: the original name, the checked content type and the file.

    `file` is the storage name of a file already stored (a draft's kept file), or an uploaded
    File that the intake stores once, directly under the application documents' path.
    """

    name: str
    content_type: str
    file: object
    size: int

    @property
    def is_stored(self):
        return isinstance(self.file, str)


@dataclass
class SupplementItemInput:
    component: object
    reason: str
    detail: str = ""


@dataclass
class Outcome:
    data: dict = field(default_factory=dict)


@dataclass
class PendingEvent:
    """An action applied in memory: its unsaved event, the status it left and the files to attach."""

    event: ApplicationEvent
    from_status: int
    version: int
    attachments: tuple = ()


def actor_name(user):
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


def _lock(application_id, expected_version):
    """Lock the application row and return it, or raise StaleApplication if its version moved on."""
    if expected_version is not None:
        # A no-op UPDATE conditioned on the version takes the row lock. When another transaction
        # changed the row first, PostgreSQL re-checks the condition on the new row, so it matches nothing.
        matched = Application.objects.filter(pk=application_id, version=expected_version).update(version=expected_version)
        if not matched:
            raise StaleApplication(
                _(
                    "Someone else changed this application while you were working on it. "
                    "Your action was not saved; read the latest changes below and submit again."
                )
            )
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("current_agency", "receiving_agency", "processing_agency", "procedure")
        .get(pk=application_id)
    )


def _checked_note(action, note):
    note = (note or "").strip()
    if RULES[action].note_required and not note:
        raise InvalidActionInput(_("Write a note: this action needs a reason the record can show."))
    return note


def perform(
    application,
    action,
    user,
    *,
    expected_version=None,
    note="",
    is_internal=True,
    attachments=(),
    now=None,
    **params,
):
    """
    Take `action` on `application` as `user` and return the event written.

    `params` are the action's own inputs: `items` (list of SupplementItemInput) for a supplement
    request, `files` ({SupplementItem pk: FileInput}) for a supplement received, `due_at` for
    an appointment, `amount` for a payment request. Raises ActionNotAllowed, StaleApplication or
    InvalidActionInput.
    """
    now = now or timezone.now()
    note = _checked_note(action, note)

    with transaction.atomic():
        locked = _lock(application.pk, expected_version)
        state = step_ops.WorkflowState.load(locked)
        reason = denial_reason(locked, action, user, state.steps)
        if reason:
            raise ActionNotAllowed(reason)
        pending = _change(state, action, user, note, is_internal, tuple(attachments), now, params)
        _save(state)
        write_events([pending])
        return pending.event


def perform_as_applicant(application, action, *, note="", now=None, **params):
    """Take an action the applicant takes online (only sending a requested supplement)."""
    if action != Action.SUPPLEMENT_RECEIVED:
        raise ActionNotAllowed(_("Applicants can only send the documents that were requested."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application.pk, None)
        if locked.status != S.SUPPLEMENT_REQUESTED:
            raise ActionNotAllowed(_("This application is not waiting for documents from you."))
        state = step_ops.WorkflowState.load(locked)
        pending = _change(state, action, None, note, False, (), now, params)
        _save(state)
        write_events([pending])
        return pending.event


def perform_on_new(state, action, user, *, note="", is_internal=True, now, **params):
    """
    Take `action` as `user`, in memory, on an application that the current transaction is creating.

    The same rule applies as in `perform`. No lock is needed, because no other transaction can
    read the application before this one commits. Returns the PendingEvent; the caller saves `state` and
    the application, then writes the event with `write_events`.
    """
    note = _checked_note(action, note)
    reason = denial_reason(state.application, action, user, state.steps)
    if reason:
        raise ActionNotAllowed(reason)
    return _change(state, action, user, note, is_internal, (), now, params)


def _change(state, action, user, note, is_internal, attachments, now, params):
    """Apply `action` to the application and its steps in memory; return the unsaved event."""
    application = state.application
    from_status = application.status
    step_before = application.current_step

    outcome = HANDLERS[action](application, state=state, user=user, now=now, note=note, **params)
    application.version += 1

    event = ApplicationEvent(
        application=application,
        at=now,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        actor_name=actor_name(user),
        agency=application.current_agency if user is None else _user_agency(user, application),
        from_status=from_status,
        to_status=application.status,
        step=step_before,
        step_name=step_before.name if step_before else "",
        note=note,
        is_internal=is_internal,
        data=outcome.data,
    )
    return PendingEvent(event, from_status, application.version, attachments)


def _save(state):
    state.save()
    state.application.save()


def write_events(pending_events):
    """
    Insert the events in order with their attachments, then send `status_changed` for each.

    The application and the steps the events name must be saved already.
    """
    ApplicationEvent.objects.bulk_create([pending.event for pending in pending_events])
    attachments = [
        EventAttachment(
            event=pending.event,
            file=attachment.file,
            original_name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
        )
        for pending in pending_events
        for attachment in pending.attachments
    ]
    if attachments:
        EventAttachment.objects.bulk_create(attachments)

    for pending in pending_events:
        event = pending.event
        application = event.application
        logger.info(
            "Application id=%s action=%s status %s->%s version=%s",
            application.pk,
            event.action,
            pending.from_status,
            event.to_status,
            pending.version,
        )
        status_changed.send(
            sender=Application,
            application=application,
            event=event,
            from_status=pending.from_status,
            to_status=event.to_status,
        )


def _user_agency(user, application):
    from accounts.roles import staff_agency

    return staff_agency(user) or application.current_agency


# The clock


def start_clock(application, now, state):
    """Start the legal time limit at `now` and compute the appointment and step deadlines."""
    calendar = calendar_for(application.receiving_agency_id)
    application.clock_started_at = now
    application.due_at = calendar.due_at(now, application.time_limit_value, application.time_limit_unit)
    application.due_last_day = calendar.last_day(now, application.time_limit_value, application.time_limit_unit)
    application.paused_at = None
    step_ops.schedule_steps(state)


def _resume_clock(application, now, state):
    """Restart the clock stopped for a supplement, giving back the time that was left."""
    calendar = calendar_for(application.receiving_agency_id)
    paused_at = application.paused_at
    unit = application.time_limit_unit
    old_due = application.due_at

    application.due_at = calendar.resume(old_due, paused_at, now, unit, last_day=application.due_last_day)
    if application.due_last_day and old_due and paused_at < old_due:
        application.due_last_day += datetime.timedelta(days=calendar.paused_days(paused_at, now))
    for step in state.steps:
        if step.finished_at is None and step.due_at is not None:
            step.due_at = calendar.resume(step.due_at, paused_at, now, unit)
            state.step_changed(step, "due_at")
    stint = state.open_stint
    if stint is not None and stint.due_at is not None:
        stint.due_at = calendar.resume(stint.due_at, paused_at, now, unit)
        state.stint_changed(stint)

    application.paused_at = None
    return {
        "paused_from": paused_at.isoformat(),
        "old_due_at": old_due.isoformat() if old_due else None,
        "new_due_at": application.due_at.isoformat() if application.due_at else None,
    }


def _finish(application, state, user, now, status):
    """Close the application in a final status: no current step, no agency holding time any more."""
    if application.current_step is not None and application.current_step.finished_at is None:
        step_ops.finish_step(state, application.current_step, user, now)
    application.status = status
    application.finished_at = application.finished_at or now
    application.paused_at = None
    application.current_step = None
    step_ops.close_stint(state, now)


def _handover_data(handover):
    return {"handover": handover} if handover else {}


# Handlers: each changes the application and its WorkflowState in memory (saved by the caller)
# and returns the event details. Only the supplement handlers write their own rows.


def _accept(application, *, state, user, now, **_params):
    application.status = S.RECEIVED
    application.received_at = now
    if application.clock_started_at is None:
        start_clock(application, now, state)

    step_ops.finish_step(state, application.current_step, user, now)
    following = step_ops.next_step(application, state.steps)
    handover = step_ops.enter_step(state, following, now) if following else None
    return Outcome(_handover_data(handover))


def _refuse(application, *, state, user, now, **_params):
    _finish(application, state, user, now, S.REFUSED)
    return Outcome()


def _request_supplement(application, *, state, user, now, note, items=(), **_params):
    if not items:
        raise InvalidActionInput(_("List at least one document the applicant must supply, each with its reason."))

    from_status = application.status
    stage = SupplementRequest.Stage.RECEIPT if from_status == S.SUBMITTED else SupplementRequest.Stage.PROCESSING
    sequence = application.supplement_requests.count() + 1
    request = SupplementRequest.objects.create(
        application=application,
        sequence=sequence,
        stage=stage,
        resume_status=from_status,
        requested_at=now,
        requested_by=user if user is not None and user.is_authenticated else None,
        note=note,
    )
    SupplementItem.objects.bulk_create(
        [
            SupplementItem(
                request=request,
                component=item.component,
                component_name=item.component.name if item.component else item.detail,
                reason=item.reason,
                detail=item.detail,
            )
            for item in items
        ]
    )

    application.supplement_count = sequence
    application.status = S.SUPPLEMENT_REQUESTED
    if stage == SupplementRequest.Stage.RECEIPT:
        # An incomplete dossier is not received: the time limit starts again once it is complete.
        application.clock_started_at = None
        application.due_at = None
        application.due_last_day = None
        step_ops.schedule_steps(state)
    else:
        application.paused_at = now

    return Outcome(
        {
            "supplement_request": request.pk,
            "sequence": sequence,
            "repeat": sequence > 1,
            "stage": stage,
            "items": [
                {"component": item.component.name if item.component else "", "reason": item.reason, "detail": item.detail}
                for item in items
            ],
        }
    )


def pending_supplement(application):
    return application.supplement_requests.filter(fulfilled_at__isnull=True).order_by("-sequence").first()


def _supplement_received(application, *, state, user, now, files=None, **_params):
    request = pending_supplement(application)
    if request is None:
        raise InvalidActionInput(_("No supplement request is open for this application."))
    files = files or {}
    items = list(request.items.all())
    missing = [item.component_name for item in items if item.pk not in files]
    if missing:
        raise InvalidActionInput(
            _("Attach a file for every requested document. Missing: %(names)s.") % {"names": "; ".join(missing)}
        )

    uploader = user if user is not None and user.is_authenticated else None
    for item in items:
        item.document = replace_document(application, item.component, item.component_name, files[item.pk], uploader, now)
        item.save(update_fields=["document"])
    request.fulfilled_at = now
    request.save(update_fields=["fulfilled_at"])

    application.status = request.resume_status
    data = {"supplement_request": request.pk, "sequence": request.sequence}
    if request.stage == SupplementRequest.Stage.RECEIPT:
        start_clock(application, now, state)
        data["new_due_at"] = application.due_at.isoformat() if application.due_at else None
    else:
        data.update(_resume_clock(application, now, state))
    return Outcome(data)


def replace_document(application, component, component_name, file_input, uploader, now):
    """Attach `file_input` (a stored file) as the component's file, marking the files it replaces."""
    document = ApplicationDocument.objects.create(
        application=application,
        component=component,
        component_name=component_name,
        file=file_input.file,
        original_name=file_input.name,
        content_type=file_input.content_type,
        size=file_input.size,
        uploaded_at=now,
        uploaded_by=uploader,
    )
    if component is not None:
        ApplicationDocument.objects.filter(
            application=application, component=component, replaced_by__isnull=True
        ).exclude(pk=document.pk).update(replaced_by=document)
    return document


def _start_processing(application, **_params):
    application.status = S.PROCESSING
    return Outcome()


def _forward(application, *, state, user, now, **_params):
    step_ops.finish_step(state, application.current_step, user, now)
    following = step_ops.next_step(application, state.steps)
    handover = step_ops.enter_step(state, following, now)
    return Outcome({"to_step": following.name, **_handover_data(handover)})


def _send_back(application, *, state, now, **_params):
    current = application.current_step
    current.started_at = None
    state.step_changed(current, "started_at")
    preceding = step_ops.previous_step(application, state.steps)
    handover = step_ops.enter_step(state, preceding, now)
    return Outcome({"to_step": preceding.name, **_handover_data(handover)})


def _complete(application, *, state, user, now, **_params):
    step_ops.finish_step(state, application.current_step, user, now)
    following = step_ops.next_step(application, state.steps)
    application.status = S.DONE
    application.finished_at = now
    if following is None:
        application.current_step = None
        step_ops.close_stint(state, now)
        return Outcome()
    handover = step_ops.enter_step(state, following, now)
    return Outcome(_handover_data(handover))


def _return_result(application, *, state, user, now, **_params):
    step_ops.finish_step(state, application.current_step, user, now)
    application.status = S.RETURNED
    application.returned_at = now
    application.current_step = None
    step_ops.close_stint(state, now)
    return Outcome()


def _request_payment(application, *, amount=None, **_params):
    data = {"resume_status": application.status}
    if amount is not None:
        data["amount"] = int(amount)
    application.status = S.PAYMENT_REQUESTED
    return Outcome(data)


def _payment_received(application, **_params):
    request_event = (
        application.events.filter(action=Action.REQUEST_PAYMENT).order_by("-at", "-pk").only("data").first()
    )
    resume_status = (request_event.data or {}).get("resume_status") if request_event else None
    application.status = resume_status or S.PROCESSING
    return Outcome()


def _withdraw(application, *, state, user, now, **_params):
    _finish(application, state, user, now, S.WITHDRAWN)
    return Outcome()


def _stop(application, *, state, user, now, **_params):
    _finish(application, state, user, now, S.STOPPED)
    return Outcome()


def _set_appointment(application, *, state, due_at=None, **_params):
    if due_at is None:
        raise InvalidActionInput(_("Enter the appointment date and time."))
    if isinstance(due_at, datetime.date) and not isinstance(due_at, datetime.datetime):
        due_at = calendar_for(application.receiving_agency_id).close_of(due_at)
    if due_at <= application.clock_started_at:
        raise InvalidActionInput(_("The appointment must be after the time the dossier was received."))
    application.due_at = due_at
    # An appointment set by staff is a date of its own, not a legal last day moved off a day off.
    application.due_last_day = None
    step_ops.schedule_steps(state)
    return Outcome({"due_at": due_at.isoformat()})


def _comment(application, **_params):
    return Outcome()


HANDLERS = {
    Action.ACCEPT: _accept,
    Action.REFUSE: _refuse,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.START_PROCESSING: _start_processing,
    Action.FORWARD: _forward,
    Action.SEND_BACK: _send_back,
    Action.COMPLETE: _complete,
    Action.RETURN_RESULT: _return_result,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.PAYMENT_RECEIVED: _payment_received,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
    Action.SET_APPOINTMENT: _set_appointment,
    Action.COMMENT: _comment,
}
