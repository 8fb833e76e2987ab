"""
Completeness of procedure records: which mandatory parts each procedure lacks.

The parts follow the national procedure record: name, sector, level, audience, implementing
agency, owning department, channels, a time limit the portal can count with, steps, dossier
components, result, legal basis and the publishing decision. The checks run as one query with
an EXISTS annotation per child table, then in Python per row.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import pgettext_lazy

from .importing.records import UNCLASSIFIED_SECTOR
from .models import (
    Agency,
    DossierComponent,
    LegalBasis,
    ProcedureChannel,
    ProcedurePage,
    ProcedureResult,
    ProcedureStep,
)
from .models.procedures import ComponentKind, PublicationStatus

PARTS = OrderedDict(
    [
        ("name", pgettext_lazy("missing procedure part", "name")),
        ("sector", pgettext_lazy("missing procedure part", "sector")),
        ("level", pgettext_lazy("missing procedure part", "level")),
        ("audience", pgettext_lazy("missing procedure part", "who can apply")),
        ("implementing_agency", pgettext_lazy("missing procedure part", "implementing agency")),
        ("owner", pgettext_lazy("missing procedure part", "owning department")),
        ("channels", pgettext_lazy("missing procedure part", "channels")),
        ("time_limit", pgettext_lazy("missing procedure part", "time limit as number and unit")),
        ("steps", pgettext_lazy("missing procedure part", "steps")),
        ("dossier_components", pgettext_lazy("missing procedure part", "dossier components")),
        ("result", pgettext_lazy("missing procedure part", "result")),
        ("legal_basis", pgettext_lazy("missing procedure part", "legal basis")),
        ("decision", pgettext_lazy("missing procedure part", "publishing decision")),
    ]
)


def _exists(model, **filters):
    return Exists(model.objects.filter(page=OuterRef("pk"), **filters))


def _annotated(queryset):
    implementing = ProcedurePage.implementing_agencies.through.objects.filter(procedurepage=OuterRef("pk"))
    return queryset.annotate(
        has_channels=_exists(ProcedureChannel),
        has_time_limit=_exists(ProcedureChannel, time_limit_value__isnull=False),
        has_steps=_exists(ProcedureStep),
        # A dossier of notes only lists nothing to bring, so it counts as missing.
        has_components=_exists(DossierComponent, kind__in=[ComponentKind.REQUIRED, ComponentKind.CONDITIONAL]),
        has_results=_exists(ProcedureResult),
        has_legal_bases=_exists(LegalBasis),
        has_implementing_agencies=Exists(implementing),
    ).select_related("sector", "owner_agency")


def missing_parts(page):
    """Return the keys of PARTS that `page` (annotated by `_annotated`) lacks."""
    checks = {
        "name": bool(page.title.strip()),
        "sector": page.sector is not None and page.sector.name != UNCLASSIFIED_SECTOR,
        "level": page.level_ministry or page.level_province or page.level_commune,
        "audience": page.for_citizens or page.for_organisations or page.for_businesses,
        "implementing_agency": bool(page.implementing_agency_text) or page.has_implementing_agencies,
        "owner": page.owner_agency.kind == Agency.Kind.DEPARTMENT,
        "channels": page.has_channels,
        "time_limit": page.has_time_limit,
        "steps": page.has_steps,
        "dossier_components": page.has_components,
        "result": page.has_results,
        "legal_basis": page.has_legal_bases,
        "decision": bool(page.decision_number),
    }
    return [part for part, present in checks.items() if not present]


@dataclass
class DepartmentSummary:
    agency: Agency
    total: int = 0
    incomplete: int = 0
    missing: dict = field(default_factory=dict)

    @property
    def missing_parts(self):
        """(key, label, count) of each missing part, the most frequent first."""
        ordered = sorted(self.missing.items(), key=lambda item: (-item[1], list(PARTS).index(item[0])))
        return [(key, PARTS[key], count) for key, count in ordered]


@dataclass
class CompletenessReport:
    rows: list
    departments: list


def build_report(queryset, department_code="", part=""):
    """
    Return the incomplete procedures of `queryset` and a summary per owning department.

    Abolished procedures are left out. `department_code` and `part` narrow the rows; the
    summary always covers every department in `queryset`.
    """
    pages = _annotated(queryset.exclude(publication_status=PublicationStatus.ABOLISHED)).order_by(
        "owner_agency__name", "title_folded"
    )
    departments = {}
    rows = []
    for page in pages:
        summary = departments.setdefault(page.owner_agency_id, DepartmentSummary(page.owner_agency))
        summary.total += 1
        missing = missing_parts(page)
        if not missing:
            continue
        summary.incomplete += 1
        for key in missing:
            summary.missing[key] = summary.missing.get(key, 0) + 1
        if department_code and page.owner_agency.code != department_code:
            continue
        if part and part not in missing:
            continue
        rows.append((page, [PARTS[key] for key in missing]))
    return CompletenessReport(rows=rows, departments=sorted(departments.values(), key=lambda item: item.agency.name))
