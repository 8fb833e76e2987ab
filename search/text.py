"""
Vietnamese text normalisation shared by search, slugs and name matching.

Unicode gives "đ" and "Đ" no decomposition, so stripping combining marks alone leaves them in
place; they are mapped to "d" explicitly. Input is NFC-normalised first so that text typed on a
keyboard that emits decomposed characters (common on macOS and iOS) matches stored text.
"""

import functools
import re
import unicodedata

_STROKE_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def normalize(text):
    """Return `text` in NFC with runs of whitespace collapsed to one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text):
    """
    Return a lowercase key of `text` without diacritics, for matching what users type.

    "Đăng ký khai sinh" and the decomposed form of it both fold to "dang ky khai sinh".
    """
    decomposed = unicodedata.normalize("NFD", normalize(text).translate(_STROKE_LETTERS))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.lower()


def fold_words(text):
    """Return the folded words of `text`, with punctuation removed."""
    return _NON_WORD.sub(" ", fold(text)).split()


def slugify(text, max_length=80):
    """Return an ASCII slug of Vietnamese text: "Đăng ký khai sinh" becomes "dang-ky-khai-sinh"."""
    slug = "-".join(fold_words(text))
    if len(slug) <= max_length:
        return slug
    return slug[:max_length].rsplit("-", 1)[0]


@functools.lru_cache(maxsize=8192)
def fold_char(char):
    """Return the folded form of one character, always exactly one character long."""
    folded = fold(char)
    return folded[0] if folded else " "


class _AlignedFoldTable(dict):
    """A `str.translate` table that computes `fold_char` of each new code point once."""

    def __missing__(self, code_point):
        folded = fold_char(chr(code_point))
        self[code_point] = folded
        return folded


_ALIGNED_FOLD_TABLE = _AlignedFoldTable()


def fold_aligned(text):
    """
    Return `fold(text)` with one output character per input character of NFC `text`.

    Positions found in the folded text are positions in `text`, which the snippet highlighter
    relies on. `text` must already be NFC (see `normalize`).
    """
    return text.translate(_ALIGNED_FOLD_TABLE)


# Letters and digits; the underscore is a word character in `\w` but not in `fold_words`.
_WORD = re.compile(r"[^\W_]+")


def exact_words(text):
    """Return the lowercase NFC words of `text`, keeping their diacritics; punctuation and emoji are dropped."""
    return _WORD.findall(normalize(text).lower())
