"""A visitor reads the information portal in Chromium: home, news, guidance and the language switch."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_pages(wagtail_base_rows):
    from cms_pages.content import ensure_portal_pages

    return ensure_portal_pages()


def test_visitor_reads_news_and_switches_language(live_server, portal_pages, browser_page):
    page = browser_page

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Cổng dịch vụ công tỉnh Nghệ An"

    page.locator(".site-nav").get_by_role("link", name="Tin tức").click()
    page.wait_for_url("**/tin-tuc/")
    first_item = page.locator(".card-list h2 a").first
    title = first_item.inner_text()
    first_item.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".meta time").inner_text() == "01/12/2026"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("button", name="Tiếng Việt").is_visible()


def test_page_works_without_javascript(live_server, portal_pages, playwright_driver, tmp_path):
    from .conftest import CHROMIUM_ARGS, _chromium_path

    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "profile"),
        executable_path=_chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/tin-tuc/")
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/tin-tuc/")

        assert page.locator("html").get_attribute("lang") == "en"
        page.locator(".site-nav").get_by_role("link", name="Guidance").click()
        assert page.locator("h1").inner_text() == "Hướng dẫn nộp hồ sơ trực tuyến"
    finally:
        context.close()
