"""Fixtures of the catalogue tests: the real export, and imports of all or part of it."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command

REAL_EXPORT = settings.PORTAL_DATA_DIR / "vn-tthc-commune-catalog" / "procedures.jsonl"

# A cross-section of the real export. It has birth registration (many documents, "1 Khác" time
# limits), a procedure without the online channel, the shifted record 1.010805 and a title over
# 255 characters. It also has the foreign-worker licence with repeated documents and one
# procedure of each of the other departments.
SAMPLE_CODES = [
    "1.001193",
    "1.000593",
    "1.010805",
    "1.014864",
    "1.014199",
    "1.000288",
    "1.014849",
    "1.010803",
]


def read_real_records():
    with open(REAL_EXPORT, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_export(path, records, extra_lines=()):
    with open(path, "w", encoding="utf-8") as export:
        for record in records:
            export.write(json.dumps(record, ensure_ascii=False) + "\n")
        for line in extra_lines:
            export.write(line + "\n")
    return path


@pytest.fixture
def real_records():
    return read_real_records()


@pytest.fixture
def run_import(db, tmp_path):
    """
    Return a runner of `import_province_data`: `run_import(records=None, extra_lines=())`.

    Without records it imports the real export; it returns the command's output.
    """
    counter = iter(range(1, 1000))

    def run(records=None, extra_lines=()):
        options = {}
        if records is not None or extra_lines:
            path = tmp_path / f"export-{next(counter)}.jsonl"
            options["procedures"] = write_export(path, records or [], extra_lines)
        output = io.StringIO()
        call_command("import_province_data", stdout=output, **options)
        return output.getvalue()

    return run


@pytest.fixture
def sample_records(real_records):
    by_code = {record["ma_tthc"]: record for record in real_records}
    return [by_code[code] for code in SAMPLE_CODES]


def import_catalogue(path):
    """
    Import agencies, sectors and the procedures of `path` the way the command does, without
    the information portal's starting pages: faster for tests that only need the catalogue.
    """
    from cms_pages.content import ensure_home_page
    from service_catalog.importing.agencies import AgencyImporter
    from service_catalog.importing.procedures import ProcedureImporter, import_sectors
    from service_catalog.permissions import ensure_department_groups

    ensure_home_page()
    agencies = AgencyImporter(settings.PORTAL_DATA_DIR)
    agencies.run()
    sectors, _created = import_sectors(settings.PORTAL_DATA_DIR / "vn-tthc-commune-catalog" / "linh-vuc.json")
    result = ProcedureImporter(agencies, sectors).run(path)
    ensure_department_groups()
    return result


@pytest.fixture
def sample_catalogue(db, tmp_path, sample_records):
    """The agencies, sectors and the sample procedures, imported."""
    import_catalogue(write_export(tmp_path / "sample.jsonl", sample_records))
    return sample_records


@pytest.fixture
def full_catalogue(db):
    """The agencies, sectors and every procedure of the real export, imported."""
    return import_catalogue(REAL_EXPORT)
