"""Applications (hồ sơ), their documents, their copied workflow steps and the agencies they pass through."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import staff_agency
from service_catalog.models.procedures import Channel, TimeLimitUnit

from ..storage import private_storage
from .workflow import STEP_ROLE_CHOICES, StepKind


class Status(models.IntegerChoices):
    """The ten statuses of the National Public Service Portal; the value is the national code."""

    SUBMITTED = 1, _("Submitted online, awaiting receipt")
    RECEIVED = 2, _("Received")
    REFUSED = 3, _("Refused")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT_REQUESTED = 5, _("Waiting for the applicant's supplement")
    PAYMENT_REQUESTED = 6, _("Waiting for payment of fees")
    WITHDRAWN = 7, _("Withdrawn by the applicant")
    STOPPED = 8, _("Processing stopped")
    DONE = 9, _("Result ready")
    RETURNED = 10, _("Result returned")


# Statuses after which nothing is processed any more; the clock stopped at `finished_at`.
FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.DONE, Status.RETURNED})
# Statuses in which the applicant obtained a result.
RESULT_STATUSES = frozenset({Status.DONE, Status.RETURNED})


def document_upload_path(instance, filename):
    now = timezone.now()
    return f"applications/{now:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Applications a staff member may see: received by, currently with, or at any time handed
        to their agency. Superusers see every application; accounts without an agency see none.
        """
        if user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        agency = staff_agency(user) if user.is_authenticated and user.is_active else None
        if agency is None:
            return self.none()
        handed_over = AgencyStint.objects.filter(agency=agency).values("application_id")
        return self.filter(
            Q(receiving_agency=agency) | Q(current_agency=agency) | Q(processing_agency=agency) | Q(pk__in=handed_over)
        )

    def overdue(self, now=None):
        """Unfinished applications whose appointment has passed (time spent waiting for a supplement excluded)."""
        now = now or timezone.now()
        running_late = Q(paused_at__isnull=True, due_at__lt=now)
        paused_late = Q(paused_at__isnull=False, due_at__lt=F("paused_at"))
        return self.filter(finished_at__isnull=True, due_at__isnull=False).filter(running_late | paused_late)


class Application(models.Model):
    """
    One application (hồ sơ) for one procedure, from receipt to the return of the result.

    Three agencies are kept apart: the one that received it (its code is in the application
    code), the one competent to process it, and the one that has it now. The last two differ
    during an inter-agency hand-over and when the result goes back to the receiving desk. The status
    changes only through `submissions.engine`, which writes an event for every change and bumps
    `version` so that two officers acting at once cannot overwrite each other.
    """

    code = models.CharField(_("application code"), max_length=60, unique=True)
    procedure = models.ForeignKey(
        "service_catalog.ProcedurePage",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    procedure_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("procedure version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The published version of the procedure the application was received under."),
    )
    procedure_title = models.TextField(_("procedure name at receipt"))
    procedure_code = models.CharField(_("procedure code at receipt"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices, db_index=True)

    receiving_agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_applications",
    )
    processing_agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("processing agency"),
        on_delete=models.PROTECT,
        related_name="processed_applications",
    )
    current_agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("agency now holding it"),
        on_delete=models.PROTECT,
        related_name="held_applications",
    )

    applicant_name = models.CharField(_("full name"), max_length=150)
    applicant_id_number = models.CharField(_("personal identification number"), max_length=12)
    applicant_phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164, for example +84912345678."))
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300)

    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("time limit counted from"),
        null=True,
        blank=True,
        help_text=_("Empty while the dossier is not complete: the legal time limit has not started."),
    )
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    due_last_day = models.DateField(
        _("legal last day"),
        null=True,
        blank=True,
        help_text=_(
            "For limits in days or months: the last day before a day off moved the appointment on. "
            "A pause for a supplement moves this day."
        ),
    )
    paused_at = models.DateTimeField(
        _("clock stopped at"),
        null=True,
        blank=True,
        help_text=_("Set while the applicant supplements the dossier."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)

    time_limit_value = models.DecimalField(_("time limit"), max_digits=7, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(_("time limit unit"), max_length=15, choices=TimeLimitUnit.choices, blank=True)
    time_limit_text = models.CharField(_("time limit as published"), max_length=255, blank=True)

    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    current_step = models.ForeignKey(
        "ApplicationStep",
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    draft = models.OneToOneField(
        "UploadDraft",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
        help_text=_("The online form draft this application came from; a second post of the same form finds it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_email_sent_at = models.DateTimeField(_("receipt e-mail sent at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    # Wagtail's reference index would record the procedure page link on every save of every
    # application; nothing reads it, and it costs four queries per save during intake.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["processing_agency", "submitted_at"])]

    def __str__(self):
        return self.code

    @property
    def phone_last_digits(self):
        return self.applicant_phone[-4:]

    @property
    def is_finished(self):
        return self.finished_at is not None

    @property
    def is_paused(self):
        return self.paused_at is not None

    def is_overdue(self, now=None):
        """Unfinished and past the appointment; not a status, computed on the fly."""
        if self.due_at is None or self.finished_at is not None:
            return False
        reference = self.paused_at or now or timezone.now()
        return reference > self.due_at

    @property
    def is_late(self):
        """Finished after the appointment, or sent back for a supplement more than once."""
        if self.supplement_count > 1:
            return True
        if self.finished_at is None or self.due_at is None:
            return False
        return self.finished_at > self.due_at

    @property
    def needs_appointment(self):
        """True when the time limit could not be read and staff must set the appointment."""
        return self.due_at is None and self.clock_started_at is not None


class ApplicationDocument(models.Model):
    """
    A file of the dossier: the applicant's upload or the desk's scan of one component.

    A supplement replaces a component's file by a new row; the old row stays, marked replaced,
    so the record shows what was filed first.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    component = models.ForeignKey(
        "service_catalog.DossierComponent",
        verbose_name=_("dossier component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component_name = models.TextField(_("document"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class DailyCounter(models.Model):
    """The last sequence number given to an agency's applications on one local date."""

    agency = models.ForeignKey("service_catalog.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="submissions_counter_agency_day")]


class ApplicationStep(models.Model):
    """A workflow step copied onto an application at receipt, with its own deadline."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=StepKind.choices)
    role = models.CharField(_("role"), max_length=20, choices=STEP_ROLE_CHOICES)
    agency = models.ForeignKey("service_catalog.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    share_percent = models.PositiveSmallIntegerField(_("share of the time limit (%)"))
    due_at = models.DateTimeField(_("step deadline"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="submissions_step_position")
        ]

    def __str__(self):
        return self.name


class AgencyStint(models.Model):
    """
    A period during which an agency held an application (processing-control slip data).

    `office_minutes` is the office time the agency used, counted on its working calendar when
    the stint ends; the time the applicant spent supplementing is included (see the events).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="stints")
    agency = models.ForeignKey("service_catalog.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    office_minutes = models.PositiveIntegerField(_("office time used (minutes)"), null=True, blank=True)
    due_at = models.DateTimeField(_("deadline for this agency"), null=True, blank=True)

    class Meta:
        verbose_name = _("time with an agency")
        verbose_name_plural = _("time with each agency")
        ordering = ["application", "started_at", "pk"]

    @property
    def is_late(self):
        if self.due_at is None or self.ended_at is None:
            return False
        return self.ended_at > self.due_at
