"""
The database engine's search statement on PostgreSQL: one statement per search request.

The statement matches once. A materialised CTE (`candidates`) holds the documents whose
tsvector matches enough term groups, found through the GIN index, with the filters applied.
The total, the facet counts and the ranking all read that CTE.

The score is `(10 * matched + cheap + rank) * boost`, the formula of the SQLite path plus the
tsvector rank:
- `cheap` comes from LIKE tests on the short title and keyword columns, stored in the row;
- `matched`, the number of matched groups, comes from GIN bitmap scans of the documents that
  match more than `required` groups, so no tsvector is read for it (see `levels`);
- `rank` is ts_rank_cd with normalisation 32, in [0, 1). It reads the large, TOASTed tsvector,
  so it is computed only for a shortlist: the documents whose base score (without the rank)
  is within one point (times the boost) of the K-th best, K being the end of the page shown.

Documents outside the shortlist cannot reach the first K, so the order is exact, except that
the shortlist holds at most K + SHORTLIST_EXTRA documents. When more base scores tie that
closely, the rank orders only the first of them by base score, title length and page id.

Snippets are built in Python from the bodies of the page shown, which the statement returns.
"""

import datetime
import json
from dataclasses import dataclass

from django.db import connection, transaction

from .base import FACET_SIZE

# Score weights, shared with the SQLite path in `database.py`. Only their order matters, and the
# quality script (`manage.py evaluate_search`) measures their effect.
MATCHED_GROUP = 10.0
TITLE_GROUP = 3.0
KEYWORD_GROUP = 1.5
TITLE_PHRASE = 5.0
EXACT_WORD = 2.0
TITLE_COVERAGE = 4.0
PROCEDURE_PRIOR = 1.0

# Documents past the end of the page shown that also get the tsvector rank (see the docstring).
SHORTLIST_EXTRA = 200

TABLE = "search_searchdocument"
FACET_TABLE = "search_searchfacet"


