"""The outbox table: one row per message to one recipient on one channel."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    IN_APP = "in_app", _("In the staff area")


class Audience(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    STAFF = "staff", _("Staff member")


class Topic(models.TextChoices):
    RECEIPT = "receipt", _("Receipt and appointment")
    STATUS = "status", _("Status change")
    DUE_SOON = "due_soon", _("Due within one working day")
    OVERDUE = "overdue", _("Past the appointment")
    APOLOGY = "apology", _("Apology and new appointment")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRY = "retry", _("Failed, will be retried")
    DELIVERED = "delivered", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def for_applicant(self):
        return self.filter(audience=Audience.APPLICANT)

    def in_app_for(self, user):
        return self.filter(channel=NotificationChannel.IN_APP, recipient_user=user)

    def due_for_delivery(self, now):
        """Rows a sweep should hand to a worker: new, retry time reached, or a worker's lease expired."""
        return self.filter(
            models.Q(state=DeliveryState.PENDING)
            | models.Q(state=DeliveryState.RETRY, next_attempt_at__lte=now)
            | models.Q(state=DeliveryState.SENDING, lease_expires_at__lte=now)
        )


class Notification(models.Model):
    """
    A message about an application to one recipient on one channel, and its delivery state.

    `delivery_key` is sent to the SMS gateway as the client request id and used as the
    e-mail's Message-ID, so every retry of the row is recognisable as the same message.
    `dedupe_key`, when set, makes the producer idempotent: the deadline watch writes one row
    per alert, recipient and channel however often it runs.

    States: pending → sending → delivered, or → retry → sending … → failed after the last
    attempt. A row stays `sending` while a worker holds its lease (`lease_expires_at`). A
    worker killed mid-delivery leaves it there until the lease expires, and then another worker
    takes it over with the same delivery key. In-app rows are delivered when written.
    """

    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.ForeignKey(
        "submissions.ApplicationEvent",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=NotificationChannel.choices)
    audience = models.CharField(_("recipient"), max_length=10, choices=Audience.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_notifications",
    )
    recipient_address = models.CharField(
        _("address"), max_length=254, blank=True, help_text=_("E-mail address, or phone number in E.164 form.")
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    html_body = models.TextField(_("message (HTML)"), blank=True)

    delivery_key = models.UUIDField(_("delivery key"), default=uuid.uuid4, unique=True, editable=False)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    state = models.CharField(
        _("delivery"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="submissions_notif_state_idx"),
            models.Index(fields=["recipient_user", "channel", "read_at"], name="submissions_notif_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} ({self.get_channel_display()}) #{self.pk}"

    @property
    def is_delivered(self):
        return self.state == DeliveryState.DELIVERED
