"""
The database search engine: the embedded default, on SQLite and PostgreSQL.

Documents live in `SearchDocument` with folded copies of their text (computed in Python by
`search.text.fold`, so "đ" folds to "d" on every database). A document matches when enough term
groups of the query appear in its folded text (see `search.query`).

On PostgreSQL a stored, generated tsvector over the folded text (title weight A, keywords B,
body D) with a GIN index finds candidates and ranks them with `ts_rank_cd`, and `pg_trgm`
proposes corrections for misspelt words. On SQLite the same conditions are LIKE patterns on
space-padded folded text and corrections come from `difflib`.
"""

import difflib
import itertools
import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, Greatest

from ..models import SearchDocument, SearchFacet, SearchTerm
from ..snippets import highlight
from ..spelling import pick_correction
from ..text import fold_words
from .base import FACET_SIZE, Hit, SearchEngine, SearchResults, Suggestion

logger = logging.getLogger(__name__)

TERM_MAX_LENGTH = 60
SUGGEST_MIN_LENGTH = 3
SIMILARITY_CUTOFF = 0.6
CORRECTION_CANDIDATES = 10
# pg_trgm similarity of a one-letter typo in a short syllable ("snh" and "sinh": 2 of 7 trigrams).
TRIGRAM_CUTOFF = 0.25

# Score weights; only their order matters, and the quality script measures their effect.
MATCHED_GROUP = 10.0
TITLE_GROUP = 3.0
KEYWORD_GROUP = 1.5
TITLE_PHRASE = 5.0
EXACT_WORD = 2.0
TITLE_COVERAGE = 4.0
PROCEDURE_PRIOR = 1.0


def _padded(field_name):
    return Concat(Value(" "), F(field_name), Value(" "), output_field=TextField())


def _contains(field_name, words, prefix):
    """Return a Q matching `words` as consecutive whole words of a padded folded field."""
    phrase = " " + " ".join(words)
    return Q(**{f"{field_name}__contains": phrase if prefix else phrase + " "})


def _tsquery_term(words, prefix):
    terms = list(words)
    if prefix:
        terms[-1] = terms[-1] + ":*"
    return terms[0] if len(terms) == 1 else "(" + " <-> ".join(terms) + ")"


class _VectorExpression(Expression):
    """
    An expression over the PostgreSQL-only `search_vector` column of the current query's table.

    The column is not a model field (SQLite has none), so it is addressed through the query's
    base table alias, which stays right when the queryset is used as a subquery.
    """

    template = ""

    def __init__(self, tsquery, output_field):
        super().__init__(output_field=output_field)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        column = f"{compiler.quote_name_unless_alias(alias)}.search_vector"
        return self.template.format(column=column), [self.tsquery]


class VectorMatch(_VectorExpression):
    template = "{column} @@ to_tsquery('simple', %s)"
    conditional = True

    def __init__(self, tsquery):
        super().__init__(tsquery, BooleanField())


class VectorRank(_VectorExpression):
    # Normalisation 32 maps the rank to rank / (rank + 1), so long bodies cannot dominate the score.
    template = "ts_rank_cd({column}, to_tsquery('simple', %s), 32)"

    def __init__(self, tsquery):
        super().__init__(tsquery, FloatField())


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
        from django.utils import timezone

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

    def _group_condition(self, group, text_field):
        """Return the condition of one term group: any alternative, or the unit's documents."""
        if self.is_postgresql:
            tsquery = " | ".join(_tsquery_term(words, group.prefix) for words in group.alternatives)
            condition = Q(VectorMatch(tsquery))
        else:
            condition = Q()
            for words in group.alternatives:
                condition |= _contains(text_field, words, group.prefix)
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

        text_field = "_folded_text"
        if not self.is_postgresql:
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
                )
            )
        queryset = queryset.annotate(_title=_padded("title_folded"), _keywords=_padded("keywords_folded"), _exact=_padded("title_exact"))

        group_conditions = [self._group_condition(group, text_field) for group in parsed.groups]
        matched = sum(
            (Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()) for condition in group_conditions),
            Value(0),
        )
        queryset = queryset.annotate(matched=matched)
        if self.is_postgresql and not any(group.agency_codes for group in parsed.groups):
            # One tsquery that is true exactly when enough groups match, so the GIN index returns
            # the matching documents and nothing else.
            queryset = queryset.filter(VectorMatch(_required_tsquery(parsed)))
        else:
            queryset = queryset.filter(matched__gte=parsed.required)

        return queryset.annotate(score=self._score(parsed))

    def _score(self, parsed):
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
        if self.is_postgresql:
            any_group = " | ".join(
                _tsquery_term(words, group.prefix) for group in parsed.groups for words in group.alternatives
            )
            score = score + VectorRank(any_group)
        return score * F("boost")

    def search(self, request):
        queryset = self._matching(request)
        total = queryset.count()

        if request.query.is_empty:
            ordered = queryset.order_by("-date", "title")
        else:
            ordered = queryset.order_by("-score", "title_word_count", "page_id")
        window = list(
            ordered.only("page_id", "title", "url", "content_type", "date")[request.offset : request.offset + request.per_page]
        )

        bodies = dict(SearchDocument.objects.filter(page_id__in=[row.page_id for row in window]).values_list("page_id", "body"))
        words = _highlight_words(request.query)
        hits = [
            Hit(
                page_id=row.page_id,
                title=row.title,
                url=row.url,
                content_type=row.content_type,
                snippet=highlight(bodies.get(row.page_id, ""), words),
                date=row.date,
                score=float(getattr(row, "score", 0.0) or 0.0),
            )
            for row in window
        ]
        return SearchResults(total=total, hits=hits, facets=self._facets(queryset))

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
            similarity = RawSQL("similarity(term, %s)", [word], output_field=FloatField())
            candidates = (
                SearchTerm.objects.annotate(similarity=similarity)
                .filter(similarity__gte=TRIGRAM_CUTOFF)
                .order_by("-similarity", "-document_count")
                .values_list("term", "document_count")[:CORRECTION_CANDIDATES]
            )
        else:
            terms = dict(SearchTerm.objects.filter(term__startswith=word[0]).values_list("term", "document_count"))
            close = difflib.get_close_matches(word, list(terms), n=CORRECTION_CANDIDATES, cutoff=SIMILARITY_CUTOFF)
            candidates = [(term, terms[term]) for term in close]
        return pick_correction(word, list(candidates))


def _group_tsquery(group):
    return "(" + " | ".join(_tsquery_term(words, group.prefix) for words in group.alternatives) + ")"


def _required_tsquery(parsed):
    """Return a tsquery true when at least `parsed.required` of the term groups match."""
    groups = [_group_tsquery(group) for group in parsed.groups]
    combinations = itertools.combinations(groups, parsed.required)
    return " | ".join("(" + " & ".join(combination) + ")" for combination in combinations)


def _exact_words(*texts):
    from ..text import exact_words

    return [word for text in texts for word in exact_words(text)]


def _highlight_words(parsed):
    return [word for group in parsed.groups for words in group.alternatives for word in words]
