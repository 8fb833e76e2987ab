"""
The deadline watch: find applications due within one working day or past their appointment,
tell the staff who must act, and prepare the apology letter of a late application.

The appointment watched is the application's legal appointment, or the new appointment of its
latest issued apology letter. An application waiting for the applicant's supplement (clock
stopped) is not watched. Every alert is a DeadlineAlert row, unique per application, kind and
appointment, so running the watch twice, or twice at once, notifies once.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role

from ..models import Application
from ..notifications.outbox import notify_staff_of_alert
from ..working_time import calendar_for
from .models import ApologyLetter, DeadlineAlert

logger = logging.getLogger(__name__)

# Upper bound of "one working day from now" used to narrow the query: a working day after the
# longest run of days off (Tết, up to 9 days with the weekends) ends well within this.
_HORIZON_BOUND = datetime.timedelta(days=16)


@dataclass
class WatchReport:
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    notified_users: int = 0


def effective_due_at(application):
    """Return the appointment the applicant is promised now: the latest issued apology's, else the legal one."""
    issued = [letter for letter in application.apology_letters.all() if letter.is_issued and letter.new_due_at]
    if issued:
        return max(issued, key=lambda letter: (letter.issued_at, letter.pk)).new_due_at
    return application.due_at


def alert_recipients(application):
    """
    Return the staff to alert: holders of the current step's role at the step's agency (the
    officers who must act) and the leaders of the agency now holding the application.
    """
    user_model = get_user_model()
    leaders = Q(groups__name=GROUP_NAMES[Role.LEADER], staff_profile__agency=application.current_agency_id)
    condition = leaders
    step = application.current_step
    if step is not None:
        officers = Q(groups__name=GROUP_NAMES[Role(step.role)], staff_profile__agency=step.agency_id)
        condition = officers | leaders
    return list(user_model.objects.filter(is_active=True).filter(condition).distinct().order_by("pk"))


def _watched_applications(now):
    letters = Prefetch("apology_letters", queryset=ApologyLetter.objects.order_by("pk"))
    return (
        Application.objects.filter(finished_at__isnull=True, paused_at__isnull=True, due_at__isnull=False)
        .filter(due_at__lt=now + _HORIZON_BOUND)
        .select_related("current_step", "current_agency", "receiving_agency")
        .prefetch_related(letters)
        .order_by("due_at", "pk")
    )


def run_watch(now=None):
    """Raise the alerts that are due at `now` (default: the current time) and return a WatchReport."""
    now = now or timezone.now()
    report = WatchReport()
    horizons = {}

    for application in _watched_applications(now):
        due = effective_due_at(application)
        if due is None:
            continue
        agency_id = application.receiving_agency_id
        if agency_id not in horizons:
            calendar = calendar_for(application.receiving_agency)
            horizons[agency_id] = calendar.add_office_minutes(now, calendar.minutes_per_day)

        if due < now:
            kind = DeadlineAlert.Kind.OVERDUE
        elif due <= horizons[agency_id]:
            kind = DeadlineAlert.Kind.DUE_SOON
        else:
            continue

        alert, users = raise_alert(application, kind, due, now)
        if alert is None:
            continue
        (report.overdue if kind == DeadlineAlert.Kind.OVERDUE else report.due_soon).append(application.pk)
        report.notified_users += len(users)

    logger.info(
        "Deadline watch: %s due soon, %s overdue, %s staff notified",
        len(report.due_soon),
        len(report.overdue),
        report.notified_users,
    )
    return report


def raise_alert(application, kind, due, now):
    """
    Record the alert and notify its recipients in one transaction; for a late application also
    prepare the apology letter. Returns (alert, users), or (None, []) when it was raised before.
    """
    step = application.current_step
    with transaction.atomic():
        alert, created = DeadlineAlert.objects.get_or_create(
            application=application,
            kind=kind,
            due_at=due,
            defaults={
                "raised_at": now,
                "step_name": step.name if step else "",
                "agency": application.current_agency,
            },
        )
        if not created:
            return None, []

        users = alert_recipients(application)
        notify_staff_of_alert(alert, users)
        if kind == DeadlineAlert.Kind.OVERDUE:
            ApologyLetter.objects.create(application=application, alert=alert, missed_due_at=due, created_at=now)
    return alert, users
