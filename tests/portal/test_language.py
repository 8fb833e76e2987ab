"""Vietnamese first: the browser's language is ignored until the visitor picks one with the switch."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_vietnamese(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_language_switch_sets_english(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_unknown_language_cookie_falls_back(client, home_page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/")

    assert response["Content-Language"] == "vi"


def test_switch_offers_other_language(client, home_page):
    html = client.get("/").content.decode()

    assert 'name="language" value="en"' in html
    assert 'name="language" value="vi"' not in html
