"""
Kinds of dossier components (thành phần hồ sơ): required document, conditional document, note.

The national export lists under `tphs` not only documents but also explanations ("Người tiếp
nhận có trách nhiệm …"), headings of lists ("… thành phần hồ sơ bao gồm:") and documents that
apply only in some cases ("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản …"). The export has
no field for this, so `classify_components` reads it from the counts and the wording. The first
rule that matches decides:

1. Note: the record requires neither an original nor a copy (`ban_chinh` and `ban_sao` false).
   Every such row of the real export is an explanation or a heading.
2. Conditional: after the list marker ("-", "+", "(1)", "(7.1)", "a)"), the text starts with
   "Trường hợp", "Đối với", "Nếu" or "Tùy (từng) trường hợp", or it contains "nếu" (if) other
   than in "nếu không có" (if you lack it, bring instead …), "(trường hợp", "trong trường
   hợp", "đối với trường hợp", "(đối với" or "(áp dụng". "Trừ trường hợp" (except when) does
   not count: such a document is needed unless the exception applies. Documents asked for
   only on one channel ("… nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến")
   are conditional too.
3. Note: a heading that introduces the list without naming a document: it ends with ":"
   ("… thực hiện việc nộp/xuất trình … các giấy tờ sau:") or with "hồ sơ (bao) gồm", and it is
   not a list of alternatives (rule 4). A statement of liability ("… chịu trách nhiệm trước
   pháp luật …") is a note as well.
4. Conditional: a row inside a list of alternatives ("… là một trong các giấy tờ sau:", one of
   the following) or inside a list that applies in some cases only (a conditional row ending
   with ":", as in "Đối với các dự án đầu tư …, hồ sơ phải bổ sung:"). The list runs over the
   rows whose list marker is deeper than the heading's, up to the next row at the heading's
   level or above. A heading of alternatives keeps its own kind, so the choice among them
   still has one required entry.
5. Otherwise a required document.

The rules were tuned on all 92 records of data/vn-tthc-commune-catalog/procedures.jsonl;
tests/service_catalog/test_components.py pins the figures they give there. Rows whose wording
hides a case (a list of who issues a certificate, say) stay required; editors can change a
component's kind in the admin, and a re-import keeps that change while the row is unchanged.
"""

import re

from search.text import fold, normalize

from ..models.procedures import ComponentKind

# List markers at the start of a row, from the outermost level to the innermost.
_DOTTED = re.compile(r"^\(?\d+(?:\.\d+)+\)\s*")  # (7.1)  4.2)
_NUMBERED = re.compile(r"^\(?(?:\d+|[a-zđ])\)\s*")  # (1)  1)  a)
_DASH = re.compile(r"^[-–•*]\s*")
_PLUS = re.compile(r"^\+\s*")
_MARKER_LEVELS = ((_DOTTED, 2), (_NUMBERED, 1), (_DASH, 3), (_PLUS, 4))
NO_MARKER = 0

# Matched against the folded text (no diacritics), so "tùy" and "tuỳ" are the same word.
_CONDITIONAL_STARTS = ("truong hop ", "doi voi ", "tuy tung truong hop", "tuy truong hop")
_CONDITIONAL_PHRASES = (
    "(truong hop",
    "trong truong hop",
    "doi voi truong hop",
    "(doi voi",
    "(ap dung",
    "tuy tung truong hop",
)
# "nếu" (if) folds to the same letters as "nêu" (state), so it is matched with its diacritics.
_IF = re.compile(r"(?:^|[\s(,;])nếu\s")
_IF_LACKING = "nếu không có"
_ALTERNATIVES_HEADING = re.compile(r"\bmot trong (?:cac|nhung)\b.*\bsau(?: day)?:$")
_DOSSIER_HEADING = re.compile(r"\bho so (?:bao )?gom$")
_STATEMENT_PHRASES = ("chiu trach nhiem truoc phap luat",)


def marker_level(text):
    """Return (level of the row's list marker, text after the markers); level 0 means no marker."""
    text = text.strip()
    for pattern, level in _MARKER_LEVELS:
        match = pattern.match(text)
        if match:
            return level, text[match.end() :].lstrip("-+–•* ")
    return NO_MARKER, text


def _is_conditional(folded, lowered):
    if folded.startswith(_CONDITIONAL_STARTS) or any(phrase in folded for phrase in _CONDITIONAL_PHRASES):
        return True
    if lowered.startswith("nếu ") or _IF.search(lowered.replace(_IF_LACKING, "")):
        return True
    return False


def _is_heading(folded):
    """Return True for a row that introduces a list without naming a document (rule 3)."""
    return folded.endswith(":") or bool(_DOSSIER_HEADING.search(folded))


def classify_components(rows):
    """
    Return the kind of each dossier component, in order.

    `rows` is a sequence of (name, originals, copies) in the order the export lists them. The
    order matters, because rule 4 looks at the heading before a row.
    """
    kinds = []
    list_level = None
    for name, originals, copies in rows:
        level, folded = marker_level(fold(name))
        _level, lowered = marker_level(normalize(name).lower())
        folded = folded.rstrip(" .;,")
        if list_level is not None and level <= list_level:
            list_level = None
        alternatives = bool(_ALTERNATIVES_HEADING.search(folded))

        if not originals and not copies:
            kind = ComponentKind.NOTE
        elif _is_conditional(folded, lowered):
            kind = ComponentKind.CONDITIONAL
        elif (_is_heading(folded) and not alternatives) or any(phrase in folded for phrase in _STATEMENT_PHRASES):
            kind = ComponentKind.NOTE
        elif list_level is not None:
            kind = ComponentKind.CONDITIONAL
        else:
            kind = ComponentKind.REQUIRED
        kinds.append(kind)

        opens_list = alternatives or (kind == ComponentKind.CONDITIONAL and folded.endswith(":"))
        if opens_list and list_level is None:
            list_level = level
    return kinds


def classify_component(name, originals, copies):
    """Return the kind of one component on its own, without the list context of rule 4."""
    return classify_components([(name, originals, copies)])[0]
