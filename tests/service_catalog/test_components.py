"""Kinds of dossier components: the import's rule, the refresh, the admin and the upload API."""

import importlib
import json
from collections import Counter

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import querydict_from_html

from service_catalog.importing.components import classify_component, classify_components
from service_catalog.importing.records import clean_record, read_procedure_records
from service_catalog.models import DossierComponent, ProcedurePage
from service_catalog.models.procedures import ComponentKind

from .conftest import REAL_EXPORT, import_catalogue, write_export

REQUIRED, CONDITIONAL, NOTE = ComponentKind.REQUIRED, ComponentKind.CONDITIONAL, ComponentKind.NOTE


@pytest.mark.parametrize(
    ("name", "originals", "copies", "kind"),
    [
        ("- Giấy chứng sinh", 1, 0, REQUIRED),
        ("(4) Hộ chiếu còn thời hạn.", 1, 0, REQUIRED),
        ("+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ", 0, 0, NOTE),
        ("- Tờ khai đăng ký khai sinh theo mẫu", 0, 0, NOTE),
        ("- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản", 1, 0, CONDITIONAL),
        ("c) Đối với trường hợp hy sinh quy định tại điểm e", 1, 0, CONDITIONAL),
        ("- Chứng nhận lưu hành tự do CFS (nếu có).", 1, 0, CONDITIONAL),
        ("- Bằng “Tổ quốc ghi công” cũ nếu còn.", 1, 0, CONDITIONAL),
        ("Bản sao quyết định thành lập (trong trường hợp chưa được tích hợp)", 0, 1, CONDITIONAL),
        ("- Tờ khai theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp)", 1, 0, CONDITIONAL),
        ("- Tùy từng trường hợp kèm theo một trong các giấy tờ sau: + Giấy tờ", 1, 0, CONDITIONAL),
        # "trừ trường hợp" (except when) keeps a document required.
        ("(2) Giấy khám sức khỏe, trừ trường hợp kết quả khám sức khỏe đã được kết nối", 1, 0, REQUIRED),
        # "nếu không có" offers a replacement for a required document.
        ("- Giấy chứng sinh; nếu không có người làm chứng thì phải có giấy cam đoan", 1, 0, REQUIRED),
        # "nêu" (state) folds like "nếu" (if) but asks for no condition.
        ("Công văn đăng ký, trong đó có nêu rõ nguyện vọng", 1, 0, REQUIRED),
        ("- Người có yêu cầu thực hiện việc nộp/xuất trình các giấy tờ sau:", 1, 0, NOTE),
        ("Người tham gia gửi hồ sơ về UBND cấp xã, thành phần hồ sơ bao gồm", 1, 0, NOTE),
        ("Người nhập khẩu hoàn toàn chịu trách nhiệm trước pháp luật về chất lượng", 1, 0, NOTE),
    ],
)
def test_kind_of_single_row(name, originals, copies, kind):
    assert classify_component(name, originals, copies) == kind


def test_alternatives_after_heading_are_conditional():
    rows = [
        ("(5) Hộ chiếu còn thời hạn.", 1, 0),
        ("(6) Giấy tờ chứng minh là nhà quản lý là một trong các giấy tờ sau:", 1, 0),
        ("+ Điều lệ công ty và giấy tờ chứng minh là nhà quản lý", 1, 0),
        ("+ Giấy phép thành lập cơ quan, tổ chức", 1, 0),
        ("(7) Văn bản của người sử dụng lao động", 1, 0),
        ("+ Một dòng sau một mục không mở danh sách", 1, 0),
    ]

    assert classify_components(rows) == [REQUIRED, REQUIRED, CONDITIONAL, CONDITIONAL, REQUIRED, REQUIRED]


