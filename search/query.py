"""
Analysis of what a citizen typed, shared by every search engine.

A query becomes a list of term groups. A group is one typed word, a synonym set found in the
query (all its terms are alternatives) or the name of an administrative unit (which matches the
unit's procedures and pages, and for a unit retired in July 2025 those of its successors). A
document matches when it matches enough groups (`ParsedQuery.required`); every engine applies the
same rule so results agree across engines.

A single letter at the end of the query is a word still being typed. Nearly every document holds
a word that starts with it, so it ranks documents but does not count towards the match
(`TermGroup.optional`); matching it would cost much and filter almost nothing.
"""

import dataclasses
import math
from dataclasses import dataclass, field

from . import agencies, synonyms
from .text import exact_words, fold, normalize

# Question and filler words that citizens add around a procedure name ("làm ... ở đâu", "cần gì").
# They never decide whether a document matches.
STOP_WORDS = frozenset(
    "a ai bao cach can cho co cua dau duoc em gi gium giup hoi huong khi la lam muon nao nhu nhung "
    "nhieu o oi the thi toi va ve voi xin".split()
)

# Share of the term groups a document must match when the query has more than two.
MATCH_SHARE = 0.75
MAX_GROUPS = 10
# Query characters analysed: the longest procedure title in data/vn-tthc-commune-catalog has
# 300, so a pasted title fits. Only the first MAX_GROUPS term groups are searched.
MAX_QUERY_LENGTH = 300


def clip(text, max_length=MAX_QUERY_LENGTH):
    """
    Return `text` normalised and cut to at most `max_length` characters, at a word boundary.

    The cut is made on NFC text, so a letter and its diacritics stay together. A single word
    longer than `max_length` is cut inside the word.
    """
    text = normalize(text)
    if len(text) <= max_length:
        return text
    cut = text[: max_length + 1]
    boundary = cut.rfind(" ")
    return (cut[:boundary] if boundary > 0 else cut[:max_length]).strip()


@dataclass(frozen=True)
class TermGroup:
    """One requirement of the query: any of `alternatives` (tuples of folded words) must appear."""

    alternatives: tuple
    exact: tuple = ()
    prefix: bool = False
    agency_codes: tuple = ()
    commune_level: bool = False
    # Ranks documents that match it but is not one of the groups a document must match.
    optional: bool = False

    @property
    def words(self):
        return self.alternatives[0]


@dataclass(frozen=True)
class AgencyNote:
    """An administrative unit named in the query and the current units it stands for."""

    typed: str
    name: str
    retired: bool
    successors: tuple  # (code, name) of current units


@dataclass
class ParsedQuery:
    text: str
    folded_words: list
    exact_words: list
    groups: list = field(default_factory=list)
    agency_notes: list = field(default_factory=list)
    # Positions of words that belong to a synonym or a unit name; spelling correction skips them.
    protected: set = field(default_factory=set)

    @property
    def folded(self):
        return " ".join(self.folded_words)

    @property
    def required_groups(self):
        """The groups that count towards the match (all but an optional one)."""
        return [group for group in self.groups if not group.optional]

    @property
    def required(self):
        """How many of `required_groups` a document must match."""
        count = len(self.required_groups)
        if count <= 2:
            return count
        return math.ceil(count * MATCH_SHARE)

    @property
    def is_empty(self):
        return not self.groups

    @property
    def has_no_words(self):
        """True when text was typed but none of it is letters or digits ("!!!", "😀")."""
        return bool(self.text) and not self.folded_words

    def correctable(self):
        """Yield (position, folded word) of the words that spelling correction may replace."""
        for position, word in enumerate(self.folded_words):
            if position in self.protected or word in STOP_WORDS or word.isdigit():
                continue
            yield position, word

    def is_completion(self, position, replacement):
        """Return True when `replacement` only completes the partly typed last word."""
        word = self.folded_words[position]
        return position == len(self.folded_words) - 1 and replacement.startswith(word)

    def with_replacements(self, replacements):
        """Return the typed text with the words at some positions replaced (position to word)."""
        words = [replacements.get(position, word) for position, word in enumerate(self.exact_words)]
        return " ".join(words)


def _find_spans(words, phrases):
    """
    Yield (start, end, payload) for the longest phrases found in `words`, left to right.

    `phrases` maps tuples of folded words to a payload (a `search.tables.PhraseTable`, whose
    longest key is known, or a plain dict).
    """
    longest = getattr(phrases, "longest", None)
    if longest is None:
        longest = max((len(phrase) for phrase in phrases), default=0)
    position = 0
    while position < len(words):
        for length in range(min(longest, len(words) - position), 0, -1):
            candidate = tuple(words[position : position + length])
            if candidate in phrases:
                yield position, position + length, phrases[candidate]
                position += length
                break
        else:
            position += 1


def parse(text, use_synonyms=True, use_agencies=True):
    """Analyse `text` into a ParsedQuery; see the module docstring for the rules."""
    text = clip(text)
    exact = exact_words(text)
    folded = [fold(word) for word in exact]
    parsed = ParsedQuery(text=text, folded_words=folded, exact_words=exact)
    if not folded:
        return parsed

    claimed = [None] * len(folded)

    if use_agencies:
        for start, end, alias in _find_spans(folded, agencies.aliases()):
            claimed[start:end] = [alias] * (end - start)

    if use_synonyms:
        synonym_sets = synonyms.phrases()
        for start, end, alternatives in _find_spans(folded, synonym_sets):
            if any(claimed[start:end]):
                continue
            claimed[start:end] = [alternatives] * (end - start)

    last = len(folded) - 1
    position = 0
    while position < len(folded) and len(parsed.groups) < MAX_GROUPS:
        owner = claimed[position]
        end = position + 1
        while owner is not None and end < len(folded) and claimed[end] is owner:
            end += 1

        if owner is not None:
            parsed.protected.update(range(position, end))

        if isinstance(owner, agencies.Alias):
            parsed.groups.append(_agency_group(owner, tuple(folded[position:end])))
            parsed.agency_notes.append(
                AgencyNote(
                    typed=" ".join(exact[position:end]),
                    name=owner.name,
                    retired=owner.retired,
                    successors=tuple((unit.code, unit.name) for unit in owner.units),
                )
            )
        elif owner is not None:
            typed = tuple(folded[position:end])
            alternatives = (typed,) + tuple(alt for alt in owner if alt != typed)
            parsed.groups.append(TermGroup(alternatives=alternatives, exact=tuple(exact[position:end])))
        elif folded[position] not in STOP_WORDS:
            parsed.groups.append(
                TermGroup(
                    alternatives=((folded[position],),),
                    exact=(exact[position],),
                    prefix=position == last,
                )
            )
        position = end

    if not parsed.groups:
        # Only filler words were typed: search for them rather than return nothing.
        parsed.groups = [
            TermGroup(alternatives=((word,),), exact=(exact[index],), prefix=index == last)
            for index, word in enumerate(folded[:MAX_GROUPS])
        ]

    last_group = parsed.groups[-1]
    if len(parsed.groups) > 1 and last_group.prefix and len(last_group.words) == 1 and len(last_group.words[0]) == 1:
        parsed.groups[-1] = dataclasses.replace(last_group, optional=True)
    return parsed


def _agency_group(alias, typed):
    names = tuple(unit.name_words for unit in alias.units if unit.name_words)
    alternatives = (typed,) + tuple(name for name in names if name != typed)
    return TermGroup(
        alternatives=alternatives,
        agency_codes=tuple(unit.code for unit in alias.units),
        commune_level=any(unit.is_commune for unit in alias.units),
    )
