"""Signal receivers that write outbox rows; connected in `SubmissionsConfig.ready`."""

from .messages import applicant_update
from .outbox import notify_applicant


def queue_applicant_notifications(sender, application, event, from_status, to_status, **kwargs):
    """
    Write the applicant's notifications for the action just taken.

    `status_changed` is sent inside the action's transaction, so these rows commit or roll back
    with the status change they report.
    """
    update = applicant_update(application, event)
    if update is None:
        return
    notify_applicant(application, update, event=event)


def connect():
    from ..signals import status_changed

    status_changed.connect(queue_applicant_notifications, dispatch_uid="submissions.notifications.applicant")
