"""The public procedure page: every part, in the order a citizen needs them, with JSON-LD."""

import json
import re
from html import unescape

import pytest
from django.utils import translation

from service_catalog.models import ProcedurePage

pytestmark = pytest.mark.django_db


def _html(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD script in the page"
    return json.loads(match.group(1))


def test_page_shows_every_part(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    record = next(record for record in sample_catalogue if record["ma_tthc"] == "1.001193")

    html = _html(client, page)

    assert page.title in html
    assert page.instance_code in html
    assert record["doi_tuong_thuc_hien"] in html
    for component in page.dossier_components.all():
        assert component.name in html
    for step in page.steps.all():
        assert step.text.splitlines()[0] in html
    for result in page.results.all():
        assert result.name in html
    for basis in page.legal_bases.all():
        assert basis.number in html
        if basis.issued_on:
            assert basis.issued_on.strftime("%d/%m/%Y") in html
    assert record["so_quyet_dinh"] in html
    assert "1 Khác" in html  # the unparsed time limit, as published
    assert "0 đ" in html
    assert "Sở Tư pháp" in html


def test_parts_in_citizen_order(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = _html(client, page)

    positions = [html.index(f'id="{anchor}"') for anchor in ("who", "documents", "how-long", "how-much", "where")]
    assert positions == sorted(positions)
    assert html.index("procedure-action") < positions[0]


def test_online_procedure_links_to_apply(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = _html(client, page)

    assert f'href="/ho-so/nop/{page.pk}/"' in html
    assert "Nộp hồ sơ trực tuyến" in html


def test_offline_procedure_sends_to_counter(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.000593")

    html = _html(client, page)

    assert f"/ho-so/nop/{page.pk}/" not in html
    assert "Nộp hồ sơ tại quầy" in html
    assert "Trung tâm Phục vụ hành chính công" in html


def test_provincial_procedure_shows_centre_address_and_hours(sample_catalogue, client):
    from service_catalog.models import Agency

    centre = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE)
    page = ProcedurePage.objects.get(national_code="1.014199")

    html = _html(client, page)

    assert centre.name in html
    assert centre.address in html
    assert centre.office_hours in html


def test_time_limit_in_words(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.014849")
    channel = page.channels.exclude(time_limit_value=None).first()

    html = _html(client, page)

    assert f"{int(channel.time_limit_value)} ngày làm việc" in html
    with translation.override("en"):
        from service_catalog.presentation import format_time_limit

        assert format_time_limit(channel) == f"{int(channel.time_limit_value)} working days"


def test_json_ld_describes_service(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    data = _json_ld(_html(client, page))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == page.title
    assert data["identifier"] == "1.001193.000.00.00.H41"
    assert data["provider"] == {"@type": "GovernmentOrganization", "name": "Sở Tư pháp", "identifier": "PV.S.TP.H41"}
    assert data["serviceType"] == "Hộ tịch"
    assert len(data["availableChannel"]) == page.channels.count()
    online = [channel for channel in data["availableChannel"] if "serviceUrl" in channel]
    assert online and online[0]["serviceUrl"].endswith(f"/ho-so/nop/{page.pk}/")
    assert data["offers"] == {"@type": "Offer", "price": 0, "priceCurrency": "VND"}


def test_json_ld_cannot_close_script(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.title = "Thủ tục </script><b>thử</b>"
    page.save_revision().publish()

    response = client.get(page.url)

    raw = response.content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', raw, re.DOTALL).group(1)
    assert "</script>" not in script
    assert json.loads(script)["name"] == "Thủ tục </script><b>thử</b>"


def test_abolished_page_warns_and_refuses_online(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.publication_status = "abolished"
    page.save_revision().publish()

    html = _html(client, page)

    assert "bãi bỏ" in html
    assert f"/ho-so/nop/{page.pk}/" not in html


def test_page_in_english(sample_catalogue, client, settings):
    page = ProcedurePage.objects.get(national_code="1.001193")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(page.url)

    html = unescape(response.content.decode())
    assert "What to bring" in html
    assert "Apply online" in html


def test_cached_page_follows_publishing(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    first = _html(client, page)
    components = list(page.dossier_components.all())
    components[0].name = "Tờ khai theo mẫu mới"
    page.dossier_components = components
    page.save_revision().publish()

    second = _html(client, ProcedurePage.objects.get(pk=page.pk))

    assert "Tờ khai theo mẫu mới" not in first
    assert "Tờ khai theo mẫu mới" in second


def test_cached_page_follows_agency_changes(sample_catalogue, client):
    from service_catalog.models import Agency

    page = ProcedurePage.objects.get(national_code="1.014199")
    first = _html(client, page)
    centre = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE)
    centre.address = "Số 20 đường Trường Thi, tỉnh Nghệ An"
    centre.save()

    second = _html(client, page)

    assert "Số 20 đường Trường Thi, tỉnh Nghệ An" not in first
    assert "Số 20 đường Trường Thi, tỉnh Nghệ An" in second


def test_preview_is_not_cached(sample_catalogue, client, django_user_model):
    page = ProcedurePage.objects.get(national_code="1.001193")
    _html(client, page)
    admin = django_user_model.objects.create_superuser("xem-truoc", "it@example.org", "correct-horse-battery")
    client.force_login(admin)
    page.title = "Khai sinh (bản nháp)"
    page.save_revision()

    response = client.get(f"/quan-tri/pages/{page.pk}/view_draft/")

    assert response.status_code == 200
    assert "Khai sinh (bản nháp)" in response.content.decode()


def test_unitless_time_limit_explained(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    assert not any(row.time_limit_unit for row in page.channels.all())  # published as "1 Khác"

    html = _html(client, page)

    assert "hồ sơ thủ tục không nêu đơn vị thời gian nên cơ quan giải quyết sẽ ấn định ngày hẹn" in html
