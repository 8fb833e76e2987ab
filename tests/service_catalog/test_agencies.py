"""Old names and codes of the 2025 reform resolve to current units, with a note for the user."""

import pytest
from django.conf import settings

from service_catalog.agencies import resolve_agency
from service_catalog.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(db):
    from service_catalog.importing.agencies import AgencyImporter

    AgencyImporter(settings.PORTAL_DATA_DIR).run()


def _nghi_loc_successors():
    district = Agency.objects.get(code="PV.H.429.H41")
    expected = set()
    for commune in district.children.all():
        expected |= set(commune.successors.values_list("code", flat=True))
    return district, expected


@pytest.mark.parametrize("query", ["Huyện Nghi Lộc", "huyen nghi loc", "HUYỆN NGHI LỘC", "huyen-nghi-loc", "PV.H.429.H41"])
def test_old_district_name_resolves(agencies, query):
    district, expected = _nghi_loc_successors()

    resolution = resolve_agency(query)

    assert resolution.matches == [district]
    assert resolution.retired == [district]
    assert {agency.code for agency in resolution.current} == expected
    assert len(expected) > 1
    assert all(agency.is_current() for agency in resolution.current)
    assert "Huyện Nghi Lộc" in resolution.note
    assert "01/07/2025" in resolution.note


def test_old_commune_resolves_to_its_ward(agencies):
    resolution = resolve_agency("Phường Quang Trung")

    assert [agency.code for agency in resolution.matches] == ["PV.XC.16681.H41"]
    assert [agency.code for agency in resolution.current] == ["PV.X.16681.H41"]
    assert resolution.single.name == "Phường Thành Vinh"
    assert "Phường Thành Vinh" in resolution.note


def test_current_unit_resolves_to_itself(agencies):
    resolution = resolve_agency("Phường Thành Vinh")

    assert [agency.code for agency in resolution.current] == ["PV.X.16681.H41"]
    assert resolution.retired == []
    assert resolution.note == ""


def test_unknown_name_not_found(agencies):
    resolution = resolve_agency("Huyện Không Có")

    assert not resolution.found
    assert resolution.current == []
    assert resolve_agency("").found is False


def test_old_code_in_url_redirects_with_note(agencies, client):
    response = client.get("/danh-muc/don-vi/PV.XC.16681.H41/")

    assert response.status_code == 302
    assert response["Location"] == "/danh-muc/don-vi/PV.X.16681.H41/?tu=PV.XC.16681.H41"

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Phường Thành Vinh" in text
    assert "Phường Quang Trung" in text


def test_old_district_page_lists_successors(agencies, client):
    district, expected = _nghi_loc_successors()

    response = client.get("/danh-muc/don-vi/huyen-nghi-loc/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Huyện Nghi Lộc" in text
    for code in expected:
        assert f"/danh-muc/don-vi/{code}/" in text


def test_agency_tree_lists_codes(agencies, client):
    response = client.get("/danh-muc/don-vi/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "000.00.00.H41" in text
    assert "PV.S.TP.H41" in text
    assert "PV.X.16681.H41" in text
    assert "PV.XC.16681.H41" in text
    assert text.count("<details") == 20


def test_unknown_agency_url_is_404(agencies, client):
    assert client.get("/danh-muc/don-vi/khong-co-don-vi-nay/").status_code == 404
