"""Signed draft tokens and the files kept in a draft between form posts."""

import datetime
import logging
import uuid

from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import DraftFile, UploadDraft

logger = logging.getLogger(__name__)

TOKEN_SALT = "submissions.draft"
# A form left open longer than this starts a new draft; its earlier uploads are not reused.
TOKEN_MAX_AGE = datetime.timedelta(days=2)


def new_token(purpose):
    """Return a signed token for a form about to be shown; its draft is created on the first post."""
    return _sign(uuid.uuid4(), purpose)


def sign_draft(draft):
    return _sign(draft.token, draft.purpose)


def _sign(token, purpose):
    return signing.dumps(str(token), salt=f"{TOKEN_SALT}.{purpose}")


def _unsign(signed_token, purpose):
    if not signed_token:
        return None
    try:
        value = signing.loads(signed_token, salt=f"{TOKEN_SALT}.{purpose}", max_age=TOKEN_MAX_AGE)
        return uuid.UUID(value)
    except (signing.BadSignature, ValueError):
        return None


def draft_for(signed_token, purpose):
    """
    Return the draft named by a form post's signed token, creating it on the first post.

    A missing, forged or expired token gets a new draft. Two posts with the same token (a
    double click) get the same draft: the token column is unique and get_or_create reads the
    row the other post inserted.
    """
    token = _unsign(signed_token, purpose)
    if token is None:
        return UploadDraft.objects.create(purpose=purpose)
    draft, _created = UploadDraft.objects.get_or_create(token=token, defaults={"purpose": purpose})
    if draft.purpose != purpose:
        return UploadDraft.objects.create(purpose=purpose)
    return draft


def keep_file(draft, slot, uploaded, content_type, stored_name):
    """Store an accepted upload in `draft` under `slot`, replacing the slot's earlier file."""
    with transaction.atomic():
        for old in draft.files.filter(slot=slot):
            old.file.delete(save=False)
            old.delete()
        uploaded.seek(0)
        kept = DraftFile(
            draft=draft,
            slot=slot,
            original_name=uploaded.name[:255],
            content_type=content_type,
            size=uploaded.size,
        )
        kept.file.save(stored_name, uploaded, save=False)
        kept.save()
    return kept


def files_by_slot(draft):
    if draft is None:
        return {}
    return {kept.slot: kept for kept in draft.files.all()}


def purge_drafts(max_age_hours=48):
    """Delete drafts older than `max_age_hours` that produced no application; return how many."""
    cutoff = timezone.now() - datetime.timedelta(hours=max_age_hours)
    stale = UploadDraft.objects.filter(created_at__lt=cutoff, application__isnull=True)
    count = 0
    for draft in stale.iterator():
        for kept in draft.files.all():
            kept.file.delete(save=False)
        draft.delete()
        count += 1
    return count
