"""
Fixtures of the search tests: one real OpenSearch node per test session, a small page tree and
an `engine` fixture that runs each contract test on the database engine and on OpenSearch.

The node comes from `tools/search-node/build.sh` (jars in build/search-node/). Without that
build the OpenSearch tests are skipped, unless PORTAL_REQUIRE_OPENSEARCH is set (CI), in which
case they fail. PORTAL_TEST_OPENSEARCH_URL points the tests at a node that is already running.
"""

import datetime
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

NODE_DIR = Path(settings.BASE_DIR) / "build" / "search-node"
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30


def _opensearch_required():
    return os.environ.get("PORTAL_REQUIRE_OPENSEARCH", "").strip().lower() in {"1", "true", "yes", "on"}


def _wait_for_ready(process, deadline):
    """Read the launcher's standard output until its READY line; return the URL it names."""
    buffer = b""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenSearch node exited with status {process.returncode} before it was ready")
        readable, _, _ = select.select([process.stdout], [], [], 0.5)
        if not readable:
            continue
        chunk = os.read(process.stdout.fileno(), 4096)
        buffer += chunk
        for line in buffer.decode("utf-8", "replace").splitlines():
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
    raise TimeoutError(f"the OpenSearch node was not ready within {START_TIMEOUT_SECONDS} s")


def _wait_for_health(url, deadline):
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the OpenSearch node at {url} did not report a yellow or green cluster")


@pytest.fixture(scope="session")
def opensearch_url():
    """URL of a real OpenSearch 2.19 node on 127.0.0.1, started once for the test session."""
    external = os.environ.get("PORTAL_TEST_OPENSEARCH_URL")
    if external:
        yield external.rstrip("/")
        return

    if not (NODE_DIR / "classes" / "Launcher.class").exists():
        message = f"OpenSearch node not built: run tools/search-node/build.sh (looked in {NODE_DIR})"
        if _opensearch_required():
            pytest.fail(message + "; PORTAL_REQUIRE_OPENSEARCH is set", pytrace=False)
        pytest.skip(message)
    java = shutil.which("java")
    if java is None:
        pytest.fail("java not found on PATH; the OpenSearch node needs Java 17", pytrace=False)

    scratch = Path(tempfile.mkdtemp(prefix="portal-search-node-"))
    log_path = scratch / "node.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                java,
                "-Xms512m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-cp",
                f"{NODE_DIR / 'lib'}/*:{NODE_DIR / 'classes'}",
                "Launcher",
                str(scratch / "node"),
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        url = _wait_for_ready(process, deadline)
        _wait_for_health(url, deadline)
    except Exception as error:
        process.kill()
        process.wait()
        pytest.fail(f"{error}; node log: {log_path}", pytrace=False)

    yield url

    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_query_tables():
    """Query analysis keeps synonyms, unit names and promoted queries in memory; each test starts afresh."""
    from search import agencies, synonyms
    from search.service import PROMOTED_QUERIES

    for clear in (synonyms.clear_cache, agencies.clear_cache, PROMOTED_QUERIES.clear):
        clear()
    yield


def _use_engine(settings_fixture, config):
    from search.engines import get_engine, reset_engines

    settings_fixture.PORTAL_SEARCH = config
    reset_engines()
    return get_engine()


@pytest.fixture
def database_engine(settings):
    from search.engines import reset_engines

    engine = _use_engine(settings, {**settings.PORTAL_SEARCH, "ENGINE": "search.engines.database.DatabaseEngine"})
    yield engine
    reset_engines()


@pytest.fixture
def opensearch_engine(request, settings):
    """The DSL engine on opensearch-py with an index of its own, deleted after the test."""
    from search.engines import reset_engines

    url = request.getfixturevalue("opensearch_url")
    config = {
        **settings.PORTAL_SEARCH,
        "ENGINE": "search.engines.dsl.DSLEngine",
        "LIBRARY": "opensearch",
        "URL": url,
        "INDEX_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
    }
    engine = _use_engine(settings, config)
    engine.reset()
    yield engine
    engine.drop()
    reset_engines()


