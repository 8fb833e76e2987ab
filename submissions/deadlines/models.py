"""Deadline alerts raised by the watch, and apology letters for late applications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeadlineAlert(models.Model):
    """
    The watch found an application due within one working day, or past its appointment.

    One row per application, kind and appointment: the unique constraint makes the watch
    idempotent, and a new appointment (an issued apology letter) starts a new cycle.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due within one working day")
        OVERDUE = "overdue", _("Past the appointment")

    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, related_name="deadline_alerts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("appointment"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    step_name = models.CharField(_("step"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("agency holding it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "due_at"], name="submissions_deadline_alert_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_at:%d/%m/%Y %H:%M}"


class ApologyLetter(models.Model):
    """
    The apology with a new appointment (Phiếu xin lỗi và hẹn lại ngày trả kết quả, Mẫu 04).

    The watch prepares a draft when an application passes its appointment; staff add the
    reason and the new appointment and issue it. The application keeps its legal appointment
    (`Application.due_at`), so it still counts as late; the letter's new appointment is what
    the applicant is promised from then on.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    application = models.ForeignKey(
        "submissions.Application", on_delete=models.PROTECT, related_name="apology_letters"
    )
    alert = models.OneToOneField(
        DeadlineAlert, null=True, blank=True, on_delete=models.PROTECT, related_name="apology_letter"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    missed_due_at = models.DateTimeField(_("missed appointment"))
    new_due_at = models.DateTimeField(_("new appointment"), null=True, blank=True)
    reason = models.TextField(_("reason for the delay"), blank=True)
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_name = models.CharField(_("issued by"), max_length=150, blank=True)
    issuing_agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("issuing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.application_id} {self.get_state_display()}"

    @property
    def is_issued(self):
        return self.state == self.State.ISSUED
