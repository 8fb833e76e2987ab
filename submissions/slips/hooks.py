"""Wagtail admin hooks of the slips; imported by `submissions.wagtail_hooks`."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..views.staff import is_staff_member
from . import urls


@hooks.register("register_admin_urls")
def register_slip_urls():
    return [path("ho-so/phieu/", include(urls, namespace="submissions_slips"))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_staff_member(request.user)


@hooks.register("register_admin_menu_item")
def register_register_menu_item():
    return StaffMenuItem(
        _("Intake register"), reverse("submissions_slips:register"), icon_name="table", order=151
    )
