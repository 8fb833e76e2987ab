"""
Parsers for the free-text fields of the national procedure export.

The export writes time limits, fees, levels and audiences as Vietnamese text. Each parser
returns the structured value where the text has a known shape and always keeps the published
text, so nothing is lost when parsing fails.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from search.text import fold, normalize

from ..models.procedures import Channel, PublicationStatus, TimeLimitUnit

# Folded unit words of the export, longest first so "ngay lam viec" wins over "ngay".
_TIME_UNITS = [
    ("ngay lam viec", TimeLimitUnit.WORKING_DAYS),
    ("ngay", TimeLimitUnit.DAYS),
    ("gio", TimeLimitUnit.HOURS),
    ("thang", TimeLimitUnit.MONTHS),
]
_TIME_LIMIT = re.compile(
    r"^(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>" + "|".join(word for word, _unit in _TIME_UNITS) + r")\.?$"
)


@dataclass(frozen=True)
class TimeLimit:
    """A time limit as published, with its number and unit when the text could be parsed."""

    text: str
    value: Decimal | None = None
    unit: str = ""

    @property
    def parsed(self):
        return self.value is not None


def parse_time_limit(text):
    """
    Parse "5 Ngày làm việc", "15 ngày", "8 giờ" or "02 tháng" into a value and a unit.

    Anything else ("Khác", "5 Khác", "02 tháng và 15 ngày làm việc") is returned unparsed with
    its text, because the export gives no unit the portal could count with.
    """
    text = normalize(text)
    match = _TIME_LIMIT.match(fold(text))
    if not match:
        return TimeLimit(text=text)

    value = Decimal(match["value"].replace(",", "."))
    unit = dict(_TIME_UNITS)[match["unit"]]
    return TimeLimit(text=text, value=value, unit=unit)


@dataclass(frozen=True)
class Fee:
    """A fee text as published, with the amount in đồng when the text states one without conflict."""

    text: str
    amount: int | None = None


# "Phí: 0 VNĐ", "Lệ phí: 50.000 VNĐ (note)" — the export's shape for every fee field.
_FEE = re.compile(
    r"^(?:Phí|Lệ phí)\s*:\s*(?P<amount>\d[\d.]*)\s*(?:VNĐ|VND|đồng|Đồng|đ)\s*(?:\((?P<note>.*)\))?\s*$",
    re.DOTALL,
)
_MONEY = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:VNĐ|VND|đồng|Đồng|đ)(?!\w)")


def _money_to_int(text):
    return int(text.replace(".", ""))


def parse_fee(text):
    """
    Parse a fee field such as "Lệ phí: 50.000 VNĐ (note)" into an amount in đồng.

    The amount is left empty when the text has another shape, or when its note states a
    different amount: "Phí: 700 VNĐ (… 700.000 đồng/cơ sở.)" is published that way, and
    showing either number alone would mislead.
    """
    text = normalize(text)
    match = _FEE.match(text)
    if not match:
        return Fee(text=text)

    amount = _money_to_int(match["amount"])
    note_amounts = {_money_to_int(found) for found in _MONEY.findall(match["note"] or "")}
    if note_amounts - {amount}:
        return Fee(text=text)
    return Fee(text=text, amount=amount)


def parse_levels(text):
    """Return the level flags of "Cấp bộ, Cấp tỉnh, Cấp xã"; unknown words set no flag."""
    folded = fold(text)
    return {
        "level_ministry": "cap bo" in folded,
        "level_province": "cap tinh" in folded,
        "level_commune": "cap xa" in folded,
    }


_PARENTHESES = re.compile(r"\([^)]*\)")


def parse_audience(text):
    """
    Return the audience flags of a "đối tượng thực hiện" text.

    The export lists groups separated by commas, but some group names contain commas
    themselves ("Tổ chức (không bao gồm doanh nghiệp, HTX)", "Cán bộ, công chức, viên chức"),
    so the flags come from keywords of the text with its bracketed remarks removed.
    """
    folded = fold(_PARENTHESES.sub(" ", text or ""))
    return {
        "for_citizens": any(word in folded for word in ("cong dan", "nguoi ", "can bo", "dang vien")),
        "for_organisations": "to chuc" in folded,
        "for_businesses": any(word in folded for word in ("doanh nghiep", "hop tac xa")),
    }


def parse_date(text):
    """Parse a dd/mm/yyyy date; return None for empty or impossible dates such as 31/02/2020."""
    text = normalize(text)
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


_STATUS_WORDS = [
    ("bai bo", PublicationStatus.ABOLISHED),
    ("sua doi", PublicationStatus.AMENDED),
    ("cong khai", PublicationStatus.PUBLISHED),
]


def parse_publication_status(text):
    """Map "Đã công khai", "… sửa đổi …" and "… bãi bỏ …" to a status; return None when unknown."""
    folded = fold(text)
    for word, status in _STATUS_WORDS:
        if word in folded:
            return status
    return None


CHANNELS = {
    "truc tiep": Channel.IN_PERSON,
    "truc tuyen": Channel.ONLINE,
    "buu chinh": Channel.POSTAL,
}


def parse_channel(text):
    """Map "Trực tiếp", "Trực tuyến" and "Bưu chính (công ích)" to a Channel; None for other names."""
    folded = fold(text)
    for name, channel in CHANNELS.items():
        if folded.startswith(name):
            return channel
    return None
