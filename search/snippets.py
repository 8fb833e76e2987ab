"""Highlighted snippets of a document body, computed in Python on folded text."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import fold_aligned

SNIPPET_LENGTH = 220


def _word_pattern(words):
    parts = [re.escape(word) for word in words if word]
    if not parts:
        return None
    alternatives = "|".join(sorted(set(parts), key=len, reverse=True))
    # Whole words, except that any word may be a prefix of a longer one (typing, folding).
    return re.compile(rf"(?<![0-9a-z])(?:{alternatives})[0-9a-z]*")


def highlight(text, words, length=SNIPPET_LENGTH):
    """
    Return an HTML-safe excerpt of `text` around the first match of `words`, matches in <mark>.

    `words` are folded words; matching ignores diacritics and case. Without a match the
    excerpt is the start of the text.
    """
    if not text:
        return mark_safe("")
    pattern = _word_pattern(words)
    folded = fold_aligned(text)
    first = pattern.search(folded) if pattern else None

    start = 0
    if first:
        start = max(0, first.start() - length // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    while end < len(text) and not text[end].isspace() and end - start < length + 30:
        end += 1
    # Only the matches inside the excerpt are marked; bodies can be tens of kilobytes long.
    matches = list(pattern.finditer(folded, start, end)) if first else []

    pieces = ["…" if start > 0 else ""]
    cursor = start
    for match in matches:
        if match.start() < start or match.end() > end:
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
