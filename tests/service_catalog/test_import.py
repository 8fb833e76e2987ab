"""The `import_province_data` command on the real data, re-run, and refreshed with a newer export."""

import csv
import io
import json
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from service_catalog.models import Agency, DossierComponent, ProcedurePage, Sector
from service_catalog.models.procedures import Channel, OnlineServiceKind, PublicationStatus

DATA = settings.PORTAL_DATA_DIR
pytestmark = pytest.mark.django_db


def _csv_rows(relative_path):
    with open(DATA / relative_path, encoding="utf-8", newline="") as csv_file:
        return list(csv.DictReader(csv_file))


def _summary(output):
    line = next(line for line in output.splitlines() if line.startswith("Summary:"))
    return dict(re.findall(r"(\w+)=(\S+)", line))


def test_real_import_counts_match_files(run_import, real_records):
    wards = _csv_rows("vn-admin-units-after-2025-07/nghe-an-wards.csv")
    old_communes = _csv_rows("vn-admin-units-before-2025-07/nghe-an-communes.csv")
    districts = {row["district_code"] for row in old_communes}
    with open(DATA / "vn-tthc-commune-catalog/linh-vuc.json", encoding="utf-8") as sectors_file:
        sectors = json.load(sectors_file)
    with open(DATA / "nghe-an/sector-departments.csv", encoding="utf-8") as mapping_file:
        departments = {row["department"] for row in csv.DictReader(mapping_file)}
    documents = sum(len({(item["ma_tphs"], item["ten_giay_to"].strip()) for item in record["tphs"]}) for record in real_records)
    channels = [channel["thoi_gian"] for record in real_records for channel in record["cach_thuc_thuc_hien"]]
    parsed = [text for text in channels if re.fullmatch(r"\d+ (ngày làm việc|ngày)", text.strip(), re.IGNORECASE)]

    summary = _summary(run_import())

    # Province, service centre, departments, current communes, retired districts and communes.
    expected_agencies = 2 + len(departments) + len(wards) + len(districts) + len(old_communes)
    assert Agency.objects.count() == expected_agencies
    assert summary["agencies"] == str(expected_agencies)
    assert summary["communes_and_wards"] == str(len(wards)) == "130"
    assert summary["retired_units"] == str(len(districts) + len(old_communes)) == "432"
    assert Sector.objects.count() == len(sectors) == 77
    assert ProcedurePage.objects.live().count() == len(real_records)
    assert summary["procedures_created"] == str(len(real_records))
    assert DossierComponent.objects.count() == documents
    assert summary["dossier_components"] == str(documents)
    kinds = Counter(DossierComponent.objects.values_list("kind", flat=True))
    assert summary["required_documents"] == str(kinds["required"])
    assert summary["conditional_documents"] == str(kinds["conditional"])
    assert summary["dossier_notes"] == str(kinds["note"])
    assert kinds["required"] + kinds["conditional"] + kinds["note"] == documents
    assert summary["time_limits_parsed"] == str(len(parsed))
    assert summary["time_limits_not_parsed"] == str(len(channels) - len(parsed))
    assert summary["malformed_skipped"] == "0"


def test_agency_codes_and_successors(run_import):
    run_import([])

    province = Agency.objects.get(code="000.00.00.H41")
    new_ward = Agency.objects.get(code="PV.X.16681.H41")
    old_ward = Agency.objects.get(code="PV.XC.16681.H41")
    vinh = Agency.objects.get(code="PV.H.412.H41")

    assert province.is_code_provisional is False
    assert new_ward.name == "Phường Thành Vinh"
    assert new_ward.is_code_provisional is True
    assert new_ward.is_current()
    assert old_ward.name == "Phường Quang Trung"
    assert old_ward.valid_to.isoformat() == "2025-06-30"
    assert list(old_ward.successors.all()) == [new_ward]
    assert old_ward.parent == vinh
    assert new_ward in vinh.successors.all()
    assert {agency.code for agency in Agency.objects.filter(kind=Agency.Kind.DEPARTMENT)} == {
        "PV.S.TP.H41",
        "PV.S.NV.H41",
        "PV.S.GDDT.H41",
        "PV.S.NNMT.H41",
    }
    assert Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE).code == "PV.TTPVHCC.H41"


