"""The working calendar that administrators keep: extra days off, make-up working days, office hours."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """
    A date whose working status differs from the weekly pattern and the public holidays.

    The `holidays` package supplies Vietnam's public holidays and the swapped days it lists. This
    table adds what the government announces later (an extra day off, a Saturday worked in
    exchange) and overrides the package where the official schedule differs from it.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("For example: Saturday worked in exchange for 31/08/2026."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


class OfficeHours(models.Model):
    """An agency's office hours: a morning and an afternoon session, in local time."""

    agency = models.OneToOneField(
        "service_catalog.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="office_hours_sessions",
    )
    morning_start = models.TimeField(_("morning opens"), default=datetime.time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=datetime.time(17, 0))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self):
        return (
            f"{self.agency}: {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )

    def clean(self):
        times = [self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end]
        if any(value is None for value in times):
            return
        if not times[0] < times[1] <= times[2] < times[3]:
            raise ValidationError(
                _("Each session must open before it closes, and the morning must end before the afternoon starts.")
            )

    @property
    def sessions(self):
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
