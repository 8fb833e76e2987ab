"""Titles and value labels of the search facets, and the facet lists the search page shows."""

from django.apps import apps
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .models import ContentType

FACET_TITLES = {
    "type": _("Content type"),
    "audience": _("Who can apply"),
    "sector": _("Sector"),
    "agency": _("Agency"),
    "level": _("Level"),
    "online": _("Online service"),
}
FACET_ORDER = ("type", "audience", "sector", "agency", "level", "online")

FIXED_LABELS = {
    "type": dict(ContentType.choices),
    "audience": {
        "citizens": _("Citizens"),
        "organisations": _("Organisations"),
        "businesses": _("Businesses"),
    },
    "level": {
        "ministry": _("Ministry level"),
        "province": _("Province level"),
        "commune": _("Commune level"),
    },
    "online": {
        "full": _("Full-process online (level 4)"),
        "partial": _("Partial online (level 3)"),
        "none": _("Not online"),
    },
}


def _model_labels(facet, values):
    if facet == "sector":
        Sector = apps.get_model("service_catalog", "Sector")
        return dict(Sector.objects.filter(slug__in=values).values_list("slug", "name"))
    if facet == "agency":
        Agency = apps.get_model("service_catalog", "Agency")
        return dict(Agency.objects.filter(code__in=values).values_list("code", "name"))
    return {}


def value_label(facet, value):
    """Return the label of one facet value (the value itself when no label is known)."""
    if facet in FIXED_LABELS:
        return FIXED_LABELS[facet].get(value, value)
    return _model_labels(facet, [value]).get(value, value)


def facet_groups(facets, filters, params):
    """
    Return the facet lists for the template: title, then values with count, label and links.

    Selecting a value adds it to the URL; selecting it again removes it.
    """
    groups = []
    for facet in FACET_ORDER:
        values = facets.get(facet) or []
        if not values:
            continue
        labels = FIXED_LABELS.get(facet) or _model_labels(facet, [value for value, _ in values])
        items = []
        for value, count in values:
            selected = filters.get(facet) == value
            changed = {key: item for key, item in params.items() if item and key != "page"}
            if selected:
                changed.pop(facet, None)
            else:
                changed[facet] = value
            items.append(
                {
                    "value": value,
                    "label": labels.get(value, value),
                    "count": count,
                    "selected": selected,
                    "url": "?" + urlencode(changed),
                }
            )
        groups.append({"name": facet, "title": FACET_TITLES[facet], "items": items})
    return groups
