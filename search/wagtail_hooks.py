"""Admin screens for the synonyms and promoted results that staff edit."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from portal.modeladmin import PortalModelAdmin

from .models import PromotedResult, Synonym


class SynonymAdmin(PortalModelAdmin):
    model = Synonym
    menu_label = _("Synonyms")
    menu_icon = "list-ul"
    list_display = ("terms", "note", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("terms", "note")


class PromotedResultAdmin(PortalModelAdmin):
    model = PromotedResult
    menu_label = _("Promoted results")
    menu_icon = "pick"
    list_display = ("query", "page", "sort_order")
    search_fields = ("query", "query_folded")
    ordering = ("query_folded", "sort_order")


class SearchAdminGroup(ModelAdminGroup):
    menu_label = _("Search")
    menu_icon = "search"
    menu_order = 600
    items = (SynonymAdmin, PromotedResultAdmin)


modeladmin_register(SearchAdminGroup)
