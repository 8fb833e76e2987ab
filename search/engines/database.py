"""
The database search engine: the embedded default, on SQLite and PostgreSQL.

Documents live in `SearchDocument` with folded copies of their text (computed in Python by
`search.text.fold`, so "đ" folds to "d" on every database). A document matches when enough term
groups of the query appear in its folded text (see `search.query`).

On PostgreSQL a stored, generated tsvector over the folded text (title weight A, keywords B,
body D) with a GIN index finds the candidates. One statement per search returns the page shown,
the total and the facets (see `postgres.py`), and `pg_trgm` proposes corrections for misspelt
words. On SQLite the same conditions are LIKE patterns on space-padded folded text, the score
is the same formula without the tsvector rank, and corrections come from `difflib`.
"""

import difflib
import logging
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Greatest

from ..models import SearchDocument, SearchFacet, SearchTerm
from ..snippets import highlight
from ..spelling import pick_correction
from ..text import fold_words
from . import postgres
from .base import FACET_SIZE, Hit, Rebuild, SearchEngine, SearchResults, Suggestion
from .postgres import (
    EXACT_WORD,
    KEYWORD_GROUP,
    MATCHED_GROUP,
    PROCEDURE_PRIOR,
    TITLE_COVERAGE,
    TITLE_GROUP,
    TITLE_PHRASE,
)

logger = logging.getLogger(__name__)

TERM_MAX_LENGTH = 60
SUGGEST_MIN_LENGTH = 3
SIMILARITY_CUTOFF = 0.6
CORRECTION_CANDIDATES = 10
# pg_trgm similarity of a one-letter typo in a short syllable ("snh" and "sinh": 2 of 7 trigrams).
TRIGRAM_CUTOFF = 0.25


def _padded(field_name):
    return Concat(Value(" "), F(field_name), Value(" "), output_field=TextField())


def _contains(field_name, words, prefix):
    """Return a Q matching `words` as consecutive whole words of a padded folded field."""
    phrase = " " + " ".join(words)
    return Q(**{f"{field_name}__contains": phrase if prefix else phrase + " "})


def _facet_exists(facet, values):
    return Exists(SearchFacet.objects.filter(document=OuterRef("pk"), facet=facet, value__in=values))


