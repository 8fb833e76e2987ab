"""The public catalogue listing: filters with counts, combined, kept in the URL, paginated."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from service_catalog import listing_cache
from service_catalog.models import ProcedurePage
from service_catalog.models.procedures import OnlineServiceKind

pytestmark = pytest.mark.django_db
CATALOGUE = "/thu-tuc-hanh-chinh/"


@pytest.fixture
def catalogue(full_catalogue):
    return full_catalogue


def _results(response):
    return response.context["results"]


def _facet(response, name):
    return next(facet for facet in response.context["facets"] if facet.name == name)


def _option(response, facet_name, value):
    return next(option for option in _facet(response, facet_name).options if option.value == value)


def test_sector_filter(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "ho-tich"})

    expected = ProcedurePage.objects.live().filter(sector__slug="ho-tich").count()
    assert response.status_code == 200
    assert _results(response).paginator.count == expected == 27
    assert all(page.sector.slug == "ho-tich" for page in _results(response).object_list)
    assert _option(response, "sector", "ho-tich").selected


def test_two_filters_combine(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "viec-lam", "audience": "businesses"})

    expected = ProcedurePage.objects.live().filter(sector__slug="viec-lam", for_businesses=True)
    assert _results(response).paginator.count == expected.count()
    assert {page.pk for page in _results(response).object_list} == set(expected.values_list("pk", flat=True))


def test_facet_counts_leave_out_own_facet(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "ho-tich", "audience": "citizens"})
    live = ProcedurePage.objects.live()

    # Each sector's count applies the audience filter but not the sector filter.
    for option in _facet(response, "sector").options:
        assert option.count == live.filter(sector__slug=option.value, for_citizens=True).count()
    # Each audience's count applies the sector filter only.
    assert _option(response, "audience", "citizens").count == live.filter(sector__slug="ho-tich", for_citizens=True).count()
    organisations = live.filter(sector__slug="ho-tich", for_organisations=True).count()
    assert [o.count for o in _facet(response, "audience").options if o.value == "organisations"] == (
        [organisations] if organisations else []
    )
    for option in _facet(response, "kind").options:
        expected = live.filter(sector__slug="ho-tich", for_citizens=True, online_service_kind=option.value).count()
        assert option.count == expected
    for option in _facet(response, "agency").options:
        expected = live.filter(sector__slug="ho-tich", for_citizens=True, owner_agency__code=option.value).count()
        assert option.count == expected


def test_values_within_facet_widen(catalogue, client):
    response = client.get(CATALOGUE + "?sector=ho-tich&sector=viec-lam")

    expected = ProcedurePage.objects.live().filter(sector__slug__in=["ho-tich", "viec-lam"]).count()
    assert _results(response).paginator.count == expected


def test_links_keep_other_filters(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "ho-tich", "level": "commune"})

    option = _option(response, "kind", OnlineServiceKind.PARTIAL.value)
    query = parse_qs(urlsplit(option.url).query)
    assert query == {"sector": ["ho-tich"], "level": ["commune"], "kind": ["partial"]}
    selected = _option(response, "sector", "ho-tich")
    assert parse_qs(urlsplit(selected.url).query) == {"level": ["commune"]}
    html = unescape(response.content.decode())
    assert option.url in html


def test_pagination_keeps_filters(catalogue, client):
    first = client.get(CATALOGUE, {"sector": "ho-tich"})
    next_url = first.context["page_urls"]["next"]

    second = client.get(next_url)

    assert parse_qs(urlsplit(next_url).query) == {"sector": ["ho-tich"], "page": ["2"]}
    assert len(_results(first).object_list) == 20
    assert len(_results(second).object_list) == 27 - 20
    first_ids = {page.pk for page in _results(first).object_list}
    assert first_ids.isdisjoint(page.pk for page in _results(second).object_list)


def test_listing_works_without_javascript(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "ho-tich"})

    html = response.content.decode()
    main = html[html.index('<main'): html.index("</main>")]
    assert "<script" not in main
    assert 'href="/thu-tuc-hanh-chinh/?sector=ho-tich&amp;' in html or "?sector=ho-tich&amp;" in html


def test_old_district_filter_shows_commune_procedures(catalogue, client):
    response = client.get(CATALOGUE, {"agency": "Huyện Nghi Lộc"})

    expected = ProcedurePage.objects.live().filter(level_commune=True).count()
    assert _results(response).paginator.count == expected
    assert response.context["notes"]
    assert "Huyện Nghi Lộc" in response.context["notes"][0]
    assert "Huyện Nghi Lộc" in response.content.decode()


def test_department_filter_by_code(catalogue, client):
    response = client.get(CATALOGUE, {"agency": "PV.S.NNMT.H41"})

    expected = ProcedurePage.objects.live().filter(owner_agency__code="PV.S.NNMT.H41").count()
    assert _results(response).paginator.count == expected > 0


def test_unknown_agency_filter_is_reported(catalogue, client):
    response = client.get(CATALOGUE, {"agency": "Sở Không Có"})

    assert _results(response).paginator.count == ProcedurePage.objects.live().count()
    assert "Sở Không Có" in response.context["notes"][0]


def test_department_page_lists_own_procedures(catalogue, client):
    response = client.get(CATALOGUE + "so-tu-phap/")

    assert response.status_code == 200
    assert _results(response).paginator.count == ProcedurePage.objects.filter(owner_agency__code="PV.S.TP.H41").count()
    assert "agency" not in [facet.name for facet in response.context["facets"]]


def _catalogue_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    pattern = r'FROM "service_catalog_procedure(page|channel)"'
    return [query["sql"] for query in queries.captured_queries if re.search(pattern, query["sql"])], len(queries)


def test_listing_query_count(catalogue, client):
    client.get(CATALOGUE)
    listing_cache.invalidate()

    first, first_total = _catalogue_queries(client, {"sector": "ho-tich", "audience": "citizens"})
    second, second_total = _catalogue_queries(client, {"sector": "viec-lam", "level": "province"})

    # The grouped counts, the page of results and its channels: nothing per row.
    assert len(first) == 3, [sql[:80] for sql in first]
    assert "GROUP BY" in first[0]
    # The grouped counts do not depend on the filters, so the next listing reads them from the cache.
    assert len(second) == 2, [sql[:80] for sql in second]
    assert first_total <= 25
    assert second_total <= 25


def test_listing_counts_follow_publishing(catalogue, client):
    first = client.get(CATALOGUE, {"sector": "ho-tich"})
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.for_citizens = False
    page.save_revision().publish()

    second = client.get(CATALOGUE, {"sector": "ho-tich"})

    assert _option(second, "audience", "citizens").count == _option(first, "audience", "citizens").count - 1


def test_abolished_procedures_left_out(catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    page.publication_status = "abolished"
    page.save_revision().publish()

    response = client.get(CATALOGUE, {"sector": "ho-tich"})

    assert _results(response).paginator.count == 26
    assert page.pk not in {item.pk for item in _results(response).object_list}
    assert re.search(r"26", response.content.decode())


def test_unknown_sector_matches_nothing(catalogue, client):
    response = client.get(CATALOGUE, {"sector": "khong-co-linh-vuc"})

    assert _results(response).paginator.count == 0
    assert list(_results(response).object_list) == []
