"""Form fields shared by the applicant's form and the desk intake form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.text import normalize

from ..models import Application
from ..validators import check_dossier_file, check_text_characters, parse_phone, validate_personal_id

# Notes typed by staff on an action or an intake, in characters. Events store them in a
# TextField without a limit, so the form sets one: about a page of text.
NOTE_MAX_LENGTH = 2000


def model_max_length(field_name):
    """Return the max_length of Application's `field_name`, so a form never accepts more than the column."""
    return Application._meta.get_field(field_name).max_length


class PersonalIdField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identification number (CCCD)"))
        kwargs.setdefault("help_text", _("The 12 digits on your citizen ID card."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split())

    def validate(self, value):
        super().validate(value)
        if value:
            validate_personal_id(value)


class PhoneField(forms.CharField):
    """A Vietnamese phone number; cleans to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault("help_text", _("For example 0912 345 678. Its last four digits let you look up the application."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return parse_phone(value)


class DossierFileField(forms.FileField):
    """One dossier component's file: PDF, JPEG or PNG by content, within the size limit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            uploaded.checked_content_type = check_dossier_file(uploaded)
        return uploaded


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleDossierFileField(DossierFileField):
    """Several files in one input (attachments to a processing action)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            items = data
        elif data:
            items = [data]
        else:
            items = []
        cleaned = []
        errors = []
        for item in items:
            try:
                cleaned.append(DossierFileField.clean(self, item, initial))
            except ValidationError as error:
                errors.extend(f"{item.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return [item for item in cleaned if item]


class EmailField(forms.EmailField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("E-mail"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", model_max_length("applicant_email"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "email"})


class AddressField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Address"))
        kwargs.setdefault("max_length", model_max_length("applicant_address"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "street-address"})

    def to_python(self, value):
        return normalize(super().to_python(value))


class NameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Full name"))
        kwargs.setdefault("max_length", model_max_length("applicant_name"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "name"})

    def to_python(self, value):
        return normalize(super().to_python(value))


class PeriodDateField(forms.DateField):
    """A date that bounds a report period: from 01/01/2000 to 31/12/2100, so the period's arithmetic cannot overflow."""

    earliest = datetime.date(2000, 1, 1)
    latest = datetime.date(2100, 12, 31)

    def validate(self, value):
        super().validate(value)
        if value and not self.earliest <= value <= self.latest:
            raise ValidationError(
                _("Choose a date from %(earliest)s to %(latest)s.")
                % {"earliest": f"{self.earliest:%d/%m/%Y}", "latest": f"{self.latest:%d/%m/%Y}"},
                code="out_of_range",
            )


class TextChecksMixin:
    """
    Reject control, invisible and bidirectional characters in every text field of a form.

    The check reads the posted value, before a field strips or normalises it, so a name that
    hides a zero-width space or a vertical tab gets an error instead of being changed silently.
    Fields with a Textarea widget keep line breaks and tabs.
    """

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or name in self.errors:
                continue
            raw = self[name].data
            if not isinstance(raw, str):
                continue
            try:
                check_text_characters(raw, multiline=isinstance(field.widget, forms.Textarea))
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned_data
