"""
Names of administrative units that a query may contain, and the current units they stand for.

Units retired on 1 July 2025 (districts and old communes) point to their successors through
`Agency.successors`; a retired district without successors stands for the successors of its old
communes. The lookup table is kept in memory (see `search.tables`) and rebuilt whenever an
agency changes.
"""

import logging
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone

from .tables import CachedTable, PhraseTable
from .text import fold_words

logger = logging.getLogger(__name__)

# Folded unit-type words in front of a name ("Huyện Diễn Châu", "TX Cửa Lò").
UNIT_PREFIXES = (
    ("uy", "ban", "nhan", "dan"),
    ("ubnd",),
    ("thanh", "pho"),
    ("thi", "xa"),
    ("thi", "tran"),
    ("huyen",),
    ("xa",),
    ("phuong",),
    ("tp",),
    ("tx",),
    ("tt",),
)
UNIT_KINDS = ("commune", "district")
EXACT_NAME = 2
BARE_NAME = 1


@dataclass(frozen=True)
class Unit:
    """A current agency that a name in a query stands for."""

    code: str
    name: str
    name_words: tuple
    is_commune: bool


@dataclass(frozen=True)
class Alias:
    name: str
    retired: bool
    units: tuple


def aliases():
    """Return a dict mapping tuples of folded words to the Alias they name."""
    return _TABLE.get()


def clear_cache(**kwargs):
    _TABLE.clear()


def _strip_prefix(words):
    for prefix in UNIT_PREFIXES:
        if words[: len(prefix)] == prefix and len(words) > len(prefix):
            return words[len(prefix) :]
    return words


def current_successors(agency, today, seen=None):
    """Return the current agencies that took over from `agency` (itself when it is current)."""
    seen = seen if seen is not None else set()
    if agency.pk in seen:
        return []
    seen.add(agency.pk)
    if agency.is_current(today):
        return [agency]

    found = []
    successors = list(agency.successors.all())
    if not successors:
        successors = list(agency.children.all())
    for successor in successors:
        for unit in current_successors(successor, today, seen):
            if unit not in found:
                found.append(unit)
    return found


def _build_table():
    Agency = apps.get_model("service_catalog", "Agency")
    today = timezone.localdate()
    table = {}
    agencies = Agency.objects.exclude(kind="peoples_committee").prefetch_related("successors", "children")

    for agency in agencies:
        units = tuple(
            Unit(
                code=unit.code,
                name=unit.name,
                name_words=tuple(fold_words(unit.name)),
                is_commune=unit.kind == "commune",
            )
            for unit in current_successors(agency, today)
        )
        if not units:
            continue
        retired = not agency.is_current(today)
        # The official name outranks a name built from another unit type's prefix.
        keys = {tuple(fold_words(agency.name)): EXACT_NAME}
        if agency.short_name:
            keys[tuple(fold_words(agency.short_name))] = EXACT_NAME
        if agency.kind in UNIT_KINDS:
            bare = _strip_prefix(tuple(fold_words(agency.name)))
            # One-word bare names ("Vinh") are ordinary words too; they count only with a prefix.
            if len(bare) >= 2:
                keys.setdefault(bare, BARE_NAME)
                for prefix in UNIT_PREFIXES:
                    keys.setdefault(prefix + bare, BARE_NAME)

        for key, rank in keys.items():
            if not key:
                continue
            alias = Alias(name=agency.name, retired=retired, units=units)
            known = table.get(key)
            if known is None or rank > known[0]:
                table[key] = (rank, alias)
            elif rank == known[0]:
                merged = known[1].units + tuple(unit for unit in units if unit not in known[1].units)
                table[key] = (rank, Alias(name=known[1].name, retired=known[1].retired and retired, units=merged))

    logger.info("built %d administrative unit names for search", len(table))
    return PhraseTable({key: alias for key, (_, alias) in table.items()})


_TABLE = CachedTable("agency-aliases", _build_table)
