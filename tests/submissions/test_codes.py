"""Application codes: format, daily counter per receiving agency, uniqueness under concurrent intake."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from service_catalog.models.procedures import Channel
from submissions.codes import allocate_code
from submissions.models import Application, UploadDraft
from submissions.processing.actions import FileInput
from submissions.processing.intake import Applicant, Decision, record_intake, submit_online

from . import builders
from .conftest import VALID_ID

APPLICANT = Applicant(
    name="Lê Văn Nam", id_number=VALID_ID, phone="+84912345678", email="", address="Phường Thành Vinh, Nghệ An"
)


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@pytest.mark.django_db
def test_code_format_and_daily_counter(province):
    first = allocate_code(province.thanh_vinh, at(2026, 1, 5, 9))
    second = allocate_code(province.thanh_vinh, at(2026, 1, 5, 16))
    other_agency = allocate_code(province.justice, at(2026, 1, 5, 9))
    next_day = allocate_code(province.thanh_vinh, at(2026, 1, 6, 8))

    assert first == "PV.X.16681.H41-260105-0001"
    assert second == "PV.X.16681.H41-260105-0002"
    assert other_agency == "PV.S.TP.H41-260105-0001"
    assert next_day == "PV.X.16681.H41-260106-0001"


@pytest.mark.django_db
def test_code_date_is_local_date(province):
    # 23:30 UTC on 4 January is 06:30 on 5 January in Vietnam.
    moment = datetime.datetime(2026, 1, 4, 23, 30, tzinfo=datetime.UTC)
    assert allocate_code(province.justice, moment).startswith("PV.S.TP.H41-260105-")


@pytest.mark.django_db
def test_code_with_official_agency_code():
    province_committee = builders.agency("000.00.00.H41", "UBND tỉnh Nghệ An", kind="peoples_committee")
    code = allocate_code(province_committee, at(2026, 3, 2, 9))
    assert re.fullmatch(r"000\.00\.00\.H41-260302-0001", code)


def _file(name):
    upload = builders.pdf_upload(name)
    from submissions.storage import private_storage

    stored = private_storage().save(f"test/{name}", upload)
    return FileInput(name=name, content_type="application/pdf", file=stored, size=upload.size)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_twenty_concurrent_intakes_get_distinct_codes(province):
    """Ten online submissions and ten desk intakes at the same ward, all started at once."""
    desk_officer = builders.staff("tv_motcua_song_song", Role.DESK_OFFICER, province.thanh_vinh)
    procedure = province.birth
    components = list(procedure.dossier_components.all())
    barrier = threading.Barrier(20)

    def online(index):
        try:
            draft = UploadDraft.objects.create(purpose="concurrency")
            barrier.wait(timeout=30)
            application, created = submit_online(
                procedure=procedure, applicant=APPLICANT, processing_agency=province.thanh_vinh, draft=draft
            )
            assert created
            return application.code
        finally:
            connection.close()

    def desk(index):
        try:
            files = {component: _file(f"scan-{index}-{component.pk}.pdf") for component in components}
            barrier.wait(timeout=30)
            application = record_intake(
                procedure=procedure,
                channel=Channel.IN_PERSON,
                applicant=APPLICANT,
                officer=desk_officer,
                receiving_agency=province.thanh_vinh,
                processing_agency=province.thanh_vinh,
                files=files,
                decision=Decision.ACCEPT,
            )
            return application.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(online, index) for index in range(10)]
        futures += [pool.submit(desk, index) for index in range(10)]
        codes = [future.result(timeout=120) for future in futures]

    assert len(codes) == 20
    assert len(set(codes)) == 20
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 21))
    assert Application.objects.filter(receiving_agency=province.thanh_vinh).count() == 20
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert prefixes == {f"PV.X.16681.H41-{timezone.localdate():%y%m%d}"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_posts_of_one_draft_create_one_application(province):
    """A double click: two posts of the same form at the same moment."""
    draft = UploadDraft.objects.create(purpose="double-click")
    barrier = threading.Barrier(2)

    def post(_index):
        try:
            barrier.wait(timeout=30)
            application, created = submit_online(
                procedure=province.licence, applicant=APPLICANT, processing_agency=province.justice, draft=draft
            )
            return application.pk, created
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(post, range(2)))

    assert {pk for pk, _created in results} == {Application.objects.get().pk}
    assert sorted(created for _pk, created in results) == [False, True]
