"""
Delivering outbox rows: claim with a lease, send, record the outcome.

The three steps run in separate short transactions, so no database lock is held while a
gateway or mail server responds:

1. `claim` locks the row, skips it when it is delivered, failed, not due yet, or leased by a
   live worker, and otherwise marks it `sending` with a lease and counts the attempt.
2. The channel sends it, with the row's delivery key as the idempotency key.
3. `_record_success` or `_record_failure` stores the outcome: delivered, retry at a later
   time (exponential backoff), or failed for good.

A worker killed between 1 and 3 leaves the row `sending`; once the lease expires, the sweep
(`tasks.sweep_outbox`) or a redelivered task claims it again and sends it with the same
delivery key, which the SMS gateway recognises, so the message is not sent twice.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .channels import SENDERS, DeliveryError
from .models import DeliveryState, Notification

logger = logging.getLogger(__name__)

# A retry task may start slightly before the stored retry time (clock resolution).
_EARLY_START_TOLERANCE = datetime.timedelta(seconds=1)


@dataclass(frozen=True)
class DeliveryOutcome:
    state: str
    # Seconds until the next attempt, when one is scheduled.
    retry_in: int | None = None


def backoff_seconds(attempts):
    """Return the wait after the `attempts`-th failed attempt: 30 s, 60 s, 120 s … up to the maximum."""
    base = settings.PORTAL_NOTIFICATION_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.PORTAL_NOTIFICATION_BACKOFF_MAX_SECONDS)


def claim(notification_id, now=None):
    """Lease the row for one delivery attempt and return it, or return (None, reason) when it must be left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None:
            return None, "missing"
        if row.state in (DeliveryState.DELIVERED, DeliveryState.FAILED):
            return None, row.state
        if row.channel not in SENDERS:
            return None, "not-sent-by-workers"
        if row.state == DeliveryState.RETRY and row.next_attempt_at and row.next_attempt_at > now + _EARLY_START_TOLERANCE:
            return None, "not-due"
        if row.state == DeliveryState.SENDING and row.lease_expires_at and row.lease_expires_at > now:
            return None, "leased"

        row.state = DeliveryState.SENDING
        row.attempts += 1
        row.lease_expires_at = now + datetime.timedelta(seconds=settings.PORTAL_NOTIFICATION_LEASE_SECONDS)
        row.next_attempt_at = None
        row.save(update_fields=["state", "attempts", "lease_expires_at", "next_attempt_at"])
    return row, "claimed"


def deliver(notification_id):
    """Make one delivery attempt of the row and return its DeliveryOutcome."""
    row, reason = claim(notification_id)
    if row is None:
        return DeliveryOutcome(reason)

    try:
        provider_id = SENDERS[row.channel](row)
    except DeliveryError as error:
        return _record_failure(row, error)
    return _record_success(row, provider_id)


def _record_success(row, provider_id):
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).exclude(state=DeliveryState.DELIVERED).update(
        state=DeliveryState.DELIVERED,
        delivered_at=now,
        provider_message_id=str(provider_id)[:100],
        lease_expires_at=None,
        last_error="",
    )
    logger.info(
        "Notification id=%s (application id=%s, %s) delivered on attempt %s",
        row.pk,
        row.application_id,
        row.channel,
        row.attempts,
    )
    return DeliveryOutcome(DeliveryState.DELIVERED)


def _record_failure(row, error):
    now = timezone.now()
    message = str(error)[:500]
    final = not error.temporary or row.attempts >= settings.PORTAL_NOTIFICATION_MAX_ATTEMPTS

    if final:
        updated = Notification.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.FAILED, lease_expires_at=None, last_error=message
        )
        logger.error(
            "Notification id=%s (application id=%s, %s) failed after %s attempts: %s",
            row.pk,
            row.application_id,
            row.channel,
            row.attempts,
            message,
        )
        return DeliveryOutcome(DeliveryState.FAILED if updated else "superseded")

    wait = backoff_seconds(row.attempts)
    Notification.objects.filter(pk=row.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.RETRY,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
        lease_expires_at=None,
        last_error=message,
    )
    logger.warning(
        "Notification id=%s (application id=%s, %s) attempt %s failed, retry in %s s: %s",
        row.pk,
        row.application_id,
        row.channel,
        row.attempts,
        wait,
        message,
    )
    return DeliveryOutcome(DeliveryState.RETRY, retry_in=wait)
