"""
Keeping the index in step with the page tree.

Wagtail signals (published, unpublished, moved, deleted, view restrictions changed) enqueue
`search.tasks` after the transaction commits. The tasks call the functions below, which look at
the page's state now rather than at the event, so running one twice, late or out of order
leaves the index right.
"""

import logging

from django.db import transaction
from wagtail.models import Page

from .documents import build_document, candidate_pages, specific_pages
from .engines import get_engine

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def sync_pages(page_ids, engine=None):
    """Index the indexable pages among `page_ids` and remove the others from the index."""
    engine = engine or get_engine()
    page_ids = set(page_ids)
    documents = []
    for page in specific_pages(page_ids):
        document = build_document(page)
        if document is not None:
            documents.append(document)

    indexed = {document.page_id for document in documents}
    engine.index_documents(documents)
    engine.delete_documents(page_ids - indexed)
    logger.info("search index updated: %d indexed, %d removed", len(indexed), len(page_ids - indexed))
    return indexed


def subtree_ids(page_id):
    """Return the id of a page and of all its descendants (empty when the page is gone)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return []
    return list(Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


def rebuild(engine=None, stdout=None, batch_size=BATCH_SIZE):
    """
    Index every indexable page again and drop documents of pages that no longer qualify.

    The engine builds a new copy of the index (see `SearchEngine.start_rebuild`), so searches
    find every page while the rebuild runs. A page whose document fails keeps its previous
    document where the engine can keep it. Returns (indexed count, list of (page id, error)
    for the documents that failed).
    """
    engine = engine or get_engine()
    page_ids = list(candidate_pages().order_by("pk").values_list("pk", flat=True))
    total = len(page_ids)
    indexed = 0
    failures = []

    rebuild = engine.start_rebuild()
    try:
        for start in range(0, total, batch_size):
            batch_indexed, batch_failures = _rebuild_batch(rebuild, page_ids[start : start + batch_size])
            indexed += batch_indexed
            failures += batch_failures
            if stdout is not None:
                stdout.write(f"  {min(start + batch_size, total)}/{total} pages read, {indexed} indexed")
    except BaseException:
        rebuild.abort()
        raise

    rebuild.finish(failed_ids={page_id for page_id, _ in failures})
    engine.refresh()
    return indexed, failures


def _rebuild_batch(rebuild, page_ids):
    """Build and index the documents of one batch; return (indexed count, failures)."""
    documents = []
    failures = []
    for page in specific_pages(page_ids):
        try:
            document = build_document(page)
        except Exception as error:  # one broken page must not stop the rebuild
            logger.exception("building the search document of page %s failed", page.pk)
            failures.append((page.pk, f"{type(error).__name__}: {error}"))
            continue
        if document is not None:
            documents.append(document)

    try:
        rebuild.index_documents(documents)
        return len(documents), failures
    except Exception:
        logger.exception("indexing a batch failed; retrying its documents one by one")

    indexed = 0
    for document in documents:
        try:
            rebuild.index_documents([document])
            indexed += 1
        except Exception as error:
            logger.exception("indexing the search document of page %s failed", document.page_id)
            failures.append((document.page_id, f"{type(error).__name__}: {error}"))
    return indexed, failures


def enqueue_pages(page_ids):
    """Enqueue an index update for these pages once the current transaction commits."""
    from .tasks import update_pages

    ids = sorted({int(page_id) for page_id in page_ids})
    if ids:
        transaction.on_commit(lambda: update_pages.delay(ids))


def enqueue_page_batches(page_ids, batch_size=BATCH_SIZE):
    """
    Enqueue index updates for many pages, one task per `batch_size` ids, after the commit.

    A catalogue import can change thousands of pages at once. Batches keep each task short, so
    a retry repeats one batch and not the whole import.
    """
    ids = sorted({int(page_id) for page_id in page_ids})
    for start in range(0, len(ids), batch_size):
        enqueue_pages(ids[start : start + batch_size])


def enqueue_subtree(page_id):
    """Enqueue an index update for a page and its descendants once the transaction commits."""
    from .tasks import update_subtree

    transaction.on_commit(lambda: update_subtree.delay(int(page_id)))
