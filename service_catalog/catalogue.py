"""
The public catalogue listing: filters with counts, combinable and kept in the URL.

Five facets filter the procedures: audience, sector, agency, level and online-service kind. A
facet may hold several values (`?sector=ho-tich&sector=viec-lam`), which widen the result
within that facet; different facets narrow it. Each facet's counts are computed with every
other facet applied but not itself, so an option's count is the number of results a click on
it gives. All counts come from one aggregate query that groups the procedures by every facet
field: one row per distinct combination of facet values (29 rows for the 92 real procedures,
and no more for the benchmark's 4,000 copies of them). The counts per facet are sums over those
rows, and the rows are cached until a procedure is published, unpublished, deleted or imported. With the page of results and its channels, a listing costs three catalogue queries,
whatever the number of procedures, and nothing is queried per row.

`agency` accepts a department's code, a commune's code, or the code or name of a unit retired
in 2025. A department shows the procedures it owns. A commune or ward shows the commune-level
procedures, because every commune performs them. A retired unit is replaced by its current
successors, with a note for the user.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from search.text import fold

from . import listing_cache
from .agencies import resolve_agency
from .models import Agency, ProcedureChannel, Sector
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
GROUP_FIELDS = (
    "sector_id",
    "owner_agency_id",
    "online_service_kind",
    "for_citizens",
    "for_organisations",
    "for_businesses",
    "level_ministry",
    "level_province",
    "level_commune",
)


class KnownCountPaginator(Paginator):
    """A paginator given its total by the grouped counts, so it runs no COUNT query of its own."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


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
    `cache_scope` names the base queryset in the listing cache; without it nothing is cached.
    """

    def __init__(self, base_queryset, params, fixed_agency=None, base_url="", cache_scope=""):
        self.base_queryset = base_queryset.exclude(publication_status=PublicationStatus.ABOLISHED)
        self.params = params
        self.fixed_agency = fixed_agency
        self.base_url = base_url
        self.cache_scope = cache_scope
        self.notes = []
        self.selected = {
            "audience": [value for value in params.getlist("audience") if value in AUDIENCES],
            "sector": [value for value in params.getlist("sector") if value],
            "agency": [] if fixed_agency else [value for value in params.getlist("agency") if value],
            "level": [value for value in params.getlist("level") if value in LEVELS],
            "kind": [value for value in params.getlist("kind") if value in OnlineServiceKind.values],
        }
        self.agency_labels = {}
        self.sectors = {pk: (slug, name) for pk, slug, name in Sector.objects.values_list("pk", "slug", "name")}
        self.sector_ids = {slug: pk for pk, (slug, _name) in self.sectors.items()}
        self.predicates = {}
        self.filters = {name: self._filter_for(name) for name in FACETS}

    # Filters.

    def _filter_for(self, name):
        """Return the Q of facet `name` and store the same test on a group row in `predicates`."""
        values = self.selected[name]
        if name in ("audience", "level"):
            choices = AUDIENCES if name == "audience" else LEVELS
            flags = [choices[value][0] for value in values]
            self.predicates[name] = lambda row: not flags or any(row[flag] for flag in flags)
            return _flag_filter(values, choices)
        if name == "kind":
            self.predicates[name] = lambda row: not values or row["online_service_kind"] in values
            return Q(online_service_kind__in=values) if values else Q()
        if name == "sector":
            ids = {self.sector_ids[slug] for slug in values if slug in self.sector_ids}
            self.predicates[name] = lambda row: not values or row["sector_id"] in ids
            return Q(sector__slug__in=values) if values else Q()
        return self._agency_filter(values)

    def _agency_filter(self, values):
        if self.fixed_agency is not None:
            self.predicates["agency"] = lambda row: True  # the base queryset contains one department only
            return Q(owner_agency=self.fixed_agency)

        query, owner_ids, communes = Q(), set(), False
        for value in values:
            resolution = resolve_agency(value)
            if not resolution.found:
                self.notes.append(_("No agency matches “%(value)s”; that filter is ignored.") % {"value": value})
                continue
            if resolution.note:
                self.notes.append(resolution.note)
            for unit in resolution.current:
                query |= self._unit_filter(unit, value)
                if unit.kind == Agency.Kind.COMMUNE:
                    communes = True
                else:
                    owner_ids.add(unit.pk)

        unfiltered = not owner_ids and not communes
        self.predicates["agency"] = lambda row: (
            unfiltered or row["owner_agency_id"] in owner_ids or (communes and row["level_commune"])
        )
        return query

    def _unit_filter(self, unit, value):
        if unit.kind == Agency.Kind.COMMUNE:
            self.agency_labels[value] = _("Commune-level procedures of %(name)s") % {"name": unit.name}
            return Q(level_commune=True)
        self.agency_labels.setdefault(value, unit.name)
        return Q(owner_agency=unit)

    @cached_property
    def groups(self):
        """Procedure counts grouped by every facet field: the single aggregate query of a listing."""

        def compute():
            return list(self.base_queryset.order_by().values(*GROUP_FIELDS).annotate(count=Count("pk")))

        return listing_cache.get_groups(self.cache_scope, compute) if self.cache_scope else compute()

    def _matching_groups(self, excluding=None):
        predicates = [test for name, test in self.predicates.items() if name != excluding]
        return [row for row in self.groups if all(test(row) for test in predicates)]

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
        rows = self._matching_groups(excluding=name)
        options = [
            self._option(name, value, choice_label, sum(row["count"] for row in rows if row[field_name]))
            for value, (field_name, choice_label) in choices.items()
        ]
        return Facet(name, label, [option for option in options if option.count or option.selected])

    @staticmethod
    def _sum_by(rows, field_name):
        totals = {}
        for row in rows:
            totals[row[field_name]] = totals.get(row[field_name], 0) + row["count"]
        return totals

    def _sector_facet(self):
        counts = self._sum_by(self._matching_groups(excluding="sector"), "sector_id")
        sectors = self.sectors
        options = [
            self._option("sector", sectors[pk][0], sectors[pk][1], count) for pk, count in counts.items() if pk in sectors
        ]
        listed = {option.value for option in options}
        for slug in self.selected["sector"]:
            pk = self.sector_ids.get(slug)
            if slug not in listed and pk is not None:
                options.append(self._option("sector", slug, sectors[pk][1], 0))
        return Facet("sector", _("Sector"), sorted(options, key=lambda option: fold(option.label)))

    def _agency_facet(self):
        counts = self._sum_by(self._matching_groups(excluding="agency"), "owner_agency_id")
        agencies = Agency.objects.filter(pk__in=counts).values_list("pk", "code", "name")
        options = [self._option("agency", code, name, counts[pk]) for pk, code, name in agencies]
        options.sort(key=lambda option: fold(option.label))
        listed = {option.value for option in options}
        for value in self.selected["agency"]:
            if value not in listed:
                label = self.agency_labels.get(value, value)
                options.append(FacetOption(value, label, 0, True, self.url(toggle=("agency", value))))
        return Facet("agency", _("Agency"), options)

    def _kind_facet(self):
        counts = self._sum_by(self._matching_groups(excluding="kind"), "online_service_kind")
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
        total = sum(row["count"] for row in self._matching_groups())
        return KnownCountPaginator(results, PER_PAGE, total).get_page(number)

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