def test_split_commune_has_two_successors(run_import):
    with open(DATA / "vn-admin-mapping-20250701/nghe-an-splits.json", encoding="utf-8") as splits_file:
        communes = json.load(splits_file)["data"][0]["level3s"]
    splits = [commune for commune in communes if len(commune["splits"]) > 1]

    run_import([])

    assert len(splits) == 2
    for commune in splits:
        old = Agency.objects.get(code=f"PV.XC.{commune['level3_id']}.H41")
        successors = {agency.gso_code for agency in old.successors.all()}
        assert successors == {split["new_id"] for split in commune["splits"]}


def test_owner_from_sector_mapping_and_fallback(sample_catalogue):
    owners = dict(ProcedurePage.objects.values_list("national_code", "owner_agency__code"))

    assert owners["1.001193"] == "PV.S.TP.H41"  # Hộ tịch
    assert owners["1.014199"] == "PV.S.NV.H41"  # Việc làm
    assert owners["1.000288"] == "PV.S.GDDT.H41"  # education
    assert owners["1.014849"] == "PV.S.NNMT.H41"  # Thủy lợi
    # Empty sector: the department named in the implementing agencies.
    assert owners["1.010803"] == "PV.S.NV.H41"
    # Empty sector and the agency shifted into the decision number.
    assert owners["1.010805"] == "PV.S.NV.H41"


