from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceCatalogConfig(AppConfig):
    name = "service_catalog"
    verbose_name = _("Service catalogue")

    def ready(self):
        from . import listing_cache, permissions

        listing_cache.connect_signals()
        permissions.connect_signals()
