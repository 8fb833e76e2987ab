"""tools/services.sh: the service check that `make test` and CI run before pytest."""

import os
import subprocess
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "tools" / "services.sh"


def run_services(**environment):
    env = {**os.environ, **environment}
    return subprocess.run(["bash", str(SERVICES)], env=env, capture_output=True, text=True, timeout=120)


def test_non_postgres_url_rejected():
    result = run_services(DATABASE_URL="sqlite:///portal.db")

    assert result.returncode == 1
    assert "must be a postgres:// URL" in result.stderr


def test_url_without_names_rejected():
    result = run_services(DATABASE_URL="postgres://")

    assert result.returncode == 1
    assert "must name a user and a database" in result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"),
    reason="needs DATABASE_URL on PostgreSQL and REDIS_URL, as `make test` sets them",
)
def test_running_servers_reused():
    result = run_services()

    assert result.returncode == 0, result.stderr
    assert "PostgreSQL ready" in result.stdout
    assert "Redis ready" in result.stdout
    assert "starting" not in result.stdout
    assert "creating" not in result.stdout
