"""
Template tags that add the slips, deadline alerts, apology letters and notifications to the
staff application screen and the applicant's lookup page.
"""

from django import template

from ..deadlines.models import ApologyLetter
from ..notifications.models import Audience, NotificationChannel
from ..slips.context import available_slips

register = template.Library()


@register.inclusion_tag("submissions/slips/detail_panel.html", takes_context=True)
def application_outbox_panel(context, application):
    """Slips to download, deadline alerts, apology letters and every notification of `application`."""
    return {
        "application": application,
        "slips": available_slips(application),
        "supplement_requests": list(application.supplement_requests.order_by("sequence")),
        "alerts": list(application.deadline_alerts.select_related("agency")),
        "letters": list(application.apology_letters.select_related("issuing_agency")),
        "notifications": list(
            application.notifications.select_related("recipient_user").order_by("-created_at", "-pk")[:200]
        ),
        "request": context.get("request"),
    }


@register.inclusion_tag("submissions/slips/lookup_notices.html")
def applicant_notices(application):
    """
    Render the lookup page's part for `application`: the new appointment of an issued apology
    letter and the messages sent to the applicant. Messages to staff are left out, so no staff
    member's name, address or account appears.
    """
    letters = application.apology_letters.filter(state=ApologyLetter.State.ISSUED).order_by("-issued_at", "-pk")
    notifications = (
        application.notifications.for_applicant()
        .exclude(channel=NotificationChannel.IN_APP)
        .filter(audience=Audience.APPLICANT)
        .order_by("-created_at", "-pk")
    )
    return {"application": application, "latest_letter": letters.first(), "notifications": list(notifications[:50])}
