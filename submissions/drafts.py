"""Signed draft tokens and the files kept in a draft between form posts."""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .clients import add_to_counter, cache_key
from .models import Application, DraftFile, UploadDraft

logger = logging.getLogger(__name__)

TOKEN_SALT = "submissions.draft"
# A form left open longer than this starts a new draft; its earlier uploads are not reused.
TOKEN_MAX_AGE = datetime.timedelta(days=2)
# Window of the per-client count of bytes kept in drafts (PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR).
CLIENT_WINDOW_SECONDS = 60 * 60


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


def posted_draft(signed_token, purpose):
    """
    Return the draft a form post names, unsaved when this is the form's first post.

    A missing, forged or expired token, or a token of another form, gets a new unsaved draft.
    One query looks for the draft, and it reads the draft's own columns only, because a form's
    first post (the common case) finds none. A saved draft costs a second query for its kept
    files and a third for its application when `draft_application` is called.
    """
    token = _unsign(signed_token, purpose)
    if token is None:
        return UploadDraft(purpose=purpose)
    draft = UploadDraft.objects.filter(token=token).first()
    if draft is None:
        return UploadDraft(token=token, purpose=purpose)
    if draft.purpose != purpose:
        return UploadDraft(purpose=purpose)
    prefetch_related_objects([draft], "files")
    return draft


def draft_application(draft):
    """Return the application created from `draft`, or None."""
    if draft.pk is None:
        return None
    try:
        return draft.application
    except ObjectDoesNotExist:
        return None


def save_draft(draft):
    """
    Store `draft` unless a row with its token exists, and set its primary key.

    Two posts of the same new form (a double click) both end with the one row. When the row
    with the token belongs to another form, the draft gets a new token.
    """
    while True:
        inserted = _insert_unless_taken(draft)
        if inserted:
            return draft
        found = UploadDraft.objects.get(token=draft.token)
        if found.purpose == draft.purpose:
            draft.pk = found.pk
            draft.created_at = found.created_at
            draft._state.adding = False
            return draft
        draft.token = uuid.uuid4()


@dataclass
class DraftClaim:
    """The locked draft row of a form post, the application already created from it, and whether the row is new."""

    draft: UploadDraft
    application: Application = None
    is_new: bool = False


def claim_draft(draft):
    """
    Lock `draft`'s row for the current transaction, storing it first if it is unsaved.

    Call it inside the transaction that creates the application: a second post of the same
    form then waits for the first and finds its application. A row inserted here is new, so no
    application and no kept file can exist for it yet.
    """
    if draft.pk is None and _insert_unless_taken(draft):
        return DraftClaim(draft, is_new=True)

    locked = UploadDraft.objects.select_for_update().filter(token=draft.token).first()
    if locked is None or locked.purpose != draft.purpose:
        # The token belongs to another form: this post starts a draft of its own.
        draft.pk = None
        draft.token = uuid.uuid4()
        save_draft(draft)
        return DraftClaim(draft, is_new=True)
    return DraftClaim(locked, Application.objects.filter(draft=locked).first())


def _insert_unless_taken(draft):
    """Insert `draft` unless its token is taken (one statement, no error); return True if inserted."""
    meta = UploadDraft._meta
    table = connection.ops.quote_name(meta.db_table)
    token_field = meta.get_field("token")
    created_field = meta.get_field("created_at")
    sql = (
        f"INSERT INTO {table} (token, purpose, created_at) VALUES (%s, %s, %s) "
        "ON CONFLICT (token) DO NOTHING RETURNING id"
    )
    params = [
        token_field.get_db_prep_value(draft.token, connection),
        draft.purpose,
        created_field.get_db_prep_value(draft.created_at, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    draft.pk = row[0]
    draft._state.adding = False
    return True


def check_draft_room(draft, slot, size):
    """
    Raise ValidationError if `draft` has no room for a file of `size` bytes in `slot`.

    The file now in `slot` does not count, because the new one replaces it. The limits
    are PORTAL_DRAFT_MAX_FILES and PORTAL_DRAFT_MAX_BYTES.
    """
    others = draft.files.exclude(slot=slot).aggregate(count=Count("pk"), total=Sum("size"))
    if others["count"] + 1 > settings.PORTAL_DRAFT_MAX_FILES:
        raise ValidationError(
            _("This form already keeps %(count)s files, the most it can keep; submit it or start again.")
            % {"count": others["count"]},
            code="draft_full",
        )
    if (others["total"] or 0) + size > settings.PORTAL_DRAFT_MAX_BYTES:
        raise ValidationError(
            _("The files of this form would exceed %(limit)s in all; scan at a lower resolution or start again.")
            % {"limit": filesizeformat(settings.PORTAL_DRAFT_MAX_BYTES)},
            code="draft_full",
        )


def reserve_client_upload(client, size):
    """
    Count `size` bytes kept in drafts for the client address `client` in the current hour.

    Raises ValidationError once the client is over PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR, so one
    client posting failing forms again and again cannot fill the disk with drafts.
    """
    total = add_to_counter(cache_key("draft-bytes", client), size, CLIENT_WINDOW_SECONDS)
    if total > settings.PORTAL_DRAFT_BYTES_PER_CLIENT_HOUR:
        logger.warning("Draft upload limit per client address reached")
        raise ValidationError(
            _("Too many files were uploaded from your connection in the last hour. Wait an hour and try again."),
            code="client_limit",
        )


def keep_file(draft, slot, uploaded, content_type, stored_name):
    """
    Store an accepted upload in `draft` under `slot`, replacing the slot's earlier file.

    Raises ValidationError (see `check_draft_room`) when the draft is full.
    """
    check_draft_room(draft, slot, uploaded.size)
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
    if draft is None or draft.pk is None:
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
