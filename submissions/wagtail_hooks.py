"""
The staff area of the submissions app in the Wagtail admin.

Applications are listed with wagtail-modeladmin (filters, search by code) and scoped to the
officer's agency. The application screen, desk intake and statistics are custom admin views in
the same look. The working calendar, office hours and workflows are modeladmin screens for
administrators.
"""

from django.contrib.admin import SimpleListFilter
from django.contrib.admin import display as admin_display
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from accounts.roles import Role, has_role
from portal.modeladmin import PortalModelAdmin

from . import admin_urls
from .dashboard import WorkQueuePanel
from .models import Application, CalendarDay, OfficeHours, Status, Workflow
from .views.staff import is_staff_member

# The slips' and the notifications' screens register their own hooks.
from .notifications import hooks as notification_hooks  # noqa: E402, F401
from .slips import hooks as slip_hooks  # noqa: E402, F401


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("ho-so/", include(admin_urls, namespace="submissions_admin"))]


@hooks.register("construct_homepage_panels")
def add_work_queue_panel(request, panels):
    if is_staff_member(request.user):
        panels.append(WorkQueuePanel())


class OverdueFilter(SimpleListFilter):
    title = _("deadline")
    parameter_name = "han"

    def lookups(self, request, model_admin):
        return [("qua-han", _("Overdue")), ("trong-han", _("In progress, on time"))]

    def queryset(self, request, queryset):
        if self.value() == "qua-han":
            return queryset.overdue()
        if self.value() == "trong-han":
            return queryset.filter(finished_at__isnull=True).exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


class ApplicationPermissionHelper(PermissionHelper):
    """Staff list applications here. Applications are created by intake and changed by actions, not here."""

    def user_can_list(self, user):
        return is_staff_member(user)

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ApplicationAdmin(PortalModelAdmin):
    model = Application
    # Changing this path changes the list's URL name (views.staff.APPLICATION_LIST_URL_NAME).
    base_url_path = "ho-so/danh-sach"
    menu_label = _("Applications")
    menu_icon = "doc-full"
    permission_helper_class = ApplicationPermissionHelper
    list_display = (
        "code_link", "procedure_title", "channel", "status_badge", "current_agency", "submitted_at", "due_at",
        slip_hooks.slip_links,
    )
    list_filter = ("status", "channel", OverdueFilter, "submitted_at")
    search_fields = ("code",)
    list_per_page = 50

    def get_queryset(self, request):
        return (
            Application.objects.visible_to(request.user)
            .select_related("current_agency")
            .order_by("-submitted_at", "-pk")
        )

    @admin_display(description=_("Application code"), ordering="code")
    def code_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("submissions_admin:detail", args=[obj.pk]), obj.code)

    @admin_display(description=_("Status"), ordering="status")
    def status_badge(self, obj):
        label = Status(obj.status).label
        if obj.is_overdue(timezone.now()):
            return format_html('{} <span class="w-status w-status--label">{}</span>', label, _("overdue"))
        return label


class ConfigurationPermissionHelper(PermissionHelper):
    """
    Workflows, the working calendar and office hours change every deadline, so editing them needs
    the `submissions.configure_processing` permission (superusers have it), not the model permissions
    the staff roles hold on the submissions app.
    """

    permission = "submissions.configure_processing"

    def user_has_any_permissions(self, user):
        return user.has_perm(self.permission)

    def user_has_specific_permission(self, user, perm_codename):
        return user.has_perm(self.permission)


class CalendarDayAdmin(PortalModelAdmin):
    model = CalendarDay
    permission_helper_class = ConfigurationPermissionHelper
    base_url_path = "ho-so/lich-lam-viec"
    menu_label = _("Working calendar")
    menu_icon = "date"
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)


class OfficeHoursAdmin(PortalModelAdmin):
    model = OfficeHours
    permission_helper_class = ConfigurationPermissionHelper
    base_url_path = "ho-so/gio-lam-viec"
    menu_label = _("Office hours")
    menu_icon = "time"
    list_display = ("agency", "morning_start", "morning_end", "afternoon_start", "afternoon_end")
    search_fields = ("agency__name", "agency__code")


class WorkflowAdmin(PortalModelAdmin):
    model = Workflow
    permission_helper_class = ConfigurationPermissionHelper
    base_url_path = "ho-so/quy-trinh"
    menu_label = _("Processing workflows")
    menu_icon = "list-ol"
    list_display = ("name", "procedure", "is_default")
    search_fields = ("name",)


class RoleMenuItem(MenuItem):
    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles

    def is_shown(self, request):
        return any(has_role(request.user, role) for role in self.roles)


class SubmissionsGroup(ModelAdminGroup):
    menu_label = _("Applications")
    menu_icon = "doc-full"
    menu_order = 150
    items = (ApplicationAdmin, WorkflowAdmin, CalendarDayAdmin, OfficeHoursAdmin)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        intake = RoleMenuItem(
            _("Desk intake"),
            reverse("submissions_admin:intake"),
            icon_name="form",
            order=1,
            roles=(Role.DESK_OFFICER,),
        )
        statistics = RoleMenuItem(
            _("Statistics"),
            reverse("submissions_admin:statistics"),
            icon_name="table",
            order=2,
            roles=(Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER),
        )
        return [items[0], intake, statistics] + items[1:]


modeladmin_register(SubmissionsGroup)
