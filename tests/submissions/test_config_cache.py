"""The per-process cache of the working calendar, office hours and workflows, and its invalidation."""

import datetime

import pytest
from django.db import transaction

from django.db import connection
from wagtail.models import PageViewRestriction

from service_catalog.models import DossierComponent, ProcedureChannel, ProcedurePage
from service_catalog.models.procedures import Channel
from submissions.config_cache import ConfigurationCache, configuration
from submissions.procedures import published_procedure
from submissions.models import CalendarDay, OfficeHours, StepAgency, StepKind, Workflow, WorkflowStep
from submissions.working_time import calendar_for

from .helpers import online_application

MAKE_UP_SATURDAY = datetime.date(2026, 12, 19)


class CountingLoader:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


@pytest.mark.django_db
def test_calendar_read_once_per_process(django_assert_num_queries):
    configuration.clear()
    calendar_for(None)

    with django_assert_num_queries(0):
        calendar = calendar_for(None)

    assert not calendar.is_working_day(MAKE_UP_SATURDAY)


@pytest.mark.django_db
def test_change_seen_in_its_own_transaction():
    assert not calendar_for(None).is_working_day(MAKE_UP_SATURDAY)

    CalendarDay.objects.create(date=MAKE_UP_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")

    assert calendar_for(None).is_working_day(MAKE_UP_SATURDAY)


@pytest.mark.django_db
def test_rolled_back_change_not_kept():
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        CalendarDay.objects.create(date=MAKE_UP_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")
        assert calendar_for(None).is_working_day(MAKE_UP_SATURDAY)
        raise Abandon

    assert not calendar_for(None).is_working_day(MAKE_UP_SATURDAY)


@pytest.mark.django_db(transaction=True)
def test_committed_change_reaches_other_processes():
    other_process = ConfigurationCache()
    loader = CountingLoader()
    assert other_process.get("key", loader) == 1
    assert other_process.get("key", loader) == 1

    CalendarDay.objects.create(date=MAKE_UP_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")

    assert other_process.get("key", loader) == 2


@pytest.mark.django_db(transaction=True)
def test_office_hours_change_reaches_other_processes(make_agency):
    agency = make_agency()
    other_process = ConfigurationCache()
    loader = CountingLoader()
    other_process.get(("calendar", agency.pk), loader)

    OfficeHours.objects.create(agency=agency, afternoon_end=datetime.time(16, 30))

    assert other_process.get(("calendar", agency.pk), loader) == 2
    assert calendar_for(agency).closing_time == datetime.time(16, 30)


@pytest.mark.django_db
def test_new_workflow_applies_to_next_application(province):
    procedure = province.licence
    first = online_application(procedure, province.justice, datetime.datetime(2026, 3, 9, 9, tzinfo=datetime.UTC))

    workflow = Workflow.objects.create(name="Hai bước", procedure=procedure)
    for order, (name, kind, role, share) in enumerate(
        [("Nhận", StepKind.RECEIVE, "desk_officer", 30), ("Trả", StepKind.RETURN_RESULT, "desk_officer", 70)]
    ):
        WorkflowStep.objects.create(
            workflow=workflow, sort_order=order, name=name, kind=kind, role=role,
            agency_source=StepAgency.RECEIVING, share_percent=share,
        )
    second = online_application(procedure, province.justice, datetime.datetime(2026, 3, 9, 10, tzinfo=datetime.UTC))

    assert first.steps.count() == 4
    assert list(second.steps.order_by("position").values_list("name", flat=True)) == ["Nhận", "Trả"]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the procedure cache checks PostgreSQL's row versions"
)


@postgresql_only
@pytest.mark.django_db
def test_procedure_read_once_then_checked(province, django_assert_num_queries):
    procedure = province.licence
    published_procedure(procedure.pk, public_only=True)

    with django_assert_num_queries(1):
        cached = published_procedure(procedure.pk, public_only=True)
        components = [component.name for component in cached.dossier_components.all()]
        time_limit = cached.channel_for(Channel.ONLINE).time_limit_value
        agency_code = cached.owner_agency.code

    assert components == ["Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", "Giấy ủy quyền"]
    assert time_limit == 10
    assert agency_code == "PV.S.TP.H41"


@pytest.mark.django_db
def test_procedure_reads_are_copies(province):
    first = published_procedure(province.licence.pk, public_only=True)
    first.title = "Đã sửa trong một yêu cầu"

    second = published_procedure(province.licence.pk, public_only=True)

    assert second is not first
    assert second.title == "Cấp phiếu lý lịch tư pháp"


@pytest.mark.django_db
def test_procedure_sees_published_revision(province):
    procedure = province.licence
    published_procedure(procedure.pk, public_only=True)

    page = ProcedurePage.objects.get(pk=procedure.pk)
    page.title = "Cấp phiếu lý lịch tư pháp số 1"
    channels = list(page.channels.all())
    for row in channels:
        row.time_limit_value = 7
    page.channels = channels
    page.save_revision().publish()

    read = published_procedure(procedure.pk, public_only=True)
    assert read.title == "Cấp phiếu lý lịch tư pháp số 1"
    assert read.channel_for(Channel.ONLINE).time_limit_value == 7


@pytest.mark.django_db
def test_procedure_sees_rows_changed_in_bulk(province):
    procedure = province.licence
    published_procedure(procedure.pk, public_only=True)

    ProcedureChannel.objects.filter(page_id=procedure.pk).update(time_limit_value=3)
    DossierComponent.objects.filter(page_id=procedure.pk, is_required=False).delete()
    procedure.owner_agency.__class__.objects.filter(pk=procedure.owner_agency_id).update(code="PV.S.TP2.H41")

    read = published_procedure(procedure.pk, public_only=True)
    assert read.channel_for(Channel.ONLINE).time_limit_value == 3
    assert [component.is_required for component in read.dossier_components.all()] == [True]
    assert read.owner_agency.code == "PV.S.TP2.H41"


@pytest.mark.django_db
def test_procedure_unpublished_not_returned(province):
    procedure = province.licence
    published_procedure(procedure.pk, public_only=True)

    ProcedurePage.objects.get(pk=procedure.pk).unpublish()

    assert published_procedure(procedure.pk, public_only=True) is None
    assert published_procedure(procedure.pk, public_only=False) is None


@pytest.mark.django_db
def test_procedure_restricted_after_read(province):
    procedure = province.licence
    published_procedure(procedure.pk, public_only=True)

    PageViewRestriction.objects.create(page=procedure.get_parent(), restriction_type=PageViewRestriction.LOGIN)

    assert published_procedure(procedure.pk, public_only=True) is None
    assert published_procedure(procedure.pk, public_only=False).pk == procedure.pk


@pytest.mark.django_db
def test_procedure_unknown_id_not_returned(province):
    assert published_procedure(province.licence.pk + 1000, public_only=False) is None
