"""Signal handlers that keep the search index and the query caches current."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import agencies, indexing, synonyms


def on_published(sender, instance, **kwargs):
    indexing.enqueue_pages([instance.pk])


def on_unpublished(sender, instance, **kwargs):
    indexing.enqueue_pages([instance.pk])


def on_moved(sender, instance, **kwargs):
    # URLs of the whole subtree change, and so may its privacy.
    indexing.enqueue_subtree(instance.pk)


def on_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        indexing.enqueue_pages([instance.pk])


def on_procedures_imported(sender, created=(), updated=(), abolished=(), **kwargs):
    # The catalogue import creates pages in bulk, without `page_published`.
    indexing.enqueue_page_batches([*created, *updated, *abolished])


def on_restriction_changed(sender, instance, **kwargs):
    if instance.page_id:
        indexing.enqueue_subtree(instance.page_id)


def connect():
    from service_catalog.models import Agency
    from service_catalog.signals import procedures_imported

    from .models import PromotedResult, Synonym
    from .service import PROMOTED_QUERIES

    page_published.connect(on_published, dispatch_uid="search_page_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="search_page_moved")
    post_delete.connect(on_deleted, dispatch_uid="search_page_deleted")
    procedures_imported.connect(on_procedures_imported, dispatch_uid="search_procedures_imported")
    post_save.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_saved")
    post_delete.connect(on_restriction_changed, sender=PageViewRestriction, dispatch_uid="search_restriction_deleted")

    for event, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(synonyms.clear_cache, sender=Synonym, dispatch_uid=f"search_synonyms_{event}")
        signal.connect(agencies.clear_cache, sender=Agency, dispatch_uid=f"search_agencies_{event}")
        signal.connect(PROMOTED_QUERIES.clear, sender=PromotedResult, dispatch_uid=f"search_promoted_{event}")
    m2m_changed.connect(
        agencies.clear_cache, sender=Agency.successors.through, dispatch_uid="search_agency_successors"
    )
