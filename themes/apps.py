from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = _("Themes")

    def ready(self):
        from . import navigation

        navigation.connect_signals()
