"""
Cached main navigation and breadcrumbs of the public site.

Both depend only on the page tree: which pages are live and public, their titles and their
URLs. A version token in the shared cache names the current state of the tree. Saving,
publishing, unpublishing, moving or deleting a page, changing a view restriction or a site
replaces the token (at once and again when the transaction commits, so a menu built from
not-yet-committed rows is not kept). Each process keeps the menus and breadcrumb trails it
built under the token they were built with, so a request costs one cache read and no query
until the tree changes.
"""

import threading
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

VERSION_KEY = "themes:page-tree:version"
# Trails and menus kept per process. There is one per site and one per parent page, which is a
# few hundred for thousands of procedures spread over a few dozen folders.
MAX_ENTRIES = 1024

_entries = OrderedDict()
_lock = threading.Lock()


def tree_version(request=None):
    """Return the page tree's version token, read once per request."""
    if request is not None and hasattr(request, "_portal_tree_version"):
        return request._portal_tree_version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    if request is not None:
        request._portal_tree_version = version
    return version


def memoized(key, request, build):
    """Return the value stored under `key` for the current tree version, building it on a miss."""
    full_key = (tree_version(request), *key)
    with _lock:
        if full_key in _entries:
            _entries.move_to_end(full_key)
            return _entries[full_key]

    value = build()
    with _lock:
        _entries[full_key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def ancestor_links(page, site, request):
    """
    Return [{"title", "url"}] for the live ancestors of `page` from the site's root down.

    The ancestors' tree paths are prefixes of the page's own path, so one query on plain Page
    rows finds them, with no specific page per ancestor. View restrictions are not checked:
    a visitor who may see `page` may see its ancestors, whose restrictions apply to it too.
    """
    depths = range(site.root_page.depth, page.depth)
    paths = [page.path[: Page.steplen * depth] for depth in depths]
    if not paths:
        return []
    ancestors = Page.objects.filter(path__in=paths).live().only("id", "path", "depth", "title", "url_path")
    return [{"title": ancestor.title, "url": ancestor.get_url(request=request)} for ancestor in ancestors.order_by("depth")]


def clear():
    """Replace the version token: every process rebuilds its menus and trails on its next request."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def invalidate(**kwargs):
    """Signal receiver for changes of the page tree: replace the version now and after the commit."""
    if kwargs.get("raw"):
        return
    clear()
    transaction.on_commit(clear)


def connect_signals():
    """Connect `invalidate` to every event that can change a menu item or a breadcrumb."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction, Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    # Publishing and unpublishing save the page too; they are connected for clarity, and
    # replacing the token twice costs two cache writes.
    page_published.connect(invalidate, dispatch_uid="themes-tree-published")
    page_unpublished.connect(invalidate, dispatch_uid="themes-tree-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="themes-tree-moved")
    for model in get_page_models():
        post_save.connect(invalidate, sender=model, dispatch_uid=f"themes-tree-saved-{model._meta.label_lower}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"themes-tree-deleted-{model._meta.label_lower}")
    for model in (PageViewRestriction, Site):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"themes-tree-saved-{model._meta.label_lower}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"themes-tree-deleted-{model._meta.label_lower}")
