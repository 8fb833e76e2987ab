"""
Finding agencies by code or name across the 1 July 2025 reform.

`resolve_agency("Huyện Nghi Lộc")` returns the retired district together with the current
communes that took over its area, and a note that explains this to the user. Views of the
catalogue and the search page use it for old names in URLs, filters and queries.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from search.text import fold, normalize, slugify

from .models import Agency


@dataclass
class AgencyResolution:
    """Result of resolving an agency code or name on a given date."""

    query: str
    on: object
    matches: list = field(default_factory=list)
    current: list = field(default_factory=list)

    @property
    def found(self):
        return bool(self.matches)

    @property
    def retired(self):
        """The matched agencies that were no longer in force on the resolution date."""
        return [agency for agency in self.matches if not agency.is_current(self.on)]

    @property
    def single(self):
        """The one current agency the query stands for, or None when there are none or several."""
        return self.current[0] if len(self.current) == 1 else None

    @property
    def note(self):
        """A sentence for the user when the query named a retired unit; empty otherwise."""
        if not self.retired:
            return ""
        parts = []
        for agency in self.retired:
            successors = [unit.name for unit in current_units(agency, self.on)]
            ended = agency.valid_to + datetime.timedelta(days=1)
            values = {"name": agency.name, "date": formats.date_format(ended, "SHORT_DATE_FORMAT")}
            if successors:
                values["successors"] = ", ".join(successors)
                parts.append(_("Since %(date)s, %(name)s no longer exists; its area belongs to %(successors)s.") % values)
            else:
                parts.append(_("Since %(date)s, %(name)s no longer exists.") % values)
        return " ".join(parts)


def current_units(agency, on=None):
    """
    Return the agencies in force on `on` that stand for `agency`: itself when it is current,
    otherwise its successors, followed through later reforms until current ones are reached.
    """
    on = on or timezone.localdate()
    found, seen, queue = [], set(), [agency]
    while queue:
        unit = queue.pop(0)
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        if unit.is_current(on):
            found.append(unit)
        else:
            queue.extend(unit.successors.order_by("name_folded"))
    return found


def _find(query):
    by_code = list(Agency.objects.filter(code__iexact=query))
    if by_code:
        return by_code

    folded = fold(query)
    by_name = list(Agency.objects.filter(Q(name_folded=folded) | Q(slug=slugify(query))))
    if by_name:
        return by_name
    return list(Agency.objects.filter(short_name_folded=folded))


def resolve_agency(name_or_code, on=None):
    """
    Resolve an agency code, URL slug or name (with or without diacritics) to current units.

    Codes match first, then full names and slugs ("Huyện Nghi Lộc", "huyen-nghi-loc"), then
    short names ("Nghi Lộc", which may match several units). Retired matches are replaced by
    their current successors in `current`; `note` explains the replacement.
    """
    on = on or timezone.localdate()
    query = normalize(name_or_code)
    resolution = AgencyResolution(query=query, on=on)
    if not query:
        return resolution

    resolution.matches = sorted(_find(query), key=lambda agency: (not agency.is_current(on), agency.name))
    seen = set()
    for agency in resolution.matches:
        for unit in current_units(agency, on):
            if unit.pk not in seen:
                seen.add(unit.pk)
                resolution.current.append(unit)
    return resolution


def code_is_printed(code):
    """
    Return True if an application code starting with `code` exists.

    Application codes are `<receiving agency code>-YYMMDD-NNNN` and are printed on receipts, so
    an agency code that appears in one must never change. Returns False while the submissions
    app or its table does not exist yet.
    """
    try:
        application_model = apps.get_model("submissions", "Application")
    except LookupError:
        return False
    if application_model._meta.db_table not in connection.introspection.table_names():
        return False
    return application_model.objects.filter(code__startswith=f"{code}-").exists()
