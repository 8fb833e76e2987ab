"""
Department ownership of procedure pages: each department's editor and approver groups, and the
moderation task that sends an editor's change to the department's approvers.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Collection, Revision, Workflow

from .agencies import Agency


class DepartmentTeam(models.Model):
    """
    The Wagtail groups, workflow and document collection of one department.

    `service_catalog.permissions.ensure_department_groups()` creates and repairs these rows; the
    groups are found through this table rather than by name, so renaming a department or
    replacing its provisional code keeps its editors' rights.
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("department"), on_delete=models.CASCADE, related_name="team"
    )
    editors = models.OneToOneField(
        Group, verbose_name=_("editors group"), on_delete=models.PROTECT, related_name="+"
    )
    approvers = models.OneToOneField(
        Group, verbose_name=_("approvers group"), on_delete=models.PROTECT, related_name="+"
    )
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("moderation workflow"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, verbose_name=_("document collection"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("department team")
        verbose_name_plural = _("department teams")

    def __str__(self):
        return str(self.agency)


def authored_change_under_review(user, task_state):
    """
    Return True if `user` requested the moderation of `task_state` or wrote a revision since.

    An approver who edits a page while it waits for approval becomes one of its authors, so the
    revision that would be published is partly theirs.
    """
    workflow_state = task_state.workflow_state
    if workflow_state.requested_by_id == user.pk:
        return True

    return Revision.objects.filter(
        base_content_type_id=workflow_state.base_content_type_id,
        object_id=workflow_state.object_id,
        created_at__gte=workflow_state.created_at,
        user=user,
    ).exists()


class DepartmentApprovalTask(AbstractGroupApprovalTask):
    """
    Approval by a department's approvers, where nobody approves a change they made.

    The person who submitted the change for moderation, and anyone who edited it while it was
    waiting, get no approve action and are refused if they post one. Superusers are bound by
    the same rule; they can still publish directly.
    """

    def _current_task_state(self, obj):
        workflow_state = obj.current_workflow_state
        if workflow_state is None:
            return None
        task_state = workflow_state.current_task_state
        if task_state is None or task_state.task_id != self.pk:
            return None
        return task_state

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        task_state = self._current_task_state(obj)
        if task_state is not None and authored_change_under_review(user, task_state):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and authored_change_under_review(user, task_state):
            raise PermissionDenied(_("You cannot approve a change that you submitted or edited."))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return _("The department's approvers review the change; nobody approves their own change.")

    class Meta:
        verbose_name = _("department approval task")
        verbose_name_plural = _("department approval tasks")
