"""
The content of each slip, gathered from the application, its events, steps and agencies.

Every builder returns a template context; `SLIPS` maps a slip's URL name to its form number,
template and builder. Builders raise SlipUnavailable when the application has nothing to put
on that slip yet (no receipt before the dossier was received, no refusal slip unless refused).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ..models import Action, ReasonCode, Status
from ..notifications.messages import lookup_url
from ..validators import format_phone
from .pdf import qr_svg_data_uri

# Actions that end one workflow step and hand the dossier to the next (Mẫu 05 rows).
HANDOVER_ACTIONS = (Action.ACCEPT, Action.FORWARD, Action.SEND_BACK, Action.COMPLETE, Action.RETURN_RESULT)


class SlipUnavailable(Exception):
    """Raised when the application has no content for this slip; `message` gives the reason in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def local(moment):
    return timezone.localtime(moment) if moment else None


def slip_time(moment):
    """Return "HH giờ MM phút, ngày dd/mm/yyyy" (in the active language) for `moment`, or a dotted blank."""
    if moment is None:
        return "…"
    moment = local(moment)
    return _("%(hour)s:%(minute)s, %(date)s") % {
        "hour": f"{moment:%H}",
        "minute": f"{moment:%M}",
        "date": f"{moment:%d/%m/%Y}",
    }


def place_and_date(moment=None):
    """Return the place and date line of an official document: "Nghệ An, ngày 05 tháng 12 năm 2026"."""
    moment = local(moment or timezone.now())
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": settings.PORTAL_PROVINCE_NAME,
        "day": f"{moment:%d}",
        "month": f"{moment:%m}",
        "year": f"{moment:%Y}",
    }


def timeliness(finished_at, due_at):
    """
    Return how a hand-over met its deadline, in the words of the control slip.

    Early means before the deadline's day, on time means on that day by the deadline, and late
    means after it. Without a deadline the result is an empty string.
    """
    if finished_at is None or due_at is None:
        return ""
    if finished_at > due_at:
        return pgettext("timeliness of a hand-over", "Late")
    if local(finished_at).date() < local(due_at).date():
        return pgettext("timeliness of a hand-over", "Early")
    return pgettext("timeliness of a hand-over", "On time")


def _heading(application):
    agency = application.receiving_agency
    parent = agency.parent.name if agency.parent_id else _("People's Committee of %(province)s province") % {
        "province": settings.PORTAL_PROVINCE_NAME
    }
    return {"superior": parent, "agency": agency.name}


def _event_actor(application, *actions):
    event = application.events.filter(action__in=actions).order_by("-at", "-pk").first()
    return event.actor_name if event else ""


def _time_limit_text(application):
    if application.time_limit_value is not None and application.time_limit_unit:
        value = application.time_limit_value.normalize()
        return f"{value:f} {application.get_time_limit_unit_display()}"
    return application.time_limit_text or "…"


def base_context(application, form_number, title):
    url = lookup_url(application)
    return {
        "application": application,
        "form_number": form_number,
        "title": title,
        "heading": _heading(application),
        "phone": format_phone(application.applicant_phone),
        "place_and_date": place_and_date(),
        "lookup_url": url,
        "qr_code": qr_svg_data_uri(url),
        "province": settings.PORTAL_PROVINCE_NAME,
    }


def receipt_context(application, **_kwargs):
    """Mẫu 01: the receipt and appointment slip."""
    if application.clock_started_at is None or application.status == Status.REFUSED:
        raise SlipUnavailable(_("The dossier has not been received as complete, so there is no receipt slip."))

    documents = application.documents.filter(replaced_by__isnull=True).select_related("component").order_by("pk")
    components = [
        {
            "name": document.component_name,
            "originals": document.component.originals if document.component else "",
            "copies": document.component.copies if document.component else "",
            "file_name": document.original_name,
        }
        for document in documents
    ]
    context = base_context(application, "01", _("Receipt of the dossier and appointment for the result"))
    context.update(
        {
            "components": components,
            "time_limit": _time_limit_text(application),
            "received": slip_time(application.received_at or application.clock_started_at),
            "appointment": slip_time(application.due_at),
            "needs_appointment": application.due_at is None,
            "officer": _event_actor(application, Action.ACCEPT, Action.INTAKE),
        }
    )
    return context


def supplement_context(application, number=None, **_kwargs):
    """Mẫu 02: every document to supply or correct, each with its coded reason."""
    requests = application.supplement_requests.order_by("sequence")
    request_row = requests.filter(sequence=number).first() if number else requests.last()
    if request_row is None:
        raise SlipUnavailable(_("No supplement was requested for this application."))

    items = [
        {
            "name": item.component_name,
            "code": item.reason,
            "reason": ReasonCode(item.reason).label,
            "detail": item.detail if item.component_id else "",
        }
        for item in request_row.items.all()
    ]
    context = base_context(application, "02", _("Request to supplement and complete the dossier"))
    context.update(
        {
            "request_row": request_row,
            "items": items,
            "requested": slip_time(request_row.requested_at),
            "officer": request_row.requested_by.get_full_name() if request_row.requested_by else "",
        }
    )
    return context


