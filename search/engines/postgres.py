"""
The database engine's search statement on PostgreSQL: one statement per search request.

The statement matches once. A materialised CTE (`candidates`) holds the documents whose
tsvector matches enough term groups, found through the GIN index, with the filters applied.
The total, the facet counts and the ranking all read that CTE.

The score is `(10 * matched + cheap + rank) * boost`, the formula of the SQLite path plus the
tsvector rank:
- `cheap` comes from `strpos` tests on short padded copies of the title, the keywords and the
  exact-diacritic words (see migration 0004_postgresql_search_columns);
- `matched`, the number of matched groups, comes from GIN bitmap scans of the documents that
  match more than `required` groups and of the unit groups' names and facets, so no tsvector
  is read for it (see `id_sets`);
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
import re
from dataclasses import dataclass

from django.db import connection

from ..text import fold
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

_PLAIN_WORD = re.compile(r"[0-9a-z]+")

TABLE = "search_searchdocument"
FACET_TABLE = "search_searchfacet"


def text_pattern(words, prefix):
    """Return the `strpos` needle of `words` as consecutive whole words of space-padded text."""
    phrase = " " + " ".join(words)
    return phrase if prefix else phrase + " "


# Joins two adjacent words into one indexed lexeme; see migration 0004_postgresql_search_columns.
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


def _contains(column, group):
    """SQL true when any alternative of `group` is a run of whole words of a padded column."""
    tests = [Sql(f"strpos({column}, %s) > 0", [text_pattern(words, group.prefix)]) for words in group.alternatives]
    return Sql("(") + Sql.join(" OR ", tests) + ")"


def _has_facet(alias, facet, values):
    return Sql(
        f"EXISTS (SELECT 1 FROM {FACET_TABLE} f WHERE f.document_id = {alias}.page_id AND f.facet = %s AND f.value = ANY(%s))",
        [facet, list(values)],
    )


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
        # Every group adds to the score; only the required ones decide the match.
        self.groups = self.parsed.groups
        self.text_groups = [group for group in self.parsed.required_groups if not group.agency_codes]
        self.unit_groups = [group for group in self.parsed.required_groups if group.agency_codes]
        # Text groups that every candidate matches: a unit group can match through the unit's
        # facets alone, so each one lowers what the text must match by one.
        self.certain = max(0, self.parsed.required - len(self.unit_groups))

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

        The tsquery requires `certain` text groups. Without unit groups that is exact;
        with them the exact count is checked on the candidates (see `matched_count`).
        """
        if self.certain >= 1:
            return Sql(f"{TABLE} d"), [_vector_match("d.search_vector", at_least_tsquery(self.text_groups, self.certain))]

        # Unit groups alone can make the match: gather ids from the index and from the facets.
        any_group = " | ".join(group_tsquery(group) for group in self.parsed.required_groups)
        sources = [Sql(f"SELECT page_id FROM {TABLE} WHERE search_vector @@ to_tsquery('simple', %s)", [any_group])]
        for group in self.unit_groups:
            sources.append(self.unit_facet_ids(group, "agency"))
            if group.commune_level:
                sources.append(self.unit_facet_ids(group, "level"))
        return Sql(f"{TABLE} d JOIN (") + Sql.join(" UNION ", sources) + ") ids ON ids.page_id = d.page_id", []

    @staticmethod
    def unit_facet_ids(group, facet):
        """SQL of the ids of the unit's documents: its agencies, or for a commune any commune-level one."""
        if facet == "agency":
            return Sql(f"SELECT document_id FROM {FACET_TABLE} WHERE facet = 'agency' AND value = ANY(%s)", [list(group.agency_codes)])
        return Sql(f"SELECT document_id FROM {FACET_TABLE} WHERE facet = 'level' AND value = 'commune'")

    def id_sets(self):
        """
        Return {name: SQL of a set of ids} that give each candidate's exact count of matches.

        `level<k>`: the ids matching at least k text groups, for k above `certain`. A
        candidate matches `certain` text groups plus one per level that holds it.
        `unit<u>_text`, `unit<u>_agency`, `unit<u>_level`: the ids that match unit group u
        through its names or its facets.
        Each set is one GIN bitmap scan or facet index scan, where testing each group on each
        candidate would read every candidate's large tsvector.
        """
        sets = {}
        for count in range(self.certain + 1, len(self.text_groups) + 1):
            sets[f"level{count}"] = Sql(
                f"SELECT page_id FROM {TABLE} WHERE search_vector @@ to_tsquery('simple', %s)",
                [at_least_tsquery(self.text_groups, count)],
            )
        for index, group in enumerate(self.unit_groups):
            sets[f"unit{index}_text"] = Sql(
                f"SELECT page_id FROM {TABLE} WHERE search_vector @@ to_tsquery('simple', %s)", [group_tsquery(group)]
            )
            sets[f"unit{index}_agency"] = self.unit_facet_ids(group, "agency")
            if group.commune_level:
                sets[f"unit{index}_level"] = self.unit_facet_ids(group, "level")
        return sets

    def features(self):
        """
        SQL of the candidates with their score features, read from the short padded columns.

        Columns: page_id, title_word_count, boost, content_type, per group `h<i>` (2 when the
        group is in the title, 1 when only in the keywords, else 0), `exact_padded` (tested
        in the outer query, see `exact_tests`) and `phrase`.
        """
        columns = [Sql("d.page_id, d.title_word_count, d.boost, d.content_type")]
        for index, group in enumerate(self.groups):
            columns.append(
                Sql("CASE WHEN ")
                + _contains("d.title_padded", group)
                + " THEN 2 WHEN "
                + _contains("d.keywords_padded", group)
                + f" THEN 1 ELSE 0 END AS h{index}"
            )
        columns.append(Sql("d.exact_padded"))
        columns.append(self.phrase_test("d") + " AS phrase")

        source, conditions = self.candidate_source()
        conditions += self.filters("d")
        # OFFSET 0 keeps the planner from merging this subquery into the outer one, which would
        # evaluate each test once per reference.
        return Sql("SELECT ") + Sql.join(", ", columns) + " FROM " + source + " WHERE " + Sql.join(" AND ", conditions) + " OFFSET 0"

    def exact_tests(self):
        """
        Return SQL per exact-diacritic word, true when the title or keywords hold it as typed.

        A one-word group's exact word can only be present when its folded word is, so the
        test runs only where `h<i>` found the group (when the word folds to letters and
        digits alone, as the folded columns hold them).
        """
        tests = []
        for index, group in enumerate(self.groups):
            for word in group.exact:
                test = Sql("strpos(x.exact_padded, %s) > 0", [f" {word} "])
                folded = group.words[0] if len(group.words) == 1 and len(group.exact) == 1 else None
                if folded is not None and folded == fold(word) and _PLAIN_WORD.fullmatch(folded):
                    test = Sql(f"(x.h{index} > 0 AND ") + test + ")"
                tests.append(test)
        return tests

    def phrase_test(self, alias):
        """SQL true when the title holds the first alternatives of all groups in order."""
        phrase = [words for group in self.groups for words in group.alternatives[:1]]
        if len(phrase) < 2:
            return Sql("FALSE")
        flat = tuple(word for words in phrase for word in words)
        return Sql(f"strpos({alias}.title_padded, %s) > 0", [text_pattern(flat, self.groups[-1].prefix)])

    def cheap_score(self):
        """SQL of the score without matched groups and rank, over the columns of `features`."""
        parts = []
        for index in range(len(self.groups)):
            parts.append(Sql(f"CASE x.h{index} WHEN 2 THEN {TITLE_GROUP} WHEN 1 THEN {KEYWORD_GROUP} ELSE 0 END"))
        for test in self.exact_tests():
            parts.append(Sql("CASE WHEN ") + test + f" THEN {EXACT_WORD} ELSE 0 END")
        parts.append(Sql(f"CASE WHEN x.phrase THEN {TITLE_PHRASE} ELSE 0 END"))
        covered = " + ".join(f"(x.h{index} / 2)" for index in range(len(self.groups)))
        parts.append(Sql(f"({covered})::float8 / greatest(x.title_word_count, 1) * {TITLE_COVERAGE}"))
        parts.append(Sql(f"CASE WHEN x.content_type = 'procedure' THEN {PROCEDURE_PRIOR} ELSE 0 END"))
        return Sql("(") + Sql.join(" + ", parts) + ")::float8"

    def matched_count(self, sets):
        """SQL of the exact number of required groups a candidate `x` matches; see `id_sets`."""
        parts = [Sql("%s", [self.certain])]
        parts += [Sql(f"(x.page_id IN (SELECT * FROM {name}))::int") for name in sets if name.startswith("level")]
        for index in range(len(self.unit_groups)):
            names = [name for name in sets if name.startswith(f"unit{index}_")]
            tests = " OR ".join(f"x.page_id IN (SELECT * FROM {name})" for name in names)
            parts.append(Sql(f"({tests})::int"))
        return Sql("(") + Sql.join(" + ", parts) + ")"

    def search_statement(self):
        request = self.request
        sets = self.id_sets()
        window_end = request.offset + request.per_page
        any_group = " | ".join(tsquery_term(words, group.prefix) for group in self.groups for words in group.alternatives)

        ctes = [Sql(f"{name} AS MATERIALIZED (") + sql + ")" for name, sql in sets.items()]
        if self.unit_groups:
            # The exact count decides the match, so it is computed once per candidate and filtered.
            scored = (
                Sql("SELECT x.page_id, x.title_word_count, x.boost, ")
                + self.matched_count(sets)
                + " AS matched, "
                + self.cheap_score()
                + " AS cheap FROM ("
                + self.features()
                + ") x OFFSET 0"
            )
            candidates = (
                Sql("SELECT y.page_id, y.title_word_count, y.boost, (%s * y.matched + y.cheap) * y.boost AS base FROM (", [MATCHED_GROUP])
                + scored
                + Sql(") y WHERE y.matched >= %s", [self.parsed.required])
            )
        else:
            # Every candidate matches enough groups; the sets give the exact count.
            candidates = (
                Sql("SELECT x.page_id, x.title_word_count, x.boost, (%s * ", [MATCHED_GROUP])
                + self.matched_count(sets)
                + " + "
                + self.cheap_score()
                + ") * x.boost AS base FROM ("
                + self.features()
                + ") x"
            )
        ctes.append(Sql("candidates AS MATERIALIZED (") + candidates + ")")
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


