"""
Per-procedure processing workflows that administrators configure in the admin.

A workflow is an ordered list of steps. Each step names the role that acts on it, the agency
whose staff act (the receiving desk, the processing agency, or a fixed agency for an inter-agency
hand-over), and its share of the legal time limit. When an application is received, the steps
of its procedure's workflow are copied onto it (ApplicationStep), so editing a workflow later
never changes applications already in progress.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from accounts.roles import Role


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Receive and check completeness")
    REVIEW = "review", _("Specialist review")
    APPROVE = "approve", _("Leader approval")
    COORDINATE = "coordinate", _("Inter-agency processing")
    RETURN_RESULT = "return_result", _("Return the result")


class StepAgency(models.TextChoices):
    RECEIVING = "receiving", _("The receiving agency")
    PROCESSING = "processing", _("The processing agency")
    FIXED = "fixed", _("A fixed agency")


# Roles that can be assigned to a processing step.
STEP_ROLE_CHOICES = [
    (Role.DESK_OFFICER.value, Role.DESK_OFFICER.label),
    (Role.SPECIALIST.value, Role.SPECIALIST.label),
    (Role.LEADER.value, Role.LEADER.label),
]


class Workflow(ClusterableModel):
    """
    The processing steps of one procedure, or the default for procedures that have none.

    Exactly one workflow without a procedure may be marked as the default. Without any, the
    built-in default applies (see `submissions.engine.default_step_specs`).
    """

    name = models.CharField(_("name"), max_length=200)
    procedure = models.OneToOneField(
        "service_catalog.ProcedurePage",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="processing_workflow",
        help_text=_("Leave empty for the default workflow of procedures that have none."),
    )
    is_default = models.BooleanField(
        _("default workflow"),
        default=False,
        help_text=_("Used for every procedure without its own workflow."),
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("procedure"), FieldPanel("is_default")]),
        InlinePanel("steps", heading=_("Steps"), label=_("step"), min_num=2),
    ]

    class Meta:
        verbose_name = _("processing workflow")
        verbose_name_plural = _("processing workflows")
        permissions = [
            ("configure_processing", _("Can configure processing workflows, the working calendar and office hours")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="submissions_single_default_workflow",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.is_default and self.procedure_id:
            raise ValidationError({"is_default": _("The default workflow must not belong to a procedure.")})


class WorkflowStep(Orderable):
    workflow = ParentalKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=15, choices=StepKind.choices)
    role = models.CharField(_("role"), max_length=20, choices=STEP_ROLE_CHOICES)
    agency_source = models.CharField(
        _("acting agency"), max_length=12, choices=StepAgency.choices, default=StepAgency.PROCESSING
    )
    agency = models.ForeignKey(
        "service_catalog.Agency",
        verbose_name=_("fixed agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only for a fixed agency: the agency the application is handed over to at this step."),
    )
    share_percent = models.PositiveSmallIntegerField(
        _("share of the time limit (%)"),
        default=0,
        help_text=_("Part of the legal time limit this step may use. The shares of a workflow add up to 100."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("role"), FieldPanel("agency_source"), FieldPanel("agency")]),
        FieldPanel("share_percent"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self):
        return self.name

    def clean(self):
        if self.agency_source == StepAgency.FIXED and not self.agency_id:
            raise ValidationError({"agency": _("Choose the agency that acts on this step.")})
        if self.agency_source != StepAgency.FIXED and self.agency_id:
            raise ValidationError({"agency": _("Leave the fixed agency empty unless the acting agency is fixed.")})
        if self.share_percent > 100:
            raise ValidationError({"share_percent": _("A share cannot exceed 100%.")})


class WorkflowForm(WagtailAdminModelForm):
    """Checks the steps as a whole: receipt first, result return last, shares adding up to 100%."""

    def clean(self):
        cleaned_data = super().clean()
        steps_formset = self.formsets.get("steps")
        if steps_formset is None or not steps_formset.is_valid():
            return cleaned_data

        steps = [
            form.cleaned_data
            for form in steps_formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        steps.sort(key=lambda step: step.get("ORDER") or 0)
        if len(steps) < 2:
            raise ValidationError(_("A workflow needs at least a receipt step and a result-return step."))
        if steps[0].get("kind") != StepKind.RECEIVE:
            raise ValidationError(_("The first step must be the receipt and completeness check."))
        if steps[-1].get("kind") != StepKind.RETURN_RESULT:
            raise ValidationError(_("The last step must be the return of the result."))
        if any(step.get("kind") in (StepKind.RECEIVE, StepKind.RETURN_RESULT) for step in steps[1:-1]):
            raise ValidationError(_("Receipt and result return can only be the first and the last step."))

        total = sum(step.get("share_percent") or 0 for step in steps)
        if total != 100:
            raise ValidationError(
                _("The shares of the time limit add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
            )
        return cleaned_data


Workflow.base_form_class = WorkflowForm