def refusal_context(application, **_kwargs):
    """Mẫu 03: refusal to receive the dossier, with the reasons."""
    event = application.events.filter(action=Action.REFUSE).order_by("-at", "-pk").first()
    if event is None:
        raise SlipUnavailable(_("This application was not refused."))
    context = base_context(application, "03", _("Refusal to receive and process the dossier"))
    context.update({"reasons": event.note, "refused": slip_time(event.at), "officer": event.actor_name})
    return context


def apology_context(application, letter=None, **_kwargs):
    """Mẫu 04: apology and new appointment, from an issued letter."""
    if letter is None or not letter.is_issued:
        raise SlipUnavailable(_("The apology letter has not been issued yet: add the reason and the new appointment first."))
    context = base_context(application, "04", _("Apology and new appointment for the result"))
    context.update(
        {
            "letter": letter,
            "issuing_agency": letter.issuing_agency.name if letter.issuing_agency_id else application.processing_agency.name,
            "received": slip_time(application.received_at or application.clock_started_at),
            "missed": slip_time(letter.missed_due_at),
            "new_appointment": slip_time(letter.new_due_at),
            "place_and_date": place_and_date(letter.issued_at),
        }
    )
    return context


@dataclass
class Handover:
    number: int
    at: object
    giver_step: str
    giver: str
    giver_agency: str
    receiver_step: str
    receiver: str
    receiver_agency: str
    due_at: object
    result: str


def handovers(application):
    """Return every hand-over between workflow steps, in order, with its timeliness."""
    events = list(
        application.events.filter(action__in=HANDOVER_ACTIONS)
        .select_related("agency", "step", "step__agency")
        .order_by("at", "pk")
    )
    rows = []
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        to_step_name = (event.data or {}).get("to_step", "")
        if following is not None:
            receiver_step = following.step_name
            receiver = following.actor_name
            receiver_agency = following.agency.name if following.agency else ""
        elif event.action == Action.RETURN_RESULT:
            receiver_step, receiver, receiver_agency = _("Applicant"), application.applicant_name, ""
        else:
            current = application.current_step
            receiver_step = current.name if current else to_step_name
            receiver = ""
            receiver_agency = current.agency.name if current else ""
        due = event.step.due_at if event.step_id else None
        rows.append(
            Handover(
                number=index + 1,
                at=slip_time(event.at),
                giver_step=event.step_name,
                giver=event.actor_name,
                giver_agency=event.agency.name if event.agency else "",
                receiver_step=receiver_step or to_step_name,
                receiver=receiver,
                receiver_agency=receiver_agency,
                due_at=slip_time(due) if due else "",
                result=timeliness(event.at, due),
            )
        )
    return rows


def control_context(application, **_kwargs):
    """Mẫu 05: the processing-control slip, every hand-over and the time each agency used."""
    stints = []
    for stint in application.stints.select_related("agency").order_by("started_at", "pk"):
        stints.append(
            {
                "agency": stint.agency.name,
                "started": slip_time(stint.started_at),
                "ended": slip_time(stint.ended_at) if stint.ended_at else _("still there"),
                "hours": round(stint.office_minutes / 60, 1) if stint.office_minutes is not None else "",
                "due": slip_time(stint.due_at) if stint.due_at else "",
                "result": timeliness(stint.ended_at, stint.due_at),
            }
        )
    context = base_context(application, "05", _("Control of the processing of the dossier"))
    context.update(
        {
            "handovers": handovers(application),
            "stints": stints,
            "received": slip_time(application.received_at or application.clock_started_at),
            "appointment": slip_time(application.due_at),
            "overall": timeliness(application.finished_at, application.due_at),
        }
    )
    return context


@dataclass(frozen=True)
class SlipKind:
    form_number: str
    label: object
    template: str
    builder: object
    file_stem: str


SLIPS = {
    "bien-nhan": SlipKind("01", gettext_lazy("Receipt and appointment slip"), "submissions/slips/receipt.html", receipt_context, "giay-tiep-nhan"),
    "bo-sung": SlipKind("02", gettext_lazy("Supplement request"), "submissions/slips/supplement.html", supplement_context, "phieu-yeu-cau-bo-sung"),
    "tu-choi": SlipKind("03", gettext_lazy("Refusal slip"), "submissions/slips/refusal.html", refusal_context, "phieu-tu-choi"),
    "xin-loi": SlipKind("04", gettext_lazy("Apology and new appointment"), "submissions/slips/apology.html", apology_context, "phieu-xin-loi"),
    "kiem-soat": SlipKind("05", gettext_lazy("Processing-control slip"), "submissions/slips/control.html", control_context, "phieu-kiem-soat"),
}


def available_slips(application):
    """Return (url name, SlipKind) of the slips that have content for `application`, apology excluded."""
    available = []
    if application.clock_started_at is not None and application.status != Status.REFUSED:
        available.append("bien-nhan")
    if application.supplement_count:
        available.append("bo-sung")
    if application.status == Status.REFUSED:
        available.append("tu-choi")
    available.append("kiem-soat")
    return [(name, SLIPS[name]) for name in available]
