"""The starting pages created by `ensure_portal_pages`."""

import datetime

import pytest
from wagtail.models import Page, Site

from cms_pages.content import LEGAL_DOCUMENTS, NEWS_ITEMS, ensure_department_pages, ensure_portal_pages
from cms_pages.models import (
    DepartmentPage,
    GuidancePage,
    HomePage,
    LegalDocumentPage,
    NewsIndexPage,
    NewsPage,
)

pytestmark = pytest.mark.django_db


def test_portal_pages_created_once():
    ensure_portal_pages()
    counts = {model: model.objects.count() for model in (HomePage, NewsIndexPage, NewsPage, GuidancePage, LegalDocumentPage)}

    ensure_portal_pages()

    assert counts == {
        HomePage: 1,
        NewsIndexPage: 1,
        NewsPage: len(NEWS_ITEMS),
        GuidancePage: 1,
        LegalDocumentPage: len(LEGAL_DOCUMENTS),
    }
    for model, count in counts.items():
        assert model.objects.count() == count, model


def test_home_page_is_site_root():
    home = ensure_portal_pages()

    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    assert home.url_path == "/trang-chu/"
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()


def test_starting_pages_are_live():
    ensure_portal_pages()

    for model in (NewsPage, GuidancePage, LegalDocumentPage):
        assert model.objects.exists()
        assert not model.objects.not_live().exists(), model


def test_editor_changes_are_kept():
    ensure_portal_pages()
    guidance = GuidancePage.objects.get()
    guidance.title = "Hướng dẫn đã sửa"
    guidance.save_revision().publish()

    ensure_portal_pages()

    assert GuidancePage.objects.get().title == "Hướng dẫn đã sửa"


def test_department_pages_follow_current_departments(make_agency):
    from service_catalog.models import Agency

    justice = make_agency(code="PV.S.TP.H41", name="Sở Tư pháp")
    home_affairs = make_agency(code="PV.S.NV.H41", name="Sở Nội vụ")
    make_agency(code="PV.X.16681.H41", name="Phường Thành Vinh", kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE)
    make_agency(code="PV.S.OLD.H41", name="Sở đã giải thể", valid_to=datetime.date(2025, 6, 30))

    created = ensure_department_pages()

    assert created == 2
    pages = {page.agency_id: page for page in DepartmentPage.objects.all()}
    assert set(pages) == {justice.pk, home_affairs.pk}
    assert pages[justice.pk].slug == "so-tu-phap"
    assert pages[justice.pk].live
    assert ensure_department_pages() == 0


def test_root_page_recreated_after_flush():
    Site.objects.all().delete()
    Page.objects.all().delete()

    home = ensure_portal_pages()

    assert home.get_parent().depth == 1
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


def test_default_site_answers_at_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.nghean.gov.vn"

    home = ensure_portal_pages()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("dichvucong.nghean.gov.vn", 443)
    assert home.full_url == "https://dichvucong.nghean.gov.vn/"


def test_placeholder_site_moves_to_base_url_on_rerun(settings):
    ensure_portal_pages()
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8211"

    ensure_portal_pages()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8211)


def test_site_with_real_address_is_kept(settings):
    ensure_portal_pages()
    Site.objects.filter(is_default_site=True).update(hostname="dichvucong.nghean.gov.vn", port=443)
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

    ensure_portal_pages()

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("dichvucong.nghean.gov.vn", 443)
