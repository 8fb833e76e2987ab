"""Page titles and the site icon."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_home_title_names_the_site_once(client, home_page):
    response = client.get("/")

    title = response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == settings.WAGTAIL_SITE_NAME


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
