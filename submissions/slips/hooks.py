"""Wagtail admin hooks of the slips; imported by `submissions.wagtail_hooks`."""

from django.contrib.admin import display as admin_display
from django.urls import include, path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..views.staff import is_staff_member
from . import urls
from .context import available_slips


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


@admin_display(description=_("Slips"))
def slip_links(application):
    """Links to the application's slips for a row of the application list, labelled by form number."""
    return format_html_join(
        " · ",
        '<a href="{}" title="{}">{}</a>',
        (
            (reverse("submissions_slips:pdf", args=[application.pk, name]), slip.label, _("Form %(number)s") % {"number": slip.form_number})
            for name, slip in available_slips(application)
        ),
    )