def test_page_fields_from_record(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.001193")
    record = next(record for record in sample_catalogue if record["ma_tthc"] == "1.001193")

    assert page.title == record["ten_tthc"]
    assert page.instance_code == "1.001193.000.00.00.H41"
    assert page.sector.name == "Hộ tịch"
    assert page.level_commune is True
    assert page.for_citizens is True
    assert page.get_parent().specific.agency.code == "PV.S.TP.H41"
    assert page.get_parent().get_parent().slug == "thu-tuc-hanh-chinh"
    assert page.channels.count() == len(record["cach_thuc_thuc_hien"])
    assert page.steps.count() == len(record["trinh_tu_thuc_hien"])
    assert page.results.count() == len(record["kqth"])
    assert page.legal_bases.count() == len(record["ccpl"])
    first_basis = page.legal_bases.first()
    assert first_basis.issued_on.strftime("%d/%m/%Y") == record["ccpl"][0]["ngay_ban_hanh"]
    assert page.decision_number == record["so_quyet_dinh"]
    assert page.live_revision is not None
    assert page.url.startswith("/thu-tuc-hanh-chinh/so-tu-phap/")


def test_online_service_kind_from_channels(sample_catalogue):
    with_online = ProcedurePage.objects.get(national_code="1.001193")
    without_online = ProcedurePage.objects.get(national_code="1.000593")

    assert Channel.ONLINE in with_online.channels.values_list("channel", flat=True)
    assert with_online.online_service_kind == OnlineServiceKind.PARTIAL
    assert with_online.accepts_online
    assert Channel.ONLINE not in without_online.channels.values_list("channel", flat=True)
    assert without_online.online_service_kind == OnlineServiceKind.NONE
    assert not without_online.accepts_online


def test_long_name_kept_beside_title(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.014864")

    assert len(page.title) <= 255
    assert page.title.endswith("…")
    assert len(page.full_name) == 300
    assert page.display_name == page.full_name


def test_rerun_changes_nothing(run_import, sample_records):
    run_import(sample_records)
    counts = (Agency.objects.count(), Page.objects.count(), Revision.objects.count(), DossierComponent.objects.count())

    summary = _summary(run_import(sample_records))

    assert (Agency.objects.count(), Page.objects.count(), Revision.objects.count(), DossierComponent.objects.count()) == counts
    assert summary["procedures_created"] == "0"
    assert summary["procedures_updated"] == "0"
    assert summary["procedures_unchanged"] == str(len(sample_records))


def test_refresh_updates_abolishes_and_skips_malformed(run_import, sample_records):
    run_import(sample_records)
    changed_code, vanished_code = "1.001193", "1.000593"
    old_title = ProcedurePage.objects.get(national_code=changed_code).title
    newer = []
    for record in sample_records:
        if record["ma_tthc"] == vanished_code:
            continue
        if record["ma_tthc"] == changed_code:
            record = json.loads(json.dumps(record))
            record["ten_tthc"] = "Thủ tục đăng ký khai sinh (bản cập nhật)"
            record["cach_thuc_thuc_hien"][0]["thoi_gian"] = "3 ngày làm việc"
        newer.append(record)
    malformed_lines = ['{"ma_tthc": "1.999999", "ten_tthc": ""}', "{broken json"]

    output = run_import(newer, extra_lines=malformed_lines)
    summary = _summary(output)

    changed = ProcedurePage.objects.get(national_code=changed_code)
    assert changed.title == "Thủ tục đăng ký khai sinh (bản cập nhật)"
    assert changed.channels.first().time_limit_value == 3
    revisions = list(changed.revisions.order_by("created_at", "pk"))
    assert len(revisions) == 2
    assert revisions[0].content["title"] == old_title
    assert changed.live_revision == revisions[1]
    vanished = ProcedurePage.objects.get(national_code=vanished_code)
    assert vanished.publication_status == PublicationStatus.ABOLISHED
    assert vanished.live
    assert vanished.status_date is not None
    assert summary["procedures_updated"] == "1"
    assert summary["procedures_abolished"] == "1"
    assert summary["procedures_unchanged"] == str(len(sample_records) - 2)
    assert summary["malformed_skipped"] == "2"
    assert "1.999999" in output
    assert "line 9" in output
    assert f"Updated {changed_code}: channels, title." in output
    assert f"Abolished {vanished_code}" in output
    assert ProcedurePage.objects.filter(national_code=changed_code).count() == 1

    again = _summary(run_import(newer, extra_lines=malformed_lines))
    assert again["procedures_updated"] == "0"
    assert again["procedures_abolished"] == "0"


def test_refresh_keeps_full_online_choice(run_import, sample_records):
    run_import(sample_records)
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.online_service_kind = OnlineServiceKind.FULL
    page.save_revision().publish()
    changed = [json.loads(json.dumps(record)) for record in sample_records]
    changed[0]["ten_tthc"] += " (sửa đổi)"

    run_import(changed)

    assert ProcedurePage.objects.get(national_code="1.001193").online_service_kind == OnlineServiceKind.FULL


def test_editor_created_page_never_abolished(run_import, sample_records):
    run_import(sample_records)
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.source_hash = ""
    page.save_revision().publish()

    run_import(sample_records[1:])

    page.refresh_from_db()
    assert page.publication_status == PublicationStatus.PUBLISHED


def test_replaced_code_survives_reimport(run_import):
    run_import([])
    output = io.StringIO()

    call_command("set_agency_code", "PV.S.TP.H41", "000.20.30.H41", stdout=output)
    run_import([])

    department = Agency.objects.get(code="000.20.30.H41")
    assert department.name == "Sở Tư pháp"
    assert department.is_code_provisional is False
    assert not Agency.objects.filter(code="PV.S.TP.H41").exists()
    assert "replaced" in output.getvalue()


def test_set_agency_code_refuses_taken_code(run_import):
    run_import([])

    with pytest.raises(CommandError, match="already belongs"):
        call_command("set_agency_code", "PV.S.TP.H41", "PV.S.NV.H41")
    with pytest.raises(CommandError, match="No agency"):
        call_command("set_agency_code", "PV.S.XX.H41", "000.20.31.H41")


def test_set_agency_code_refuses_printed_code(sample_catalogue):
    from submissions.models import Application

    department = Agency.objects.get(code="PV.S.TP.H41")
    procedure = ProcedurePage.objects.get(national_code="1.001193")
    Application.objects.create(
        code="PV.S.TP.H41-261205-0001",
        procedure=procedure,
        procedure_title=procedure.title,
        channel=Channel.IN_PERSON,
        status=2,
        receiving_agency=department,
        processing_agency=department,
        current_agency=department,
        applicant_name="Nguyễn Văn An",
        applicant_id_number="040090000001",
        applicant_phone="+84912345678",
        applicant_address="Số 1 đường Lê Lợi, phường Thành Vinh",
    )

    with pytest.raises(CommandError, match="printed on applications"):
        call_command("set_agency_code", "PV.S.TP.H41", "000.20.30.H41")

    assert Agency.objects.filter(code="PV.S.TP.H41").exists()


def test_refresh_keeps_child_rows_in_record_order(run_import, sample_records):
    run_import(sample_records)
    code = "1.001193"
    newer = [json.loads(json.dumps(record)) for record in sample_records]
    record = next(record for record in newer if record["ma_tthc"] == code)
    record["cach_thuc_thuc_hien"][0]["thoi_gian"] = "3 ngày làm việc"

    run_import(newer)

    page = ProcedurePage.objects.get(national_code=code)
    channels = list(page.channels.all())
    components = list(page.dossier_components.all())
    assert [channel.sort_order for channel in channels] == list(range(len(record["cach_thuc_thuc_hien"])))
    assert channels[0].time_limit_value == 3
    assert [component.sort_order for component in components] == list(range(len(components)))
