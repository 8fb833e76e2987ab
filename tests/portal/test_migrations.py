"""Every model change has its migration."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    output = io.StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"makemigrations found model changes without migrations:\n{output.getvalue()}")
