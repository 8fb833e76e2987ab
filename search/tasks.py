"""Celery tasks that update the search index; they take page ids and are safe to run twice."""

import logging

from celery import shared_task

from . import indexing

logger = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = 30
MAX_RETRIES = 5


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def update_pages(self, page_ids):
    """Index or remove the given pages according to their current state."""
    try:
        indexing.sync_pages(page_ids)
    except Exception as error:
        logger.warning("search index update of pages %s failed, retrying: %s", page_ids, error)
        raise self.retry(exc=error, countdown=RETRY_DELAY_SECONDS)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def update_subtree(self, page_id):
    """Index or remove a page and its descendants (after a move or a privacy change)."""
    try:
        page_ids = indexing.subtree_ids(page_id) or [page_id]
        indexing.sync_pages(page_ids)
    except Exception as error:
        logger.warning("search index update of the subtree of page %s failed, retrying: %s", page_id, error)
        raise self.retry(exc=error, countdown=RETRY_DELAY_SECONDS)
