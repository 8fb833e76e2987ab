"""Form fields shared by the applicant's form and the desk intake form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.text import normalize

from ..validators import check_dossier_file, parse_phone, validate_personal_id


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


class NameField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Full name"))
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "name"})

    def to_python(self, value):
        return normalize(super().to_python(value))
