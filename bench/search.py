"""
Search latency benchmark: 1,000 queries over 4,000 procedures and 10,000 news pages.

Usage: DATABASE_URL=postgres://… .venv/bin/python bench/search.py [--opensearch-url URL]
       [--engines database,opensearch] [--keep-database]

The script creates its own database (`<database>_search_bench`, dropped at the end unless
--keep-database) and imports the real agencies as `import_province_data` does, so old unit
names resolve as on a real site. It generates 14,000
documents from the real procedure records in data/vn-tthc-commune-catalog: procedure titles
varied by commune, bodies built from their steps and documents, and news pages about them.
It indexes them in the database engine and, through a rebuild, in OpenSearch (the node from
build/search-node unless a URL is given) and times `search.service.run_search` per engine:
analysis, promoted results, corrections, facets and snippets.

The 1,000 queries are drawn from the judgement list and variants of it (folded, upper case,
NFD, the last two letters cut, one letter dropped), so many repeat. Before timing, every
distinct query runs once per engine (warming the JIT, the caches of PostgreSQL and the
operating system), then OpenSearch's request cache is cleared: the timed run starts with an
empty request cache and fills it as queries repeat. The last line holds the figures as
name=value pairs; `load1` is the one-minute load average of the machine when timing ended.
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import time
import unicodedata
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PROCEDURES = 4000
NEWS = 10000
QUERIES = 1000
SEED = 20251201
NODE_HEAP = "1g"


def create_database(url):
    """Create an empty benchmark database next to the one in `url`; return its URL."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_search_bench"
    admin = psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"], dbname="postgres", autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url.rsplit("/", 1)[0] + "/" + name, name, config


