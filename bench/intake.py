"""
Benchmark of intake: online submissions and desk intakes at once, against a live server.

Each client thread repeats what a browser does after opening the form: post it as multipart
with two 300 KB PDF attachments (POST; the server responds with a redirect). The form page itself is fetched
once per client for its CSRF token; the signed draft token that each form page carries is
made by the bench with the server's secret key, exactly as the page would make it, so the
figures measure the submissions and not the rendering of form pages.
Half the threads are applicants on the public form, half are desk officers signed in to the
admin's intake form; all file with one agency, so every application takes a number from the
same daily counter. The server is gunicorn on PostgreSQL, with Celery tasks queued on Redis; no
worker consumes them during the run, and the queue is purged at the end. Each server process
(or thread) keeps its database connection between requests (`--conn-max-age`). By default the
server runs five sync workers, as site/gunicorn.conf.py does on two cores.

The clock starts once every client has signed in and posted a form, and `--warm-up` seconds
later, so the desk officers' logins (a slow password hash each) and the workers' first
requests stay out of the figures. Besides the latencies, the bench reports the CPU time that
gunicorn and the PostgreSQL backends of the bench database used per application during the
run, and the share of the run during which the machine's CPUs were idle. On a machine that
other work also loads, these show what the run would cost on an idle one. Redis, the kernel's
loopback traffic and PostgreSQL's background processes are not counted.

Usage (PostgreSQL and Redis required):

    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/intake.py [--seconds 30] [--concurrency 20] \\
        [--worker-class sync] [--workers 5] [--threads 4] [--conn-max-age 600]

With `--in-process N` no server starts: the bench posts N online and N desk forms straight to
Django's WSGI handler in this process, one at a time, and prints the CPU time and the number
of SQL queries of each kind of POST (the cost of a request without the HTTP server). With
`--profile PREFIX` as well, it writes a cProfile of N more POSTs of each kind, timed in CPU
seconds, to PREFIX-online.prof and PREFIX-desk.prof. BENCH_PRINT_QUERIES=1 prints the SQL of
one POST of each kind.

The bench migrates the database, creates its own agency (code BENCH.<run>.H41), procedure and
desk officer, and checks afterwards that every application code is unique and that the
agency's numbers run 1…N without a gap. The last line holds the figures as name=value pairs.
"""

import argparse
import http.client
import io
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ATTACHMENT_BYTES = 300 * 1024

SETTINGS_MODULE = textwrap.dedent(
    """
    # Settings of the intake benchmark: production settings with plain static files and a
    # temporary folder for uploads.
    import os
    from pathlib import Path
    from portal.settings.production import *  # noqa: F403

    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
    MEDIA_ROOT = Path(os.environ["BENCH_FILES"]) / "media"
    PORTAL_PRIVATE_MEDIA_ROOT = Path(os.environ["BENCH_FILES"]) / "private"
    LOGGING["root"]["level"] = "WARNING"  # noqa: F405
    """
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="Length of the measured run, in seconds.")
    parser.add_argument(
        "--warm-up",
        type=float,
        default=5,
        help=(
            "Seconds of load before the measured run, counted once every client has signed in and "
            "posted its first form, so the server's workers have filled their caches."
        ),
    )
    parser.add_argument("--concurrency", type=int, default=20, help="Client threads; half online, half at the desk.")
    parser.add_argument(
        "--worker-class", choices=("gthread", "sync"), default="sync", help="gunicorn worker class."
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes.")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker (gthread only).")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=600,
        help="Seconds a server thread keeps its database connection (Django's CONN_MAX_AGE; 0 closes it after each request).",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        default=0,
        help="Start no server: post N forms of each kind to the WSGI handler and print CPU time and queries per POST.",
    )
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="With --in-process: also profile N more POSTs of each kind with cProfile into PREFIX-online.prof and PREFIX-desk.prof.",
    )
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_environment(workdir, conn_max_age):
    """Write the bench settings module and set the variables the server and this process share."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL, for example postgres://portal:portal@127.0.0.1:5432/portal")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must point at Redis, for example redis://127.0.0.1:6379/0")

    (workdir / "bench_settings.py").write_text(SETTINGS_MODULE)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "BENCH_FILES": str(workdir),
            "DATABASE_CONN_MAX_AGE": str(conn_max_age),
            "PYTHONPATH": os.pathsep.join([str(workdir), str(REPO), os.environ.get("PYTHONPATH", "")]),
        }
    )
    sys.path[:0] = [str(workdir), str(REPO)]


def set_up_data(run_id):
    """Migrate, then create the bench agency, a procedure with two documents and a desk officer."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from accounts.roles import Role
    from tests.submissions import builders

    agency = builders.agency(f"BENCH.{run_id}.H41", f"Sở thử tải {run_id}")
    procedure = create_procedure(agency, run_id, builders.department_folder(agency))
    password = secrets.token_urlsafe(16)
    officer = builders.staff(f"bench_{run_id}", Role.DESK_OFFICER, agency)
    officer.set_password(password)
    officer.save()
    components = list(procedure.dossier_components.values_list("pk", flat=True))
    return agency, procedure, (officer.username, password, officer.pk), components


