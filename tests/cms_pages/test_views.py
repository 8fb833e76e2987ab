"""Public pages of the information portal, rendered through the theme."""

import datetime
import re

import pytest
from django.urls import reverse

from cms_pages.models import (
    DepartmentIndexPage,
    DepartmentPage,
    GuidancePage,
    LegalDocumentIndexPage,
    LegalDocumentPage,
    LegalDocumentType,
    NEWS_PER_PAGE,
    PortalSettings,
    StandardPage,
)

pytestmark = pytest.mark.django_db


def publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_home_lists_latest_news_first(client, make_news):
    for number in range(1, 7):
        make_news(number, days=number)

    html = client.get("/").content.decode()

    titles = re.findall(r"Tin số (\d+)", html)
    assert titles == ["6", "5", "4", "3"]


def test_home_has_entry_points(client, home_page):
    html = client.get("/").content.decode()

    assert 'href="/thu-tuc-hanh-chinh/"' in html
    assert f'href="{reverse("submissions:lookup")}"' in html
    assert f'action="{reverse("search:search")}"' in html


def test_public_pages_need_no_javascript(client, make_news):
    make_news(1)

    for url in ("/", "/tin-tuc/", "/tin-tuc/tin-so-1/"):
        html = client.get(url).content.decode()
        assert "<script" not in html, url


def test_news_index_paginates(client, make_news):
    total = NEWS_PER_PAGE * 2 + 3
    for number in range(1, total + 1):
        make_news(number, days=number)

    first = client.get("/tin-tuc/").content.decode()
    third = client.get("/tin-tuc/?page=3").content.decode()

    assert len(re.findall(r'<h2><a href="/tin-tuc/tin-so-', first)) == NEWS_PER_PAGE
    assert f"Tin số {total}<" in first
    assert len(re.findall(r'<h2><a href="/tin-tuc/tin-so-', third)) == 3
    assert "Tin số 1<" in third
    assert 'href="?page=2"' in third


@pytest.mark.parametrize(("page", "expected_first"), [("abc", 12), ("99", 2)])
def test_news_index_bad_page_number(client, make_news, page, expected_first):
    for number in range(1, 13):
        make_news(number, days=number)

    html = client.get(f"/tin-tuc/?page={page}").content.decode()

    first_title = re.search(r"Tin số (\d+)<", html).group(1)
    assert int(first_title) == expected_first


def test_news_page_shows_day_first_date(client, make_news):
    make_news(1, days=0, date=datetime.date(2026, 4, 5), summary="Tóm tắt tin")

    response = client.get("/tin-tuc/tin-so-1/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "05/04/2026" in html
    assert "Tóm tắt tin" in html
    assert "Nội dung tin số 1." in html


def test_guidance_and_standard_pages_render(client, home_page):
    publish_child(home_page, GuidancePage(title="Hướng dẫn", slug="huong-dan", summary="Các bước", body="<p>Bước một</p>"))
    publish_child(home_page, StandardPage(title="Giới thiệu", slug="gioi-thieu", body="<p>Về cổng</p>"))

    guidance = client.get("/huong-dan/").content.decode()
    standard = client.get("/gioi-thieu/").content.decode()

    assert "<h1>Hướng dẫn</h1>" in guidance and "Bước một" in guidance
    assert "<h1>Giới thiệu</h1>" in standard and "Về cổng" in standard


def test_navigation_lists_sections(client, news_index, home_page):
    publish_child(home_page, GuidancePage(title="Hướng dẫn", slug="huong-dan", body="<p>x</p>"))
    news_index.save_revision().publish()

    html = client.get("/tin-tuc/").content.decode()
    navigation = html[html.index('class="site-nav"') : html.index("</nav>")]

    assert 'href="/tin-tuc/" aria-current="page"' in navigation
    assert 'href="/huong-dan/"' in navigation
    assert f'href="{reverse("submissions:lookup")}"' in navigation


def test_footer_shows_centre_contact(client, home_page):
    from wagtail.models import Site

    settings = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings.address = "16 Trường Thi"
    settings.office_hours = "07:30–11:30, 13:30–17:00"
    settings.phone = "0238 1234 567"
    settings.save()

    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert "16 Trường Thi" in footer
    assert "07:30–11:30, 13:30–17:00" in footer
    assert 'href="tel:02381234567"' in footer


def make_legal_documents(home_page):
    index = publish_child(home_page, LegalDocumentIndexPage(title="Văn bản", slug="van-ban"))
    documents = [
        ("Nghị định A", "nghi-dinh-a", LegalDocumentType.DECREE, datetime.date(2025, 6, 9)),
        ("Thông tư B", "thong-tu-b", LegalDocumentType.CIRCULAR, datetime.date(2025, 9, 15)),
        ("Quyết định C", "quyet-dinh-c", LegalDocumentType.DECISION, datetime.date(2024, 3, 1)),
    ]
    for title, slug, document_type, issued_on in documents:
        publish_child(
            index,
            LegalDocumentPage(
                title=title,
                slug=slug,
                document_number=f"{slug}/2025",
                document_type=document_type,
                issuer="Chính phủ",
                issued_on=issued_on,
                summary=f"Tóm tắt {title}",
            ),
        )
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Thông tư B", "Nghị định A", "Quyết định C"]),
        ("?type=decree", ["Nghị định A"]),
        ("?year=2025", ["Thông tư B", "Nghị định A"]),
        ("?type=decision&year=2025", []),
        ("?type=nonsense&year=x", ["Thông tư B", "Nghị định A", "Quyết định C"]),
    ],
)
def test_legal_documents_filter(client, home_page, query, expected):
    make_legal_documents(home_page)

    html = client.get(f"/van-ban/{query}").content.decode()

    assert re.findall(r'<h2><a href="/van-ban/[^"]+">([^<]+)</a>', html) == expected


def test_legal_document_page_shows_facts(client, home_page):
    make_legal_documents(home_page)

    html = client.get("/van-ban/nghi-dinh-a/").content.decode()

    assert "nghi-dinh-a/2025" in html
    assert "09/06/2025" in html
    assert "Chính phủ" in html


def test_department_page_falls_back_to_agency_contact(client, home_page, make_agency):
    agency = make_agency(code="PV.S.TP.H41", name="Sở Tư pháp", address="Số 1 đường Thử", phone="0238 111 222")
    index = publish_child(home_page, DepartmentIndexPage(title="Sở, ban, ngành", slug="co-quan"))
    publish_child(index, DepartmentPage(title="Sở Tư pháp", slug="so-tu-phap", agency=agency, phone="0238 999 888"))

    listing = client.get("/co-quan/").content.decode()
    html = client.get("/co-quan/so-tu-phap/").content.decode()

    assert 'href="/co-quan/so-tu-phap/"' in listing
    assert "PV.S.TP.H41" in html
    assert "Số 1 đường Thử" in html
    assert "0238 999 888" in html
    assert "0238 111 222" not in html


def test_missing_page_uses_theme(client, home_page):
    response = client.get("/khong-ton-tai/")

    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()
