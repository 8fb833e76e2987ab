"""Workflow steps on an application: copying them at receipt, deadlines, moving between agencies."""

from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from ..models import AgencyStint, ApplicationStep, StepAgency, StepKind, Workflow
from ..working_time import calendar_for


@dataclass(frozen=True)
class StepSpec:
    name: str
    kind: str
    role: str
    agency_source: str
    share_percent: int
    agency: object = None


def default_step_specs():
    """Return the built-in workflow used when no workflow is configured: desk, specialist, leader, desk."""
    return [
        StepSpec(_("Receive and check completeness"), StepKind.RECEIVE, Role.DESK_OFFICER, StepAgency.RECEIVING, 10),
        StepSpec(_("Specialist review"), StepKind.REVIEW, Role.SPECIALIST, StepAgency.PROCESSING, 60),
        StepSpec(_("Leader approval"), StepKind.APPROVE, Role.LEADER, StepAgency.PROCESSING, 20),
        StepSpec(_("Return the result"), StepKind.RETURN_RESULT, Role.DESK_OFFICER, StepAgency.RECEIVING, 10),
    ]


def step_specs_for(procedure):
    """Return the steps of `procedure`'s workflow, the configured default, or the built-in default."""
    workflow = Workflow.objects.filter(procedure=procedure).first() or Workflow.objects.filter(is_default=True).first()
    if workflow is None:
        return default_step_specs()
    return [
        StepSpec(step.name, step.kind, step.role, step.agency_source, step.share_percent, step.agency)
        for step in workflow.steps.select_related("agency").order_by("sort_order", "pk")
    ]


def copy_steps(application):
    """Create the application's steps from its procedure's workflow and return them in order."""
    agencies = {
        StepAgency.RECEIVING: application.receiving_agency,
        StepAgency.PROCESSING: application.processing_agency,
    }
    steps = []
    # Step names are stored as text in the portal's language, whatever language the actor uses.
    with translation.override(settings.LANGUAGE_CODE):
        for position, spec in enumerate(step_specs_for(application.procedure)):
            agency = spec.agency if spec.agency_source == StepAgency.FIXED else agencies[spec.agency_source]
            steps.append(
                ApplicationStep(
                    application=application,
                    position=position,
                    name=str(spec.name),
                    kind=spec.kind,
                    role=spec.role,
                    agency=agency,
                    share_percent=spec.share_percent,
                )
            )
    return ApplicationStep.objects.bulk_create(steps)


def ordered_steps(application):
    return list(application.steps.select_related("agency").order_by("position"))


def schedule_steps(application, steps=None):
    """Give every step and the open agency stint their deadline, from the application's clock and appointment."""
    steps = steps if steps is not None else ordered_steps(application)
    if application.clock_started_at is None or application.due_at is None:
        deadlines = [None] * len(steps)
    else:
        calendar = calendar_for(application.receiving_agency)
        shares = list(accumulate(step.share_percent for step in steps))
        deadlines = calendar.split(application.clock_started_at, application.due_at, shares)

    for step, deadline in zip(steps, deadlines):
        step.due_at = deadline
    ApplicationStep.objects.bulk_update(steps, ["due_at"])

    stint = open_stint(application)
    if stint is not None:
        stint.due_at = stint_deadline(steps, application.current_step_id, stint.agency_id)
        stint.save(update_fields=["due_at"])


def stint_deadline(steps, current_step_id, agency_id):
    """Return the deadline of the last step in the run of consecutive steps at `agency_id` from the current step."""
    deadline = None
    started = False
    for step in steps:
        if step.pk == current_step_id:
            started = True
        if not started:
            continue
        if step.agency_id != agency_id:
            break
        deadline = step.due_at
    return deadline


def open_stint(application):
    return application.stints.filter(ended_at__isnull=True).order_by("-started_at", "-pk").first()


def start_stint(application, agency, now):
    return AgencyStint.objects.create(application=application, agency=agency, started_at=now)


def close_stint(application, now):
    """End the open stint, recording the office time its agency used."""
    stint = open_stint(application)
    if stint is None:
        return None
    stint.ended_at = now
    stint.office_minutes = max(calendar_for(stint.agency).office_minutes_between(stint.started_at, now), 0)
    stint.save(update_fields=["ended_at", "office_minutes"])
    return stint


def enter_step(application, step, now, steps=None):
    """
    Make `step` the application's current step; hand the application over if its agency differs.

    Returns a dict describing the hand-over (for the event) or None.
    """
    step.started_at = now
    step.finished_at = None
    step.finished_by = None
    step.save(update_fields=["started_at", "finished_at", "finished_by"])
    application.current_step = step

    handover = None
    if step.agency_id != application.current_agency_id:
        previous = close_stint(application, now)
        handover = {
            "from_agency": application.current_agency.code,
            "to_agency": step.agency.code,
            "office_minutes_used": previous.office_minutes if previous else None,
        }
        application.current_agency = step.agency
        stint = start_stint(application, step.agency, now)
        stint.due_at = stint_deadline(steps or ordered_steps(application), step.pk, step.agency_id)
        stint.save(update_fields=["due_at"])
    return handover


def finish_step(step, user, now):
    step.finished_at = now
    step.finished_by = user if user is not None and user.is_authenticated else None
    step.save(update_fields=["finished_at", "finished_by"])


def next_step(application, steps=None):
    steps = steps if steps is not None else ordered_steps(application)
    current = application.current_step
    if current is None:
        return None
    for step in steps:
        if step.position == current.position + 1:
            return step
    return None


def previous_step(application, steps=None):
    steps = steps if steps is not None else ordered_steps(application)
    current = application.current_step
    if current is None:
        return None
    for step in steps:
        if step.position == current.position - 1:
            return step
    return None