def like_escape(text):
    """Escape LIKE wildcards with PostgreSQL's default escape character, the backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(words, prefix):
    """Return the LIKE pattern of `words` as consecutive whole words of space-padded text."""
    phrase = " " + like_escape(" ".join(words))
    return f"%{phrase}%" if prefix else f"%{phrase} %"


# Joins two adjacent words into one indexed lexeme; see migration 0004_postgresql_word_pairs.
WORD_PAIR_JOINER = "qz"


def tsquery_term(words, prefix):
    """
    Return the tsquery text of one alternative: a word, or a phrase as its adjacent word pairs.

    The pairs make a phrase match through the GIN index alone. "a b c" requires the pairs
    "a b" and "b c", which a text can hold without holding the phrase only in contrived cases.
    A phrase whose last word is still being typed keeps the phrase operator.
    """
    terms = list(words)
    if len(terms) == 1:
        return terms[0] + (":*" if prefix else "")
    if prefix:
        terms[-1] = terms[-1] + ":*"
        return "(" + " <-> ".join(terms) + ")"
    pairs = [f"{first}{WORD_PAIR_JOINER}{second}" for first, second in zip(terms, terms[1:])]
    return pairs[0] if len(pairs) == 1 else "(" + " & ".join(pairs) + ")"


def group_tsquery(group):
    return "(" + " | ".join(tsquery_term(words, group.prefix) for words in group.alternatives) + ")"


def at_least_tsquery(groups, required):
    """
    Return a tsquery that is true when at least `required` of `groups` match.

    The query is factorised, "g1 & (at least k - 1 of the rest) | (at least k of the rest)",
    which has about half the terms of the list of all combinations; the GIN index evaluates
    the whole tree for every document that holds any of the words.
    """
    return _at_least([group_tsquery(group) for group in groups], required)


def _at_least(parts, required):
    if required <= 0:
        raise ValueError("a tsquery cannot express 'at least 0 groups'")
    if required == len(parts):
        return "(" + " & ".join(parts) + ")"
    if required == 1:
        return "(" + " | ".join(parts) + ")"
    first, rest = parts[0], parts[1:]
    return f"(({first} & {_at_least(rest, required - 1)}) | {_at_least(rest, required)})"


class Sql:
    """An SQL fragment with its parameters, joined by `+` and `join`."""

    def __init__(self, text, params=()):
        self.text = text
        self.params = list(params)

    def __add__(self, other):
        if isinstance(other, str):
            other = Sql(other)
        return Sql(self.text + other.text, self.params + other.params)

    def __radd__(self, other):
        return Sql(other) + self

    @classmethod
    def join(cls, separator, parts):
        parts = list(parts)
        return Sql(separator.join(part.text for part in parts), [param for part in parts for param in part.params])


def _padded(alias, column):
    return f"(' ' || {alias}.{column} || ' ')"


def _in_text(alias, column, group):
    """SQL true when any alternative of `group` is a run of whole words of the column."""
    tests = [Sql(f"{_padded(alias, column)} LIKE %s", [like_pattern(words, group.prefix)]) for words in group.alternatives]
    return Sql("(") + Sql.join(" OR ", tests) + ")"


def _has_facet(alias, facet, values):
    return Sql(
        f"EXISTS (SELECT 1 FROM {FACET_TABLE} f WHERE f.document_id = {alias}.page_id AND f.facet = %s AND f.value = ANY(%s))",
        [facet, list(values)],
    )


def _agency_condition(alias, group):
    """SQL true when a document belongs to the units of an administrative-unit group."""
    condition = _has_facet(alias, "agency", group.agency_codes)
    if group.commune_level:
        condition = condition + " OR " + _has_facet(alias, "level", ["commune"])
    return Sql("(") + condition + ")"


def _vector_match(column, tsquery):
    return Sql(f"{column} @@ to_tsquery('simple', %s)", [tsquery])


@dataclass
class Row:
    page_id: int
    title: str
    url: str
    content_type: str
    date: object
    body: str
    score: float


@dataclass
class Outcome:
    total: int
    rows: list
    facets: dict


class StatementBuilder:
    """Build the search statement of one SearchRequest; see the module docstring."""

    def __init__(self, request):
        self.request = request
        self.parsed = request.query
        self.groups = self.parsed.groups

    @property
    def unit_group_count(self):
        return sum(1 for group in self.groups if group.agency_codes)

    def statement(self):
        if self.parsed.is_empty:
            return self.listing_statement()
        return self.search_statement()

    def filters(self, alias):
        conditions = [_has_facet(alias, facet, [value]) for facet, value in sorted(self.request.filters.items())]
        if self.request.exclude_ids:
            conditions.append(Sql(f"NOT ({alias}.page_id = ANY(%s))", [list(self.request.exclude_ids)]))
        return conditions

    # Candidates

    def candidate_source(self):
        """
        Return (FROM clause, conditions) that select the candidates through the GIN index.

        Without unit names in the query the tsquery is exact. A unit group can also match
        through the unit's facets, so only `required - units` text groups are certain, and the
        exact count is checked on those candidates (see `features`).
        """
        text_groups = [group for group in self.groups if not group.agency_codes]
        text_required = self.parsed.required - self.unit_group_count
        if text_required >= 1:
            return Sql(f"{TABLE} d"), [_vector_match("d.search_vector", at_least_tsquery(text_groups, text_required))]

        # Every group may match through facets alone: gather ids from the index and the facets.
        any_group = " | ".join(group_tsquery(group) for group in self.groups)
        sources = [Sql(f"SELECT page_id FROM {TABLE} WHERE search_vector @@ to_tsquery('simple', %s)", [any_group])]
        for group in self.groups:
            if group.agency_codes:
                sources.append(
                    Sql(f"SELECT document_id FROM {FACET_TABLE} WHERE facet = 'agency' AND value = ANY(%s)", [list(group.agency_codes)])
                )
                if group.commune_level:
                    sources.append(Sql(f"SELECT document_id FROM {FACET_TABLE} WHERE facet = 'level' AND value = 'commune'"))
        return Sql(f"{TABLE} d JOIN (") + Sql.join(" UNION ", sources) + ") ids ON ids.page_id = d.page_id", []

    def levels(self):
        """
        Return {k: SQL of the ids matching at least k groups} for k above `required`.

        Without unit groups every candidate matches `required` groups, so its exact count is
        `required` plus the number of these nested sets that hold it. Each set is one GIN
        bitmap scan, where testing each group on each candidate would read every tsvector.
        """
        if self.unit_group_count:
            return {}
        return {
            count: Sql(f"SELECT page_id FROM {TABLE} WHERE search_vector @@ to_tsquery('simple', %s)", [at_least_tsquery(self.groups, count)])
            for count in range(self.parsed.required + 1, len(self.groups) + 1)
        }

    def features(self):
        """
        SQL of the candidates with their score features, read from the short inline columns.

        Columns: page_id, title_word_count, boost, content_type, and per group `t<i>` (in the
        title), `k<i>` (in the keywords), per exact word `e<j>` and `phrase`. With unit groups
        it also carries the tsvector (`vector`), read only where a group is not decided by the
        title, the keywords or the unit's facets.
        """
        columns = [Sql("d.page_id, d.title_word_count, d.boost, d.content_type")]
        for index, group in enumerate(self.groups):
            columns.append(_in_text("d", "title_folded", group) + f" AS t{index}")
            columns.append(_in_text("d", "keywords_folded", group) + f" AS k{index}")
        for index, word in enumerate(self.exact_words()):
            columns.append(Sql(f"{_padded('d', 'title_exact')} LIKE %s AS e{index}", [f"% {like_escape(word)} %"]))
        columns.append(self.phrase_test("d") + " AS phrase")
        if self.unit_group_count:
            columns.append(Sql("d.search_vector AS vector"))

        source, conditions = self.candidate_source()
        conditions += self.filters("d")
        # OFFSET 0 keeps the planner from merging this subquery into the outer one, which would
        # evaluate each LIKE test once per reference.
        return Sql("SELECT ") + Sql.join(", ", columns) + " FROM " + source + " WHERE " + Sql.join(" AND ", conditions) + " OFFSET 0"

    def exact_words(self):
        return [word for group in self.groups for word in group.exact]

    def phrase_test(self, alias):
        """SQL true when the title holds the first alternatives of all groups in order."""
        phrase = [words for group in self.groups for words in group.alternatives[:1]]
        if len(phrase) < 2:
            return Sql("FALSE")
        flat = tuple(word for words in phrase for word in words)
        return Sql(f"{_padded(alias, 'title_folded')} LIKE %s", [like_pattern(flat, self.groups[-1].prefix)])

    def cheap_score(self):
        """SQL of the score without matched groups and rank, over the columns of `features`."""
        parts = []
        for index in range(len(self.groups)):
            parts.append(Sql(f"CASE WHEN x.t{index} THEN {TITLE_GROUP} WHEN x.k{index} THEN {KEYWORD_GROUP} ELSE 0 END"))
        for index in range(len(self.exact_words())):
            parts.append(Sql(f"CASE WHEN x.e{index} THEN {EXACT_WORD} ELSE 0 END"))
        parts.append(Sql(f"CASE WHEN x.phrase THEN {TITLE_PHRASE} ELSE 0 END"))
        covered = " + ".join(f"x.t{index}::int" for index in range(len(self.groups)))
        parts.append(Sql(f"({covered})::float8 / greatest(x.title_word_count, 1) * {TITLE_COVERAGE}"))
        parts.append(Sql(f"CASE WHEN x.content_type = 'procedure' THEN {PROCEDURE_PRIOR} ELSE 0 END"))
        return Sql("(") + Sql.join(" + ", parts) + ")::float8"

    def matched_count(self, levels):
        """SQL of the exact number of matched groups, over the columns of `features`."""
        if not self.unit_group_count:
            parts = [Sql("%s", [self.parsed.required])]
            parts += [Sql(f"(x.page_id IN (SELECT page_id FROM level{count}))::int") for count in levels]
            return Sql("(") + Sql.join(" + ", parts) + ")"

        parts = []
        for index, group in enumerate(self.groups):
            branches = [Sql(f"x.t{index} OR x.k{index}")]
            if group.agency_codes:
                branches.append(_agency_condition("x", group))
            branches.append(_vector_match("x.vector", group_tsquery(group)))
            whens = Sql.join(" ", [Sql("WHEN ") + branch + " THEN 1" for branch in branches])
            parts.append(Sql("(CASE ") + whens + " ELSE 0 END)")
        return Sql("(") + Sql.join(" + ", parts) + ")"

    def search_statement(self):
        request = self.request
        levels = self.levels()
        window_end = request.offset + request.per_page
        any_group = " | ".join(tsquery_term(words, group.prefix) for group in self.groups for words in group.alternatives)

        ctes = [Sql(f"level{count} AS MATERIALIZED (") + sql + ")" for count, sql in levels.items()]
        scored = (
            Sql("SELECT x.page_id, x.title_word_count, x.boost, ")
            + self.matched_count(levels)
            + " AS matched, "
            + self.cheap_score()
            + " AS cheap FROM ("
            + self.features()
            + ") x OFFSET 0"
        )
        ctes.append(
            Sql("candidates AS MATERIALIZED (SELECT y.page_id, y.title_word_count, y.boost, (%s * y.matched + y.cheap) * y.boost AS base FROM (", [MATCHED_GROUP])
            + scored
            + Sql(") y WHERE y.matched >= %s)", [self.parsed.required])
        )
        # The rank adds less than one point times the boost, so a document whose base score is
        # that far below the K-th best base score cannot reach the first K.
        ctes.append(Sql("cutoff AS (SELECT base FROM candidates ORDER BY base DESC OFFSET %s LIMIT 1)", [window_end - 1]))
        ctes.append(
            Sql(
                "shortlist AS MATERIALIZED (SELECT page_id, title_word_count, boost, base FROM candidates "
                "WHERE base + boost >= coalesce((SELECT base FROM cutoff), '-infinity') "
                "ORDER BY base DESC, title_word_count, page_id LIMIT %s)",
                [window_end + SHORTLIST_EXTRA],
            )
        )
        ctes.append(
            Sql(
                "ranked AS (SELECT s.page_id, s.title_word_count, "
                "s.base + ts_rank_cd(d.search_vector, to_tsquery('simple', %s), 32) * s.boost AS score "
                f"FROM shortlist s JOIN {TABLE} d ON d.page_id = s.page_id)",
                [any_group],
            )
        )
        ctes.append(
            Sql(
                "shown AS (SELECT page_id, score, title_word_count FROM ranked "
                "ORDER BY score DESC, title_word_count, page_id LIMIT %s OFFSET %s)",
                [request.per_page, request.offset],
            )
        )
        return Sql("WITH ") + Sql.join(", ", ctes) + " " + self.result_select("ORDER BY s.score DESC, s.title_word_count, s.page_id")

    def listing_statement(self):
        """Filters only: the newest documents first, counted and faceted like a search."""
        request = self.request
        conditions = self.filters("d")
        where = Sql.join(" AND ", conditions) if conditions else Sql("TRUE")
        return (
            Sql(f"WITH candidates AS MATERIALIZED (SELECT d.page_id FROM {TABLE} d WHERE ")
            + where
            + "), "
            + Sql(
                f"shown AS (SELECT d.page_id, 0.0::float8 AS score, d.date, d.title FROM candidates c "
                f"JOIN {TABLE} d ON d.page_id = c.page_id "
                "ORDER BY d.date DESC NULLS LAST, d.title, d.page_id LIMIT %s OFFSET %s) ",
                [request.per_page, request.offset],
            )
            + self.result_select("ORDER BY s.date DESC NULLS LAST, s.title, s.page_id")
        )

    def result_select(self, order):
        """The final SELECT: total, the page shown (as JSON) and the facet counts (as JSON)."""
        return Sql(
            "SELECT (SELECT count(*) FROM candidates), "
            "(SELECT coalesce(json_agg(json_build_array(d.page_id, d.title, d.url, d.content_type, d.date, d.body, s.score) "
            f"{order}), '[]') FROM shown s JOIN {TABLE} d ON d.page_id = s.page_id), "
            "(SELECT coalesce(json_agg(json_build_array(facet, value, count) ORDER BY facet, count DESC, value), '[]') FROM ("
            "SELECT f.facet, f.value, count(*) AS count, "
            "row_number() OVER (PARTITION BY f.facet ORDER BY count(*) DESC, f.value) AS position "
            f"FROM candidates c JOIN {FACET_TABLE} f ON f.document_id = c.page_id GROUP BY f.facet, f.value"
            ") counted WHERE position <= %s)",
            [FACET_SIZE],
        )


def run(request):
    """Run the search statement of `request` and return an Outcome."""
    statement = StatementBuilder(request).statement()
    with transaction.atomic(), connection.cursor() as cursor:
        if request.query.is_empty:
            cursor.execute(statement.text, statement.params)
            total, hits, facet_rows = cursor.fetchone()
        else:
            # A sequential scan would evaluate the match on every row, reading each large,
            # TOAST-compressed tsvector; the GIN bitmap scan reads only the matching rows. The
            # planner does not count that reading cost, so it is told to avoid the sequential
            # scan, and JIT compilation costs more than these short statements run. The
            # previous values are restored because an outer transaction would keep them.
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('jit'), "
                "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
            )
            seqscan, jit, _, _ = cursor.fetchone()
            cursor.execute(statement.text, statement.params)
            total, hits, facet_rows = cursor.fetchone()
            cursor.execute("SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)", [seqscan, jit])

    rows = [
        Row(
            page_id=page_id,
            title=title,
            url=url,
            content_type=content_type,
            date=datetime.date.fromisoformat(date) if date else None,
            body=body or "",
            score=float(score or 0.0),
        )
        for page_id, title, url, content_type, date, body, score in _json(hits)
    ]
    facets = {}
    for facet, value, count in _json(facet_rows):
        facets.setdefault(facet, []).append((value, count))
    return Outcome(total=total, rows=rows, facets=facets)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
