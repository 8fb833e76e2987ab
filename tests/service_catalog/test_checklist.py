"""The printable checklist: documents with counts, fees, time limit, desk, QR code; one A4 page."""

import io
import re

import pytest
from pypdf import PdfReader

from service_catalog.models import Agency, ProcedurePage

pytestmark = pytest.mark.django_db


def test_checklist_html_lists_what_to_bring(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.014199")
    centre = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE)

    response = client.get(f"/danh-muc/thu-tuc/{page.pk}/in/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "size: A4" in html
    for component in page.dossier_components.all():
        assert component.name in html
    assert "<svg" in html
    assert centre.address in html
    assert centre.office_hours in html
    assert "0 đ" in html
    channel = page.channels.exclude(time_limit_value=None).first()
    assert f"{int(channel.time_limit_value)} ngày làm việc" in html


@pytest.mark.parametrize("code", ["1.014849", "1.001193", "1.014199"])
def test_checklist_pdf_is_one_a4_page(sample_catalogue, client, code):
    page = ProcedurePage.objects.get(national_code=code)

    response = client.get(f"/danh-muc/thu-tuc/{page.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert page.national_code in text
    assert f"({len(page.upload_components())})" in text


def test_checklist_of_unknown_page_is_404(sample_catalogue, client):
    assert client.get("/danh-muc/thu-tuc/999999/in/").status_code == 404
