"""The per-process cache of the working calendar, office hours and workflows, and its invalidation."""

import datetime

import pytest
from django.db import transaction

from submissions.config_cache import ConfigurationCache, configuration
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