def create_procedure(agency, run_id, folder):
    """Publish a full-online procedure of `agency`: two documents, five working days."""
    from service_catalog.models import DossierComponent, ProcedureChannel, ProcedurePage
    from service_catalog.models.procedures import Channel, OnlineServiceKind, TimeLimitUnit

    number = int(run_id, 16)
    channels = [
        ProcedureChannel(
            channel=channel,
            time_limit_value=5,
            time_limit_unit=TimeLimitUnit.WORKING_DAYS,
            time_limit_text="5 Ngày làm việc",
            fee_amount=0,
        )
        for channel in (Channel.IN_PERSON, Channel.ONLINE)
    ]
    components = [
        DossierComponent(name=name, originals=1, copies=0, is_required=True)
        for name in ("Tờ khai theo mẫu", "Giấy tờ chứng minh")
    ]
    page = ProcedurePage(
        title=f"Thủ tục thử tải {run_id}",
        slug=f"thu-tai-{run_id.lower()}",
        national_code=f"8.{number:07d}",
        instance_code=f"8.{number:07d}.000.00.00.H41",
        owner_agency=agency,
        level_province=True,
        online_service_kind=OnlineServiceKind.FULL,
        channels=channels,
        dossier_components=components,
    )
    folder.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def start_server(port, args, workdir):
    log = open(workdir / "gunicorn.log", "w")
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", args.worker_class,
        "--workers", str(args.workers),
        "--timeout", "120",
        "--log-level", "warning",
        # The master imports Django once and forks ready workers, so no worker spends the run
        # importing. Each worker opens its own database connection on its first request.
        "--preload",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def process_tree_cpu_seconds(root_pid):
    """Return the CPU time (user + system, seconds) used so far by `root_pid` and its live child processes."""
    tick = os.sysconf("SC_CLK_TCK")
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    pids = {root_pid}
    for pid, (parent, _cpu) in parents.items():
        if parent == root_pid:
            pids.add(pid)
    return sum(parents[pid][1] for pid in pids if pid in parents)


def machine_cpu_ticks():
    """Return (idle, total) clock ticks of all CPUs since boot, from /proc/stat; idle includes I/O wait."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return values[3] + values[4], sum(values)


def database_backends_cpu_seconds(started=None):
    """
    Return the CPU time used by the PostgreSQL backends connected to the bench database.

    Without `started` this returns {backend pid: CPU seconds used so far}. With the dictionary
    of an earlier call it returns the seconds used since then, in total. The server's
    connections live as long as `--conn-max-age` allows, so with 0 this misses the connections
    already closed. This process's own connection is left out.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    used = {pid: process_tree_cpu_seconds(pid) for pid in pids}
    if started is None:
        return used
    return sum(seconds - started.get(pid, 0.0) for pid, seconds in used.items())


