"""Finish action of approved moderation workflows."""


def publish_approved_workflow_state(workflow_state, user=None):
    """
    Publish the latest revision of an object whose workflow every task has approved.

    Wagtail's own finish action (wagtail.workflows.publish_workflow_state) publishes as the last
    approver and requires that approver to hold the publish permission. Department approvers
    have no publish permission on purpose, so that they cannot publish their own edits directly.
    Their right to publish is the approval itself, which DepartmentApprovalTask denies to the
    change's authors. Settings select this function with WAGTAIL_FINISH_WORKFLOW_ACTION.
    """
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
