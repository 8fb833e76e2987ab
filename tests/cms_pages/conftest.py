import datetime

import pytest


@pytest.fixture
def news_index(home_page):
    from cms_pages.models import NewsIndexPage

    index = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=index)
    return index


@pytest.fixture
def make_news(news_index):
    """Return a builder of published news items under the news index, dated `days` after 01/01/2026."""
    from cms_pages.models import NewsPage

    def build(number, days=0, **fields):
        fields.setdefault("title", f"Tin số {number}")
        fields.setdefault("slug", f"tin-so-{number}")
        fields.setdefault("date", datetime.date(2026, 1, 1) + datetime.timedelta(days=days))
        fields.setdefault("body", f"<p>Nội dung tin số {number}.</p>")
        page = NewsPage(**fields)
        news_index.add_child(instance=page)
        page.save_revision().publish()
        return page

    return build
