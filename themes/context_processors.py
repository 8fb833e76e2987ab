from django.conf import settings


def portal(request):
    """Values every public template needs: the site and province names and the active theme."""
    return {
        "PORTAL_SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "PORTAL_PROVINCE_NAME": settings.PORTAL_PROVINCE_NAME,
        "PORTAL_THEME": settings.PORTAL_THEME,
    }
