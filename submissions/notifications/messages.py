"""
The text of notifications: which actions the applicant hears about, and the rendered messages.

Messages are rendered in the portal's language when the row is written, so the outbox keeps
exactly what was sent. SMS text is shortened to the facts and, by default, sent without
diacritics (`settings.PORTAL_SMS["UNACCENTED"]`).
"""

import functools
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Action, ReasonCode
from .models import Topic

_STROKE_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass
class RenderedMessage:
    subject: str
    body: str
    html_body: str = ""
    sms: str = ""


@dataclass
class ApplicantUpdate:
    """The message for the applicant about one action: its topic, a headline and the details."""

    topic: str
    headline: str
    details: list = field(default_factory=list)


def absolute_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def lookup_url(application):
    return absolute_url(reverse("submissions:lookup")) + f"?ma={application.code}"


def local_datetime(moment):
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def unaccented(text):
    """Return `text` without Vietnamese diacritics, keeping letter case: "Đã tiếp nhận" → "Da tiep nhan"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE_LETTERS))
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


def in_portal_language(function):
    """
    Run `function` with the portal's language active.

    Messages are built while a staff member acts, and that member may use the admin in English.
    The applicant's message must still be in the portal's language (LANGUAGE_CODE).
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


@in_portal_language
def applicant_update(application, event):
    """
    Return the ApplicantUpdate for `event`, or None when the action sends the applicant nothing.

    Internal steps (processing started, forwarded, sent back, a staff note, payment received)
    send nothing; a note is quoted only when staff marked it visible to the applicant.
    """
    action = event.action
    note = "" if event.is_internal else event.note
    appointment = local_datetime(application.due_at)
    details = []

    if action == Action.SUBMIT:
        headline = _("Your application was submitted online. The agency will check it and confirm its receipt.")
        return ApplicantUpdate(Topic.RECEIPT, headline, details)

    if action == Action.ACCEPT:
        headline = _("Your application was received.")
        if appointment:
            details.append(_("Appointment for the result: %(moment)s.") % {"moment": appointment})
        topic = Topic.STATUS if application.channel == "online" else Topic.RECEIPT
        return ApplicantUpdate(topic, headline, details)

    if action == Action.REQUEST_SUPPLEMENT:
        headline = _("The agency asks you to complete your dossier.")
        for item in (event.data or {}).get("items", []):
            name = item.get("component") or item.get("detail") or ""
            details.append(f"{name}: {ReasonCode(item['reason']).label}")
        if note:
            details.append(note)
        return ApplicantUpdate(Topic.STATUS, headline, details)

    if action == Action.SUPPLEMENT_RECEIVED:
        headline = _("Your additional documents were received.")
        if appointment:
            details.append(_("Appointment for the result: %(moment)s.") % {"moment": appointment})
        return ApplicantUpdate(Topic.STATUS, headline, details)

    simple = {
        Action.REFUSE: _("Your application was refused."),
        Action.REQUEST_PAYMENT: _("Please pay the fees for your application."),
        Action.COMPLETE: _("The result of your application is ready."),
        Action.WITHDRAW: _("Your application was withdrawn at your request."),
        Action.STOP: _("Processing of your application was stopped."),
        Action.SET_APPOINTMENT: _("The appointment for your result was set."),
    }
    if action not in simple:
        return None
    if action == Action.REQUEST_PAYMENT and (event.data or {}).get("amount"):
        from portal.formatting import format_money

        details.append(_("Amount: %(amount)s.") % {"amount": format_money(event.data["amount"])})
    if action == Action.SET_APPOINTMENT and appointment:
        details.append(_("Appointment for the result: %(moment)s.") % {"moment": appointment})
    if note:
        details.append(note)
    return ApplicantUpdate(Topic.STATUS, simple[action], details)


@in_portal_language
def apology_update(letter):
    """Return the ApplicantUpdate announcing an issued apology letter."""
    details = [
        _("Appointment missed: %(moment)s.") % {"moment": local_datetime(letter.missed_due_at)},
        _("New appointment: %(moment)s.") % {"moment": local_datetime(letter.new_due_at)},
    ]
    if letter.reason:
        details.append(_("Reason: %(reason)s") % {"reason": letter.reason})
    headline = _("We apologise: your application is late.")
    return ApplicantUpdate(Topic.APOLOGY, headline, details)


def render_applicant_message(application, update):
    """Render the e-mail and SMS versions of `update` in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "headline": update.headline,
            "details": update.details,
            "lookup_url": lookup_url(application),
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("submissions/emails/applicant_subject.txt", context).strip()
        body = render_to_string("submissions/emails/applicant.txt", context)
        html_body = render_to_string("submissions/emails/applicant.html", context)
        sms = " ".join(render_to_string("submissions/emails/applicant_sms.txt", context).split())
    if settings.PORTAL_SMS.get("UNACCENTED", True):
        sms = unaccented(sms)
    return RenderedMessage(subject=subject, body=body, html_body=html_body, sms=sms)


def render_staff_alert(application, alert, staff_url):
    """Render the deadline alert for staff (e-mail and in-app text)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "alert": alert,
            "due": local_datetime(alert.due_at),
            "staff_url": staff_url,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("submissions/emails/staff_alert_subject.txt", context).strip()
        body = render_to_string("submissions/emails/staff_alert.txt", context)
    return RenderedMessage(subject=subject, body=body)
