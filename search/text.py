"""
Vietnamese text normalisation shared by search, slugs and name matching.

Unicode gives "đ" and "Đ" no decomposition, so stripping combining marks alone leaves them in
place; they are mapped to "d" explicitly. Input is NFC-normalised first so that text typed on a
keyboard that emits decomposed characters (common on macOS and iOS) matches stored text.
"""

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
