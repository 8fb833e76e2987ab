"""
Who may do what to an application, and from which status.

Each action has a rule with the statuses it starts from, the roles that may take it, which
agency's staff may act, and whether a note is required. The actions that complete a workflow
step take the role of the current step instead of a fixed list. `denial_reason` applies a rule
to one user and application. The admin screens offer only the actions it allows, and
`actions.perform` checks it again inside the transaction.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, staff_agency

from ..models import FINAL_STATUSES, Action, StepKind
from ..models import Status as S

STAFF_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
OPEN_STATUSES = frozenset(S) - FINAL_STATUSES


@dataclass(frozen=True)
class Rule:
    from_statuses: frozenset
    # Roles allowed to act; empty means "the role of the current workflow step".
    roles: tuple = ()
    # Agencies whose staff may act: "current" (the agency holding it) and/or "receiving".
    agencies: tuple = ("current",)
    note_required: bool = False

    @property
    def step_bound(self):
        return not self.roles


RULES = {
    Action.ACCEPT: Rule(frozenset({S.SUBMITTED}), (Role.DESK_OFFICER,)),
    Action.REFUSE: Rule(frozenset({S.SUBMITTED}), (Role.DESK_OFFICER,), note_required=True),
    Action.REQUEST_SUPPLEMENT: Rule(
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING}), (Role.DESK_OFFICER, Role.SPECIALIST)
    ),
    Action.SUPPLEMENT_RECEIVED: Rule(
        frozenset({S.SUPPLEMENT_REQUESTED}), (Role.DESK_OFFICER,), agencies=("current", "receiving")
    ),
    Action.START_PROCESSING: Rule(frozenset({S.RECEIVED})),
    Action.FORWARD: Rule(frozenset({S.PROCESSING})),
    Action.SEND_BACK: Rule(frozenset({S.PROCESSING}), note_required=True),
    Action.COMPLETE: Rule(frozenset({S.PROCESSING})),
    Action.RETURN_RESULT: Rule(frozenset({S.DONE})),
    Action.REQUEST_PAYMENT: Rule(
        frozenset({S.RECEIVED, S.PROCESSING}), (Role.DESK_OFFICER, Role.SPECIALIST), note_required=True
    ),
    Action.PAYMENT_RECEIVED: Rule(frozenset({S.PAYMENT_REQUESTED}), (Role.DESK_OFFICER, Role.SPECIALIST)),
    Action.WITHDRAW: Rule(
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}),
        (Role.DESK_OFFICER,),
        agencies=("current", "receiving"),
        note_required=True,
    ),
    Action.STOP: Rule(
        frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}),
        (Role.LEADER,),
        note_required=True,
    ),
    Action.SET_APPOINTMENT: Rule(OPEN_STATUSES, STAFF_ROLES),
    Action.COMMENT: Rule(frozenset(S), STAFF_ROLES, agencies=("current", "receiving"), note_required=True),
}

# Actions staff take from the application screen, in the order the screen offers them.
STAFF_ACTIONS = [
    Action.ACCEPT,
    Action.START_PROCESSING,
    Action.FORWARD,
    Action.COMPLETE,
    Action.RETURN_RESULT,
    Action.SEND_BACK,
    Action.REQUEST_SUPPLEMENT,
    Action.SUPPLEMENT_RECEIVED,
    Action.REQUEST_PAYMENT,
    Action.PAYMENT_RECEIVED,
    Action.SET_APPOINTMENT,
    Action.REFUSE,
    Action.WITHDRAW,
    Action.STOP,
    Action.COMMENT,
]


def _neighbour(steps, current, offset):
    if current is None:
        return None
    for step in steps:
        if step.position == current.position + offset:
            return step
    return None


def _state_reason(application, action, steps):
    """Return why the application's state does not allow `action` apart from its status, or None."""
    current = application.current_step
    following = _neighbour(steps, current, 1)
    preceding = _neighbour(steps, current, -1)

    if action in (Action.ACCEPT,) and (current is None or current.kind != StepKind.RECEIVE):
        return _("The application is not at its receipt step.")
    if action == Action.FORWARD and (following is None or following.kind == StepKind.RETURN_RESULT):
        return _("This is the last processing step: mark the result ready instead.")
    if action == Action.COMPLETE and following is not None and following.kind != StepKind.RETURN_RESULT:
        return _("Further processing steps follow: send the application to the next step instead.")
    if action == Action.SEND_BACK and (preceding is None or preceding.kind == StepKind.RECEIVE):
        return _("There is no earlier processing step to send the application back to.")
    if action == Action.RETURN_RESULT and (current is None or current.kind != StepKind.RETURN_RESULT):
        return _("The application is not at its result-return step.")
    if action == Action.REQUEST_SUPPLEMENT and application.status == S.SUBMITTED and current is not None:
        if current.kind != StepKind.RECEIVE:
            return _("The application is not at its receipt step.")
    if action == Action.SET_APPOINTMENT and not application.needs_appointment:
        return _("The appointment was computed from the time limit; a late appointment is changed with an apology letter.")
    return None


def denial_reason(application, action, user, steps):
    """
    Return a translated sentence saying why `user` may not take `action` now, or None if allowed.

    `steps` are the application's steps in order (ApplicationStep rows).
    """
    rule = RULES[action]
    if application.status not in rule.from_statuses:
        return _("This action is not possible while the application is “%(status)s”.") % {
            "status": application.get_status_display()
        }

    state_reason = _state_reason(application, action, steps)
    if state_reason:
        return state_reason

    if user.is_superuser:
        return None

    current_step = application.current_step
    if rule.step_bound:
        if current_step is None:
            return _("The application has no current step.")
        if not has_role(user, Role(current_step.role)):
            return _("Only a %(role)s can act on the step “%(step)s”.") % {
                "role": Role(current_step.role).label,
                "step": current_step.name,
            }
        allowed_agency_ids = {current_step.agency_id}
    else:
        if not any(has_role(user, role) for role in rule.roles):
            return _("Your role does not allow this action.")
        allowed_agency_ids = set()
        if "current" in rule.agencies:
            allowed_agency_ids.add(application.current_agency_id)
        if "receiving" in rule.agencies:
            allowed_agency_ids.add(application.receiving_agency_id)
        if action == Action.REQUEST_SUPPLEMENT and application.status == S.SUBMITTED:
            if not has_role(user, Role.DESK_OFFICER):
                return _("At receipt, only a desk officer asks for a supplement.")

    agency = staff_agency(user)
    if agency is None or agency.pk not in allowed_agency_ids:
        return _("The application is not with your agency.")
    return None


def allowed_actions(application, user, steps):
    """Return the staff actions `user` may take on `application` now, in screen order."""
    return [action for action in STAFF_ACTIONS if denial_reason(application, action, user, steps) is None]
