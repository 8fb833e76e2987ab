"""
Counts per processing agency for a period: filed, awaiting receipt, received, done, on time,
late, in progress, overdue.

An application counts in the period of the day it was filed (local date of `submitted_at`).
"Received" means accepted at the desk as complete: an online application still awaiting the
desk's check, or one refused at the desk, is filed but not received.
"On time" and "late" concern applications with a result (statuses 9 and 10). Late means
finished after the appointment, or sent back to the applicant for a supplement more than once.
The service-quality indicators of Decision 766/QĐ-TTg (indicator 2.1) also count the second case
as late. An application without an appointment (time limit not parsed) counts as on time.
"""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import RESULT_STATUSES, Application, Status

COUNT_NAMES = ("filed", "awaiting_receipt", "received", "done", "on_time", "late", "in_progress", "overdue", "closed_without_result")


def period_bounds(date_from, date_to):
    """Return the aware datetimes bounding the local dates `date_from` to `date_to` inclusive."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def agency_statistics(date_from, date_to, agency=None, now=None):
    """
    Return one row per processing agency: its code and name and the counts of COUNT_NAMES.

    `agency` limits the rows to one agency (staff see their own); None gives every agency.
    """
    now = now or timezone.now()
    start, end = period_bounds(date_from, date_to)
    applications = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if agency is not None:
        applications = applications.filter(processing_agency=agency)

    with_result = Q(status__in=RESULT_STATUSES)
    late = with_result & (Q(finished_at__gt=F("due_at")) | Q(supplement_count__gt=1))
    on_time = with_result & Q(supplement_count__lte=1) & (Q(due_at__isnull=True) | Q(finished_at__lte=F("due_at")))
    received = Q(received_at__isnull=False)
    unfinished = Q(finished_at__isnull=True)
    in_progress = received & unfinished
    # An online application's clock runs from filing, so one the desk has not checked yet can be overdue too.
    overdue = unfinished & Q(due_at__isnull=False) & (
        Q(paused_at__isnull=True, due_at__lt=now) | Q(paused_at__isnull=False, due_at__lt=F("paused_at"))
    )

    rows = (
        applications.values("processing_agency__code", "processing_agency__name")
        .annotate(
            filed=Count("pk"),
            awaiting_receipt=Count("pk", filter=Q(status=Status.SUBMITTED)),
            received=Count("pk", filter=received),
            done=Count("pk", filter=with_result),
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=late),
            in_progress=Count("pk", filter=in_progress),
            overdue=Count("pk", filter=overdue),
            closed_without_result=Count("pk", filter=Q(finished_at__isnull=False) & ~with_result),
        )
        .order_by("processing_agency__name")
    )
    return [
        {"agency_code": row["processing_agency__code"], "agency_name": row["processing_agency__name"]}
        | {name: row[name] for name in COUNT_NAMES}
        for row in rows
    ]


def totals(rows):
    return {name: sum(row[name] for row in rows) for name in COUNT_NAMES}
