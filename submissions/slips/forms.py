"""Forms of the slip screens: the register's filters and the apology letter."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from service_catalog.models import Agency

from ..forms.fields import PeriodDateField, TextChecksMixin

# The register covers at most this many days per export, to keep one workbook printable.
MAX_REGISTER_DAYS = 366


class RegisterForm(TextChecksMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("All agencies"),
    )
    date_from = PeriodDateField(label=_("Filed from"), widget=AdminDateInput)
    date_to = PeriodDateField(label=_("Filed until"), widget=AdminDateInput)

    def __init__(self, *args, own_agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_agency = own_agency
        if own_agency is not None:
            # Staff export only their own agency's register.
            self.fields["agency"].queryset = Agency.objects.filter(pk=own_agency.pk)
            self.fields["agency"].required = True
            self.fields["agency"].empty_label = None
            self.fields["agency"].initial = own_agency.pk

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to:
            if date_to < date_from:
                self.add_error("date_to", _("The end date is before the start date; choose a later end date."))
            elif (date_to - date_from).days >= MAX_REGISTER_DAYS:
                self.add_error(
                    "date_to",
                    _("Export at most %(days)s days at a time; choose an earlier end date.") % {"days": MAX_REGISTER_DAYS},
                )
        return cleaned_data


class ApologyForm(TextChecksMixin, forms.Form):
    new_due_date = forms.DateField(
        label=_("New appointment"),
        widget=AdminDateInput,
        help_text=_("The working day on which the result will be ready; the time is the closing time of that day."),
    )
    reason = forms.CharField(
        label=_("Reason for the delay"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Printed on the apology letter and sent to the applicant."),
    )

    def clean_new_due_date(self):
        value = self.cleaned_data["new_due_date"]
        if value < timezone.localdate():
            raise ValidationError(_("The new appointment is in the past; choose today or a later day."))
        if value > timezone.localdate() + datetime.timedelta(days=365):
            raise ValidationError(_("The new appointment is more than a year away; choose an earlier day."))
        return value