def test_rows_under_conditional_heading_are_conditional():
    rows = [
        ("- Sơ họa vị trí khu vực", 1, 0),
        ("- Đối với các dự án đầu tư, hồ sơ đề nghị cấp phép phải bổ sung:", 0, 1),
        ("+ Bản vẽ thiết kế kỹ thuật thi công được phê duyệt.", 0, 1),
        ("- Báo cáo đánh giá ảnh hưởng", 1, 0),
    ]

    assert classify_components(rows) == [REQUIRED, CONDITIONAL, CONDITIONAL, REQUIRED]


def test_kinds_over_whole_export():
    records = [record for record in read_procedure_records(REAL_EXPORT) if hasattr(record, "components")]
    kinds = Counter(component.kind for record in records for component in record.components)
    without_counts = [
        component for record in records for component in record.components if not component.originals and not component.copies
    ]

    assert len(records) == 92
    assert kinds == {REQUIRED: 272, CONDITIONAL: 262, NOTE: 412}
    assert all(component.kind == NOTE for component in without_counts)
    # Every procedure keeps at least one document to bring.
    assert all(any(component.kind != NOTE for component in record.components) for record in records)


def test_birth_registration_kinds(real_records):
    raw = next(record for record in real_records if record["ma_tthc"] == "1.001193")

    record = clean_record(raw)
    by_kind = {kind: [component.name for component in record.components if component.kind == kind] for kind in ComponentKind}

    assert len(raw["tphs"]) == 33
    assert len(by_kind[REQUIRED]) == 2
    assert by_kind[REQUIRED][0].startswith("- Giấy chứng sinh")
    assert by_kind[REQUIRED][1].startswith("- Hộ chiếu/Thẻ căn cước công dân")
    assert len(by_kind[CONDITIONAL]) == 6
    assert any(name.startswith("- Trường hợp trẻ em bị bỏ rơi") for name in by_kind[CONDITIONAL])
    assert any(name.startswith("- Tờ khai đăng ký khai sinh theo mẫu") for name in by_kind[CONDITIONAL])
    assert len(by_kind[NOTE]) == 25
    assert any("đã có trong Cơ sở dữ liệu quốc gia" in name for name in by_kind[NOTE])
    assert any(name.startswith("+ Người tiếp nhận có trách nhiệm") for name in by_kind[NOTE])


def test_merged_repeat_with_mixed_kinds_is_conditional(real_records):
    raw = json.loads(json.dumps(next(record for record in real_records if record["ma_tthc"] == "1.000288")))
    first = raw["tphs"][0]
    # The same document again, this time under a heading of alternatives.
    raw["tphs"] += [
        {"ma_tphs": "X1", "ten_giay_to": "(3) Một trong các giấy tờ sau:", "ban_chinh": True, "ban_sao": False, "bm_dien_tu": "Không"},
        {**first, "ten_giay_to": "+ " + first["ten_giay_to"], "ma_tphs": "X2"},
        {**first, "ten_giay_to": "+ " + first["ten_giay_to"], "ma_tphs": "X2"},
    ]
    raw["tphs"].insert(0, {**first, "ten_giay_to": "+ " + first["ten_giay_to"], "ma_tphs": "X2"})

    record = clean_record(raw)
    kinds = {component.code: component.kind for component in record.components}

    assert kinds["X2"] == CONDITIONAL
    assert kinds[first["ma_tphs"]] == REQUIRED
    assert record.merged_components == 2


