"""
Writing outbox rows. Call these inside the transaction of the change being reported.

Each function writes its rows and registers their delivery with `transaction.on_commit`, so a
worker reads only committed rows and a rolled-back change sends nothing.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .messages import absolute_url, render_applicant_message, render_staff_alert
from .models import Audience, DeliveryState, Notification, NotificationChannel, Topic

logger = logging.getLogger(__name__)


def enqueue_delivery(notification_ids):
    """Hand the rows to Celery once the current transaction commits."""
    ids = [pk for pk in notification_ids if pk is not None]
    if not ids:
        return

    def send_task():
        from .tasks import deliver_notifications

        # One task for the rows of one change: publishing costs more than the rows' delivery checks.
        deliver_notifications.delay(ids)

    transaction.on_commit(send_task)


def notify_applicant(application, update, *, event=None):
    """
    Write the applicant's e-mail and SMS rows for `update` (an ApplicantUpdate) and return them.

    E-mail needs an address; SMS goes to the applicant's phone. The channels in
    `settings.PORTAL_NOTIFICATION_CHANNELS` are used.
    """
    channels = settings.PORTAL_NOTIFICATION_CHANNELS
    rendered = render_applicant_message(application, update)
    rows = []
    if NotificationChannel.EMAIL in channels and application.applicant_email:
        rows.append(
            Notification(
                application=application,
                event=event,
                topic=update.topic,
                channel=NotificationChannel.EMAIL,
                audience=Audience.APPLICANT,
                recipient_address=application.applicant_email,
                subject=rendered.subject[:255],
                body=rendered.body,
                html_body=rendered.html_body,
            )
        )
    if NotificationChannel.SMS in channels and application.applicant_phone:
        rows.append(
            Notification(
                application=application,
                event=event,
                topic=update.topic,
                channel=NotificationChannel.SMS,
                audience=Audience.APPLICANT,
                recipient_address=application.applicant_phone,
                subject=rendered.subject[:255],
                body=rendered.sms,
            )
        )
    created = Notification.objects.bulk_create(rows)
    enqueue_delivery([row.pk for row in created])
    return created


def notify_staff_of_alert(alert, users):
    """
    Write an in-app message and, where the account has an address, an e-mail to each of `users`.

    The rows carry a dedupe key per alert, user and channel, so writing them twice for the same
    alert keeps one set. Returns the rows written now.
    """
    application = alert.application
    staff_url = absolute_url(reverse("submissions_admin:detail", args=[application.pk]))
    rendered = render_staff_alert(application, alert, staff_url)
    topic = Topic.OVERDUE if alert.kind == "overdue" else Topic.DUE_SOON
    now = timezone.now()

    written = []
    for user in users:
        candidates = [(NotificationChannel.IN_APP, "")]
        if user.email:
            candidates.append((NotificationChannel.EMAIL, user.email))
        for channel, address in candidates:
            row = Notification(
                application=application,
                topic=topic,
                channel=channel,
                audience=Audience.STAFF,
                recipient_user=user,
                recipient_address=address,
                subject=rendered.subject[:255],
                body=rendered.body,
                dedupe_key=f"alert:{alert.pk}:user:{user.pk}:{channel}",
            )
            if channel == NotificationChannel.IN_APP:
                # The row itself is the in-app message: it is delivered once committed.
                row.state = DeliveryState.DELIVERED
                row.delivered_at = now
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                logger.info("Alert id=%s already notified user id=%s by %s", alert.pk, user.pk, channel)
                continue
            written.append(row)

    enqueue_delivery([row.pk for row in written if row.channel != NotificationChannel.IN_APP])
    return written
