"""The printable checklist: documents with counts, fees, time limit, desk, QR code; one A4 page."""

import io
import re

import pytest
from django.test import RequestFactory
from django.utils.html import escape
from pypdf import PdfReader

from service_catalog.checklist import ChecklistDocument, distinct_documents, render_checklist_pdf, shorten
from service_catalog.importing.records import clean_record
from service_catalog.models import Agency, DossierComponent, ProcedurePage
from service_catalog.models.procedures import ComponentKind

from .conftest import import_catalogue, read_real_records, write_export

pytestmark = pytest.mark.django_db


def pdf_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, re.sub(r"\s+", " ", reader.pages[0].extract_text())


def worst_case_codes():
    """
    Return the real records that are hardest to fit on one page, chosen by length.

    Takes the three longest records by each measure that fills the sheet: document text,
    number of documents, note text, fee text, time limit text and title.
    """
    measures = {
        "documents": lambda record: sum(len(row.name) for row in record.components),
        "document rows": lambda record: len(record.components),
        "notes": lambda record: sum(len(row.name) for row in record.components if row.kind == ComponentKind.NOTE),
        "fees": lambda record: sum(len(channel.fee.text) for channel in record.channels),
        "time limits": lambda record: sum(len(channel.time_limit.text) for channel in record.channels),
        "title": lambda record: len(record.name),
    }
    records = [clean_record(raw) for raw in read_real_records()]
    codes = []
    for measure in measures.values():
        longest = sorted(records, key=measure, reverse=True)[:3]
        codes.extend(record.code for record in longest if record.code not in codes)
    return codes


WORST_CASE_CODES = worst_case_codes()


@pytest.fixture(scope="module")
def worst_case_catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    """The worst-case procedures, imported once for the module and removed after it."""
    records = {record["ma_tthc"]: record for record in read_real_records()}
    path = write_export(tmp_path_factory.mktemp("export") / "worst.jsonl", [records[code] for code in WORST_CASE_CODES])
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        import_catalogue(path)
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_checklist_html_lists_what_to_bring(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.014199")
    centre = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE)

    response = client.get(f"/danh-muc/thu-tuc/{page.pk}/in/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "size: A4" in html
    for document in distinct_documents(page.dossier_components.all()):
        assert escape(shorten(document.name, 40).rstrip("…")) in html
    assert "<svg" in html
    assert centre.address in html
    assert centre.office_hours in html
    assert "0 đ" in html
    channel = page.channels.exclude(time_limit_value=None).first()
    assert f"{int(channel.time_limit_value)} ngày làm việc" in html


def test_checklist_lists_repeated_document_once(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.014199")
    passport_rows = [c for c in page.upload_components() if "Hộ chiếu còn thời hạn" in c.name]

    html = client.get(f"/danh-muc/thu-tuc/{page.pk}/in/").content.decode()

    assert len(passport_rows) > 1
    assert html.count("Hộ chiếu còn thời hạn") == 1
    assert "chỉ được liệt kê một lần" in html


@pytest.mark.parametrize("code", ["1.014849", "1.001193", "1.014199"])
def test_checklist_pdf_is_one_a4_page(sample_catalogue, client, code):
    page = ProcedurePage.objects.get(national_code=code)
    documents = distinct_documents(page.dossier_components.all())

    response = client.get(f"/danh-muc/thu-tuc/{page.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    assert page.national_code in text
    assert f"({len(documents)})" in text


def test_distinct_documents_merge_repeats():
    rows = [
        DossierComponent(name="(1) Hộ chiếu còn thời hạn.", originals=1, copies=0, kind=ComponentKind.REQUIRED),
        DossierComponent(name="Ghi chú", originals=0, copies=0, kind=ComponentKind.NOTE),
        DossierComponent(name="(3) Hộ chiếu còn thời hạn", originals=0, copies=1, kind=ComponentKind.CONDITIONAL),
        DossierComponent(name="- Ảnh màu (nếu có)", originals=1, copies=0, kind=ComponentKind.CONDITIONAL),
    ]

    documents = distinct_documents(rows)

    assert documents == [
        ChecklistDocument("(1) Hộ chiếu còn thời hạn.", originals=1, copies=1, is_conditional=False, rows=2),
        ChecklistDocument("- Ảnh màu (nếu có)", originals=1, copies=0, is_conditional=True, rows=1),
    ]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Giấy khai sinh", 40, "Giấy khai sinh"),
        ("Giấy  khai\nsinh", 40, "Giấy khai sinh"),
        ("Văn bản đề nghị cấp giấy phép lao động", 20, "Văn bản đề nghị cấp…"),
        ("Giấy tờ chứng minh, theo mẫu", 20, "Giấy tờ chứng minh…"),
    ],
)
def test_shorten_cuts_at_word(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_checklist_of_unknown_page_is_404(sample_catalogue, client):
    assert client.get("/danh-muc/thu-tuc/999999/in/").status_code == 404


# Last in the module: the module-scoped catalogue stays in the database until the module ends.
@pytest.mark.parametrize("code", WORST_CASE_CODES)
def test_worst_case_checklist_fits_one_page(worst_case_catalogue, code):
    page = ProcedurePage.objects.get(national_code=code)
    documents = distinct_documents(page.dossier_components.all())
    request = RequestFactory().get("/")

    pdf, pages, density = render_checklist_pdf(request, page)

    reader, text = pdf_text(pdf)
    assert pages == 1
    assert len(reader.pages) == 1
    assert f"({len(documents)})" in text
    for document in documents:
        # Shortening keeps at least the first 45 characters of a text.
        start = " ".join(document.name.split())[:40]
        assert start in text, f"{code} at density {density} lacks document {start!r}"
    if density in ("dense", "tiny"):  # the list form prints "(originals/copies)" after each document
        for document in documents:
            assert f"({document.originals}/{document.copies})" in text


def test_checklist_qr_scales_to_its_box(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = client.get(f"/danh-muc/thu-tuc/{page.pk}/in/").content.decode()

    svg_tag = re.search(r"<svg[^>]*>", html).group()
    # Without a viewBox the stylesheet's 26 mm box crops the code instead of scaling it.
    assert "viewBox=" in svg_tag
    assert "width=" not in svg_tag
