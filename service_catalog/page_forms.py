"""Admin form of procedure pages, imported by the page model (so it imports no model of this app)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class ProcedurePageForm(WagtailAdminPageForm):
    """Procedure page form that allows at most one row per channel to set the deadline."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("channels")
        # ClusterForm validates its formsets after this method, so their cleaned_data needs this call.
        if formset is None or not formset.is_valid():
            return cleaned_data

        marked = {}
        for form in formset.forms:
            data = form.cleaned_data
            if data.get("DELETE") or not data.get("governs_deadline"):
                continue
            marked.setdefault(data.get("channel"), []).append(form)

        for channel, forms in marked.items():
            if len(forms) < 2:
                continue
            for form in forms:
                form.add_error(
                    "governs_deadline",
                    _("Only one row of a channel can set the deadline. Untick the others."),
                )
        return cleaned_data
