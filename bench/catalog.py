"""
Benchmark of the service catalogue at 4,000 procedures on PostgreSQL.

Run from the repository root:

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_h1 .venv/bin/python bench/catalog.py

It creates its own database, named after the DATABASE_URL database plus "_bench_catalog", and
migrates it. It imports Nghệ An's agencies and an export of 4,000 procedures generated from the
real ones. Then it times requests through Django's test client, which runs the middleware, URL
routing, Wagtail page serving and template rendering without a network or web server:

- the catalogue listing with two filters (a sector and an audience) and its facet counts;
- a procedure page, first uncached (the first view after publishing renders and stores the
  page body) and then again, served from the cache as most views are.

For each it prints the wall-clock p50 and p95, and the p95 of this process's CPU time and of
the time spent in database queries. It also prints the machine's load average, because on a
shared machine the wall-clock figures include waiting for a processor. The last line prints the figures as
name=value pairs. Targets: listing p95 <= 100 ms,
procedure page p95 <= 50 ms. The database is dropped at the end unless --keep-db is given.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def _percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[index]


class _QueryTimer:
    """Database execute wrapper that adds up the time spent in queries."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _time_requests(client, urls):
    """
    Return (wall, cpu, database) milliseconds per request; exit when a response is not 200.

    Wall time is what a user waits for. CPU time counts only this process's work and database
    time only the queries, so on a busy machine their sum shows what the page costs when the
    processor is not shared.
    """
    from django.db import connection

    wall, cpu, database = [], [], []
    for url in urls:
        timer = _QueryTimer()
        started, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        database.append(timer.seconds * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} returned status {response.status_code}, expected 200; check the import output.")
    return wall, cpu, database


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--procedures", type=int, default=4000, help="Number of procedures to generate (default 4000).")
    parser.add_argument("--requests", type=int, default=300, help="Timed requests per page kind (default 300).")
    parser.add_argument("--keep-db", action="store_true", help="Keep the benchmark database afterwards.")
    arguments = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database; the benchmark runs on PostgreSQL only.")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from catalog_export import read_real_export, scaled_export, write_export

    setup_test_environment()
    database_name = f"{settings.DATABASES['default']['NAME']}_bench_catalog"
    settings.DATABASES["default"]["TEST"]["NAME"] = database_name
    print(f"Creating and migrating {database_name} …", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=arguments.keep_db)
    try:
        return _run(arguments, call_command, read_real_export, scaled_export, write_export)
    finally:
        if not arguments.keep_db:
            connection.creation.destroy_test_db(database_name, verbosity=0)


def _run(arguments, call_command, read_real_export, scaled_export, write_export):
    from django.conf import settings
    from django.test import Client

    from service_catalog.catalogue import AUDIENCES
    from service_catalog.models import ProcedureIndexPage, ProcedurePage, Sector

    # 1. Data: the real agencies and an export scaled from the real procedures.
    real = read_real_export(settings.PORTAL_DATA_DIR / "vn-tthc-commune-catalog" / "procedures.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        export = write_export(Path(folder) / "procedures.jsonl", scaled_export(real, arguments.procedures))
        started = time.perf_counter()
        call_command("import_province_data", procedures=export, stdout=open(os.devnull, "w"))
        import_seconds = time.perf_counter() - started
    count = ProcedurePage.objects.live().count()
    print(f"Imported {count} procedures in {import_seconds:.1f} s.", flush=True)

    # 2. Requests: two filters per listing, spread over the sectors that have procedures.
    random.seed(42)
    catalogue_url = ProcedureIndexPage.objects.get().url
    sectors = list(Sector.objects.filter(procedures__isnull=False).distinct().values_list("slug", flat=True))
    list_urls = [
        f"{catalogue_url}?sector={random.choice(sectors)}&audience={random.choice(list(AUDIENCES))}"
        for _ in range(arguments.requests)
    ]
    page_urls = [page.url for page in random.sample(list(ProcedurePage.objects.live()), arguments.requests)]
    client = Client()

    _time_requests(client, list_urls[:20])
    load_before = os.getloadavg()[0]
    list_wall, list_cpu, list_db = _time_requests(client, list_urls)
    # Each page first uncached (its body is rendered and stored), then again from the cache.
    cold_wall, cold_cpu, cold_db = _time_requests(client, page_urls)
    page_wall, page_cpu, page_db = _time_requests(client, page_urls)
    load_after = os.getloadavg()[0]
    list_queries = _count_queries(client, list_urls[0])
    page_queries = _count_queries(client, page_urls[0])

    figures = {
        "procedures": count,
        "import_s": f"{import_seconds:.1f}",
        "list_p50_ms": f"{statistics.median(list_wall):.1f}",
        "list_p95_ms": f"{_percentile(list_wall, 0.95):.1f}",
        "list_cpu_p95_ms": f"{_percentile(list_cpu, 0.95):.1f}",
        "list_db_p95_ms": f"{_percentile(list_db, 0.95):.1f}",
        "list_queries": list_queries,
        "page_cold_p50_ms": f"{statistics.median(cold_wall):.1f}",
        "page_cold_p95_ms": f"{_percentile(cold_wall, 0.95):.1f}",
        "page_cold_cpu_p95_ms": f"{_percentile(cold_cpu, 0.95):.1f}",
        "page_cold_db_p95_ms": f"{_percentile(cold_db, 0.95):.1f}",
        "page_p50_ms": f"{statistics.median(page_wall):.1f}",
        "page_p95_ms": f"{_percentile(page_wall, 0.95):.1f}",
        "page_cpu_p95_ms": f"{_percentile(page_cpu, 0.95):.1f}",
        "page_db_p95_ms": f"{_percentile(page_db, 0.95):.1f}",
        "page_queries": page_queries,
        "requests": arguments.requests,
        "cores": os.cpu_count(),
        "load_avg": f"{(load_before + load_after) / 2:.1f}",
    }
    print(" ".join(f"{name}={value}" for name, value in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