@pytest.mark.django_db
def test_save_keeps_kind_and_flag_consistent(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.000288")

    legacy_optional = DossierComponent.objects.create(page=page, name="Bản sao giấy phép", is_required=False)
    legacy_required = DossierComponent.objects.create(page=page, name="Đơn đề nghị")
    note = DossierComponent.objects.create(page=page, name="Lưu ý về bản chụp", kind=NOTE, is_required=True)

    assert (legacy_optional.kind, legacy_optional.is_required) == (CONDITIONAL, False)
    assert (legacy_required.kind, legacy_required.is_required) == (REQUIRED, True)
    assert (note.kind, note.is_required) == (NOTE, False)
    note.kind = REQUIRED
    note.save()
    note.refresh_from_db()
    assert note.is_required is True


@pytest.mark.django_db
def test_upload_components_leave_out_notes(sample_catalogue, django_assert_num_queries):
    page = ProcedurePage.objects.prefetch_related("dossier_components").get(national_code="1.001193")
    stored = list(DossierComponent.objects.filter(page=page).order_by("sort_order"))

    with django_assert_num_queries(0):
        uploads = page.upload_components()
        notes = page.dossier_notes()

    assert [component.pk for component in uploads] == [component.pk for component in stored if component.kind != NOTE]
    assert [component.pk for component in notes] == [component.pk for component in stored if component.kind == NOTE]
    assert len(uploads) == 8
    assert [component.is_required for component in uploads].count(True) == 2
    assert all(component.is_required == (component.kind == REQUIRED) for component in stored)
    assert len(notes) == 25


def _changed_copy(records, code, change):
    copied = [json.loads(json.dumps(record)) for record in records]
    change(next(record for record in copied if record["ma_tthc"] == code))
    return copied


@pytest.mark.django_db
def test_refresh_keeps_editor_kind_of_unchanged_row(tmp_path, sample_records):
    import_catalogue(write_export(tmp_path / "first.jsonl", sample_records))
    page = ProcedurePage.objects.get(national_code="1.001193")
    birth_certificate = page.dossier_components.get(name__startswith="- Giấy chứng sinh")
    abandoned = page.dossier_components.get(name__startswith="- Trường hợp trẻ em bị bỏ rơi")
    form = Document.objects.create(title="Mẫu tờ khai", file="documents/to-khai.pdf")
    birth_certificate.kind = CONDITIONAL  # the editor's change
    birth_certificate.form_document = form
    birth_certificate.save()
    abandoned.kind = NOTE
    abandoned.save()

    def change(record):
        record["ten_tthc"] += " (sửa đổi)"
        for item in record["tphs"]:
            if item["ten_giay_to"].startswith("- Trường hợp trẻ em bị bỏ rơi"):
                item["ten_giay_to"] += " (sửa đổi)"

    result = import_catalogue(write_export(tmp_path / "second.jsonl", _changed_copy(sample_records, "1.001193", change)))

    assert [page.national_code for page in result.updated] == ["1.001193"]
    page = ProcedurePage.objects.get(national_code="1.001193")
    kept = page.dossier_components.get(name__startswith="- Giấy chứng sinh")
    assert (kept.kind, kept.imported_kind, kept.is_required) == (CONDITIONAL, REQUIRED, False)
    assert kept.form_document == form
    # The editor also changed this row, but the export changed it since: the rule decides again.
    renewed = page.dossier_components.get(name__startswith="- Trường hợp trẻ em bị bỏ rơi")
    assert (renewed.kind, renewed.imported_kind) == (CONDITIONAL, CONDITIONAL)
    assert page.live_revision.content["dossier_components"][0]["kind"] in {REQUIRED, CONDITIONAL, NOTE}


@pytest.mark.django_db
def test_unchanged_record_keeps_every_editor_kind(tmp_path, sample_records):
    import_catalogue(write_export(tmp_path / "first.jsonl", sample_records))
    component = ProcedurePage.objects.get(national_code="1.001193").dossier_components.get(
        name__startswith="- Giấy chứng sinh"
    )
    component.kind = NOTE
    component.save()

    result = import_catalogue(write_export(tmp_path / "second.jsonl", sample_records))

    component.refresh_from_db()
    assert result.updated == []
    assert component.kind == NOTE


@pytest.mark.django_db
def test_migration_classifies_existing_rows(sample_catalogue):
    migration = importlib.import_module("service_catalog.migrations.0004_dossier_component_kind")
    imported = ProcedurePage.objects.get(national_code="1.001193")
    editors_page = ProcedurePage.objects.get(national_code="1.000288")
    editors_page.source_hash = ""
    editors_page.save()
    rows = list(imported.dossier_components.order_by("sort_order"))
    expected = classify_components([(row.name, row.originals, row.copies) for row in rows])
    # Rows as the import wrote them before kinds existed, one of them made optional by an editor.
    DossierComponent.objects.update(kind="", imported_kind="", is_required=True)
    cleared = next(row for row, kind in zip(rows, expected) if kind == REQUIRED)
    DossierComponent.objects.filter(pk=cleared.pk).update(is_required=False)
    editors_optional = editors_page.dossier_components.first()
    DossierComponent.objects.filter(pk=editors_optional.pk).update(is_required=False)

    migration.classify_existing_components(apps, None)

    stored = {row.pk: row for row in DossierComponent.objects.filter(page=imported)}
    for row, kind in zip(rows, expected):
        assert stored[row.pk].imported_kind == kind
        assert stored[row.pk].kind == (CONDITIONAL if row.pk == cleared.pk else kind)
        assert stored[row.pk].is_required == (stored[row.pk].kind == REQUIRED)
    editor_rows = {row.pk: row for row in DossierComponent.objects.filter(page=editors_page)}
    assert editor_rows[editors_optional.pk].kind == CONDITIONAL
    assert all(row.imported_kind == "" for row in editor_rows.values())
    assert sum(row.kind == REQUIRED for row in editor_rows.values()) == len(editor_rows) - 1


@pytest.mark.django_db
def test_editor_changes_kind_in_admin(sample_catalogue, admin_client):
    page = ProcedurePage.objects.get(national_code="1.000288")
    component = page.dossier_components.order_by("sort_order").first()
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = admin_client.get(edit_url)
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    prefix = next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(component.pk))

    assert data[f"{prefix}-kind"] == REQUIRED
    data[f"{prefix}-kind"] = NOTE
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    component.refresh_from_db()
    assert (component.kind, component.is_required, component.imported_kind) == (NOTE, False, REQUIRED)
    assert [row.pk for row in ProcedurePage.objects.get(pk=page.pk).upload_components()] == [
        row.pk for row in page.dossier_components.order_by("sort_order") if row.pk != component.pk
    ]


