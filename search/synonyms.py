"""Synonym sets that staff keep in the admin, as a cached lookup used by query analysis."""

from django.core.cache import cache

from .text import fold_words

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 3600


def phrases():
    """Return a dict mapping each term (a tuple of folded words) to all terms of its sets."""
    table = cache.get(CACHE_KEY)
    if table is None:
        table = _build_table()
        cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def clear_cache(**kwargs):
    cache.delete(CACHE_KEY)


def _build_table():
    from .models import Synonym

    table = {}
    for synonym in Synonym.objects.filter(is_active=True):
        terms = []
        for term in synonym.term_list:
            words = tuple(fold_words(term))
            if words and words not in terms:
                terms.append(words)
        if len(terms) < 2:
            continue
        for term in terms:
            known = table.get(term, ())
            table[term] = known + tuple(other for other in terms if other not in known)
    return table
