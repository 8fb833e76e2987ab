from django.conf import settings


def portal(request):
    """Values every public template needs: site and province names, the theme and the languages."""
    return {
        "PORTAL_SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_THEME": settings.PORTAL_THEME,
        # (code, name) pairs with each name written in its own language, as LANGUAGES has them.
        "PORTAL_LANGUAGES": settings.LANGUAGES,
    }