@pytest.mark.django_db
def test_notes_apart_on_procedure_page(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = client.get(page.url).content.decode()
    table = html[html.index('<table class="data-table">') : html.index("</table>")]
    notes = html[html.index('<ul class="dossier-notes">') : html.index("</ul>", html.index('<ul class="dossier-notes">'))]

    assert "Lưu ý" in html
    assert table.count("<tr") == 1 + 8  # the header and the documents
    assert table.count("Chỉ khi thuộc trường hợp của bạn") == 6
    assert notes.count("<li>") == 25
    for note in page.dossier_notes():
        assert note.name.replace("“", "&ldquo;")[:40] not in table
    assert ">0</td>\n              <td>0</td>" not in table


@pytest.mark.django_db
def test_notes_apart_on_checklist(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = client.get(f"/danh-muc/thu-tuc/{page.pk}/in/").content.decode()
    documents = html[html.index("<table>") : html.index("</table>")]
    notes = html[html.index('<ul class="notes">') : html.index("</ul>", html.index('<ul class="notes">'))]

    assert "Giấy tờ cần mang theo (8)" in html
    assert 'class="density-compact"' in html  # 8 documents and 25 notes: the compact table
    assert documents.count("☐") == 8
    assert documents.count("nếu thuộc trường hợp của bạn") == 6
    assert notes.count("<li>") == 25


@pytest.mark.django_db
def test_dossier_of_notes_only_is_incomplete(sample_catalogue):
    from service_catalog.completeness import _annotated, missing_parts

    page = ProcedurePage.objects.get(national_code="1.000288")
    before = missing_parts(_annotated(ProcedurePage.objects.filter(pk=page.pk)).get())
    page.dossier_components.update(kind=NOTE, is_required=False)

    after = missing_parts(_annotated(ProcedurePage.objects.filter(pk=page.pk)).get())

    assert "dossier_components" not in before
    assert "dossier_components" in after
