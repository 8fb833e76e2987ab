"""Highlighted snippets of a document body, computed in Python on folded text."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import fold_aligned

SNIPPET_LENGTH = 220
# Characters folded at first when looking for the first match, then four times more each round.
FOLD_CHUNK = 2048
# Characters folded past the excerpt, so a word that runs over its end is seen whole.
FOLD_MARGIN = 64


def _word_pattern(words):
    parts = [re.escape(word) for word in words if word]
    if not parts:
        return None
    alternatives = "|".join(sorted(set(parts), key=len, reverse=True))
    # Whole words, except that any word may be a prefix of a longer one (typing, folding).
    return re.compile(rf"(?<![0-9a-z])(?:{alternatives})[0-9a-z]*")


def _fold_until_match(text, pattern):
    """
    Return (folded start of `text`, first match of `pattern` in it or None).

    Folding is the costly step, so it stops at the first match that ends before the folded
    part does (a match at its very end could be a longer word cut short).
    """
    limit = FOLD_CHUNK
    while True:
        folded = fold_aligned(text[:limit])
        first = pattern.search(folded) if pattern else None
        if limit >= len(text) or (first and first.end() < len(folded)):
            return folded, first
        limit *= 4


def highlight(text, words, length=SNIPPET_LENGTH):
    """
    Return an HTML-safe excerpt of `text` around the first match of `words`, matches in <mark>.

    `words` are folded words; matching ignores diacritics and case. Without a match the
    excerpt is the start of the text.
    """
    if not text:
        return mark_safe("")
    pattern = _word_pattern(words)
    folded, first = _fold_until_match(text, pattern)

    start = 0
    if first:
        start = max(0, first.start() - length // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    while end < len(text) and not text[end].isspace() and end - start < length + 30:
        end += 1
    if len(folded) < min(len(text), end + FOLD_MARGIN):
        folded = fold_aligned(text[: end + FOLD_MARGIN])
    # Only the matches inside the excerpt are marked; bodies can be tens of kilobytes long.
    matches = pattern.finditer(folded, start) if first else ()

    pieces = ["…" if start > 0 else ""]
    cursor = start
    for match in matches:
        if match.start() >= end:
            break
        if match.end() > end:
            continue
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))


def mark_title(title, words):
    """Return `title` HTML-escaped with the matched words in <mark>."""
    return highlight(title, words, length=len(title) + 1)
