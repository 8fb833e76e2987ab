"""
Workflow steps on an application: copying them at receipt, deadlines, moving between agencies.

The functions here change steps and agency stints in memory and note each change in a
WorkflowState. `WorkflowState.save()` then writes everything an action changed in a few queries.
"""

from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from ..config_cache import configuration
from ..models import AgencyStint, ApplicationStep, StepAgency, StepKind, Workflow
from ..working_time import calendar_for


@dataclass(frozen=True)
class StepSpec:
    name: str
    kind: str
    role: str
    agency_source: str
    share_percent: int
    agency_id: int = None


def default_step_specs():
    """Return the built-in workflow used when no workflow is configured: desk, specialist, leader, desk."""
    return [
        StepSpec(_("Receive and check completeness"), StepKind.RECEIVE, Role.DESK_OFFICER, StepAgency.RECEIVING, 10),
        StepSpec(_("Specialist review"), StepKind.REVIEW, Role.SPECIALIST, StepAgency.PROCESSING, 60),
        StepSpec(_("Leader approval"), StepKind.APPROVE, Role.LEADER, StepAgency.PROCESSING, 20),
        StepSpec(_("Return the result"), StepKind.RETURN_RESULT, Role.DESK_OFFICER, StepAgency.RECEIVING, 10),
    ]


def step_specs_for(procedure):
    """
    Return the steps of `procedure`'s workflow, the configured default, or the built-in default.

    The result is kept per process until a workflow changes (see config_cache).
    """
    procedure_id = procedure.pk
    return configuration.get(("workflow", procedure_id), lambda: _load_step_specs(procedure_id))


def _load_step_specs(procedure_id):
    workflow = (
        Workflow.objects.filter(procedure_id=procedure_id).first() or Workflow.objects.filter(is_default=True).first()
    )
    if workflow is None:
        return default_step_specs()
    return [
        StepSpec(step.name, step.kind, step.role, step.agency_source, step.share_percent, step.agency_id)
        for step in workflow.steps.order_by("sort_order", "pk")
    ]


def new_steps(application):
    """Return the application's steps from its procedure's workflow, in order and not yet saved."""
    agencies = {
        StepAgency.RECEIVING: application.receiving_agency,
        StepAgency.PROCESSING: application.processing_agency,
    }
    steps = []
    # Step names are stored as text in the portal's language, whatever language the actor uses.
    with translation.override(settings.LANGUAGE_CODE):
        for position, spec in enumerate(step_specs_for(application.procedure)):
            step = ApplicationStep(
                application=application,
                position=position,
                name=str(spec.name),
                kind=spec.kind,
                role=spec.role,
                share_percent=spec.share_percent,
            )
            if spec.agency_source == StepAgency.FIXED:
                step.agency_id = spec.agency_id
            else:
                step.agency = agencies[spec.agency_source]
            steps.append(step)
    return steps


def ordered_steps(application):
    return list(application.steps.select_related("agency").order_by("position"))


_NOT_READ = object()


