"""
Legal time: working days, office hours and appointment dates.

Rules, as the one-stop desks apply them:

* A working day is Monday to Friday, except Vietnam's public holidays. The `holidays` package
  lists those and the Saturdays worked in exchange for a swapped day off. The administrators'
  CalendarDay table wins over both.
* Office time runs only inside an agency's sessions (07:30–11:30 and 13:30–17:00 by default).
  A receipt outside them counts from the next session, so a receipt at 17:45 counts from the
  next working day's opening.
* A limit in working days is that many full days of office time; in hours, that much office
  time. Five working days from Monday 09:00 end the next Monday at 09:00.
* A limit in days or months follows the Civil Code (Art. 147–148): counting starts the day
  after the receipt, the limit ends at closing time of its last day, and a last day that is not
  a working day moves to the next working day.
* While the applicant supplements the dossier the clock stops; it resumes with the time that
  was left (`resume`).
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from service_catalog.models.procedures import TimeLimitUnit

from .config_cache import configuration


@functools.lru_cache(maxsize=64)
def _public_holidays(year):
    """Return (days off, weekend days worked) of Vietnam in `year` from the `holidays` package."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days_off = frozenset(calendar.keys())
    worked = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    return days_off, worked


def public_holiday_name(day):
    """Return the name of the public holiday on `day` in Vietnamese, or an empty string."""
    return holidays.country_holidays("VN", years=day.year, language="vi").get(day, "")


def _parse_session(start, end):
    return (datetime.time.fromisoformat(start), datetime.time.fromisoformat(end))


