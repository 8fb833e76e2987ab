"""Admin forms of the catalogue."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .agencies import code_is_printed


class AgencyAdminForm(WagtailAdminModelForm):
    """Agency form that refuses to change a code already printed on applications."""

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        original = self.instance.code if self.instance.pk else ""
        if original and code != original and code_is_printed(original):
            raise ValidationError(
                _(
                    "The code %(code)s is printed on applications and cannot change. Retire this agency "
                    "(valid until) and create a successor with the new code instead."
                ),
                params={"code": original},
                code="code_printed",
            )
        return code
