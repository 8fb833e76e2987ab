"""
A pause for a supplement on a limit in calendar days moves the legal last day, not the
appointment that a weekend had already moved on (Civil Code Art. 148: a period ending on a day
off ends on the next working day).
"""

import datetime

import pytest
from django.utils import timezone

from service_catalog.models.procedures import TimeLimitUnit
from submissions.models import Action, ReasonCode
from submissions.processing.actions import FileInput, SupplementItemInput, perform, perform_as_applicant
from submissions.storage import private_storage
from submissions.working_time import WorkingCalendar

from . import builders
from .helpers import desk_application

DAYS = TimeLimitUnit.DAYS


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def test_resume_from_legal_last_day():
    calendar = WorkingCalendar(sessions=WorkingCalendar.default_sessions())
    received = at(2026, 3, 4, 10)  # Wednesday; ten days end on Saturday 14/3

    last_day = calendar.last_day(received, 10, DAYS)
    due = calendar.due_at(received, 10, DAYS)
    resumed = calendar.resume(due, at(2026, 3, 5, 9), at(2026, 3, 6, 9), DAYS, last_day=last_day)

    assert last_day == datetime.date(2026, 3, 14)
    assert due == at(2026, 3, 16, 17)  # moved to Monday
    # One day of pause: the last day becomes Sunday 15/3, so the appointment stays Monday 16/3.
    assert resumed == at(2026, 3, 16, 17)


@pytest.mark.django_db
def test_application_pause_keeps_weekend_rule(province, people):
    procedure = builders.procedure(
        province.justice, "Thủ tục tính theo ngày", time_limit=(10, DAYS), time_limit_text="10 Ngày"
    )
    application = desk_application(procedure, people.justice_desk, province.justice, province.justice, at(2026, 3, 4, 10))
    assert application.due_at == at(2026, 3, 16, 17)
    assert application.due_last_day == datetime.date(2026, 3, 14)

    perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 4, 11))
    component = procedure.upload_components()[0]
    perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        items=[SupplementItemInput(component, ReasonCode.ILLEGIBLE, "")],
        now=at(2026, 3, 5, 9),
    )
    item = application.supplement_requests.get(fulfilled_at__isnull=True).items.get()
    upload = builders.pdf_upload("bo-sung.pdf")
    stored = FileInput(upload.name, "application/pdf", private_storage().save("test/bo-sung.pdf", upload), upload.size)
    perform_as_applicant(application, Action.SUPPLEMENT_RECEIVED, files={item.pk: stored}, now=at(2026, 3, 6, 9))

    application.refresh_from_db()
    assert application.due_last_day == datetime.date(2026, 3, 15)
    assert application.due_at == at(2026, 3, 16, 17)
