"""Parsers of the export's free-text fields: time limits, fees, levels, audiences, dates, channels."""

import datetime
from decimal import Decimal

import pytest

from service_catalog.importing.parsing import (
    parse_audience,
    parse_channel,
    parse_date,
    parse_fee,
    parse_levels,
    parse_publication_status,
    parse_time_limit,
)
from service_catalog.models.procedures import Channel, PublicationStatus, TimeLimitUnit

TIME_LIMITS = [
    ("5 Ngày làm việc", Decimal("5"), TimeLimitUnit.WORKING_DAYS),
    ("10 ngày làm việc", Decimal("10"), TimeLimitUnit.WORKING_DAYS),
    ("15 ngày", Decimal("15"), TimeLimitUnit.DAYS),
    ("130 ngày", Decimal("130"), TimeLimitUnit.DAYS),
    ("8 giờ", Decimal("8"), TimeLimitUnit.HOURS),
    ("02 tháng", Decimal("2"), TimeLimitUnit.MONTHS),
    ("0,5 ngày làm việc", Decimal("0.5"), TimeLimitUnit.WORKING_DAYS),
    ("  3   ngày   làm việc ", Decimal("3"), TimeLimitUnit.WORKING_DAYS),
    ("24 GIỜ", Decimal("24"), TimeLimitUnit.HOURS),
    ("7 ngày.", Decimal("7"), TimeLimitUnit.DAYS),
]

UNPARSED_TIME_LIMITS = ["Khác", "5 Khác", "1 Khác", "02 tháng và 15 ngày làm việc", "", "Trong ngày", "ngày làm việc"]


@pytest.mark.parametrize(("text", "value", "unit"), TIME_LIMITS)
def test_time_limit_parsed(text, value, unit):
    limit = parse_time_limit(text)

    assert limit.parsed
    assert limit.value == value
    assert limit.unit == unit
    assert limit.text == " ".join(text.split())


@pytest.mark.parametrize("text", UNPARSED_TIME_LIMITS)
def test_time_limit_kept_as_text(text):
    limit = parse_time_limit(text)

    assert not limit.parsed
    assert limit.value is None
    assert limit.unit == ""
    assert limit.text == " ".join(text.split())


FEES = [
    ("Phí: 0 VNĐ", 0),
    ("Lệ phí: 50.000 VNĐ", 50000),
    ("Lệ phí: 1.500.000 đồng", 1500000),
    ("Lệ phí: 0 VNĐ (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định.)", 0),
    ("Phí: 0 VNĐ (- 03 ngày làm việc, kể từ ngày nhận đủ hồ sơ)", 0),
    # The note states a different amount than the fee field: no amount is trusted.
    ("Phí: 700 VNĐ (Phí thẩm định cấp giấy chứng nhận: 700.000 đồng/cơ sở.)", None),
    ("Theo quy định của Hội đồng nhân dân tỉnh", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "amount"), FEES)
def test_fee_amount(text, amount):
    fee = parse_fee(text)

    assert fee.amount == amount
    assert fee.text == text


def test_levels_from_published_text():
    assert parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã") == {
        "level_ministry": True,
        "level_province": True,
        "level_commune": True,
    }
    assert parse_levels("Cấp xã") == {"level_ministry": False, "level_province": False, "level_commune": True}
    assert parse_levels("") == {"level_ministry": False, "level_province": False, "level_commune": False}


def test_audience_ignores_commas_inside_groups():
    organisations_only = parse_audience("Tổ chức (không bao gồm doanh nghiệp, HTX)")
    citizens_and_officials = parse_audience("Công dân Việt Nam, Cán bộ, công chức, viên chức")
    businesses = parse_audience("Doanh nghiệp có vốn đầu tư nước ngoài, Hợp tác xã")

    assert organisations_only == {"for_citizens": False, "for_organisations": True, "for_businesses": False}
    assert citizens_and_officials == {"for_citizens": True, "for_organisations": False, "for_businesses": False}
    assert businesses == {"for_citizens": False, "for_organisations": False, "for_businesses": True}
    assert parse_audience("Người nước ngoài")["for_citizens"] is True
    assert parse_audience("") == {"for_citizens": False, "for_organisations": False, "for_businesses": False}


def test_dates_are_day_first():
    assert parse_date("05/04/2025") == datetime.date(2025, 4, 5)
    assert parse_date("31/02/2020") is None
    assert parse_date("") is None
    assert parse_date("2025-04-05") is None


def test_publication_status_words():
    assert parse_publication_status("Đã công khai") == PublicationStatus.PUBLISHED
    assert parse_publication_status("Đã bãi bỏ") == PublicationStatus.ABOLISHED
    assert parse_publication_status("Được sửa đổi, bổ sung") == PublicationStatus.AMENDED
    assert parse_publication_status("Sở Nội vụ") is None


def test_channel_names():
    assert parse_channel("Trực tiếp") == Channel.IN_PERSON
    assert parse_channel("Trực tuyến") == Channel.ONLINE
    assert parse_channel("Bưu chính") == Channel.POSTAL
    assert parse_channel("Bưu chính công ích") == Channel.POSTAL
    assert parse_channel("Fax") is None
