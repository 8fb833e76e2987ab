"""The applicant's forms: the online application, the supplement upload and the status lookup."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from service_catalog.models import Agency

from .fields import (
    AddressField,
    DossierFileField,
    EmailField,
    NameField,
    PersonalIdField,
    PhoneField,
    TextChecksMixin,
    model_max_length,
)

PHONE_DIGITS_PATTERN = re.compile(r"[0-9]{4}")


def component_field_name(component):
    return f"component_{component.pk}"


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(TextChecksMixin, forms.Form):
    """
    The online application of one procedure: the applicant, the commune if the procedure is
    commune-level, and one file per document of the dossier.

    The dossier's notes ask for no file: `notes` lists them for the page to show as text. A
    document needed only in some cases is an optional upload.

    `kept_files` maps a component field name to the file already kept in the draft. A
    component is satisfied by a new upload or a kept file, so the applicant does not upload a
    file again after correcting the form.
    """

    full_name = NameField()
    id_number = PersonalIdField()
    phone = PhoneField()
    email = EmailField(help_text=_("Optional. The receipt and later notices are sent here."))
    address = AddressField(help_text=_("House number, street or hamlet, commune or ward, province."))

    def __init__(self, *args, procedure, kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.kept_files = kept_files or {}
        self.components = procedure.upload_components()
        self.notes = procedure.dossier_notes()

        if procedure.level_commune:
            self.fields["commune"] = CommuneChoiceField(
                label=_("Commune or ward that processes your application"),
                queryset=Agency.objects.current().filter(kind=Agency.Kind.COMMUNE).order_by("name"),
                empty_label=_("Choose a commune or ward"),
            )

        for component in self.components:
            self.fields[component_field_name(component)] = DossierFileField(
                label=component.name,
                help_text=_component_help(component),
            )

    def component_fields(self):
        """Yield (component, bound field, kept file) in the order of the procedure."""
        for component in self.components:
            name = component_field_name(component)
            yield component, self[name], self.kept_files.get(name)

    def clean(self):
        cleaned_data = super().clean()
        for component in self.components:
            name = component_field_name(component)
            if not component.is_required or name in self.errors:
                continue
            if not cleaned_data.get(name) and name not in self.kept_files:
                self.add_error(name, ValidationError(_("Attach this document (PDF, JPEG or PNG)."), code="required"))
        return cleaned_data


def _component_help(component):
    parts = []
    if component.originals:
        parts.append(_("originals: %(count)s") % {"count": component.originals})
    if component.copies:
        parts.append(_("copies: %(count)s") % {"count": component.copies})
    if not component.is_required:
        parts.append(_("optional: attach it only if your case needs it"))
    return ", ".join(str(part) for part in parts)


class SupplementForm(TextChecksMixin, forms.Form):
    """Files for the items of a supplement request, one field per requested document."""

    def __init__(self, *args, items, kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.kept_files = kept_files or {}
        for item in self.items:
            self.fields[self.field_name(item)] = DossierFileField(label=item.component_name)

    @staticmethod
    def field_name(item):
        return f"item_{item.pk}"

    def item_fields(self):
        for item in self.items:
            name = self.field_name(item)
            yield item, self[name], self.kept_files.get(name)

    def clean(self):
        cleaned_data = super().clean()
        for item in self.items:
            name = self.field_name(item)
            if name in self.errors:
                continue
            if not cleaned_data.get(name) and name not in self.kept_files:
                self.add_error(name, ValidationError(_("Attach this document (PDF, JPEG or PNG)."), code="required"))
        return cleaned_data


class LookupForm(TextChecksMixin, forms.Form):
    code = forms.CharField(
        label=_("Application code"),
        max_length=model_max_length("code"),
        help_text=_("As printed on the receipt, for example PV.X.16681.H41-260105-0001."),
    )
    phone_digits = forms.CharField(
        label=_("Last four digits of the phone number"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()

    def clean_phone_digits(self):
        digits = self.cleaned_data["phone_digits"].strip()
        if not PHONE_DIGITS_PATTERN.fullmatch(digits):
            raise ValidationError(_("Enter the last four digits of the phone number given in the application."))
        return digits
