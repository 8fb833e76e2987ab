"""Checks of what applicants type and upload: personal ID number, phone number, dossier files."""

import csv
import functools
import re
import unicodedata

import filetype
import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from search.text import slugify

# Content types accepted for dossier files, with the extension the stored file gets.
ACCEPTED_FILE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
# filetype recognises every accepted type from the first bytes of the file.
SNIFF_BYTES = 2048
PERSONAL_ID_PATTERN = re.compile(r"[0-9]{12}")
PHONE_PATTERN = re.compile(r"\+?[0-9 .()-]{1,30}")


@functools.lru_cache(maxsize=1)
def birth_registration_prefixes():
    """
    Return the three-digit prefixes of personal ID numbers: "0" + the province's statistics code.

    The first three digits name the province where the birth was registered. They use the 63
    province codes in force before July 2025, because numbers already issued never change. The
    codes come from data/vn-agency-codes/province-agency-codes.csv.
    """
    path = settings.PORTAL_DATA_DIR / "vn-agency-codes" / "province-agency-codes.csv"
    try:
        with open(path, encoding="utf-8", newline="") as source:
            codes = {row["gso_code_pre_2025"].strip() for row in csv.DictReader(source)}
    except FileNotFoundError as error:
        raise ImproperlyConfigured(f"Province codes are missing: {path} not found.") from error
    return frozenset(f"0{code.zfill(2)}" for code in codes if code)


def validate_personal_id(value, today=None):
    """
    Check a 12-digit personal identification number (số định danh cá nhân, on the CCCD card).

    Digits 1–3 are the province where the birth was registered. Digit 4 gives the century and
    sex (0/1: 1900s, 2/3: 2000s, 4/5: 2100s …) and digits 5–6 the year of birth. The number has
    no check digit. A number whose year of birth lies in the future is rejected.
    """
    # str.isdigit() also accepts superscripts and other scripts' digits (², ١), so match ASCII only.
    if not PERSONAL_ID_PATTERN.fullmatch(value):
        raise ValidationError(
            _("The personal identification number has 12 digits (0 to 9); check the number on your ID card."),
            code="format",
        )

    # NOTE: births registered abroad carry a country code instead of a province code. The
    # country list of Circular 07/2016/TT-BCA is not in our data, so such numbers are rejected.
    if value[:3] not in birth_registration_prefixes():
        raise ValidationError(
            _("The first three digits (%(prefix)s) are not a province code; check the number on your ID card.")
            % {"prefix": value[:3]},
            code="province",
        )

    today = today or timezone.localdate()
    century = 19 + int(value[3]) // 2
    birth_year = century * 100 + int(value[4:6])
    if birth_year > today.year:
        raise ValidationError(
            _("Digits 4 to 6 give a year of birth (%(year)s) in the future; check the number on your ID card.")
            % {"year": birth_year},
            code="birth_year",
        )


def parse_phone(value):
    """Return a Vietnamese phone number in E.164 (+84…) or raise ValidationError."""
    message = _("Enter a Vietnamese phone number, for example 0912 345 678.")
    # phonenumbers reads letters as keypad digits (1800-FLOWERS) and accepts other scripts'
    # digits, so the characters are checked first: 0-9, spaces, dots, dashes, brackets, a leading +.
    if not PHONE_PATTERN.fullmatch(value):
        raise ValidationError(
            _("A phone number contains only the digits 0 to 9, spaces, dots, dashes and a leading +; for example 0912 345 678."),
            code="invalid",
        )
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(message, code="invalid") from None
    if not phonenumbers.is_valid_number_for_region(number, "VN"):
        raise ValidationError(message, code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164):
    """Return a stored phone number as Vietnamese write it: 0912 345 678."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def file_size_text(size, limit):
    """
    Return `size` for a message that compares it with `limit`.

    A size just over the limit rounds to the same text ("10,0 MB"), so it is given in bytes then.
    """
    text = filesizeformat(size)
    if text != filesizeformat(limit):
        return text
    return ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": number_format(size, force_grouping=True)}


def check_dossier_file(uploaded):
    """
    Return the content type of an uploaded dossier file, judged by its content, or raise ValidationError.

    The extension is ignored: a PDF renamed .jpg is a PDF, and a text file renamed .pdf is refused.
    """
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file exceeds the limit of %(limit)s: it is %(size)s. Scan at a lower resolution or split the document.")
            % {"size": file_size_text(uploaded.size, limit), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty; choose the file again."), code="empty")

    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_FILE_TYPES:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG document (its content was checked); save it in one of those formats."),
            code="file_type",
        )
    return kind.mime


def stored_file_name(original_name, content_type):
    """Return a safe file name with the extension of the detected content type."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    safe_stem = slugify(stem, max_length=80) or "document"
    return f"{safe_stem}.{ACCEPTED_FILE_TYPES[content_type]}"


# Line breaks and tabs that a multi-line field (a note, an address typed on several lines) keeps.
MULTILINE_WHITESPACE = frozenset("\n\r\t")
# Unicode categories of characters that no text input accepts: control characters (C0, DEL,
# C1), format characters (zero-width space and joiners, bidirectional controls, soft hyphen,
# byte order mark), line and paragraph separators, surrogates and private-use characters.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def find_unsafe_character(value, multiline=False):
    """Return the first character of `value` that a text input rejects, or None."""
    for char in value:
        if multiline and char in MULTILINE_WHITESPACE:
            continue
        if unicodedata.category(char) in UNSAFE_CATEGORIES:
            return char
    return None


def check_text_characters(value, multiline=False):
    """Raise ValidationError if `value` contains a control, invisible or bidirectional character."""
    char = find_unsafe_character(value, multiline)
    if char is None:
        return
    if char in MULTILINE_WHITESPACE:
        message = _("Line breaks and tabs are not allowed here; write the text on one line.")
    else:
        message = _(
            "The text contains an invisible or control character (U+%(code)s), often copied from another "
            "document; type the text again without it."
        ) % {"code": f"{ord(char):04X}"}
    raise ValidationError(message, code="unsafe_character")


def strip_unsafe_characters(value, multiline=False):
    """Return `value` without the characters `check_text_characters` rejects (for exports)."""
    return "".join(
        char
        for char in value
        if (multiline and char in MULTILINE_WHITESPACE) or unicodedata.category(char) not in UNSAFE_CATEGORIES
    )
