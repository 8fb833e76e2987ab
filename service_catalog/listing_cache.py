"""
Cache of the catalogue listing's grouped counts.

The grouped counts (see `catalogue.Catalogue.groups`) change only when a procedure is
published, unpublished, deleted or imported, or when view restrictions change. Each of those
events replaces a version token; cached counts are stored under the token, so an event makes
every older entry unreachable. The token is replaced at once and again when the transaction
commits, so a listing computed between the two from not-yet-committed data is not kept.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "service_catalog:listing:version"
# An upper bound on the age of cached counts, should an invalidating event be missed.
TIMEOUT_SECONDS = 600


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def get_groups(scope, compute):
    """Return the grouped counts of `scope` (a string) from the cache, computing them when missing."""
    key = f"service_catalog:listing:groups:{scope}:{_version()}"
    groups = cache.get(key)
    if groups is None:
        groups = compute()
        cache.set(key, groups, TIMEOUT_SECONDS)
    return groups


def _replace_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def invalidate(**kwargs):
    """Signal receiver: forget every cached count now and once more after the commit."""
    _replace_version()
    transaction.on_commit(_replace_version)


def connect_signals():
    """Connect the receivers that clear the listing's counts and the receiving desks."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    from .models import Agency, ProcedurePage, Sector
    from .presentation import clear_desks_cache
    from .signals import procedures_imported

    page_published.connect(invalidate, sender=ProcedurePage, dispatch_uid="catalogue-listing-published")
    page_unpublished.connect(invalidate, sender=ProcedurePage, dispatch_uid="catalogue-listing-unpublished")
    post_delete.connect(invalidate, sender=ProcedurePage, dispatch_uid="catalogue-listing-deleted")
    procedures_imported.connect(invalidate, dispatch_uid="catalogue-listing-imported")
    post_save.connect(invalidate, sender=PageViewRestriction, dispatch_uid="catalogue-listing-restriction-saved")
    post_delete.connect(invalidate, sender=PageViewRestriction, dispatch_uid="catalogue-listing-restriction-deleted")
    post_save.connect(clear_desks_cache, sender=Agency, dispatch_uid="catalogue-desks-agency-saved")
    post_delete.connect(clear_desks_cache, sender=Agency, dispatch_uid="catalogue-desks-agency-deleted")
    post_save.connect(clear_desks_cache, sender=Sector, dispatch_uid="catalogue-pages-sector-saved")
    post_delete.connect(clear_desks_cache, sender=Sector, dispatch_uid="catalogue-pages-sector-deleted")