def drop_database(name, config):
    admin = psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"], dbname="postgres", autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def make_pages(count, parent):
    """Insert `count` plain child pages of `parent` in bulk (the index needs real page rows)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    content_type = ContentType.objects.get_for_model(Page)
    last_child = parent.get_last_child()
    first = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
    pages = []
    for number in range(first, first + count):
        pages.append(
            Page(
                title=f"bench {number}",
                slug=f"bench-{number}",
                content_type=content_type,
                locale_id=parent.locale_id,
                depth=parent.depth + 1,
                path=parent.path + _encode(number),
                url_path=f"{parent.url_path}bench-{number}/",
                live=True,
                numchild=0,
            )
        )
    Page.objects.bulk_create(pages, batch_size=2000)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    return list(
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1, slug__startswith="bench-")
        .order_by("path")
        .values_list("pk", flat=True)
    )


def _encode(number):
    from wagtail.models import Page

    # Treebeard's materialised path: one fixed-width base-36 step per tree level.
    return Page._int2str(number).rjust(Page.steplen, "0")


def generate_documents(page_ids, rng):
    """Return IndexDocuments shaped like the real catalogue and news, with real agency codes."""
    from search.documents import IndexDocument
    from service_catalog.models import Agency

    records = [json.loads(line) for line in open(REPO / "data/vn-tthc-commune-catalog/procedures.jsonl", encoding="utf-8")]
    communes = dict(
        Agency.objects.current().filter(kind=Agency.Kind.COMMUNE).order_by("name").values_list("name", "code")
    )
    if not communes:
        sys.exit("no current communes after import_province_data; check data/vn-admin-units-after-2025-07")
    places = sorted(communes)
    sectors = sorted({record["linh_vuc"] or "Chưa phân loại" for record in records})
    audiences = ["citizens", "organisations", "businesses"]
    documents = []
    ids = iter(page_ids)

    for number in range(PROCEDURES):
        record = records[number % len(records)]
        place = rng.choice(places)
        title = record["ten_tthc"] if number < len(records) else f"{record['ten_tthc']} tại {place}"
        steps = " ".join(line for case in record["trinh_tu_thuc_hien"] for line in case["buoc"])
        components = " ".join(item["ten_giay_to"] for item in record["tphs"])
        documents.append(
            IndexDocument(
                page_id=next(ids),
                content_type="procedure",
                title=title,
                url=f"/thu-tuc-hanh-chinh/bench/{number}/",
                body=f"{steps} {components} {record['dia_chi_tiep_nhan']}",
                keywords=f"{record['ma_tthc']} {record['linh_vuc']}",
                facets={
                    "type": ["procedure"],
                    "sector": [str(sectors.index(record["linh_vuc"] or "Chưa phân loại"))],
                    "audience": rng.sample(audiences, rng.randint(1, 3)),
                    "level": ["commune"] if "xã" in record["cap_thuc_hien"] else ["province"],
                    "online": [rng.choice(["full", "partial", "none"])],
                    "agency": [communes[place]],
                },
            )
        )

    for number in range(NEWS):
        record = rng.choice(records)
        place = rng.choice(places)
        documents.append(
            IndexDocument(
                page_id=next(ids),
                content_type="news",
                title=f"{place}: hướng dẫn người dân {record['ten_tthc'][:60].lower()}",
                url=f"/tin-tuc/bench-{number}/",
                body=(
                    f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/2026, Ủy ban nhân dân {place} tổ chức tiếp nhận hồ sơ "
                    f"{record['ten_tthc'].lower()} tại Bộ phận Một cửa. "
                    + " ".join(line for case in record["trinh_tu_thuc_hien"][:1] for line in case["buoc"][:3])
                ),
                facets={"type": ["news"]},
            )
        )
    return documents


def make_queries(rng):
    """Return 1,000 queries: the judgement list and variants (folded, upper case, NFD, cut, typo)."""
    from search.quality.evaluate import load_judgements
    from search.text import fold

    base = [item["q"] for item in load_judgements()]
    variants = []
    for text in base:
        variants += [text, fold(text), text.upper(), unicodedata.normalize("NFD", text), text[: max(4, len(text) - 2)]]
        word = rng.choice(text.split())
        if len(word) > 3:
            position = rng.randrange(1, len(word) - 1)
            variants.append(text.replace(word, word[:position] + word[position + 1 :], 1))
    return [rng.choice(variants) for _ in range(QUERIES)]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_engine(engine, queries, before_timing=None):
    """Run each distinct query once untimed, call `before_timing`, then time every query (ms)."""
    from search import service

    for text in dict.fromkeys(queries):
        service.run_search(text, engine=engine)
    if before_timing is not None:
        before_timing()

    durations = []
    for text in queries:
        started = time.perf_counter()
        service.run_search(text, engine=engine)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), percentile(durations, 0.95)


def prepare_database(rng):
    """Import the real agencies, add the generated pages; return (documents, queries)."""
    from django.conf import settings
    from django.core.management import call_command

    from cms_pages.content import ensure_home_page
    from service_catalog.importing.agencies import AgencyImporter

    call_command("migrate", verbosity=0)
    AgencyImporter(Path(settings.PORTAL_DATA_DIR)).run()
    home = ensure_home_page()
    page_ids = make_pages(PROCEDURES + NEWS, home)
    return generate_documents(page_ids, rng), make_queries(rng)


def bench_database(documents, queries, figures):
    from django.conf import settings
    from django.db import connection

    from search.engines import get_engine

    database = get_engine({**settings.PORTAL_SEARCH, "ENGINE": "search.engines.database.DatabaseEngine"})
    started = time.perf_counter()
    for start in range(0, len(documents), 500):
        database.index_documents(documents[start : start + 500])
    database.rebuild_vocabulary()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchdocument")
        cursor.execute("ANALYZE search_searchfacet")
        cursor.execute("ANALYZE search_searchterm")
    print(f"database engine: {database.count()} documents indexed in {time.perf_counter() - started:.1f} s", flush=True)

    figures["db_p50_ms"], figures["db_p95_ms"] = time_engine(database, queries)
    print(f"database engine: p50 {figures['db_p50_ms']:.1f} ms, p95 {figures['db_p95_ms']:.1f} ms", flush=True)


def bench_opensearch(documents, queries, figures, url):
    from django.conf import settings

    from search.engines import get_engine

    opensearch = get_engine(
        {**settings.PORTAL_SEARCH, "ENGINE": "search.engines.dsl.DSLEngine", "LIBRARY": "opensearch", "URL": url, "INDEX_PREFIX": "bench"}
    )
    opensearch.reset()
    try:
        # Through a rebuild, as `rebuild_search_index` fills the index, so the index ends
        # merged into one segment.
        started = time.perf_counter()
        rebuild = opensearch.start_rebuild()
        for start in range(0, len(documents), 1000):
            rebuild.index_documents(documents[start : start + 1000])
        rebuild.finish()
        opensearch.refresh()
        print(f"opensearch: {opensearch.count()} documents indexed in {time.perf_counter() - started:.1f} s", flush=True)

        def clear_request_cache():
            opensearch.client.indices.clear_cache(index=opensearch.index, request=True)

        figures["os_p50_ms"], figures["os_p95_ms"] = time_engine(opensearch, queries, clear_request_cache)
        print(f"opensearch: p50 {figures['os_p50_ms']:.1f} ms, p95 {figures['os_p95_ms']:.1f} ms", flush=True)
    finally:
        opensearch.drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        "--opensearch-url",
        default=os.environ.get("PORTAL_SEARCH_BENCH_URL", ""),
        help="Address of a running OpenSearch node; without it the node from build/search-node is started.",
    )
    parser.add_argument("--engines", default="database,opensearch", help="Comma-separated engines to time.")
    parser.add_argument(
        "--keep-database", action="store_true", help="Leave the benchmark database in place for EXPLAIN sessions."
    )
    args = parser.parse_args()
    engines = {name.strip() for name in args.engines.split(",") if name.strip()}

    source_url = os.environ.get("DATABASE_URL", "")
    if not source_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database; the benchmark creates <name>_search_bench next to it")
    bench_url, bench_name, config = create_database(source_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from search.searchnode import running_node

    figures = {}
    try:
        print(f"preparing {bench_name}", flush=True)
        documents, queries = prepare_database(random.Random(SEED))
        print(f"{len(queries)} queries, {len(set(queries))} distinct", flush=True)

        if "database" in engines:
            bench_database(documents, queries, figures)
        if "opensearch" in engines:
            node = contextlib.nullcontext(args.opensearch_url) if args.opensearch_url else running_node(heap=NODE_HEAP)
            with node as url:
                bench_opensearch(documents, queries, figures, url)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep_database:
            print(f"kept the benchmark database {bench_name}", flush=True)
        else:
            drop_database(bench_name, config)

    figures.update(documents=len(documents), queries=len(queries), load1=os.getloadavg()[0])
    print(" ".join(f"{name}={value:.1f}" if isinstance(value, float) else f"{name}={value}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
