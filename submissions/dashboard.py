"""
The staff dashboard panel: what waits for the officer's agency when they sign in.

Desk officers, specialists and leaders land on the Wagtail admin home page. The panel counts the
agency's unfinished applications (awaiting receipt, in progress, waiting for a supplement,
overdue) with links to the filtered list, and lists the most urgent ones by appointment.
"""

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import Application, Status
from .views.staff import APPLICATION_LIST_URL_NAME

URGENT_ROWS = 10
# Unfinished statuses counted on the panel, in the order work flows through them.
QUEUE_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
)


class WorkQueuePanel(Component):
    name = "submissions_work_queue"
    template_name = "submissions/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        request = parent_context["request"]
        now = timezone.now()
        unfinished = Application.objects.visible_to(request.user).filter(finished_at__isnull=True)

        list_url = reverse(APPLICATION_LIST_URL_NAME)
        by_status = dict(unfinished.values_list("status").annotate(total=Count("pk")).order_by())
        context["counts"] = [
            (status.label, by_status.get(status, 0), f"{list_url}?status__exact={status}") for status in QUEUE_STATUSES
        ]
        context["overdue_count"] = unfinished.overdue(now).count()
        context["overdue_url"] = f"{list_url}?han=qua-han"

        context["urgent"] = list(
            unfinished.select_related("current_agency")
            .order_by(F("due_at").asc(nulls_last=True), "submitted_at", "pk")[:URGENT_ROWS]
        )
        context["now"] = now
        context["list_url"] = list_url
        return context
