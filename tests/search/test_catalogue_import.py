"""
The catalogue import reaches the search index on both engines.

`import_province_data` creates procedure pages in bulk without `page_published`; search listens
to `procedures_imported` instead. These tests import the real records of data/ and then search.
"""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from search import service
from search.documents import ABOLISHED_BOOST
from search.models import SearchDocument

pytestmark = pytest.mark.django_db

PROCEDURES = settings.PORTAL_DATA_DIR / "vn-tthc-commune-catalog" / "procedures.jsonl"
BIRTH_CODE = "1.001193"


def import_catalogue(capture, procedures=PROCEDURES):
    """Run the import and the callbacks it leaves for the commit, as a committed transaction would."""
    with capture(execute=True):
        call_command("import_province_data", procedures=procedures, stdout=StringIO())


def read_records(path=PROCEDURES):
    with open(path, encoding="utf-8") as records:
        return [json.loads(line) for line in records if line.strip()]


def write_records(path, records):
    with open(path, "w", encoding="utf-8") as output:
        for record in records:
            output.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def test_import_indexes_catalogue(engine, django_capture_on_commit_callbacks):
    from service_catalog.models import ProcedurePage

    import_catalogue(django_capture_on_commit_callbacks)
    engine.refresh()

    procedure_ids = set(ProcedurePage.objects.live().values_list("pk", flat=True))
    assert len(procedure_ids) == len(read_records())
    assert procedure_ids <= engine.indexed_ids()

    birth = ProcedurePage.objects.get(national_code=BIRTH_CODE)
    for text in ("dang ky khai sinh", "đăng ký khai sinh"):
        outcome = service.run_search(text, engine=engine)
        assert outcome.hits, text
        assert outcome.hits[0].page_id == birth.pk, text


def test_reimport_updates_and_abolishes(engine, django_capture_on_commit_callbacks, tmp_path):
    from service_catalog.models import ProcedurePage

    import_catalogue(django_capture_on_commit_callbacks)
    records = read_records()
    renamed = next(record for record in records if record["ma_tthc"] == BIRTH_CODE)
    renamed["ten_tthc"] = "Thủ tục đăng ký khai sinh cho trẻ sơ sinh tại nhà hộ sinh Quỳnh Lưu"
    vanished = next(record for record in records if record["ma_tthc"] != BIRTH_CODE)
    remaining = [record for record in records if record is not vanished]

    import_catalogue(django_capture_on_commit_callbacks, write_records(tmp_path / "procedures.jsonl", remaining))
    engine.refresh()

    birth = ProcedurePage.objects.get(national_code=BIRTH_CODE)
    outcome = service.run_search("nha ho sinh quynh luu", engine=engine)
    assert [hit.page_id for hit in outcome.hits[:1]] == [birth.pk]

    abolished = ProcedurePage.objects.get(national_code=vanished["ma_tthc"])
    assert abolished.pk in engine.indexed_ids()
    if engine.name == "database":
        assert SearchDocument.objects.get(page_id=abolished.pk).boost == pytest.approx(ABOLISHED_BOOST)
