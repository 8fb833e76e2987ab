from django.conf import settings
from django.conf.urls.static import static
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", include(wagtailadmin_urls)),
    path("tai-lieu/", include(wagtaildocs_urls)),
    path("ho-so/", include("submissions.urls")),
    path("tim-kiem/", include("search.urls")),
    path("danh-muc/", include("service_catalog.urls")),
    # Browsers ask for /favicon.ico whatever the page declares.
    path("favicon.ico", RedirectView.as_view(url=static_url("img/favicon.svg"), permanent=True)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree serves every URL that no pattern above claims, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
