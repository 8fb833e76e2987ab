"""Settings modules: production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
LOAD_SETTINGS = "from django.conf import settings; print('DEBUG', settings.DEBUG, settings.PORTAL_ENVIRONMENT)"


def load_production_settings(**variables):
    """Import portal.settings.production in a new interpreter with only `variables` set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(variables, DJANGO_SETTINGS_MODULE="portal.settings.production")
    return subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses():
    result = load_production_settings(ALLOWED_HOSTS="dichvucong.example.vn")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses():
    result = load_production_settings(SECRET_KEY="a-long-random-secret-for-this-test-only")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_with_secrets_loads():
    result = load_production_settings(
        SECRET_KEY="a-long-random-secret-for-this-test-only", ALLOWED_HOSTS="dichvucong.example.vn"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False production"


def test_empty_database_url_means_the_sqlite_default():
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update(DATABASE_URL="", DJANGO_SETTINGS_MODULE="portal.settings.dev")
    show_engine = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"

    result = subprocess.run(
        [sys.executable, "-c", show_engine], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