class DatabaseEngine(SearchEngine):
    name = "database"

    @property
    def is_postgresql(self):
        return connection.vendor == "postgresql"

    # Writing

    def reset(self):
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()

    def start_rebuild(self):
        return DatabaseRebuild(self)

    def index_documents(self, documents):
        documents = list(documents)
        if not documents:
            return
        with transaction.atomic():
            rows = [self._row(document) for document in documents]
            SearchDocument.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["page"],
                update_fields=[
                    "content_type",
                    "title",
                    "title_folded",
                    "title_exact",
                    "keywords",
                    "keywords_folded",
                    "body",
                    "body_folded",
                    "title_word_count",
                    "url",
                    "date",
                    "boost",
                    "indexed_at",
                ],
            )
            page_ids = [document.page_id for document in documents]
            SearchFacet.objects.filter(document_id__in=page_ids).delete()
            SearchFacet.objects.bulk_create(
                SearchFacet(document_id=document.page_id, facet=facet, value=value[:100])
                for document in documents
                for facet, values in document.facets.items()
                for value in dict.fromkeys(values)
                if value
            )
            self._add_terms(rows)

    def _row(self, document):
        title_words = fold_words(document.title)
        return SearchDocument(
            page_id=document.page_id,
            content_type=document.content_type,
            title=document.title,
            title_folded=" ".join(title_words),
            title_exact=" ".join(_exact_words(document.title, document.keywords)),
            keywords=document.keywords,
            keywords_folded=" ".join(fold_words(document.keywords)),
            body=document.body,
            body_folded=" ".join(fold_words(document.body)),
            title_word_count=max(1, len(title_words)),
            url=document.url,
            date=document.date,
            boost=document.boost,
            indexed_at=timezone.now(),
        )

    def _add_terms(self, rows):
        terms = set()
        for row in rows:
            for text in (row.title_folded, row.keywords_folded, row.body_folded):
                terms.update(word for word in text.split() if len(word) <= TERM_MAX_LENGTH)
        SearchTerm.objects.bulk_create((SearchTerm(term=term) for term in terms), ignore_conflicts=True)

    def rebuild_vocabulary(self):
        """Recount in how many documents each folded word appears (run after a full rebuild)."""
        counts = Counter()
        rows = SearchDocument.objects.values_list("title_folded", "keywords_folded", "body_folded")
        for title, keywords, body in rows.iterator(chunk_size=500):
            words = set(f"{title} {keywords} {body}".split())
            counts.update(word for word in words if len(word) <= TERM_MAX_LENGTH)
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            SearchTerm.objects.bulk_create(
                (SearchTerm(term=term, document_count=count) for term, count in counts.items()),
                batch_size=2000,
            )

    def delete_documents(self, page_ids):
        SearchDocument.objects.filter(page_id__in=list(page_ids)).delete()

    def count(self):
        return SearchDocument.objects.count()

    def indexed_ids(self):
        return set(SearchDocument.objects.values_list("page_id", flat=True))

    # Searching

    def search(self, request):
        if self.is_postgresql:
            outcome = postgres.run(request)
            total, rows, facets = outcome.total, outcome.rows, outcome.facets
        else:
            total, rows, facets = self._search_like(request)

        words = _highlight_words(request.query)
        hits = [
            Hit(
                page_id=row.page_id,
                title=row.title,
                url=row.url,
                content_type=row.content_type,
                snippet=highlight(row.body, words),
                date=row.date,
                score=row.score,
            )
            for row in rows
        ]
        return SearchResults(total=total, hits=hits, facets=facets)

    def _search_like(self, request):
        """Search with LIKE patterns (SQLite): return (total, page rows, facets)."""
        queryset = self._matching(request)
        total = queryset.count()

        if request.query.is_empty:
            ordered = queryset.order_by("-date", "title", "page_id")
        else:
            ordered = queryset.order_by("-score", "title_word_count", "page_id")
        window = list(
            ordered.only("page_id", "title", "url", "content_type", "date", "body")[
                request.offset : request.offset + request.per_page
            ]
        )
        rows = [
            postgres.Row(
                page_id=row.page_id,
                title=row.title,
                url=row.url,
                content_type=row.content_type,
                date=row.date,
                body=row.body,
                score=float(getattr(row, "score", 0.0) or 0.0),
            )
            for row in window
        ]
        return total, rows, self._facets(queryset)

    def _group_condition(self, group):
        """Return the condition of one term group: any alternative, or the unit's documents."""
        condition = Q()
        for words in group.alternatives:
            condition |= _contains("_folded_text", words, group.prefix)
        if group.agency_codes:
            condition |= Q(_facet_exists("agency", group.agency_codes))
            if group.commune_level:
                condition |= Q(_facet_exists("level", ["commune"]))
        return condition

    def _filtered(self, filters):
        queryset = SearchDocument.objects.all()
        for facet, value in filters.items():
            queryset = queryset.filter(_facet_exists(facet, [value]))
        return queryset

    def _matching(self, request):
        """Return the queryset of documents matching the request's query and filters, scored."""
        parsed = request.query
        queryset = self._filtered(request.filters)
        if request.exclude_ids:
            queryset = queryset.exclude(page_id__in=request.exclude_ids)
        if parsed.is_empty:
            return queryset.annotate(score=Value(0.0, output_field=FloatField()))

        queryset = queryset.annotate(
            _folded_text=Concat(
                Value(" "),
                F("title_folded"),
                Value(" "),
                F("keywords_folded"),
                Value(" "),
                F("body_folded"),
                Value(" "),
                output_field=TextField(),
            ),
            _title=_padded("title_folded"),
            _keywords=_padded("keywords_folded"),
            _exact=_padded("title_exact"),
        )
        matched = sum(
            (
                Case(When(self._group_condition(group), then=Value(1)), default=Value(0), output_field=IntegerField())
                for group in parsed.required_groups
            ),
            Value(0),
        )
        queryset = queryset.annotate(matched=matched).filter(matched__gte=parsed.required)
        return queryset.annotate(score=self._score(parsed))

    def _score(self, parsed):
        """Return the score of `postgres.StatementBuilder` without the tsvector rank, as ORM expressions."""
        title_groups = []
        score = F("matched") * Value(MATCHED_GROUP)
        for group in parsed.groups:
            in_title = Q()
            in_keywords = Q()
            for words in group.alternatives:
                in_title |= _contains("_title", words, group.prefix)
                in_keywords |= _contains("_keywords", words, group.prefix)
            title_groups.append(Case(When(in_title, then=Value(1.0)), default=Value(0.0), output_field=FloatField()))
            score = score + Case(
                When(in_title, then=Value(TITLE_GROUP)),
                When(in_keywords, then=Value(KEYWORD_GROUP)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for word in group.exact:
                score = score + Case(
                    When(_exact__contains=f" {word} ", then=Value(EXACT_WORD)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )

        phrase = [words for group in parsed.groups for words in group.alternatives[:1]]
        if len(phrase) > 1:
            flat = tuple(word for words in phrase for word in words)
            score = score + Case(
                When(_contains("_title", flat, parsed.groups[-1].prefix), then=Value(TITLE_PHRASE)),
                default=Value(0.0),
                output_field=FloatField(),
            )

        coverage = sum(title_groups, Value(0.0)) / Greatest(Cast(F("title_word_count"), FloatField()), Value(1.0))
        score = score + coverage * Value(TITLE_COVERAGE)
        score = score + Case(
            When(content_type="procedure", then=Value(PROCEDURE_PRIOR)), default=Value(0.0), output_field=FloatField()
        )
        return score * F("boost")

    def _facets(self, queryset):
        rows = (
            SearchFacet.objects.filter(document_id__in=queryset.values("page_id"))
            .values("facet", "value")
            .annotate(count=Count("document_id"))
            .order_by("facet", "-count", "value")
        )
        facets = {}
        for row in rows:
            values = facets.setdefault(row["facet"], [])
            if len(values) < FACET_SIZE:
                values.append((row["value"], row["count"]))
        return facets

    def autocomplete(self, query, limit=8):
        words = [word for group in query.groups for word in group.words]
        if not words:
            return []
        queryset = SearchDocument.objects.annotate(_title=_padded("title_folded"))
        for index, word in enumerate(words):
            prefix = index == len(words) - 1
            queryset = queryset.filter(_contains("_title", (word,), prefix))
            if self.is_postgresql and len(word) >= 3:
                # The same test on the bare column, which the trigram index on it can serve.
                queryset = queryset.filter(title_folded__contains=word)
        rows = queryset.order_by("-boost", "title_word_count", "title").only("page_id", "title", "url", "content_type", "date")
        return [
            Hit(page_id=row.page_id, title=row.title, url=row.url, content_type=row.content_type, snippet="", date=row.date)
            for row in rows[:limit]
        ]

    def suggest(self, query):
        candidates = [(position, word) for position, word in query.correctable() if len(word) >= SUGGEST_MIN_LENGTH]
        if not candidates:
            return None
        known = set(SearchTerm.objects.filter(term__in=[word for _, word in candidates]).values_list("term", flat=True))
        replacements = {}
        for position, word in candidates:
            if word in known:
                continue
            replacement = self._closest_term(word)
            if replacement and replacement != word and not query.is_completion(position, replacement):
                replacements[position] = replacement
        return Suggestion(text=query.with_replacements(replacements)) if replacements else None

    def _closest_term(self, word):
        if self.is_postgresql:
            candidates = _similar_terms(word)
        else:
            terms = dict(SearchTerm.objects.filter(term__startswith=word[0]).values_list("term", "document_count"))
            close = difflib.get_close_matches(word, list(terms), n=CORRECTION_CANDIDATES, cutoff=SIMILARITY_CUTOFF)
            candidates = [(term, terms[term]) for term in close]
        return pick_correction(word, list(candidates))


class DatabaseRebuild(Rebuild):
    """
    A rebuild in place: documents are upserted, then those the rebuild did not write are deleted.

    Searches find every document until its new version replaces it. A document
    whose `indexed_at` is older than the start of the rebuild was written by neither the
    rebuild nor an indexing task meanwhile, so its page is no longer indexable.
    """

    def __init__(self, engine):
        self.engine = engine
        self.started_at = timezone.now()

    def index_documents(self, documents):
        self.engine.index_documents(documents)

    def finish(self, failed_ids=()):
        stale = SearchDocument.objects.filter(indexed_at__lt=self.started_at).exclude(page_id__in=list(failed_ids))
        _, deleted = stale.delete()
        self.engine.rebuild_vocabulary()
        logger.info("search rebuild removed %d stale documents", deleted.get(SearchDocument._meta.label, 0))


def _similar_terms(word):
    """
    Return (term, document count) of the vocabulary words most similar to `word` (PostgreSQL).

    The `%` operator is served by the trigram GIN index on the vocabulary, where a
    `similarity() >=` filter would compute the similarity of every term. Its cutoff is the
    `pg_trgm.similarity_threshold` setting, set until the end of the current transaction: the
    implicit one of this two-statement query string unless a transaction is already open. Only
    the `%` operator reads that setting.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true); "
            "SELECT term, document_count FROM search_searchterm WHERE term %% %s "
            "ORDER BY similarity(term, %s) DESC, document_count DESC, term LIMIT %s",
            [str(TRIGRAM_CUTOFF), word, word, CORRECTION_CANDIDATES],
        )
        cursor.nextset()
        return cursor.fetchall()


def _exact_words(*texts):
    from ..text import exact_words

    return [word for text in texts for word in exact_words(text)]


def _highlight_words(parsed):
    """Return the words to mark in snippets; an optional group (one letter being typed) would mark nearly every word."""
    return [word for group in parsed.required_groups for words in group.alternatives for word in words]
