from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Applications")

    def ready(self):
        from . import config_cache
        from .notifications import receivers

        receivers.connect()
        config_cache.connect_signals()
