"""
A real Celery worker on Redis keeps the OpenSearch index in step with publishing.

The test commits its changes (transactional test), so the on-commit hooks queue the indexing
tasks on Redis, and a solo-pool worker started as a subprocess runs them against the test
database and the test session's OpenSearch node.
"""

import datetime
import os
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from tests import workers
from search import service

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.opensearch,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker for a real worker"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the worker process reaches the test database only on PostgreSQL",
    ),
]

WAIT_SECONDS = 90


def wait_for(condition, message):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {WAIT_SECONDS} s: {message}")


@pytest.fixture
def search_config(opensearch_url):
    return {
        **settings.PORTAL_SEARCH,
        "ENGINE": "search.engines.dsl.DSLEngine",
        "LIBRARY": "opensearch",
        "URL": opensearch_url,
        "INDEX_PREFIX": f"worker-{uuid.uuid4().hex[:12]}",
    }


@pytest.fixture
def worker_engine(search_config, settings):
    """The DSL engine this process and the worker share; its index is deleted after the test."""
    from search.engines import get_engine, reset_engines

    settings.PORTAL_SEARCH = search_config
    reset_engines()
    engine = get_engine()
    engine.reset()
    yield engine
    engine.drop()
    reset_engines()


@pytest.fixture
def queued_tasks():
    """Queue tasks on Redis from this process, with the queue empty before and after."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def worker(search_config, tmp_path):
    """A solo-pool worker on the test database and the engine of `search_config`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.search.worker_settings",
        "DATABASE_URL": workers.worker_database_url(),
        "PORTAL_SEARCH_ENGINE": search_config["ENGINE"],
        "PORTAL_SEARCH_LIBRARY": search_config["LIBRARY"],
        "PORTAL_SEARCH_URL": search_config["URL"],
        "PORTAL_SEARCH_INDEX_PREFIX": search_config["INDEX_PREFIX"],
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")
    process = workers.start_worker(f"search-{uuid.uuid4().hex[:6]}", env, log)
    yield process, log_path

    workers.stop_worker(process, timeout=20)
    log.close()


def test_worker_indexes_published_page(home_page, worker_engine, queued_tasks, worker):
    from cms_pages.models import NewsIndexPage, NewsPage

    process, log_path = worker
    news_index = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=news_index)
    page = NewsPage(
        title="Lịch tiếp công dân tháng Giêng",
        slug="lich-tiep-cong-dan",
        date=datetime.date(2027, 1, 4),
        body="<p>Lãnh đạo tỉnh tiếp công dân vào thứ Năm.</p>",
    )
    news_index.add_child(instance=page)

    page.save_revision().publish()  # committed: its on-commit hook queues the task on Redis

    def indexed():
        assert process.poll() is None, f"the worker exited; log: {log_path.read_text()[-2000:]}"
        worker_engine.refresh()
        return page.pk in worker_engine.indexed_ids()

    wait_for(indexed, f"the worker did not index page {page.pk}; log: {log_path}")
    hits = service.run_search("lich tiep cong dan", engine=worker_engine).hits
    assert hits[0].page_id == page.pk
    assert hits[0].url.endswith("/tin-tuc/lich-tiep-cong-dan/")

    page.unpublish()

    def removed():
        worker_engine.refresh()
        return page.pk not in worker_engine.indexed_ids()

    wait_for(removed, f"the worker did not remove the unpublished page {page.pk}; log: {log_path}")
    assert service.run_search("lich tiep cong dan", engine=worker_engine).total == 0
    assert "search.tasks.update_pages" in log_path.read_text()
    connection.close()