def wait_until_ready(base_url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited during start-up; see gunicorn.log in the bench's work folder.")
        try:
            with urllib.request.urlopen(f"{base_url}/ho-so/tra-cuu/", timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer within {timeout} s")


class Recorder:
    """Latencies (seconds) per request kind, and failures, shared by the client threads."""

    def __init__(self, clients):
        self.lock = threading.Lock()
        self.warm_up_applications = 0
        self.clients_waiting = clients
        self.all_clients_posted = threading.Event()
        self.reset()

    def first_post_done(self):
        """Count a client whose first POST got its response; set `all_clients_posted` after the last one."""
        with self.lock:
            self.clients_waiting -= 1
            if self.clients_waiting == 0:
                self.all_clients_posted.set()

    def reset(self):
        """Forget what the warm-up recorded; keep the number of its applications."""
        with self.lock:
            self.warm_up_applications += sum(getattr(self, "applications", {}).values())
            self.latencies = {}
            self.applications = {"online": 0, "desk": 0}
            self.failures = []

    def timed(self, kind, call):
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
        return response

    def fail(self, message):
        with self.lock:
            self.failures.append(message)


def p95_ms(values):
    if not values:
        return 0.0
    if len(values) < 20:
        return max(values) * 1000
    return statistics.quantiles(values, n=20)[-1] * 1000


class FormClient:
    """
    A minimal HTTP/1.1 client with a cookie jar: one keep-alive connection per client thread.

    The multipart body of each post is the per-application fields followed by the attachments'
    parts, encoded once per thread, so the client spends little CPU beside the server.
    """

    BOUNDARY = "----portal-bench-boundary-7d1f"

    def __init__(self, base_url):
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)
        self.cookies = {}

    def request(self, method, path, body=b"", content_type=None):
        headers = {"Referer": f"http://127.0.0.1{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body or None, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def post_form(self, path, fields):
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    @classmethod
    def file_parts(cls, files, payload):
        """Return the encoded multipart parts of `files` ({field name: file name}), each holding `payload`."""
        parts = []
        for field, file_name in files.items():
            parts.append(
                (
                    f"--{cls.BOUNDARY}\r\n"
                    f'Content-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
                    "Content-Type: application/pdf\r\n\r\n"
                ).encode()
                + payload
                + b"\r\n"
            )
        return b"".join(parts)

    def post_multipart(self, path, fields, file_parts):
        body, content_type = multipart_body(fields, file_parts)
        return self.request("POST", path, body, content_type)


def multipart_body(fields, file_parts):
    """Return (body, content type) of a multipart post of `fields` followed by the encoded `file_parts`."""
    boundary = FormClient.BOUNDARY
    head = b"".join(
        (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n').encode()
        for name, value in fields.items()
    )
    body = head + file_parts + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def online_path(procedure_id):
    return f"/ho-so/nop/{procedure_id}/"


def desk_path(procedure_id):
    return f"/quan-tri/ho-so/tiep-nhan/{procedure_id}/"


def online_fields(procedure_id, csrf_token, phone_suffix):
    """Return the text fields of one online application; the signed draft token is new each time."""
    from submissions.drafts import new_token

    return {
        "csrfmiddlewaretoken": csrf_token,
        "draft": new_token(f"apply-{procedure_id}"),
        "full_name": "Nguyễn Văn Bình",
        "id_number": "040085123456",
        "phone": f"0912{phone_suffix:06d}",
        "email": "binh@example.org",
        "address": "Số 1 đường Lê Mao, Phường Thành Vinh, Nghệ An",
    }


def desk_fields(procedure_id, user_id, components, csrf_token, phone_suffix):
    """Return the text fields of one desk intake, accepted with every document marked valid."""
    from submissions.drafts import new_token

    fields = {
        "csrfmiddlewaretoken": csrf_token,
        "draft": new_token(f"intake-{procedure_id}-{user_id}"),
        "channel": "in_person",
        "full_name": "Trần Thị Lan",
        "id_number": "040185123456",
        "phone": f"0987{phone_suffix:06d}",
        "email": "",
        "address": "Xã Nghi Lộc, Nghệ An",
        "decision": "accept",
        "note": "",
    }
    for pk in components:
        fields[f"verdict_{pk}"] = "ok"
        fields[f"detail_{pk}"] = ""
    return fields


def online_file_parts(components, payload):
    return FormClient.file_parts({f"component_{pk}": f"tai-lieu-{pk}.pdf" for pk in components}, payload)


def desk_file_parts(components, payload):
    return FormClient.file_parts({f"scan_{pk}": f"scan-{pk}.pdf" for pk in components}, payload)


def online_client(base_url, procedure_id, components, payload, recorder, stop, number):
    client = FormClient(base_url)
    form_path = online_path(procedure_id)
    client.request("GET", form_path)
    file_parts = online_file_parts(components, payload)
    sequence = 0
    while not stop.is_set():
        sequence += 1
        fields = online_fields(procedure_id, client.cookies["csrftoken"], number * 1000 + sequence % 1000)
        status, _headers, _content = recorder.timed(
            "online_post", lambda: client.post_multipart(form_path, fields, file_parts)
        )
        if status == 302:
            with recorder.lock:
                recorder.applications["online"] += 1
        else:
            recorder.fail(f"online POST {status}")
        if sequence == 1:
            recorder.first_post_done()


def desk_client(base_url, procedure_id, components, payload, recorder, stop, credentials, number):
    client = FormClient(base_url)
    username, password, user_id = credentials
    client.request("GET", "/quan-tri/login/")
    client.post_form(
        "/quan-tri/login/",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"], "username": username, "password": password},
    )
    form_path = desk_path(procedure_id)
    client.request("GET", form_path)
    file_parts = desk_file_parts(components, payload)
    sequence = 0
    while not stop.is_set():
        sequence += 1
        fields = desk_fields(procedure_id, user_id, components, client.cookies["csrftoken"], number * 1000 + sequence % 1000)
        status, headers, _content = recorder.timed(
            "desk_post", lambda: client.post_multipart(form_path, fields, file_parts)
        )
        if status == 302 and "/tiep-nhan/" not in headers.get("Location", ""):
            with recorder.lock:
                recorder.applications["desk"] += 1
        else:
            recorder.fail(f"desk POST {status}")
        if sequence == 1:
            recorder.first_post_done()


class InProcessPoster:
    """
    Posts forms straight to Django's WSGI handler, as gunicorn would, with a session cookie jar.

    The sessions and CSRF cookies come from Django's test client (GET of the form, the desk
    officer's login); the measured POSTs go through `WSGIHandler` with the same bodies the HTTP
    clients send.
    """

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client

        self.handler = WSGIHandler()
        self.client = Client(HTTP_HOST="127.0.0.1")

    @property
    def cookies(self):
        return {name: morsel.value for name, morsel in self.client.cookies.items()}

    def environ(self, path, body, content_type):
        cookies = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookies,
            "HTTP_REFERER": f"http://127.0.0.1{path}",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }

    def post(self, environ):
        """Run one request; return (status code, headers)."""
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"] = int(status.split()[0])
            started["headers"] = dict(headers)

        result = self.handler(environ, start_response)
        try:
            b"".join(result)
        finally:
            result.close()
        return started["status"], started["headers"]


def measure_in_process(procedure, credentials, components, payload, count, profile_prefix=None):
    """
    Post `count` online and `count` desk forms, one at a time, after three of each to warm up.

    Returns {kind: (CPU ms per POST, SQL queries per POST)}. With `profile_prefix`, a third
    pass runs under cProfile and writes `<profile_prefix>-<kind>.prof`. A first pass counts the queries
    (BEGIN and COMMIT included) with Django's query capture; a second pass measures the CPU
    time without it, because the capture itself costs CPU time.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    username, password, user_id = credentials
    online = InProcessPoster()
    online.client.get(online_path(procedure.pk))
    desk = InProcessPoster()
    desk.client.post("/quan-tri/login/", {"username": username, "password": password})
    desk.client.get(desk_path(procedure.pk))

    online_parts = online_file_parts(components, payload)
    desk_parts = desk_file_parts(components, payload)

    def online_request(number):
        fields = online_fields(procedure.pk, online.cookies["csrftoken"], number)
        return online, online.environ(online_path(procedure.pk), *multipart_body(fields, online_parts))

    def desk_request(number):
        fields = desk_fields(procedure.pk, user_id, components, desk.cookies["csrftoken"], number)
        return desk, desk.environ(desk_path(procedure.pk), *multipart_body(fields, desk_parts))

    figures = {}
    for kind, build in (("online", online_request), ("desk", desk_request)):
        for number in range(3):
            _check_posted(kind, *build(number))

        queries = 0
        for number in range(count):
            poster, environ = build(1000 + number)
            with CaptureQueriesContext(connection) as captured:
                _check_posted(kind, poster, environ)
            queries += len(captured.captured_queries)
            if os.environ.get("BENCH_PRINT_QUERIES") and number == 0:
                for query in captured.captured_queries:
                    print(f"  [{kind}] {query['sql'][:160]}", file=sys.stderr)

        requests = [build(2000 + number) for number in range(count)]
        cpu_started = time.process_time()
        for poster, environ in requests:
            _check_posted(kind, poster, environ)
        cpu = time.process_time() - cpu_started
        figures[kind] = (cpu / count * 1000, queries / count)

        if profile_prefix:
            profile_posts(kind, [build(3000 + number) for number in range(count)], f"{profile_prefix}-{kind}.prof")
    return figures


def profile_posts(kind, requests, path):
    """Post `requests` under cProfile, timed in CPU seconds, and write the statistics to `path` (read them with pstats)."""
    import cProfile

    # CPU time, not wall time: waits for PostgreSQL and Redis would hide where the CPU goes.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for poster, environ in requests:
        _check_posted(kind, poster, environ)
    profiler.disable()
    profiler.dump_stats(path)
    print(f"Profile of {len(requests)} {kind} POSTs written to {path}")


def _check_posted(kind, poster, environ):
    status, headers = poster.post(environ)
    if status != 302 or "/tiep-nhan/" in headers.get("Location", ""):
        sys.exit(f"in-process {kind} POST failed with status {status}")


def check_codes(agency):
    """Return (applications, duplicate codes, missing numbers) of the bench agency."""
    from django.db.models import Count

    from submissions.models import Application

    applications = Application.objects.filter(receiving_agency=agency)
    total = applications.count()
    duplicates = (
        applications.values("code").annotate(times=Count("pk")).filter(times__gt=1).count()
    )
    numbers_by_day = {}
    for code in applications.values_list("code", flat=True):
        prefix, number = code.rsplit("-", 1)
        numbers_by_day.setdefault(prefix, []).append(int(number))
    missing = sum(max(numbers) - len(set(numbers)) for numbers in numbers_by_day.values())
    return total, duplicates, missing


def purge_queue():
    from portal.celery import app

    try:
        return app.control.purge()
    except Exception as error:  # noqa: BLE001 (the figures stand without the purge)
        print(f"Could not purge the Celery queue: {error}", file=sys.stderr)
        return 0


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    prepare_environment(workdir, args.conn_max_age)
    run_id = secrets.token_hex(3).upper()

    agency, procedure, credentials, components = set_up_data(run_id)
    from tests.submissions.builders import pdf_bytes

    payload = pdf_bytes(ATTACHMENT_BYTES)
    if args.in_process:
        run_in_process(args, procedure, credentials, components, payload, workdir)
        return

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server, log = start_server(port, args, workdir)
    recorder = Recorder(args.concurrency)
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    try:
        wait_until_ready(base_url, server)
        stop = threading.Event()
        threads = []
        for number in range(args.concurrency):
            if number % 2 == 0:
                target, extra = online_client, ()
            else:
                target, extra = desk_client, (credentials,)
            thread = threading.Thread(
                target=target,
                args=(base_url, procedure.pk, components, payload, recorder, stop, *extra, number),
                daemon=True,
            )
            threads.append(thread)

        warm_up_started = time.perf_counter()
        for thread in threads:
            thread.start()
        if not recorder.all_clients_posted.wait(timeout=300):
            sys.exit("Not every client posted a form within 300 s of the start; see gunicorn.log in the bench's work folder.")
        time.sleep(args.warm_up)
        warm_up_seconds = time.perf_counter() - warm_up_started

        recorder.reset()
        started = time.perf_counter()
        client_cpu_started = time.process_time()
        server_cpu_started = process_tree_cpu_seconds(server.pid)
        database_cpu_started = database_backends_cpu_seconds()
        idle_started, ticks_started = machine_cpu_ticks()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu_started
        server_cpu = process_tree_cpu_seconds(server.pid) - server_cpu_started
        database_cpu = database_backends_cpu_seconds(database_cpu_started)
        idle_ended, ticks_ended = machine_cpu_ticks()
        idle_share = (idle_ended - idle_started) / max(ticks_ended - ticks_started, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    total_posted = recorder.applications["online"] + recorder.applications["desk"]
    stored, duplicates, missing = check_codes(agency)
    purged = purge_queue()
    shutil.rmtree(workdir, ignore_errors=True)

    latencies = recorder.latencies
    threads = f"x{args.threads} threads" if args.worker_class == "gthread" else " sync"
    print(
        f"Run {run_id}: {args.concurrency} clients for {elapsed:.1f} s, gunicorn {args.workers}{threads}, "
        f"CONN_MAX_AGE {args.conn_max_age}"
    )
    for kind in ("online_post", "desk_post"):
        values = latencies.get(kind, [])
        if values:
            print(f"  {kind}: {len(values)} requests, median {statistics.median(values) * 1000:.0f} ms, p95 {p95_ms(values):.0f} ms")
    print(f"  applications: {recorder.applications['online']} online, {recorder.applications['desk']} at the desk")
    print(
        f"  CPU used: gunicorn {server_cpu:.1f} s, PostgreSQL backends of the bench database {database_cpu:.1f} s, "
        f"client threads {client_cpu:.1f} s; load average before the run: {load_before}"
    )
    print(f"  all CPUs of the machine were idle {idle_share:.0%} of the run ({os.cpu_count()} CPUs)")
    print(f"  after {recorder.warm_up_applications} applications of the warm-up ({warm_up_seconds:.0f} s)")
    print(f"  stored for the bench agency: {stored}; failed requests: {len(recorder.failures)}; queued tasks purged: {purged}")
    if recorder.failures:
        print(f"  first failures: {recorder.failures[:5]}")
    print(
        f"apps_per_s={total_posted / elapsed:.1f} "
        f"p95_online_ms={p95_ms(latencies.get('online_post', [])):.0f} "
        f"p95_desk_ms={p95_ms(latencies.get('desk_post', [])):.0f} "
        f"applications={total_posted} stored={stored - recorder.warm_up_applications} failures={len(recorder.failures)} "
        f"duplicates={duplicates} missing_numbers={missing} "
        f"server_cpu_ms_per_app={server_cpu * 1000 / max(total_posted, 1):.1f} "
        f"database_cpu_ms_per_app={database_cpu * 1000 / max(total_posted, 1):.1f} "
        f"machine_idle_pct={idle_share * 100:.0f}"
    )



def run_in_process(args, procedure, credentials, components, payload, workdir):
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    figures = measure_in_process(procedure, credentials, components, payload, args.in_process, args.profile)
    purge_queue()
    shutil.rmtree(workdir, ignore_errors=True)

    print(f"In-process: {args.in_process} POSTs of each kind; load average before: {load_before}")
    print(
        " ".join(
            f"{kind}_cpu_ms={cpu_ms:.1f} {kind}_queries={queries:.1f}" for kind, (cpu_ms, queries) in figures.items()
        )
    )


if __name__ == "__main__":
    main()
