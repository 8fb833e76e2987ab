"""Synonym sets that staff keep in the admin, as a cached lookup used by query analysis."""

from .tables import CachedTable, PhraseTable
from .text import fold_words


def phrases():
    """Return a dict mapping each term (a tuple of folded words) to all terms of its sets."""
    return _TABLE.get()


def clear_cache(**kwargs):
    _TABLE.clear()


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
    return PhraseTable(table)


_TABLE = CachedTable("synonyms", _build_table)
