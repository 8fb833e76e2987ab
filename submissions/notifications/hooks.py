"""Wagtail admin hooks of the notifications; imported by `submissions.wagtail_hooks`."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from .models import Notification
from .views import InboxView


@hooks.register("register_admin_urls")
def register_inbox_url():
    return [path("ho-so/thong-bao/", InboxView.as_view(), name="submissions_notifications_inbox")]


class InboxMenuItem(MenuItem):
    """Shown to accounts that have in-app notifications; the label counts the unread ones."""

    def is_shown(self, request):
        return Notification.objects.in_app_for(request.user).exists()

    def render_component(self, request):
        unread = Notification.objects.in_app_for(request.user).filter(read_at__isnull=True).count()
        label = f"{self.label} ({unread})" if unread else self.label
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(_("Notifications"), reverse("submissions_notifications_inbox"), icon_name="mail", order=152)
