"""Periodic task of the deadline watch (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .watch import run_watch


@shared_task
def watch_deadlines():
    """Raise the due-soon and overdue alerts; idempotent, so overlapping runs notify once."""
    report = run_watch()
    return {"due_soon": len(report.due_soon), "overdue": len(report.overdue), "notified": report.notified_users}
