"""Public views of the catalogue outside the page tree: the agency tree and the printable checklist."""

import logging

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .agencies import resolve_agency
from .checklist import TEMPLATE, checklist_context, render_checklist_pdf
from .models import Agency, ProcedureIndexPage, ProcedurePage

logger = logging.getLogger(__name__)


def agency_list(request):
    """Show the agency tree: the province with its departments and communes, and the units retired in 2025."""
    current = Agency.objects.current()
    province = current.filter(kind=Agency.Kind.PEOPLES_COMMITTEE).order_by("pk").first()
    owned = Count("owned_procedures", filter=Q(owned_procedures__live=True))
    context = {
        "province": province,
        "bodies": current.filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.SERVICE_CENTRE, Agency.Kind.OTHER])
        .annotate(procedure_count=owned)
        .order_by("kind", "name"),
        "communes": current.filter(kind=Agency.Kind.COMMUNE).order_by("name_folded"),
        "districts": Agency.objects.retired()
        .filter(kind=Agency.Kind.DISTRICT)
        .prefetch_related(
            Prefetch("children", queryset=Agency.objects.order_by("name_folded").prefetch_related("successors"))
        )
        .order_by("name_folded"),
    }
    return render(request, "service_catalog/agency_list.html", context)


def agency_detail(request, reference):
    """
    Show one agency, found by code, slug or name; an old unit's name leads to its current unit.

    A retired unit with exactly one current successor redirects there with `?tu=<old code>`,
    and the successor's page explains what became of the old one. A retired unit split between
    several successors, or a name shared by several units, shows the choices.
    """
    resolution = resolve_agency(reference)
    if not resolution.found:
        raise Http404(_("No agency has the code or name “%(reference)s”.") % {"reference": reference})

    if len(resolution.matches) == 1 and resolution.retired and resolution.single:
        old = resolution.matches[0]
        return redirect(f"{reverse('service_catalog:agency', args=[resolution.single.code])}?tu={old.code}")

    if len(resolution.matches) > 1:
        return render(request, "service_catalog/agency_choices.html", {"resolution": resolution})

    agency = resolution.matches[0]
    predecessor_note = ""
    old_code = request.GET.get("tu")
    if old_code:
        old = resolve_agency(old_code)
        if old.found and agency in old.current:
            predecessor_note = old.note

    context = {
        "agency": agency,
        "resolution": resolution,
        "predecessor_note": predecessor_note,
        "successors": list(agency.successors.order_by("name_folded")),
        "predecessors": list(agency.predecessors.order_by("valid_to", "name_folded")),
        "children": list(agency.children.current().order_by("name_folded")) if agency.is_current() else [],
        "procedure_count": agency.owned_procedures.live().count(),
        "catalogue_url": _catalogue_url(request),
    }
    return render(request, "service_catalog/agency_detail.html", context)


def _catalogue_url(request):
    index = ProcedureIndexPage.objects.live().first()
    return index.get_url(request) if index else ""


def _checklist_page(pk):
    queryset = ProcedurePage.objects.live().public().select_related("sector", "owner_agency")
    return get_object_or_404(queryset, pk=pk)


def checklist(request, pk):
    """Render the printable one-page A4 checklist: documents to bring, fees, time limit and desk."""
    page = _checklist_page(pk)
    return render(request, TEMPLATE, checklist_context(request, page))


def checklist_pdf(request, pk):
    """Return the checklist as a PDF rendered by WeasyPrint."""
    page = _checklist_page(pk)
    pdf, _pages, _density = render_checklist_pdf(request, page)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{page.national_code}.pdf"'
    return response
