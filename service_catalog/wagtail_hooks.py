"""Admin registration of the catalogue: agencies and sectors, and the completeness report."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from portal.modeladmin import PortalModelAdmin

from .admin_views import CompletenessReportView
from .forms import AgencyAdminForm
from .models import Agency, ProcedureIndexPage, Sector


class AgencyAdmin(PortalModelAdmin):
    model = Agency
    menu_label = _("Agencies")
    menu_icon = "site"
    list_display = ("name", "code", "is_code_provisional", "kind", "level", "valid_from", "valid_to")
    list_filter = ("kind", "level", "is_code_provisional")
    search_fields = ("name", "name_folded", "code", "gso_code")
    ordering = ("level", "kind", "name_folded")
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldPanel("short_name"),
                    FieldRowPanel([FieldPanel("code"), FieldPanel("is_code_provisional")]),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
                    FieldPanel("parent"),
                    FieldRowPanel([FieldPanel("gso_code"), FieldPanel("unit_type")]),
                ],
                heading=_("Identification"),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]), FieldPanel("successors")],
                heading=_("Validity"),
            ),
            MultiFieldPanel(
                [FieldPanel("address"), FieldPanel("office_hours"), FieldPanel("phone"), FieldPanel("email")],
                heading=_("Contact"),
            ),
        ],
        base_form_class=AgencyAdminForm,
    )


class SectorAdmin(PortalModelAdmin):
    model = Sector
    menu_label = _("Sectors")
    menu_icon = "folder-open-inverse"
    list_display = ("name", "slug", "code")
    search_fields = ("name", "name_folded", "code")
    ordering = ("name_folded",)
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("code")]


class CatalogueAdminGroup(ModelAdminGroup):
    menu_label = _("Catalogue")
    menu_icon = "list-ul"
    menu_order = 250
    items = (AgencyAdmin, SectorAdmin)


modeladmin_register(CatalogueAdminGroup)


@hooks.register("register_admin_urls")
def register_catalogue_admin_urls():
    return [path("danh-muc/do-day-du/", CompletenessReportView.as_view(), name="service_catalog_completeness")]


@hooks.register("register_reports_menu_item")
def register_completeness_menu_item():
    return MenuItem(
        _("Incomplete procedures"),
        reverse("service_catalog_completeness"),
        name="incomplete-procedures",
        icon_name="warning",
        order=650,
    )


@hooks.register("before_copy_page")
def reject_copy_of_catalogue_subtree(request, page):
    """
    Reject copying a page together with its subpages when the procedure catalogue is among them.

    The catalogue pages forbid their own copy (`CopyForbiddenMixin`), but Wagtail copies the
    subpages of a copied page without checking their permissions, and copies of procedures
    would repeat their unique instance codes. The page itself can still be copied alone.
    """
    if request.method != "POST" or not request.POST.get("copy_subpages"):
        return None
    if not ProcedureIndexPage.objects.descendant_of(page).exists():
        return None

    messages.error(
        request,
        _("The procedure catalogue below this page cannot be copied. Copy the page without its subpages."),
    )
    return redirect("wagtailadmin_pages:copy", page.pk)
