"""Cleaning the export's records: quirks repaired, malformed records reported with their code."""

import json

import pytest

from service_catalog.importing.records import (
    UNCLASSIFIED_SECTOR,
    MalformedRecord,
    clean_record,
    read_procedure_records,
    source_hash,
)
from service_catalog.models.procedures import PublicationStatus

from .conftest import write_export


def _record(real_records, code):
    return next(record for record in real_records if record["ma_tthc"] == code)


def test_shifted_fields_repaired(real_records):
    raw = _record(real_records, "1.010805")

    record = clean_record(raw)

    assert raw["so_quyet_dinh"] == "Sở Nội Vụ"
    assert record.decision_number == ""
    assert record.implementing_agency_text == "Sở Nội Vụ"
    assert raw["doi_tuong_thuc_hien"] == "Đã công khai"
    assert record.audience_text == ""
    assert record.status == PublicationStatus.PUBLISHED
    assert record.sector_name == UNCLASSIFIED_SECTOR
    assert len(record.repairs) == 3


def test_repeated_components_merged(real_records):
    raw = _record(real_records, "1.014199")
    distinct = {(item["ma_tphs"], item["ten_giay_to"].strip()) for item in raw["tphs"]}

    record = clean_record(raw)

    assert len(raw["tphs"]) == 224
    assert len(record.components) == len(distinct)
    assert record.merged_components == 224 - len(distinct)
    codes = [component.code for component in record.components]
    assert len(codes) == len(set(codes))


def test_component_flags_become_counts(real_records):
    raw = _record(real_records, "1.000288")

    record = clean_record(raw)

    for item, component in zip(raw["tphs"], record.components):
        assert component.originals == (1 if item["ban_chinh"] else 0)
        assert component.copies == (1 if item["ban_sao"] else 0)
        assert component.has_electronic_form == (item["bm_dien_tu"] == "Có")


def test_title_over_page_limit_kept_whole(real_records):
    raw = _record(real_records, "1.014864")

    record = clean_record(raw)

    assert len(record.name) == 300
    assert record.name == raw["ten_tthc"]


def test_source_hash_changes_with_content(real_records):
    raw = _record(real_records, "1.001193")
    changed = {**raw, "ten_tthc": raw["ten_tthc"] + " (sửa)"}

    assert source_hash(raw) == source_hash(dict(reversed(list(raw.items()))))
    assert source_hash(raw) != source_hash(changed)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ([], "not a JSON object"),
        ({"ten_tthc": "Không có mã"}, "not of the form"),
        ({"ma_tthc": "1.23", "ten_tthc": "Mã sai"}, "not of the form"),
        ({"ma_tthc": "1.999991", "ten_tthc": ""}, "name is empty"),
        ({"ma_tthc": "1.999992", "ten_tthc": "Tên", "tphs": "giấy tờ"}, "not a list of objects"),
        (
            {"ma_tthc": "1.999993", "ten_tthc": "Tên", "cach_thuc_thuc_hien": [{"hinh_thuc_nop": "Fax"}]},
            "unknown channel",
        ),
    ],
)
def test_malformed_records_rejected(raw, reason):
    with pytest.raises(MalformedRecord) as error:
        clean_record(raw)

    assert reason in error.value.reason


def test_malformed_record_keeps_its_code():
    with pytest.raises(MalformedRecord) as error:
        clean_record({"ma_tthc": "1.999992", "ten_tthc": "Tên", "tphs": "giấy tờ"})

    assert error.value.code == "1.999992"
    assert str(error.value).startswith("1.999992:")


def test_reader_reports_bad_lines_and_continues(tmp_path, real_records):
    first, second = real_records[0], real_records[1]
    path = write_export(
        tmp_path / "export.jsonl",
        [first],
        extra_lines=["{not json", json.dumps(first, ensure_ascii=False), json.dumps(second, ensure_ascii=False)],
    )

    items = list(read_procedure_records(path))

    assert [type(item).__name__ for item in items] == [
        "ProcedureRecord",
        "MalformedRecord",
        "MalformedRecord",
        "ProcedureRecord",
    ]
    assert items[1].line_number == 2
    assert "invalid JSON" in items[1].reason
    assert items[2].code == first["ma_tthc"]
    assert items[2].reason == "duplicate national code"
    assert items[3].code == second["ma_tthc"]
