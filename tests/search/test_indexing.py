"""Publishing, unpublishing, moving, deleting and restricting pages update the index after commit."""

import datetime

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from search import service
from search.text import slugify

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_index(home_page):
    from cms_pages.models import NewsIndexPage

    index = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=index)
    return index


def add_news(parent, title, publish=True):
    from cms_pages.models import NewsPage

    page = NewsPage(title=title, slug=slugify(title), date=datetime.date(2026, 12, 1), body="<p>Nội dung.</p>")
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def test_publish_indexes_after_commit(engine, news_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = add_news(news_index, "Thông báo lịch tiếp dân")
    assert page.pk not in engine.indexed_ids()
    assert callbacks

    for callback in callbacks:
        callback()
    engine.refresh()

    assert page.pk in engine.indexed_ids()
    assert service.run_search("lich tiep dan", engine=engine).hits[0].page_id == page.pk


def test_draft_changes_never_reach_index(engine, news_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = add_news(news_index, "Thông báo ban đầu")
        page.title = "Tiêu đề nháp bí mật"
        page.save_revision()
    engine.refresh()

    assert service.run_search("bi mat", engine=engine).total == 0
    assert service.run_search("thong bao ban dau", engine=engine).hits[0].page_id == page.pk


def test_unpublish_removes(engine, news_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = add_news(news_index, "Tin sẽ gỡ xuống")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    engine.refresh()

    assert page.pk not in engine.indexed_ids()


def test_private_page_removed_and_restored(engine, news_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = add_news(news_index, "Tin nội bộ")
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=news_index, restriction_type=PageViewRestriction.LOGIN)
    engine.refresh()
    assert page.pk not in engine.indexed_ids()

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    engine.refresh()
    assert page.pk in engine.indexed_ids()


def test_move_updates_url(engine, home_page, news_index, django_capture_on_commit_callbacks):
    from cms_pages.models import NewsIndexPage

    archive = NewsIndexPage(title="Lưu trữ", slug="luu-tru")
    home_page.add_child(instance=archive)
    with django_capture_on_commit_callbacks(execute=True):
        page = add_news(news_index, "Tin chuyển mục")
    with django_capture_on_commit_callbacks(execute=True):
        page.move(archive, pos="last-child")
    engine.refresh()

    hit = service.run_search("tin chuyen muc", engine=engine).hits[0]
    assert hit.page_id == page.pk
    assert hit.url.endswith("/luu-tru/tin-chuyen-muc/")


def test_legal_document_dated_when_issued(engine, home_page, django_capture_on_commit_callbacks):
    from cms_pages.models import LegalDocumentIndexPage, LegalDocumentPage, LegalDocumentType

    index = LegalDocumentIndexPage(title="Văn bản pháp luật", slug="van-ban")
    home_page.add_child(instance=index)
    page = LegalDocumentPage(
        title="Nghị định quy định về thủ tục hành chính theo cơ chế một cửa",
        slug="nghi-dinh-118-2025",
        document_number="118/2025/NĐ-CP",
        document_type=LegalDocumentType.DECREE,
        issuer="Chính phủ",
        issued_on=datetime.date(2025, 6, 9),
        effective_on=datetime.date(2025, 7, 1),
        summary="Thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông.",
    )
    index.add_child(instance=page)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    engine.refresh()

    hit = service.run_search("nghi dinh 118/2025", engine=engine).hits[0]
    assert hit.page_id == page.pk
    assert hit.content_type == "document"
    assert hit.date == datetime.date(2025, 6, 9)


def test_delete_removes(engine, news_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = add_news(news_index, "Tin sẽ xóa")
    page_id = page.pk
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    engine.refresh()

    assert page_id not in engine.indexed_ids()


def test_rebuild_command_reports_progress(database_engine, news_index, capsys):
    add_news(news_index, "Tin một")
    add_news(news_index, "Tin hai")

    call_command("rebuild_search_index", "--batch-size", "1")
    output = capsys.readouterr().out

    assert "2 documents indexed, 0 failed" in output
    assert "pages read" in output


def test_rebuild_reports_failed_document(database_engine, news_index, monkeypatch):
    from search import documents, indexing

    good = add_news(news_index, "Tin tốt")
    bad = add_news(news_index, "Tin lỗi")
    original = documents.build_news

    def failing(page):
        if page.pk == bad.pk:
            raise ValueError("body cannot be read")
        return original(page)

    monkeypatch.setitem(documents.BUILDERS, "cms_pages.newspage", failing)
    indexed, failures = indexing.rebuild(engine=database_engine)

    assert indexed == 1
    assert failures == [(bad.pk, "ValueError: body cannot be read")]
    assert good.pk in database_engine.indexed_ids()
