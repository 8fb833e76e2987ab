"""Forms of the staff screens: desk intake, processing actions and statistics."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.widgets import AdminPageChooser

from service_catalog.models import Agency, ProcedurePage
from service_catalog.models.procedures import Channel

from ..models import Action, ReasonCode
from ..processing.intake import Decision
from .fields import (
    NOTE_MAX_LENGTH,
    AddressField,
    PeriodDateField,
    DossierFileField,
    EmailField,
    MultipleDossierFileField,
    NameField,
    PersonalIdField,
    PhoneField,
    TextChecksMixin,
)
from .public import CommuneChoiceField

VERDICT_OK = "ok"
OTHER_NEEDS_DETAIL = _("The reason is “Other”: say what is wrong with the document, so the applicant knows what to bring.")
# A fee above a thousand billion đồng is a typing error. The limit also keeps the amount an
# exact integer in the event's JSON and in JavaScript (below 2**53).
MAX_PAYMENT_AMOUNT = 10**12
VERDICT_CHOICES = [(VERDICT_OK, _("Complete and valid"))] + list(ReasonCode.choices)


class ProcedureChoiceForm(TextChecksMixin, forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=ProcedurePage.objects.live(),
        widget=AdminPageChooser(target_models=[ProcedurePage]),
        help_text=_("The procedure the applicant is applying for."),
    )


class IntakeForm(TextChecksMixin, forms.Form):
    """
    A paper dossier at the desk: channel, applicant, a scan and a verdict per document, and the decision.

    The documents are the procedure's upload components; its notes (`notes`) ask for no scan.

    Scans already accepted are kept in a draft (`kept_files`, by field name), so the officer
    does not scan them again after correcting the form.
    """

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.IN_PERSON.value, Channel.IN_PERSON.label), (Channel.POSTAL.value, Channel.POSTAL.label)],
        initial=Channel.IN_PERSON.value,
        widget=forms.RadioSelect,
    )
    full_name = NameField()
    id_number = PersonalIdField(help_text=_("The 12 digits on the applicant's citizen ID card."))
    phone = PhoneField(
        help_text=_("For example 0912 345 678. The applicant looks up the application with its last four digits.")
    )
    email = EmailField()
    address = AddressField()
    decision = forms.ChoiceField(
        label=_("Completeness check"),
        choices=[
            (Decision.ACCEPT, _("Accept: the dossier is complete")),
            (Decision.SUPPLEMENT, _("Request a supplement: list every missing or wrong document below")),
            (Decision.REFUSE, _("Refuse: the procedure cannot be received (give the reasons)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note or reasons"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal: the reasons printed on the refusal slip."),
    )

    def __init__(self, *args, procedure, officer_agency, kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.kept_files = kept_files or {}
        self.components = procedure.upload_components()
        self.notes = procedure.dossier_notes()

        if procedure.level_commune:
            self.fields["commune"] = CommuneChoiceField(
                label=_("Commune or ward that processes the application"),
                queryset=Agency.objects.current().filter(kind=Agency.Kind.COMMUNE).order_by("name"),
                initial=officer_agency.pk if officer_agency and officer_agency.kind == Agency.Kind.COMMUNE else None,
            )

        for component in self.components:
            self.fields[self.scan_name(component)] = DossierFileField(label=_("Scan"))
            self.fields[self.verdict_name(component)] = forms.ChoiceField(
                label=_("Check"), choices=VERDICT_CHOICES, initial=VERDICT_OK
            )
            self.fields[self.detail_name(component)] = forms.CharField(
                label=_("What is wrong"), required=False, max_length=500
            )

    @staticmethod
    def scan_name(component):
        return f"scan_{component.pk}"

    @staticmethod
    def verdict_name(component):
        return f"verdict_{component.pk}"

    @staticmethod
    def detail_name(component):
        return f"detail_{component.pk}"

    def component_rows(self):
        for component in self.components:
            yield {
                "component": component,
                "scan": self[self.scan_name(component)],
                "verdict": self[self.verdict_name(component)],
                "detail": self[self.detail_name(component)],
                "kept": self.kept_files.get(self.scan_name(component)),
            }

    def flagged_components(self):
        """Return (component, reason, detail) for every component not marked complete and valid."""
        flagged = []
        for component in self.components:
            verdict = self.cleaned_data.get(self.verdict_name(component), VERDICT_OK)
            if verdict != VERDICT_OK:
                flagged.append((component, verdict, self.cleaned_data.get(self.detail_name(component), "")))
        return flagged

    def clean(self):
        cleaned_data = super().clean()
        decision = cleaned_data.get("decision")
        if decision is None:
            return cleaned_data

        for component, reason, detail in self.flagged_components():
            if reason == ReasonCode.OTHER and not detail.strip():
                self.add_error(self.detail_name(component), OTHER_NEEDS_DETAIL)

        flagged = self.flagged_components()
        if decision == Decision.ACCEPT:
            for component, _reason, _detail in flagged:
                self.add_error(
                    self.verdict_name(component),
                    _("This document is marked as not acceptable; request a supplement or correct the check."),
                )
            for component in self.components:
                name = self.scan_name(component)
                if component.is_required and name not in self.errors:
                    if not cleaned_data.get(name) and name not in self.kept_files:
                        self.add_error(name, _("Attach the scan of this document before accepting the dossier."))
        elif decision == Decision.SUPPLEMENT and not flagged:
            self.add_error(
                "decision",
                _("Mark at least one document as missing or not acceptable to request a supplement."),
            )
        elif decision == Decision.REFUSE and not cleaned_data.get("note", "").strip():
            self.add_error("note", _("Give the reasons for the refusal; they are printed on the refusal slip."))
        return cleaned_data


class ActionForm(TextChecksMixin, forms.Form):
    """The fields every processing action has: the version seen, a note, its visibility and attachments."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    visible_to_applicant = forms.BooleanField(
        label=_("Show this note to the applicant"),
        required=False,
        help_text=_("Unticked, the note is for staff only; the applicant sees the action without it."),
    )
    attachments = MultipleDossierFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, application, steps=None, kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.kept_files = kept_files or {}

    def action_params(self):
        return {}


