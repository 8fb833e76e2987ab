"""Legal time: working days across Vietnamese holidays, office hours, day-based limits, pauses."""

import datetime

import pytest
from django.utils import timezone

from service_catalog.models.procedures import TimeLimitUnit
from submissions.models import CalendarDay, OfficeHours
from submissions.working_time import WorkingCalendar, calendar_for

from . import builders

WD = TimeLimitUnit.WORKING_DAYS


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def calendar():
    return WorkingCalendar(sessions=WorkingCalendar.default_sessions())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 2, 13), True),  # Friday before Tết 2026
        (datetime.date(2026, 2, 16), False),  # Tết 2026, Monday to Friday off
        (datetime.date(2026, 2, 20), False),
        (datetime.date(2026, 2, 23), True),
        (datetime.date(2026, 4, 27), False),  # Hùng Kings' day falls on Sunday 26/4: Monday off in lieu
        (datetime.date(2026, 4, 30), False),
        (datetime.date(2026, 5, 1), False),
        (datetime.date(2026, 8, 22), True),  # Saturday worked in exchange for Monday 31/8/2026
        (datetime.date(2026, 8, 31), False),
        (datetime.date(2026, 9, 2), False),
        (datetime.date(2027, 2, 4), False),  # Tết 2027: 4/2 to 10/2
        (datetime.date(2027, 2, 10), False),
        (datetime.date(2027, 2, 11), True),
        (datetime.date(2027, 5, 3), False),  # 1/5/2027 is a Saturday: Monday 3/5 off in lieu
        (datetime.date(2026, 3, 14), False),  # an ordinary Saturday
    ],
)
def test_working_day_table(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_working_days_skip_tet_2026(calendar):
    # Friday 13/2 10:00 plus three working days: Tết runs 16–20/2, so 23, 24 and 25/2 count.
    assert calendar.due_at(at(2026, 2, 13, 10), 3, WD) == at(2026, 2, 25, 10)


def test_working_days_skip_tet_2027(calendar):
    # Wednesday 3/2 15:00 plus two working days: 4–10/2 are off, so Thursday 11 and Friday 12 count.
    assert calendar.due_at(at(2027, 2, 3, 15), 2, WD) == at(2027, 2, 12, 15)


def test_swapped_days_2026_reunification_and_labour_day(calendar):
    # 27/4 (Hùng Kings in lieu), 30/4 and 1/5 are off in 2026.
    assert calendar.due_at(at(2026, 4, 24, 9), 2, WD) == at(2026, 4, 29, 9)
    assert calendar.due_at(at(2026, 4, 24, 9), 3, WD) == at(2026, 5, 4, 9)


def test_swapped_days_2026_national_day(calendar):
    # Saturday 22/8/2026 is worked in exchange for Monday 31/8; 1–2/9 are National Day.
    assert calendar.due_at(at(2026, 8, 21, 9), 1, WD) == at(2026, 8, 22, 9)
    assert calendar.due_at(at(2026, 8, 28, 9), 1, WD) == at(2026, 9, 3, 9)


def test_reunification_day_2027_weekend_in_lieu(calendar):
    # 30/4/2027 is Friday, 1/5 Saturday with Monday 3/5 off in lieu.
    assert calendar.due_at(at(2027, 4, 29, 9), 1, WD) == at(2027, 5, 4, 9)


def test_receipt_at_1745_counts_from_next_morning(calendar):
    assert calendar.counting_start(at(2026, 3, 9, 17, 45)) == at(2026, 3, 10, 7, 30)
    assert calendar.due_at(at(2026, 3, 9, 17, 45), 1, WD) == at(2026, 3, 10, 17)
    # On a Friday evening the next working day is Monday.
    assert calendar.due_at(at(2026, 3, 13, 17, 45), 1, WD) == at(2026, 3, 16, 17)


def test_receipt_at_lunch_counts_from_afternoon(calendar):
    assert calendar.counting_start(at(2026, 3, 9, 12)) == at(2026, 3, 9, 13, 30)


def test_hours_limit_crosses_lunch_and_night(calendar):
    # 2 h on Monday afternoon, 4 h on Tuesday morning, 2 h after lunch.
    assert calendar.due_at(at(2026, 3, 9, 15), 8, TimeLimitUnit.HOURS) == at(2026, 3, 10, 15, 30)


def test_day_limit_ending_on_holiday(calendar):
    # 2/2/2026 + 15 days = 17/2, inside Tết: the limit ends at closing time on Monday 23/2.
    assert calendar.due_at(at(2026, 2, 2, 10), 15, TimeLimitUnit.DAYS) == at(2026, 2, 23, 17)


def test_day_limit_ending_on_working_day(calendar):
    # 9/3/2026 + 10 days = Thursday 19/3, closing time.
    assert calendar.due_at(at(2026, 3, 9, 10), 10, TimeLimitUnit.DAYS) == at(2026, 3, 19, 17)


def test_day_limit_after_office_hours(calendar):
    # Friday 13/3 17:45 is received on Monday 16/3; ten days later is Thursday 26/3.
    assert calendar.due_at(at(2026, 3, 13, 17, 45), 10, TimeLimitUnit.DAYS) == at(2026, 3, 26, 17)


def test_month_limit_ending_in_tet(calendar):
    # 15/1/2026 + 1 month = Sunday 15/2; Tết follows, so the limit ends on Monday 23/2.
    assert calendar.due_at(at(2026, 1, 15, 10), 1, TimeLimitUnit.MONTHS) == at(2026, 2, 23, 17)


def test_unparsed_limit_gives_no_date(calendar):
    assert calendar.due_at(at(2026, 3, 9, 10), None, "") is None
    assert calendar.due_at(at(2026, 3, 9, 10), 5, "") is None


def test_office_minutes_between(calendar):
    # Monday 09:00 to Wednesday 10:00: 360 + 450 + 150 minutes.
    assert calendar.office_minutes_between(at(2026, 3, 9, 9), at(2026, 3, 11, 10)) == 960
    assert calendar.office_minutes_between(at(2026, 3, 11, 10), at(2026, 3, 9, 9)) == -960


def test_resume_after_supplement_gives_back_remaining_time(calendar):
    due = calendar.due_at(at(2026, 2, 13, 10), 3, WD)
    assert due == at(2026, 2, 25, 10)

    # Paused on Monday 23/2 09:00 with 960 office minutes left; resumed Friday 27/2 14:00.
    resumed_due = calendar.resume(due, at(2026, 2, 23, 9), at(2026, 2, 27, 14), WD)

    assert resumed_due == at(2026, 3, 3, 15)
    assert calendar.office_minutes_between(at(2026, 2, 27, 14), resumed_due) == 960


def test_resume_day_limit_shifts_by_paused_days(calendar):
    due = calendar.due_at(at(2026, 3, 9, 10), 10, TimeLimitUnit.DAYS)
    assert due == at(2026, 3, 19, 17)

    # Four calendar days of pause (Tuesday 10/3 to Saturday 14/3, resumed Monday 16/3).
    resumed_due = calendar.resume(due, at(2026, 3, 10, 9), at(2026, 3, 16, 9), TimeLimitUnit.DAYS)

    assert resumed_due == at(2026, 3, 25, 17)


def test_resume_when_already_late_keeps_appointment(calendar):
    due = at(2026, 3, 10, 10)
    assert calendar.resume(due, at(2026, 3, 11, 9), at(2026, 3, 12, 9), WD) == due


def test_split_shares_of_time_limit(calendar):
    start = at(2026, 3, 9, 7, 30)
    due = calendar.due_at(start, 10, WD)
    assert due == at(2026, 3, 20, 17)

    moments = calendar.split(start, due, [10, 70, 90, 100])

    assert moments[0] == at(2026, 3, 9, 17)  # one working day of ten
    assert moments[1] == at(2026, 3, 17, 17)  # seven
    assert moments[2] == at(2026, 3, 19, 17)  # nine
    assert moments[3] == due


@pytest.mark.django_db
def test_admin_make_up_saturday_and_extra_day_off():
    calendar = calendar_for(None)
    assert calendar.due_at(at(2026, 12, 18, 9), 1, WD) == at(2026, 12, 21, 9)

    CalendarDay.objects.create(date=datetime.date(2026, 12, 19), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")
    CalendarDay.objects.create(date=datetime.date(2026, 12, 21), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ thêm")
    calendar = calendar_for(None)

    assert calendar.is_working_day(datetime.date(2026, 12, 19))
    assert not calendar.is_working_day(datetime.date(2026, 12, 21))
    assert calendar.due_at(at(2026, 12, 18, 9), 1, WD) == at(2026, 12, 19, 9)
    assert calendar.due_at(at(2026, 12, 18, 9), 2, WD) == at(2026, 12, 22, 9)


@pytest.mark.django_db
def test_admin_override_wins_over_library_holiday():
    CalendarDay.objects.create(date=datetime.date(2026, 8, 22), kind=CalendarDay.Kind.DAY_OFF, name="Không làm bù")
    calendar = calendar_for(None)
    assert not calendar.is_working_day(datetime.date(2026, 8, 22))


@pytest.mark.django_db
def test_office_hours_per_agency():
    agency = builders.agency("PV.TEST.GIO.H41", "Cơ quan giờ riêng")
    OfficeHours.objects.create(
        agency=agency,
        morning_start=datetime.time(8),
        morning_end=datetime.time(12),
        afternoon_start=datetime.time(13),
        afternoon_end=datetime.time(17),
    )
    calendar = calendar_for(agency)

    assert calendar.minutes_per_day == 480
    assert calendar.counting_start(at(2026, 3, 9, 7, 45)) == at(2026, 3, 9, 8)
    assert calendar.due_at(at(2026, 3, 9, 12, 30), 1, WD) == at(2026, 3, 10, 12)
    assert calendar_for(None).counting_start(at(2026, 3, 9, 7, 45)) == at(2026, 3, 9, 7, 45)
