"""Celery tasks of the outbox. Each takes ids, is idempotent and safe to run twice."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import delivery
from .models import Notification, NotificationChannel

logger = logging.getLogger(__name__)

# A new row is normally handed over by its on_commit hook; the sweep leaves it that long first.
PENDING_GRACE = datetime.timedelta(seconds=30)


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_notification(self, notification_id):
    """Make one delivery attempt of outbox row `notification_id`; schedule the next one on a temporary failure."""
    outcome = delivery.deliver(notification_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(bind=True, acks_late=True)
def deliver_notifications(self, notification_ids):
    """
    Make one delivery attempt of each row written by one change, in order. A row that failed
    for a temporary reason gets its own `deliver_notification` task at its retry time.
    """
    states = {}
    for pk in notification_ids:
        outcome = delivery.deliver(pk)
        if outcome.retry_in is not None and not self.request.is_eager:
            deliver_notification.apply_async((pk,), countdown=outcome.retry_in)
        states[pk] = outcome.state
    return states


@shared_task
def sweep_outbox(limit=500):
    """
    Hand to workers the rows whose delivery is due: new rows whose task was lost, retries whose
    time came, and rows left `sending` by a worker that died. Returns how many were enqueued.
    """
    now = timezone.now()
    due = (
        Notification.objects.due_for_delivery(now)
        .exclude(channel=NotificationChannel.IN_APP)
        .exclude(state="pending", created_at__gt=now - PENDING_GRACE)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for pk in ids:
        deliver_notification.delay(pk)
    if ids:
        logger.info("Outbox sweep enqueued %s notifications", len(ids))
    return len(ids)
