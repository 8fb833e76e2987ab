from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from portal.formatting import format_money

from .. import navigation

register = template.Library()

# Main navigation: the first live child of the site's home page of each model, in this order.
NAVIGATION_SECTIONS = (
    ("service_catalog.procedureindexpage", _("Procedures")),
    ("cms_pages.newsindexpage", _("News")),
    ("cms_pages.guidancepage", _("Guidance")),
    ("cms_pages.legaldocumentindexpage", _("Legal documents")),
    ("cms_pages.departmentindexpage", _("Departments")),
)


@register.filter
def vnd(amount):
    """Render an amount of đồng as "1.234.567 đ"."""
    return format_money(amount)


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """
    Return the main navigation as a list of {"label", "url", "active"} items.

    Sections are found in the page tree, so renaming a section's slug keeps the menu right; the
    application lookup comes last. The sections' URLs are kept per site until the page tree
    changes (see `themes.navigation`), so a request reads one cache key and runs no query.
    """
    request = context.get("request")
    if request is None:
        return []
    cached = getattr(request, "_portal_navigation", None)
    if cached is not None:
        return cached

    site = Site.find_for_request(request)
    if site is None:
        links = []
    else:
        links = navigation.memoized(("sections", site.pk), request, lambda: _section_links(site, request))
    items = [{"label": label, "url": url} for label, url in links]
    try:
        items.append({"label": _("Track an application"), "url": reverse("submissions:lookup")})
    except NoReverseMatch:
        pass
    for item in items:
        item["active"] = request.path.startswith(item["url"]) and item["url"] != "/"

    request._portal_navigation = items
    return items


def _section_links(site, request):
    children = Page.objects.child_of(site.root_page).live().public().select_related("content_type").order_by("path")
    first_by_model = {}
    for page in children:
        key = f"{page.content_type.app_label}.{page.content_type.model}"
        first_by_model.setdefault(key, page)

    links = []
    for model_key, label in NAVIGATION_SECTIONS:
        page = first_by_model.get(model_key)
        if page is not None:
            links.append((label, page.get_url(request=request)))
    return links


@register.simple_tag(takes_context=True)
def url_with_page(context, page_number):
    """Return the current URL's query string with `page` set to `page_number`, keeping the other filters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """
    Render the page's ancestors from the site root down, ending with the page itself.

    The ancestors' titles and URLs are kept per parent page until the page tree changes (see
    `themes.navigation`), so pages in the same folder share one trail.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    ancestors = []
    if site is not None:
        parent_path = page.path[: -Page.steplen]
        ancestors = navigation.memoized(
            ("breadcrumbs", site.pk, parent_path), request, lambda: navigation.ancestor_links(page, site, request)
        )
    return {"ancestors": ancestors, "page": page, "request": request}