# Planner settings for the search statement, set for its transaction only. A sequential scan
# would evaluate the match on every row, reading each large, TOASTed tsvector, where the GIN
# bitmap scan reads only the matching rows; the planner does not count that reading cost.
# JIT compilation costs more than these short statements run. The previous values are saved
# in custom settings and restored, because an enclosing transaction would otherwise keep them.
PLANNER_SETTINGS = {"enable_seqscan": "off", "jit": "off"}
SAVE_AND_SET = "SELECT " + ", ".join(
    f"set_config('portal_search.saved_{name}', current_setting('{name}'), true), set_config('{name}', '{value}', true)"
    for name, value in PLANNER_SETTINGS.items()
)
RESTORE = "SELECT " + ", ".join(
    f"set_config('{name}', current_setting('portal_search.saved_{name}'), true)" for name in PLANNER_SETTINGS
)


def run(request):
    """Run the search statement of `request` and return an Outcome."""
    statement = StatementBuilder(request).statement()
    with connection.cursor() as cursor:
        if request.query.is_empty:
            cursor.execute(statement.text, statement.params)
        else:
            # One round trip: PostgreSQL runs the statements of one query string in a single
            # transaction (an implicit one unless a transaction is open), so SET LOCAL holds
            # for the search statement alone.
            cursor.execute(f"{SAVE_AND_SET}; {statement.text}; {RESTORE}", statement.params)
            cursor.nextset()
        total, hits, facet_rows = cursor.fetchone()

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
