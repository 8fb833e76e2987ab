"""
Staff screens of the slips: PDF downloads, the apology letter form and the register export.

The agency scope and the access log of the application screen apply: a slip carries the
applicant's personal data, so each download is recorded like a document download.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from accounts.roles import staff_agency
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..deadlines.apology import issue_apology
from ..deadlines.models import ApologyLetter
from ..models import AccessLog
from ..processing.actions import ActionError
from ..views.staff import record_access, require_staff, visible_application_or_404
from .context import SLIPS, SlipUnavailable
from .forms import ApologyForm, RegisterForm
from .pdf import render_pdf
from .register import build_register

logger = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf_response(content, file_name):
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def slip_pdf(request, pk, kind):
    """Render slip `kind` (a key of SLIPS other than the apology) of application `pk`."""
    require_staff(request.user)
    if kind not in SLIPS or kind == "xin-loi":
        raise Http404("Unknown slip.")
    application = visible_application_or_404(request.user, pk)
    slip = SLIPS[kind]

    number = request.GET.get("lan", "")
    try:
        context = slip.builder(application, number=int(number) if number.isdigit() else None)
    except SlipUnavailable as error:
        messages.error(request, error.message)
        return redirect("submissions_admin:detail", pk=application.pk)

    record_access(application, request.user, AccessLog.Kind.DOWNLOAD, str(slip.label))
    content = render_pdf(slip.template, context)
    logger.info("Slip %s rendered for application id=%s", kind, application.pk)
    return _pdf_response(content, f"{slip.file_stem}-{application.code}.pdf")


def apology_pdf(request, pk, letter_id):
    require_staff(request.user)
    application = visible_application_or_404(request.user, pk)
    letter = get_object_or_404(ApologyLetter, pk=letter_id, application=application)
    slip = SLIPS["xin-loi"]
    try:
        context = slip.builder(application, letter=letter)
    except SlipUnavailable as error:
        messages.error(request, error.message)
        return redirect("submissions_admin:detail", pk=application.pk)

    record_access(application, request.user, AccessLog.Kind.DOWNLOAD, str(slip.label))
    return _pdf_response(render_pdf(slip.template, context), f"{slip.file_stem}-{application.code}.pdf")


class ApologyIssueView(WagtailAdminTemplateMixin, FormView):
    """Complete a draft apology letter with the reason and the new appointment, and issue it."""

    template_name = "submissions/slips/apology_form.html"
    form_class = ApologyForm
    header_icon = "warning"
    page_title = gettext_lazy("Apology and new appointment")

    def dispatch(self, request, *args, **kwargs):
        require_staff(request.user)
        self.application = visible_application_or_404(request.user, kwargs["pk"])
        self.letter = get_object_or_404(ApologyLetter, pk=kwargs["letter_id"], application=self.application)
        if self.letter.is_issued:
            messages.info(request, _("This apology letter was already issued."))
            return redirect("submissions_admin:detail", pk=self.application.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.application.code

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("submissions_admin:detail", args=[self.application.pk]), "label": self.application.code},
            {"url": "", "label": _("Apology and new appointment")},
        ]

    def form_valid(self, form):
        try:
            issue_apology(
                self.letter,
                self.request.user,
                new_due_date=form.cleaned_data["new_due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ActionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Apology letter issued; the applicant is notified."))
        return redirect("submissions_admin:detail", pk=self.application.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"application": self.application, "letter": self.letter})
        return context


class RegisterView(WagtailAdminTemplateMixin, FormView):
    """The intake register of the staff member's agency (any agency for superusers) as XLSX."""

    template_name = "submissions/slips/register_form.html"
    form_class = RegisterForm
    header_icon = "table"
    page_title = gettext_lazy("Intake register")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            require_staff(request.user)
            if staff_agency(request.user) is None:
                raise PermissionDenied(_("Your account is not linked to an agency; ask an administrator to set it."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Intake register")}]

    def get_form_kwargs(self):
        today = timezone.localdate()
        own_agency = None if self.request.user.is_superuser else staff_agency(self.request.user)
        data = self.request.GET if "date_from" in self.request.GET else None
        return {
            "data": data,
            "own_agency": own_agency,
            "initial": {"date_from": today.replace(day=1), "date_to": today},
        }

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_bound:
            return self.render_to_response(self.get_context_data(form=form))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)

        agency = form.cleaned_data.get("agency")
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        content = build_register(agency, date_from, date_to)
        scope = agency.code if agency is not None else "tat-ca"
        file_name = f"so-theo-doi-ho-so-{scope}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        response["X-Content-Type-Options"] = "nosniff"
        logger.info("Intake register exported by user id=%s", request.user.pk)
        return response