class WorkflowState:
    """
    An application's steps and open agency stint while an action changes them.

    The module's functions change these objects in memory and note each change here. `save()`
    writes them: new steps and stints with one INSERT each, changed steps with one UPDATE, and
    each changed stint (at most two per action) with its own UPDATE.
    """

    def __init__(self, application, steps, open_stint=_NOT_READ):
        self.application = application
        self.steps = list(steps)
        self._open_stint = open_stint
        self._changed_steps = {}
        self._changed_step_fields = set()
        self._changed_stints = {}

    @classmethod
    def load(cls, application):
        """Return the state of a saved application; its open stint is read when first needed."""
        steps = ordered_steps(application)
        # One object per step: a change made through `application.current_step` must reach
        # the same object that `steps` holds, or `save()` would write one and lose the other.
        for step in steps:
            if step.pk == application.current_step_id:
                application.current_step = step
        return cls(application, steps)

    @classmethod
    def new(cls, application, steps):
        """Return the state of an application being created: unsaved steps and no stint yet."""
        return cls(application, steps, open_stint=None)

    @property
    def open_stint(self):
        if self._open_stint is _NOT_READ:
            self._open_stint = (
                self.application.stints.filter(ended_at__isnull=True).order_by("-started_at", "-pk").first()
            )
        return self._open_stint

    def step_changed(self, step, *fields):
        self._changed_steps[step.position] = step
        self._changed_step_fields.update(fields)

    def stint_changed(self, stint):
        self._changed_stints[id(stint)] = stint

    def stint_started(self, stint):
        self.stint_changed(stint)
        self._open_stint = stint

    def stint_ended(self, stint):
        self.stint_changed(stint)
        self._open_stint = None

    def save(self):
        """Write the new and changed steps and stints; the application must be saved already."""
        new_steps = [step for step in self.steps if step._state.adding]
        changed_steps = [step for step in self._changed_steps.values() if not step._state.adding]
        if new_steps:
            ApplicationStep.objects.bulk_create(new_steps)
        if changed_steps:
            ApplicationStep.objects.bulk_update(changed_steps, sorted(self._changed_step_fields))

        new_stints = [stint for stint in self._changed_stints.values() if stint._state.adding]
        changed_stints = [stint for stint in self._changed_stints.values() if not stint._state.adding]
        if new_stints:
            AgencyStint.objects.bulk_create(new_stints)
        for stint in changed_stints:
            stint.save(update_fields=["ended_at", "office_minutes", "due_at"])

        self._changed_steps.clear()
        self._changed_step_fields.clear()
        self._changed_stints.clear()


def schedule_steps(state):
    """Give every step and the open agency stint their deadline, from the application's clock and appointment."""
    application = state.application
    steps = state.steps
    if application.clock_started_at is None or application.due_at is None:
        deadlines = [None] * len(steps)
    else:
        calendar = calendar_for(application.receiving_agency_id)
        shares = list(accumulate(step.share_percent for step in steps))
        deadlines = calendar.split(application.clock_started_at, application.due_at, shares)

    for step, deadline in zip(steps, deadlines):
        if step.due_at != deadline:
            step.due_at = deadline
            state.step_changed(step, "due_at")

    stint = state.open_stint
    if stint is not None:
        stint.due_at = stint_deadline(steps, application.current_step, stint.agency_id)
        state.stint_changed(stint)


def stint_deadline(steps, current_step, agency_id):
    """Return the deadline of the last step in the run of consecutive steps at `agency_id` from `current_step`."""
    deadline = None
    started = False
    for step in steps:
        if current_step is not None and step.position == current_step.position:
            started = True
        if not started:
            continue
        if step.agency_id != agency_id:
            break
        deadline = step.due_at
    return deadline


def start_stint(state, agency, now):
    stint = AgencyStint(application=state.application, agency=agency, started_at=now)
    state.stint_started(stint)
    return stint


def close_stint(state, now):
    """End the open stint, recording the office time its agency used."""
    stint = state.open_stint
    if stint is None:
        return None
    stint.ended_at = now
    stint.office_minutes = max(calendar_for(stint.agency_id).office_minutes_between(stint.started_at, now), 0)
    state.stint_ended(stint)
    return stint


def enter_step(state, step, now):
    """
    Make `step` the application's current step; hand the application over if its agency differs.

    Returns a dict describing the hand-over (for the event) or None.
    """
    application = state.application
    step.started_at = now
    step.finished_at = None
    step.finished_by = None
    state.step_changed(step, "started_at", "finished_at", "finished_by")
    application.current_step = step

    handover = None
    if step.agency_id != application.current_agency_id:
        previous = close_stint(state, now)
        handover = {
            "from_agency": application.current_agency.code,
            "to_agency": step.agency.code,
            "office_minutes_used": previous.office_minutes if previous else None,
        }
        application.current_agency = step.agency
        stint = start_stint(state, step.agency, now)
        stint.due_at = stint_deadline(state.steps, step, step.agency_id)
    return handover


def finish_step(state, step, user, now):
    step.finished_at = now
    step.finished_by = user if user is not None and user.is_authenticated else None
    state.step_changed(step, "finished_at", "finished_by")


def next_step(application, steps):
    current = application.current_step
    if current is None:
        return None
    for step in steps:
        if step.position == current.position + 1:
            return step
    return None


def previous_step(application, steps):
    current = application.current_step
    if current is None:
        return None
    for step in steps:
        if step.position == current.position - 1:
            return step
    return None
