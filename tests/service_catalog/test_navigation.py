"""The theme's cached navigation and breadcrumbs, and the one-query route to a procedure page."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from service_catalog.models import ProcedureIndexPage, ProcedurePage
from themes.templatetags.portal_tags import breadcrumbs, main_navigation

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(sample_catalogue):
    """The sample catalogue with the information portal's pages (news, guidance, documents, departments)."""
    from cms_pages.content import ensure_portal_pages

    return ensure_portal_pages()


def _request(path="/"):
    """Return a GET request whose site and site root paths are already looked up, as Wagtail's serve leaves them."""
    request = RequestFactory().get(path)
    request._wagtail_site = Site.objects.select_related("root_page").get(is_default_site=True)
    request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
    return request


def _section_urls(request=None):
    return [item["url"] for item in main_navigation({"request": request or _request()})]


def _trail(page, request=None):
    context = {"request": request or _request(page.url)}
    return [(item["title"], item["url"]) for item in breadcrumbs(context, page)["ancestors"]]


def test_navigation_needs_no_query_when_cached(portal, django_assert_num_queries):
    first = _section_urls()
    request = _request()

    with django_assert_num_queries(0):
        second = _section_urls(request)

    index = ProcedureIndexPage.objects.get()
    assert second == first
    assert first[0] == index.url
    assert "/tin-tuc/" in first


def test_navigation_follows_publish_unpublish_move_delete(portal):
    news = Page.objects.get(slug="tin-tuc")
    documents = Page.objects.get(slug="van-ban")
    assert {"/tin-tuc/", "/van-ban/"} <= set(_section_urls())

    news.specific.unpublish()
    assert "/tin-tuc/" not in _section_urls()

    news.specific.save_revision().publish()
    assert "/tin-tuc/" in _section_urls()

    documents.move(Page.objects.get(slug="tin-tuc"), pos="last-child")
    assert "/van-ban/" not in _section_urls()

    Page.objects.get(slug="tin-tuc").delete()
    assert "/tin-tuc/" not in _section_urls()


def test_breadcrumbs_by_path_and_cached(portal, django_assert_num_queries):
    page = ProcedurePage.objects.get(national_code="1.001193")
    department = page.get_parent()
    index = ProcedureIndexPage.objects.get()
    sibling = ProcedurePage.objects.child_of(department).exclude(pk=page.pk).first()

    request, sibling_request = _request(page.url), _request(sibling.url)

    with django_assert_num_queries(1):
        trail = _trail(page, request)
    with django_assert_num_queries(0):
        sibling_trail = _trail(sibling, sibling_request)

    assert trail == [(portal.title, "/"), (index.title, index.url), (department.title, department.url)]
    assert sibling_trail == trail


def test_breadcrumbs_follow_renamed_parent(portal):
    page = ProcedurePage.objects.get(national_code="1.001193")
    department = page.get_parent().specific
    _trail(page)

    department.title = "Sở Tư pháp tỉnh Nghệ An"
    department.save_revision().publish()

    assert _trail(page)[-1] == ("Sở Tư pháp tỉnh Nghệ An", department.url)


def test_breadcrumbs_on_procedure_page(portal, client):
    page = ProcedurePage.objects.get(national_code="1.001193")

    html = client.get(page.url).content.decode()
    trail = html[html.index('<nav class="breadcrumbs"') : html.index("</nav>", html.index('<nav class="breadcrumbs"'))]

    assert re.findall(r'href="([^"]+)"', trail) == ["/", "/thu-tuc-hanh-chinh/", page.get_parent().url]
    assert page.title in trail


def test_cached_page_runs_no_menu_query(portal, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    client.get(page.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)

    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "django_content_type" in sql]  # the menu's query
    assert not [sql for sql in statements if '"wagtailcore_page"."live"' in sql and '"path" IN' in sql]  # the trail's
    # Routing from the catalogue page down to the procedure is one query on the procedure table.
    assert len([sql for sql in statements if "service_catalog_procedurepage" in sql]) == 1


def test_route_to_procedure(portal, client):
    page = ProcedurePage.objects.get(national_code="1.001193")
    department = page.get_parent()

    assert client.get(page.url).status_code == 200
    assert client.get(department.url).status_code == 200
    assert client.get(f"{department.url}khong-co-thu-tuc-nay/").status_code == 404
    assert client.get(f"/thu-tuc-hanh-chinh/so-khac/{page.slug}/").status_code == 404

    page.unpublish()
    assert client.get(page.url).status_code == 404
