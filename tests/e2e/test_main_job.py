"""
A citizen's main job in Chromium, on the real Nghệ An data.

The citizen finds a procedure in the catalogue by sector and opens it. They apply online with
uploads and get the application code, then look the application up with the code and the last
four digits of their phone number.
"""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTOR = "Hộ tịch"
PROCEDURE_TITLE = "Thủ tục đăng ký khai sinh"
COMMUNE = "Phường Thành Vinh"
COMMUNE_CODE = "PV.X.16681.H41"
PHONE = "0912 345 678"
PHONE_LAST_FOUR = "5678"

# The smallest files whose content passes the PDF and PNG checks of the upload fields.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def province_data(wagtail_base_rows):
    """The real catalogue, agencies and starting pages, imported as `make demo` does."""
    call_command("import_province_data", stdout=io.StringIO())


def open_catalogue_filtered_by_sector(page, base_url):
    page.goto(base_url + "/thu-tuc-hanh-chinh/")
    total = int(re.search(r"\d+", page.locator(".catalogue__count").inner_text()).group())

    page.locator("#facet-sector").locator("xpath=..").get_by_role("link", name=re.compile(SECTOR)).first.click()
    page.wait_for_url(re.compile(r"sector="))

    filtered = int(re.search(r"\d+", page.locator(".catalogue__count").inner_text()).group())
    assert 0 < filtered < total
    sectors = page.locator(".procedure-row .meta").all_inner_texts()
    assert sectors and all(SECTOR in text for text in sectors)


def upload_every_document(page, stem):
    """Attach a PDF (or a PNG to every second field) to each document field of the form."""
    inputs = page.locator("input[type=file]")
    assert inputs.count() > 0
    for index in range(inputs.count()):
        if index % 2:
            payload = {"name": f"{stem}-{index}.png", "mimeType": "image/png", "buffer": PNG_BYTES}
        else:
            payload = {"name": f"{stem}-{index}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        inputs.nth(index).set_input_files(payload)
    return inputs.count()


def test_citizen_applies_online_and_tracks(live_server, province_data, browser_page):
    page = browser_page

    # 1. Catalogue, filtered by sector, then the procedure page.
    open_catalogue_filtered_by_sector(page, live_server.url)
    page.locator(".procedure-row__title").get_by_role("link", name=PROCEDURE_TITLE, exact=True).click()
    assert page.locator("h1").inner_text().strip() == PROCEDURE_TITLE
    page.locator("a[href^='/ho-so/nop/']").first.click()
    page.wait_for_url(re.compile(r"/ho-so/nop/\d+/$"))

    # 2a. A wrong phone number: the error shows next to the field, nothing else is lost.
    page.fill("input[name=full_name]", "Nguyễn Văn An")
    page.fill("input[name=id_number]", "040090012345")
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=email]", "an.nguyen@example.com")
    page.fill("input[name=address]", "Số 5 đường Lê Lợi, Phường Thành Vinh, tỉnh Nghệ An")
    page.select_option("select[name=commune]", label=COMMUNE)
    uploaded = upload_every_document(page, "giay-to")
    page.get_by_role("button", name=re.compile("Nộp hồ sơ|Submit")).click()
    page.wait_for_load_state()

    phone_field = page.locator(".form-field--error").filter(has=page.locator("input[name=phone]"))
    assert phone_field.count() == 1
    assert phone_field.locator(".form-field__errors").inner_text().strip() != ""
    assert page.input_value("input[name=full_name]") == "Nguyễn Văn An"
    assert page.input_value("input[name=address]").startswith("Số 5 đường Lê Lợi")
    assert page.locator(".form-field__kept").count() == uploaded

    # 2b. Corrected and submitted without uploading again: the receipt gives the code.
    page.fill("input[name=phone]", PHONE)
    page.get_by_role("button", name=re.compile("Nộp hồ sơ|Submit")).click()
    code_text = page.locator("#application-code").inner_text().strip()
    assert re.fullmatch(re.escape(COMMUNE_CODE) + r"-\d{6}-\d{4}", code_text), code_text
    assert page.locator("#appointment").inner_text().strip() != ""

    # 5. Lookup: a wrong pair reveals nothing, the right pair shows the status.
    page.goto(live_server.url + "/ho-so/tra-cuu/")
    page.fill("input[name=code]", code_text)
    page.fill("input[name=phone_digits]", "0000")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("#application-status").count() == 0
    assert code_text not in page.locator("main").inner_text()

    page.fill("input[name=code]", code_text)
    page.fill("input[name=phone_digits]", PHONE_LAST_FOUR)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("#application-status").inner_text().strip() != ""
    assert page.locator("main h2").first.inner_text().strip() == code_text


def test_phone_width_shows_results_before_filters(browser_page, live_server, province_data):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/thu-tuc-hanh-chinh/")

    results_top = page.locator(".catalogue__count").bounding_box()["y"]
    filters_top = page.locator("#filters").bounding_box()["y"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    jump = page.get_by_role("link", name="Lọc kết quả")

    assert results_top < 844 < filters_top
    assert page_width <= 390
    jump.click()
    assert page.evaluate("location.hash") == "#filters"