@pytest.fixture(params=["database", "opensearch"])
def engine(request):
    """Each contract test runs once per engine."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def catalogue(db, home_page, make_agency):
    """
    A small page tree: procedures under one department, news, guidance and a private page.

    Agencies: Sở Tư pháp (department), Xã Diễn Châu (current commune) and Huyện Diễn Châu,
    a district retired on 30/06/2025 whose successor is Xã Diễn Châu.
    """
    from wagtail.models import PageViewRestriction

    from cms_pages.models import GuidancePage, NewsIndexPage, NewsPage
    from service_catalog.models import (
        Agency,
        DepartmentProceduresPage,
        DossierComponent,
        ProcedureIndexPage,
        ProcedurePage,
        Sector,
    )

    justice = make_agency(code="PV.S.TP.H41", name="Sở Tư pháp")
    commune = make_agency(
        code="PV.X.17000.H41", name="Xã Diễn Châu", kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE
    )
    district = make_agency(
        code="PV.H.418.H41",
        name="Huyện Diễn Châu",
        kind=Agency.Kind.DISTRICT,
        level=Agency.Level.DISTRICT,
        valid_to=datetime.date(2025, 6, 30),
    )
    district.successors.add(commune)
    old_commune = make_agency(
        code="PV.XC.16999.H41",
        name="Phường Quang Trung",
        kind=Agency.Kind.COMMUNE,
        level=Agency.Level.COMMUNE,
        valid_to=datetime.date(2025, 6, 30),
    )
    old_commune.successors.add(commune)
    civil_status = Sector.objects.create(name="Hộ tịch", slug="ho-tich")
    land = Sector.objects.create(name="Đất đai", slug="dat-dai")

    index = ProcedureIndexPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh")
    home_page.add_child(instance=index)
    folder = DepartmentProceduresPage(title="Sở Tư pháp", slug="so-tu-phap", agency=justice)
    index.add_child(instance=folder)

    def procedure(code, title, sector, online="partial", citizens=True, businesses=False, commune_level=True, **extra):
        page = ProcedurePage(
            title=title,
            slug=code.replace(".", "-"),
            national_code=code,
            instance_code=f"{code}.000.00.00.H41",
            sector=sector,
            owner_agency=justice,
            online_service_kind=online,
            for_citizens=citizens,
            for_businesses=businesses,
            level_commune=commune_level,
            level_province=not commune_level,
            **extra,
        )
        folder.add_child(instance=page)
        page.save_revision().publish()
        return page

    pages = {
        "birth": procedure(
            "1.001193",
            "Thủ tục đăng ký khai sinh",
            civil_status,
            description="Đăng ký việc sinh cho trẻ em tại Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ.",
        ),
        "birth_foreign": procedure(
            "2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", civil_status, online="full"
        ),
        "marriage": procedure("1.000894", "Thủ tục đăng ký kết hôn", civil_status),
        "death": procedure("1.000656", "Thủ tục đăng ký khai tử", civil_status),
        "land": procedure(
            "1.012766",
            "Xóa đăng ký thuê, cho thuê lại quyền sử dụng đất",
            land,
            online="none",
            citizens=False,
            businesses=True,
            commune_level=False,
            description="Người sử dụng đất nộp giấy chứng nhận quyền sử dụng đất đã cấp.",
        ),
    }
    DossierComponent.objects.create(page=pages["birth"], name="Tờ khai đăng ký khai sinh theo mẫu", originals=1)

    news_index = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=news_index)
    news = NewsPage(
        title="Người dân có thể tự tra cứu tiến độ hồ sơ",
        slug="tra-cuu-ho-so",
        date=datetime.date(2026, 11, 20),
        summary="Nhập mã hồ sơ và bốn số cuối điện thoại để xem tình trạng.",
        body="<p>Mỗi hồ sơ có một <b>mã hồ sơ</b> in trên giấy tiếp nhận.</p>",
    )
    news_index.add_child(instance=news)
    news.save_revision().publish()
    pages["news"] = news

    guidance = GuidancePage(
        title="Hướng dẫn nộp hồ sơ trực tuyến",
        slug="huong-dan",
        summary="Các bước tìm thủ tục, khai thông tin, tải giấy tờ.",
        body="<p>Gõ tên thủ tục có dấu hoặc không dấu.</p>",
    )
    home_page.add_child(instance=guidance)
    guidance.save_revision().publish()
    pages["guidance"] = guidance

    private = GuidancePage(title="Hướng dẫn nội bộ đăng ký khai sinh", slug="noi-bo", body="<p>Chỉ cán bộ.</p>")
    home_page.add_child(instance=private)
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    pages["private"] = private

    draft = NewsPage(title="Bản nháp đăng ký khai sinh", slug="ban-nhap", date=datetime.date(2026, 12, 1), body="<p>x</p>", live=False)
    news_index.add_child(instance=draft)
    draft.save_revision()
    pages["draft"] = draft

    return pages


@pytest.fixture
def indexed(catalogue, engine):
    """The catalogue, indexed from scratch by `engine`."""
    from search import indexing

    indexing.rebuild(engine=engine)
    return catalogue
