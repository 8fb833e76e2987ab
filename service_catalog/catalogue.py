"""
The public catalogue listing: filters with counts, combinable and kept in the URL.

Five facets filter the procedures: audience, sector, agency, level and online-service kind. A
facet may hold several values (`?sector=ho-tich&sector=viec-lam`), which widen the result
within that facet; different facets narrow it. Each facet's counts are computed with every
other facet applied but not itself, so an option's count is the number of results a click on
it gives. Every count is one aggregate query; nothing is queried per row.

`agency` accepts a department's code, a commune's code, or the code or name of a unit retired
in 2025. A department shows the procedures it owns; a commune or ward shows the commune-level
procedures, which every commune performs; a retired unit is replaced by its current
successors, with a note for the user.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .agencies import resolve_agency
from .models import Agency, ProcedureChannel, ProcedurePage, Sector
from .models.procedures import OnlineServiceKind, PublicationStatus

PER_PAGE = 20

AUDIENCES = {
    "citizens": ("for_citizens", gettext_lazy("Citizens")),
    "organisations": ("for_organisations", gettext_lazy("Organisations")),
    "businesses": ("for_businesses", gettext_lazy("Businesses")),
}
LEVELS = {
    "province": ("level_province", gettext_lazy("Province level")),
    "commune": ("level_commune", gettext_lazy("Commune level")),
    "ministry": ("level_ministry", gettext_lazy("Ministry level")),
}
FACETS = ("audience", "sector", "agency", "level", "kind")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class Facet:
    name: str
    label: str
    options: list = field(default_factory=list)

    @property
    def selected_options(self):
        return [option for option in self.options if option.selected]


def _flag_filter(values, choices):
    query = Q()
    for value in values:
        query |= Q(**{choices[value][0]: True})
    return query


class Catalogue:
    """
    Filter state of one request to the listing, built from its GET parameters.

    `fixed_agency` is set on a department's own page, where the agency facet is not offered.
    """

    def __init__(self, base_queryset, params, fixed_agency=None, base_url=""):
        self.base_queryset = base_queryset.exclude(publication_status=PublicationStatus.ABOLISHED)
        self.params = params
        self.fixed_agency = fixed_agency
        self.base_url = base_url
        self.notes = []
        self.selected = {
            "audience": [value for value in params.getlist("audience") if value in AUDIENCES],
            "sector": [value for value in params.getlist("sector") if value],
            "agency": [] if fixed_agency else [value for value in params.getlist("agency") if value],
            "level": [value for value in params.getlist("level") if value in LEVELS],
            "kind": [value for value in params.getlist("kind") if value in OnlineServiceKind.values],
        }
        self.agency_labels = {}
        self.filters = {name: self._filter_for(name) for name in FACETS}

    # Filters.

    def _filter_for(self, name):
        values = self.selected[name]
        if name == "audience":
            return _flag_filter(values, AUDIENCES)
        if name == "level":
            return _flag_filter(values, LEVELS)
        if name == "kind":
            return Q(online_service_kind__in=values) if values else Q()
        if name == "sector":
            return Q(sector__slug__in=values) if values else Q()
        return self._agency_filter(values)

    def _agency_filter(self, values):
        if self.fixed_agency is not None:
            return Q(owner_agency=self.fixed_agency)

        query = Q()
        for value in values:
            resolution = resolve_agency(value)
            if not resolution.found:
                self.notes.append(_("No agency matches “%(value)s”; that filter is ignored.") % {"value": value})
                continue
            if resolution.note:
                self.notes.append(resolution.note)
            for unit in resolution.current:
                query |= self._unit_filter(unit, value)
        return query

    def _unit_filter(self, unit, value):
        if unit.kind == Agency.Kind.COMMUNE:
            self.agency_labels[value] = _("Commune-level procedures of %(name)s") % {"name": unit.name}
            return Q(level_commune=True)
        self.agency_labels.setdefault(value, unit.name)
        return Q(owner_agency=unit)

    def queryset(self, excluding=None):
        """Return the procedures matching every facet except `excluding`, without ordering."""
        queryset = self.base_queryset.order_by()
        for name, query in self.filters.items():
            if name != excluding:
                queryset = queryset.filter(query)
        return queryset

    # URLs.

    def url(self, toggle=None, page=None):
        """Return the listing URL with one facet value toggled, or the given page number."""
        pairs = []
        for name in FACETS:
            values = list(self.selected[name])
            if toggle and toggle[0] == name:
                values = [value for value in values if value != toggle[1]] if toggle[1] in values else values + [toggle[1]]
            pairs.extend((name, value) for value in values)
        if page and page > 1:
            pairs.append(("page", page))
        query = urlencode(pairs)
        return f"{self.base_url}?{query}" if query else self.base_url

    @property
    def has_filters(self):
        return any(self.selected.values())

    # Facets with counts.

    def _option(self, name, value, label, count):
        return FacetOption(
            value=value,
            label=str(label),
            count=count,
            selected=value in self.selected[name],
            url=self.url(toggle=(name, value)),
        )

    def _flag_facet(self, name, label, choices):
        aggregates = {value: Count("pk", filter=Q(**{field_name: True})) for value, (field_name, _label) in choices.items()}
        counts = self.queryset(excluding=name).aggregate(**aggregates)
        options = [self._option(name, value, choice_label, counts[value]) for value, (_f, choice_label) in choices.items()]
        return Facet(name, label, [option for option in options if option.count or option.selected])

    def _sector_facet(self):
        rows = self.queryset(excluding="sector").values("sector__slug", "sector__name").annotate(count=Count("pk"))
        counts = {row["sector__slug"]: row for row in rows if row["sector__slug"]}
        for slug in self.selected["sector"]:
            if slug not in counts:
                sector = Sector.objects.filter(slug=slug).values("slug", "name").first()
                if sector:
                    counts[slug] = {"sector__slug": slug, "sector__name": sector["name"], "count": 0}
        options = [
            self._option("sector", slug, row["sector__name"], row["count"])
            for slug, row in sorted(counts.items(), key=lambda item: item[1]["sector__name"])
        ]
        return Facet("sector", _("Sector"), options)

    def _agency_facet(self):
        rows = (
            self.queryset(excluding="agency")
            .values("owner_agency__code", "owner_agency__name")
            .annotate(count=Count("pk"))
            .order_by("owner_agency__name")
        )
        options = [
            self._option("agency", row["owner_agency__code"], row["owner_agency__name"], row["count"]) for row in rows
        ]
        listed = {option.value for option in options}
        for value in self.selected["agency"]:
            if value not in listed:
                label = self.agency_labels.get(value, value)
                options.append(FacetOption(value, label, 0, True, self.url(toggle=("agency", value))))
        return Facet("agency", _("Agency"), options)

    def _kind_facet(self):
        rows = self.queryset(excluding="kind").values("online_service_kind").annotate(count=Count("pk"))
        counts = {row["online_service_kind"]: row["count"] for row in rows}
        options = [
            self._option("kind", kind.value, kind.label, counts.get(kind.value, 0))
            for kind in OnlineServiceKind
            if counts.get(kind.value) or kind.value in self.selected["kind"]
        ]
        return Facet("kind", _("Online service"), options)

    def facets(self):
        facets = [
            self._flag_facet("audience", _("Who can apply"), AUDIENCES),
            self._sector_facet(),
            self._flag_facet("level", _("Level"), LEVELS),
            self._kind_facet(),
        ]
        if self.fixed_agency is None:
            facets.insert(2, self._agency_facet())
        return facets

    # Results.

    def page(self, number):
        results = (
            self.queryset()
            .select_related("sector", "owner_agency")
            .prefetch_related(Prefetch("channels", queryset=ProcedureChannel.objects.order_by("sort_order")))
            .order_by("title_folded", "pk")
        )
        paginator = Paginator(results, PER_PAGE)
        return paginator.get_page(number)

    def page_links(self, page, around=2):
        """Return (number, url) pairs for the first, last and nearby pages; None marks a gap."""
        last = page.paginator.num_pages
        numbers = sorted({1, last, *range(max(1, page.number - around), min(last, page.number + around) + 1)})
        links, previous = [], 0
        for number in numbers:
            if number - previous > 1:
                links.append(None)
            links.append((number, self.url(page=number)))
            previous = number
        return links

    def context(self, request):
        """Return the template context of the listing: facets, results page, notes and URLs."""
        page = self.page(request.GET.get("page"))
        facets = self.facets()
        return {
            "catalogue": self,
            "facets": facets,
            "results": page,
            "page_links": self.page_links(page),
            "page_urls": {
                "previous": self.url(page=page.previous_page_number()) if page.has_previous() else "",
                "next": self.url(page=page.next_page_number()) if page.has_next() else "",
            },
            "active_filters": [option for facet in facets for option in facet.selected_options],
            "notes": self.notes,
            "clear_url": self.base_url,
        }
