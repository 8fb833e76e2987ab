"""
Browser tests in real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against
pytest-django's live server.

Without Chromium these tests are skipped, unless PORTAL_REQUIRE_BROWSER is set (as `make test`
and CI do); then they fail, so a missing browser cannot pass unnoticed.
"""

import os
import shutil

import pytest

# Playwright's synchronous API runs an asyncio loop in this thread, and Django refuses ORM calls
# from a thread with a running loop. The tests set up data only between browser steps, never
# concurrently with them, so the check can be switched off for this test package.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path():
    return os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def wagtail_base_rows(transactional_db):
    """
    The rows Wagtail's data migrations create: the root collection, the root page and the locale.

    Browser tests are transactional, and an earlier transactional test empties every table when
    it ends. Django's post_migrate signal brings back content types and permissions, but not these.
    """
    from wagtail.models import Collection

    from cms_pages.content import ensure_home_page

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_home_page()


@pytest.fixture
def playwright_driver(transactional_db):
    """Playwright for one test, started after that test's database is ready."""
    executable = _chromium_path()
    if not os.path.exists(executable):
        message = f"Chromium not found at {executable}; install the Debian package 'chromium' or set PORTAL_CHROMIUM."
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser_page(playwright_driver, tmp_path):
    """A page in a new Chromium with a fresh user-data folder; closed after the test."""
    context = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "chromium-profile"),
        executable_path=_chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        locale="vi-VN",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    try:
        yield page
    finally:
        context.close()
