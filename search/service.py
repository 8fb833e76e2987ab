"""
One search as the public pages run it: analysis, promoted results, engine call, corrections.

Views, the quality script and the benchmark all go through `run_search`, so they measure what
citizens get.
"""

import logging
from dataclasses import dataclass, field

from . import query as query_analysis
from .engines import get_engine
from .engines.base import MAX_PAGE_SIZE, PAGE_SIZE, SearchRequest, SearchResults
from .models import PromotedResult, SearchDocument, fold_query_key
from .tables import CachedTable

logger = logging.getLogger(__name__)

FILTER_NAMES = ("type", "audience", "sector", "agency", "level", "online")


@dataclass
class Promoted:
    page_id: int
    title: str
    url: str
    description: str


@dataclass
class SearchOutcome:
    text: str
    parsed: object
    results: SearchResults
    page: int
    per_page: int
    promoted: list = field(default_factory=list)
    suggestion: str = ""
    corrected_from: str = ""

    @property
    def has_no_words(self):
        """True when the query had no letters or digits, so nothing was searched."""
        return self.parsed.has_no_words

    @property
    def hits(self):
        return self.results.hits

    @property
    def total(self):
        return self.results.total

    @property
    def page_count(self):
        return max(1, -(-self.results.total // self.per_page))


def clean_filters(params):
    """Return the facet filters present in `params` (a QueryDict or dict), one value each."""
    filters = {}
    for name in FILTER_NAMES:
        value = (params.get(name) or "").strip()
        if value:
            filters[name] = value[:100]
    return filters


def _promoted_queries():
    return frozenset(PromotedResult.objects.values_list("query_folded", flat=True))


# The folded queries that have promoted results, so that most searches skip the query for them.
# Saving or deleting a PromotedResult clears it (see `search.signals`).
PROMOTED_QUERIES = CachedTable("promoted-queries", _promoted_queries)


def promoted_for(text):
    """Return the pages editors pinned to this query, live ones only, in their order."""
    key = fold_query_key(text)
    if not key or key not in PROMOTED_QUERIES.get():
        return []
    rows = (
        PromotedResult.objects.filter(query_folded=key, page__live=True)
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    promoted = []
    for row in rows:
        url = row.page.url
        if url is None:
            continue
        description = row.description or _indexed_summary(row.page_id)
        promoted.append(Promoted(page_id=row.page_id, title=row.page.title, url=url, description=description))
    return promoted


def _indexed_summary(page_id):
    body = SearchDocument.objects.filter(page_id=page_id).values_list("body", flat=True).first() or ""
    return body[:200] + ("…" if len(body) > 200 else "")


def run_search(text, filters=None, page=1, per_page=PAGE_SIZE, engine=None, correct=True):
    """
    Search for `text` with facet `filters` and return a SearchOutcome.

    When the engine finds words that no document contains and proposes corrections, the
    corrected query runs instead and `corrected_from` keeps what was typed.
    """
    engine = engine or get_engine()
    filters = filters or {}
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    page = max(1, page)

    parsed = query_analysis.parse(text)
    if parsed.has_no_words:
        # An empty query would list the newest pages, which have nothing to do with the
        # punctuation or emoji that was typed.
        results = SearchResults(total=0, hits=[], facets={})
        return SearchOutcome(text=parsed.text, parsed=parsed, results=results, page=1, per_page=per_page)

    pinned = promoted_for(parsed.text)
    request = _request(parsed, filters, page, per_page, pinned, suggest=True)
    results = None
    proposed = None
    if not parsed.is_empty:
        if engine.suggests_while_searching:
            # One request to the engine returns the results and the corrections together.
            results = engine.search(request)
            proposed = results.suggestion
        else:
            proposed = engine.suggest(parsed)

    corrected_from = ""
    if correct and proposed and fold_query_key(proposed.text) != fold_query_key(parsed.text):
        # A word that no document contains matches nothing, so its closest indexed word is
        # searched instead. The page offers the typed query as a link.
        corrected_from = parsed.text
        parsed = query_analysis.parse(proposed.text)
        pinned = promoted_for(parsed.text) or pinned
        request = _request(parsed, filters, page, per_page, pinned)
        results = None
    if results is None:
        results = engine.search(request)

    promoted = pinned if page == 1 else []
    suggestion = proposed.text if proposed and not correct else ""
    return SearchOutcome(
        text=parsed.text,
        parsed=parsed,
        results=results,
        page=page,
        per_page=per_page,
        promoted=promoted,
        corrected_from=corrected_from,
        suggestion=suggestion,
    )


def _request(parsed, filters, page, per_page, pinned, suggest=False):
    return SearchRequest(
        query=parsed,
        filters=filters,
        page=page,
        per_page=per_page,
        exclude_ids=tuple(item.page_id for item in pinned),
        suggest=suggest and not parsed.is_empty,
    )


def autocomplete(text, limit=8, engine=None):
    engine = engine or get_engine()
    parsed = query_analysis.parse(text, use_synonyms=False, use_agencies=False)
    return engine.autocomplete(parsed, limit=limit)


def paginator_pages(outcome, window=2):
    """Return the page numbers to link around the current one, with None for gaps."""
    last = outcome.page_count
    numbers = sorted({1, last, *range(max(1, outcome.page - window), min(last, outcome.page + window) + 1)})
    pages = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            pages.append(None)
        pages.append(number)
        previous = number
    return pages