class RequestSupplementForm(ActionForm):
    """Every missing or wrong document at once, each with a coded reason."""

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        self.components = application.procedure.upload_components()
        blank = [("", _("Complete and valid"))]
        for component in self.components:
            self.fields[f"reason_{component.pk}"] = forms.ChoiceField(
                label=component.name, choices=blank + list(ReasonCode.choices), required=False
            )
            self.fields[f"detail_{component.pk}"] = forms.CharField(label=_("What is wrong"), required=False, max_length=500)
        self.fields["other_document"] = forms.CharField(
            label=_("Another document to supply"),
            required=False,
            max_length=500,
            help_text=_("A document outside the published list, if the case needs one."),
        )

    def component_rows(self):
        for component in self.components:
            yield component, self[f"reason_{component.pk}"], self[f"detail_{component.pk}"]

    def clean(self):
        cleaned_data = super().clean()
        for component in self.components:
            reason = cleaned_data.get(f"reason_{component.pk}")
            detail = cleaned_data.get(f"detail_{component.pk}") or ""
            if reason == ReasonCode.OTHER and not detail.strip():
                self.add_error(f"detail_{component.pk}", OTHER_NEEDS_DETAIL)
        if not self.items():
            raise ValidationError(_("Choose a reason for at least one document the applicant must supply."))
        return cleaned_data

    def items(self):
        from ..processing.actions import SupplementItemInput

        items = []
        for component in self.components:
            reason = self.cleaned_data.get(f"reason_{component.pk}")
            if reason:
                items.append(SupplementItemInput(component, reason, self.cleaned_data.get(f"detail_{component.pk}", "")))
        other = (self.cleaned_data.get("other_document") or "").strip()
        if other:
            items.append(SupplementItemInput(None, ReasonCode.MISSING, other))
        return items

    def action_params(self):
        return {"items": self.items()}


class SupplementReceivedForm(ActionForm):
    """The desk records the documents the applicant brought: one file per requested item."""

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, application=application, **kwargs)
        from ..processing.actions import pending_supplement

        request = pending_supplement(application)
        self.items = list(request.items.all()) if request else []
        for item in self.items:
            self.fields[f"item_{item.pk}"] = DossierFileField(label=item.component_name)

    def item_rows(self):
        for item in self.items:
            name = f"item_{item.pk}"
            yield item, self[name], self.kept_files.get(name)

    def clean(self):
        cleaned_data = super().clean()
        for item in self.items:
            name = f"item_{item.pk}"
            if name not in self.errors and not cleaned_data.get(name) and name not in self.kept_files:
                self.add_error(name, _("Attach the document the applicant supplied."))
        return cleaned_data


class SetAppointmentForm(ActionForm):
    due_date = forms.DateField(label=_("Appointment date"), help_text=_("dd/mm/yyyy"))
    due_time = forms.TimeField(
        label=_("Time"), required=False, help_text=_("HH:MM. Empty: closing time of that day.")
    )

    def clean(self):
        cleaned_data = super().clean()
        due_date = cleaned_data.get("due_date")
        if due_date and due_date < timezone.localdate():
            self.add_error("due_date", _("The appointment cannot be in the past."))
        return cleaned_data

    def action_params(self):
        due_date = self.cleaned_data["due_date"]
        due_time = self.cleaned_data.get("due_time")
        if due_time is None:
            return {"due_at": due_date}
        return {"due_at": datetime.datetime.combine(due_date, due_time, tzinfo=timezone.get_default_timezone())}


class RequestPaymentForm(ActionForm):
    amount = forms.IntegerField(
        label=_("Amount (đồng)"), required=False, min_value=0, max_value=MAX_PAYMENT_AMOUNT
    )

    def action_params(self):
        return {"amount": self.cleaned_data.get("amount")}


ACTION_FORMS = {
    Action.REQUEST_SUPPLEMENT: RequestSupplementForm,
    Action.SUPPLEMENT_RECEIVED: SupplementReceivedForm,
    Action.SET_APPOINTMENT: SetAppointmentForm,
    Action.REQUEST_PAYMENT: RequestPaymentForm,
}


def action_form_class(action):
    return ACTION_FORMS.get(action, ActionForm)


class StatisticsForm(TextChecksMixin, forms.Form):
    date_from = PeriodDateField(label=pgettext_lazy("submissions", "From"), help_text=_("dd/mm/yyyy"))
    date_to = PeriodDateField(label=pgettext_lazy("submissions", "To"), help_text=_("dd/mm/yyyy"))

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned_data
