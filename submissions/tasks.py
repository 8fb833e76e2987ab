"""Background tasks of the submissions app. Each takes ids, is idempotent and safe to retry."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def lookup_url(application):
    """Return the absolute URL of the status lookup page with the code filled in."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}{reverse('submissions:lookup')}?ma={application.code}"


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=8)
def send_receipt_email(self, application_id):
    """
    Send the applicant the receipt e-mail (code, procedure, appointment, lookup link) once.

    The application row stays locked while the message is sent and is marked sent in the same
    transaction, so a second run waits and then skips it. A failure to reach the mail server
    rolls the mark back and the task retries with backoff.

    NOTE: a worker killed after the mail server accepted the message but before the commit sends
    it again on retry. The notification outbox (submissions.notifications) delivers exactly once.
    """
    from .models import Application

    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("current_agency", "processing_agency")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            logger.warning("Receipt e-mail skipped: application id=%s not found", application_id)
            return "missing"
        if application.receipt_email_sent_at is not None:
            return "already-sent"
        if not application.applicant_email:
            return "no-address"

        message = build_receipt_email(application)
        message.send()
        application.receipt_email_sent_at = timezone.now()
        application.save(update_fields=["receipt_email_sent_at"])

    logger.info("Receipt e-mail sent for application id=%s", application_id)
    return "sent"


def build_receipt_email(application):
    """
    Return the receipt e-mail in Vietnamese, as plain text with an HTML alternative.

    An online application that the desk has not checked yet is "submitted", not "received".
    """
    from .models import Status

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "Status": Status,
            "lookup_url": lookup_url(application),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("submissions/email/receipt_subject.txt", context).strip()
        text = render_to_string("submissions/email/receipt.txt", context)
        html = render_to_string("submissions/email/receipt.html", context)

    message = EmailMultiAlternatives(subject=subject, body=text, to=[application.applicant_email])
    message.attach_alternative(html, "text/html")
    return message


@shared_task
def purge_stale_drafts(max_age_hours=48):
    """Delete form drafts older than `max_age_hours` that never became an application, with their files."""
    from .drafts import purge_drafts

    deleted = purge_drafts(max_age_hours=max_age_hours)
    logger.info("Purged %s stale upload drafts", deleted)
    return deleted
