"""
Start the single-node OpenSearch built by tools/search-node/build.sh, for the quality script and
the benchmark (the test suite has its own fixture in tests/search/conftest.py).
"""

import contextlib
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings

START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30


def node_dir():
    return Path(os.environ.get("SEARCH_NODE_DIR", Path(settings.BASE_DIR) / "build" / "search-node"))


@contextlib.contextmanager
def running_node(heap="512m"):
    """Start the node on a free loopback port, yield its URL and stop it on exit."""
    build = node_dir()
    if not (build / "classes" / "Launcher.class").exists():
        raise RuntimeError(f"OpenSearch node not built in {build}: run tools/search-node/build.sh")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java not found on PATH; the OpenSearch node needs Java 17")

    scratch = Path(tempfile.mkdtemp(prefix="portal-search-node-"))
    log = open(scratch / "node.log", "wb")
    process = subprocess.Popen(
        [java, f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseSerialGC", "-cp", f"{build / 'lib'}/*:{build / 'classes'}", "Launcher", str(scratch / "node"), "0"],
        stdout=subprocess.PIPE,
        stderr=log,
        start_new_session=True,
    )
    try:
        yield _read_url(process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _read_url(process):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    output = b""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenSearch node exited with status {process.returncode} before it was ready")
        readable, _, _ = select.select([process.stdout], [], [], 0.5)
        if readable:
            output += os.read(process.stdout.fileno(), 4096)
            for line in output.decode("utf-8", "replace").splitlines():
                if line.startswith("READY "):
                    return line.split(" ", 1)[1].strip()
    raise TimeoutError(f"the OpenSearch node was not ready within {START_TIMEOUT_SECONDS} s")
