"""Staff screens of the catalogue in the Wagtail admin."""

import csv

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy

from .completeness import PARTS, build_report
from .models import ProcedurePage


def editable_procedures(user):
    """Return the procedures `user` may edit: everything for superusers, their subtrees otherwise."""
    procedures = ProcedurePage.objects.all()
    if user.is_superuser:
        return procedures
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])
    return procedures.filter(pk__in=editable.values("pk"))


class CompletenessReportView(WagtailAdminTemplateMixin, TemplateView):
    """Procedures lacking a mandatory part, with a summary per department and a CSV export."""

    template_name = "service_catalog/admin/completeness_report.html"
    page_title = gettext_lazy("Incomplete procedures")
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        self.department = request.GET.get("department", "")
        self.part = request.GET.get("missing", "") if request.GET.get("missing", "") in PARTS else ""
        self.report = build_report(editable_procedures(request.user), self.department, self.part)
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "report": self.report,
                "parts": PARTS,
                "selected_department": self.department,
                "selected_part": self.part,
                "export_url": f"{reverse('service_catalog_completeness')}?{self._query('csv')}",
            }
        )
        return context

    def _query(self, export=""):
        params = self.request.GET.copy()
        params.pop("export", None)
        if export:
            params["export"] = export
        return params.urlencode()

    def csv_response(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="incomplete-procedures.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Department"), _("Code"), _("Procedure"), _("Missing parts")])
        for page, missing in self.report.rows:
            writer.writerow([page.owner_agency.name, page.national_code, page.display_name, "; ".join(map(str, missing))])
        return response
