"""The public search page and the autocomplete endpoint."""

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from . import service
from .facets import FACET_TITLES, facet_groups, value_label
from .models import ContentType
from .query import clip

logger = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 8


def _page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _url_with(params, **changes):
    """Return "?…" for the search page with `changes` applied (None removes a parameter)."""
    merged = {key: value for key, value in params.items() if value}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if "page" not in changes:
        merged.pop("page", None)
    return "?" + urlencode(merged)


@require_GET
def search(request):
    text = clip(request.GET.get("q") or "")
    filters = service.clean_filters(request.GET)
    page = _page_number(request.GET.get("page"))
    params = {"q": text, **filters}

    outcome = None
    if text or filters:
        correct = not request.GET.get("exact")
        outcome = service.run_search(text, filters=filters, page=page, correct=correct)

    context = {
        "search_query": text,
        "outcome": outcome,
        "filters": filters,
        "active_filters": [
            {"name": name, "title": FACET_TITLES.get(name, name), "label": value_label(name, value), "remove_url": _url_with(params, **{name: None})}
            for name, value in filters.items()
        ],
        "facet_groups": facet_groups(outcome.results.facets, filters, params) if outcome else [],
    }
    if outcome:
        labels = dict(ContentType.choices)
        context["hit_rows"] = [(hit, labels.get(hit.content_type, "")) for hit in outcome.hits]
        context["first_number"] = (outcome.page - 1) * outcome.per_page + 1
        context["pages"] = [
            {"number": number, "url": _url_with(params, page=str(number)) if number else None}
            for number in service.paginator_pages(outcome)
        ]
        if outcome.page > 1:
            context["previous_url"] = _url_with(params, page=str(outcome.page - 1))
        if outcome.page < outcome.page_count:
            context["next_url"] = _url_with(params, page=str(outcome.page + 1))
        if outcome.suggestion:
            context["suggestion_url"] = _url_with(params, q=outcome.suggestion)
        if outcome.corrected_from:
            context["original_url"] = _url_with(params, q=outcome.corrected_from) + "&exact=1"
    return render(request, "search/search.html", context)


@require_GET
def autocomplete(request):
    """Return JSON suggestions for the words typed so far; the last word may be incomplete."""
    text = clip(request.GET.get("q") or "")
    hits = service.autocomplete(text, limit=AUTOCOMPLETE_LIMIT) if text else []
    labels = dict(ContentType.choices)
    return JsonResponse(
        {
            "query": text,
            "results": [
                {"title": hit.title, "url": hit.url, "type": hit.content_type, "type_label": str(labels.get(hit.content_type, ""))}
                for hit in hits
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
