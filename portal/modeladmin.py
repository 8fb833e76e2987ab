"""
A safe base for every wagtail-modeladmin screen of the portal.

wagtail-modeladmin's list view turns every query-string parameter that no declared filter
consumes into a queryset lookup, including lookups across relations
(`?created_by__password__startswith=pbkdf2`). Any staff member could then read fields of rows
they must never see, one character at a time, by watching which rows stay in the list. Django's
own admin stops this with `lookup_allowed`; wagtail-modeladmin 2.5 has no such check.

`PortalModelAdmin` applies only the declared `list_filter` entries and drops every other
parameter, and turns a malformed filter value (`?status__exact=abc`) into an empty-filter
redirect with a message instead of a server error.
"""

import logging

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

logger = logging.getLogger(__name__)


class DeclaredFiltersIndexView(IndexView):
    """List view that filters only through the model admin's declared `list_filter`."""

    def get_filters(self, request):
        filter_specs, has_filters, undeclared_params, use_distinct = super().get_filters(request)
        if undeclared_params:
            logger.info(
                "Ignored undeclared list parameters on %s: %s",
                self.opts.label,
                ", ".join(sorted(undeclared_params)),
            )
        return filter_specs, has_filters, {}, use_distinct

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            messages.error(request, _("The list filter in the address was not valid, so it was cleared."))
            return redirect(request.path)


class PortalModelAdmin(ModelAdmin):
    """The base class of every modeladmin screen in the portal, as the module docstring explains."""

    index_view_class = DeclaredFiltersIndexView
