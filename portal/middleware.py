"""Request middleware of the portal."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """
    Activate the language chosen with the language switch, or LANGUAGE_CODE when none was chosen.

    Django's own middleware also follows the browser's Accept-Language header, which would show
    English to the many citizens whose phones are set to English. The portal is Vietnamese first,
    so only an explicit choice (the language cookie set by the switch) changes the language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
