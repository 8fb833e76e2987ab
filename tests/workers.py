"""Real Celery worker processes for the tests that check work done outside the test process."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[1]


def worker_database_url():
    """Return the URL of the PostgreSQL test database, for a worker process to connect to."""
    database = settings.DATABASES["default"]
    return f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def start_worker(name, environment, log):
    """Start a solo-pool worker named `name` with `environment`, writing its output to the open file `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
        cwd=REPO,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_worker(process, timeout):
    """Stop a worker with SIGTERM, killing it when it has not exited after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
