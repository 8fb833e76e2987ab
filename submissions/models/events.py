"""The append-only record of an application: events, their files, supplement requests and staff access."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage
from .applications import Application, ApplicationDocument, ApplicationStep, Status


class AppendOnlyError(Exception):
    """Raised on an attempt to change or delete a row of an append-only table."""


class AppendOnlyModel(models.Model):
    """
    A row that is written once and never changed or deleted.

    The model raises AppendOnlyError on update and delete. On PostgreSQL and SQLite a database
    trigger (migration 0002) also rejects them from raw SQL, so an audit row cannot be rewritten
    behind the ORM's back.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submitted online")
    INTAKE = "intake", _("Recorded at the desk")
    ACCEPT = "accept", _("Accepted")
    REFUSE = "refuse", _("Refused")
    REQUEST_SUPPLEMENT = "request_supplement", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    START_PROCESSING = "start_processing", _("Processing started")
    FORWARD = "forward", _("Sent to the next step")
    SEND_BACK = "send_back", _("Sent back to the previous step")
    COMPLETE = "complete", _("Result ready")
    RETURN_RESULT = "return_result", _("Result returned")
    REQUEST_PAYMENT = "request_payment", _("Payment requested")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    WITHDRAW = "withdraw", _("Withdrawn at the applicant's request")
    STOP = "stop", _("Processing stopped")
    SET_APPOINTMENT = "set_appointment", _("Appointment set")
    COMMENT = "comment", _("Note added")


class ApplicationEvent(AppendOnlyModel):
    """
    One action on an application: who, when, from which status to which, at which step, and why.

    `is_internal` notes are for staff only, so the applicant's lookup page shows the event without
    the note. `data` contains the action's details (supplement items, hand-over agencies, old and
    new appointments).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=25, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the applicant acted online."),
    )
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "service_catalog.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.PositiveSmallIntegerField(_("from status"), choices=Status.choices, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=Status.choices)
    step = models.ForeignKey(
        ApplicationStep, verbose_name=_("step"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_name = models.CharField(_("step"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_internal = models.BooleanField(_("internal note"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


def attachment_upload_path(instance, filename):
    now = timezone.now()
    return f"events/{now:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class EventAttachment(AppendOnlyModel):
    event = models.ForeignKey(ApplicationEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("event attachment")
        verbose_name_plural = _("event attachments")
        ordering = ["pk"]


class AccessLog(AppendOnlyModel):
    """A staff member opened an application's personal data or one of its files."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Opened the application")
        DOWNLOAD = "download", _("Opened a document")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_name = models.CharField(_("staff member"), max_length=150)
    agency_name = models.CharField(_("agency"), max_length=255, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    document_name = models.CharField(_("document"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-pk"]


class ReasonCode(models.TextChoices):
    """Reason a dossier component is not acceptable, as listed on the supplement request slip."""

    MISSING = "missing", _("Missing")
    ILLEGIBLE = "illegible", _("Illegible or incomplete copy")
    WRONG_FORM = "wrong_form", _("Wrong or outdated form")
    INCOMPLETE = "incomplete", _("Information missing or inconsistent")
    NOT_CERTIFIED = "not_certified", _("Copy not certified")
    EXPIRED = "expired", _("Expired")
    OTHER = "other", _("Other")


class SupplementRequest(models.Model):
    """
    One request to the applicant to complete the dossier, listing every item at once.

    `sequence` 2 and above marks a repeated request, which the service-quality indicators
    (Decision 766/QĐ-TTg, indicator 2.1) count as late processing.
    """

    class Stage(models.TextChoices):
        RECEIPT = "receipt", _("At receipt")
        PROCESSING = "processing", _("During processing")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="supplement_requests")
    sequence = models.PositiveSmallIntegerField(_("request number"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    resume_status = models.PositiveSmallIntegerField(
        _("status after the supplement"), choices=Status.choices
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("instructions to the applicant"), blank=True)
    fulfilled_at = models.DateTimeField(_("supplemented at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="submissions_supplement_sequence")
        ]

    @property
    def is_repeat(self):
        return self.sequence > 1


class SupplementItem(models.Model):
    request = models.ForeignKey(SupplementRequest, on_delete=models.CASCADE, related_name="items")
    component = models.ForeignKey(
        "service_catalog.DossierComponent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    component_name = models.TextField(_("document"))
    reason = models.CharField(_("reason"), max_length=15, choices=ReasonCode.choices)
    detail = models.TextField(_("details"), blank=True)
    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("supplemented file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supplement item")
        verbose_name_plural = _("supplement items")
        ordering = ["pk"]
