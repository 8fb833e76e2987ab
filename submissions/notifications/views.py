"""The staff member's in-app notifications (deadline alerts) in the Wagtail admin."""

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import ListView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import Notification


class InboxView(WagtailAdminTemplateMixin, ListView):
    """Lists the signed-in user's in-app notifications, newest first; posting marks them read."""

    template_name = "submissions/emails/inbox.html"
    header_icon = "mail"
    page_title = gettext_lazy("Notifications")
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        return (
            Notification.objects.in_app_for(self.request.user)
            .select_related("application")
            .order_by("-created_at", "-pk")
        )

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def post(self, request, *args, **kwargs):
        Notification.objects.in_app_for(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("submissions_notifications_inbox")