@dataclass(frozen=True)
class WorkingCalendar:
    """
    Working days and office sessions of one agency.

    `days_off` and `working_days` are the administrators' overrides; `sessions` are
    (opening, closing) local times in order.
    """

    sessions: tuple
    days_off: frozenset = frozenset()
    working_days: frozenset = frozenset()

    @classmethod
    def default_sessions(cls):
        return tuple(_parse_session(start, end) for start, end in settings.PORTAL_OFFICE_HOURS)

    @property
    def minutes_per_day(self):
        return sum(_minutes(start, end) for start, end in self.sessions)

    @property
    def closing_time(self):
        return self.sessions[-1][1]

    def is_working_day(self, day):
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        days_off, weekend_worked = _public_holidays(day.year)
        if day in weekend_worked:
            return True
        return day.weekday() < 5 and day not in days_off

    def working_day_on_or_after(self, day):
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def next_working_day(self, day):
        return self.working_day_on_or_after(day + datetime.timedelta(days=1))

    def _local(self, moment):
        return moment.astimezone(timezone.get_default_timezone())

    def _at(self, day, time_of_day):
        return datetime.datetime.combine(day, time_of_day, tzinfo=timezone.get_default_timezone())

    def _office_segments(self, start):
        """Yield (segment start, segment end) of office time from `start` onwards, in order."""
        local_start = self._local(start)
        day = local_start.date()
        while True:
            if self.is_working_day(day):
                for opening, closing in self.sessions:
                    segment_start = max(local_start, self._at(day, opening))
                    segment_end = self._at(day, closing)
                    if segment_start < segment_end:
                        yield segment_start, segment_end
            day += datetime.timedelta(days=1)

    def counting_start(self, moment):
        """Return the first moment of office time at or after `moment`."""
        segment_start, _segment_end = next(self._office_segments(moment))
        return segment_start

    def effective_receipt_day(self, moment):
        """Return the working day a receipt at `moment` counts on (after closing: the next one)."""
        return self.counting_start(moment).date()

    def add_office_minutes(self, moment, minutes):
        """
        Return the moment `minutes` of office time after `moment`.

        A result that falls on a closing time stays there instead of moving to the next
        opening, so one working day from 07:30 ends at 17:00 the same day.
        """
        remaining = Decimal(minutes)
        for segment_start, segment_end in self._office_segments(moment):
            available = Decimal(_seconds(segment_start, segment_end)) / 60
            if remaining <= available:
                return segment_start + datetime.timedelta(minutes=float(remaining))
            remaining -= available
        raise AssertionError("unreachable: office segments never end")

    def office_minutes_between(self, start, end):
        """Return the office time from `start` to `end` in whole minutes (negative if `end` is earlier)."""
        if end < start:
            return -self.office_minutes_between(end, start)
        total = 0
        for segment_start, segment_end in self._office_segments(start):
            if segment_start >= end:
                break
            total += _seconds(segment_start, min(segment_end, end))
        return int(total // 60)

    def close_of(self, day):
        """Return closing time on the working day on or after `day`."""
        return self._at(self.working_day_on_or_after(day), self.closing_time)

    def due_at(self, received_at, value, unit):
        """
        Return the appointment for a limit of `value` `unit` counted from `received_at`.

        Returns None when the unit is unknown (an unparsed limit): no date is invented, and
        staff set the appointment themselves.
        """
        if value is None or not unit:
            return None
        value = Decimal(value)

        if unit == TimeLimitUnit.WORKING_DAYS:
            return self.add_office_minutes(received_at, value * self.minutes_per_day)
        if unit == TimeLimitUnit.HOURS:
            return self.add_office_minutes(received_at, value * 60)

        last_day = self.last_day(received_at, value, unit)
        return self.close_of(last_day) if last_day else None

    def last_day(self, received_at, value, unit):
        """
        Return the last day of a limit in days or months, before a day off moves it on; else None.

        The appointment is the close of the first working day on or after this day. Kept with the
        application, it lets a pause for a supplement move the appointment from the legal last day
        rather than from a day the appointment was already moved to.
        """
        if value is None or unit not in (TimeLimitUnit.DAYS, TimeLimitUnit.MONTHS):
            return None
        value = Decimal(value)

        receipt_day = self.effective_receipt_day(received_at)
        if unit == TimeLimitUnit.DAYS:
            return receipt_day + datetime.timedelta(days=int(value.to_integral_value(rounding="ROUND_CEILING")))
        whole_months = int(value)
        extra_days = int(((value - whole_months) * 30).to_integral_value(rounding="ROUND_CEILING"))
        return receipt_day + relativedelta(months=whole_months) + datetime.timedelta(days=extra_days)

    def split(self, start, due, cumulative_shares):
        """
        Return the moments that divide the office time from `start` to `due` by `cumulative_shares`.

        `cumulative_shares` are percentages in increasing order; a share of 100 returns `due`
        itself. Used for the deadlines of workflow steps and of each agency.
        """
        total = self.office_minutes_between(self.counting_start(start), due)
        moments = []
        for share in cumulative_shares:
            if share >= 100:
                moments.append(due)
            else:
                moments.append(self.add_office_minutes(start, Decimal(total) * share / 100))
        return moments

    def paused_days(self, paused_at, resumed_at):
        """Return the calendar days from the pause to the resumption (0 when both fall on one day)."""
        return max((self._local(resumed_at).date() - self._local(paused_at).date()).days, 0)

    def resume(self, due_at, paused_at, resumed_at, unit, last_day=None):
        """
        Return the new appointment after the clock stopped at `paused_at` and resumed at `resumed_at`.

        The time left at the pause is given again from the resumption: office time for working
        days and hours, whole calendar days for limits in days and months. An application that
        was already late when paused keeps its appointment.

        For limits in days the last day moves by the calendar days from the pause to the
        resumption, so a pause and a resumption on the same day change nothing. The day of the
        resumption is its calendar day even after closing time: as at receipt (Civil Code Art.
        147), the days left count from the next day, so moving to the next working day too
        would add a day. `last_day` is the legal last day (see `last_day`) when known. Without
        it the appointment's own day is used, which differs only when a day off moved it.
        """
        if due_at is None:
            return None
        if paused_at >= due_at:
            return due_at
        if unit in (TimeLimitUnit.DAYS, TimeLimitUnit.MONTHS):
            start_day = last_day or self._local(due_at).date()
            return self.close_of(start_day + datetime.timedelta(days=self.paused_days(paused_at, resumed_at)))
        remaining = self.office_minutes_between(paused_at, due_at)
        return self.add_office_minutes(resumed_at, remaining)


def _minutes(start, end):
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _seconds(start, end):
    return (end - start).total_seconds()


def calendar_for(agency):
    """
    Return the working calendar of `agency` (an Agency, its id, or None for the defaults).

    The calendar includes the administrators' extra days off and make-up working days. It is
    kept per process until the calendar or the agency's office hours change (see config_cache).
    """
    agency_id = getattr(agency, "pk", agency)
    return configuration.get(("calendar", agency_id), lambda: _load_calendar(agency_id))


def _load_calendar(agency_id):
    from .models import OfficeHours

    sessions = WorkingCalendar.default_sessions()
    if agency_id is not None:
        hours = OfficeHours.objects.filter(agency_id=agency_id).first()
        if hours is not None:
            sessions = hours.sessions

    days_off, working_days = configuration.get("calendar-days", _load_calendar_days)
    return WorkingCalendar(sessions=tuple(sessions), days_off=days_off, working_days=working_days)


def _load_calendar_days():
    """Return (extra days off, make-up working days) from the administrators' CalendarDay table."""
    from .models import CalendarDay

    days_off = set()
    working_days = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        if kind == CalendarDay.Kind.DAY_OFF:
            days_off.add(day)
        else:
            working_days.add(day)
    return frozenset(days_off), frozenset(working_days)
