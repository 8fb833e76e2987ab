"""Server-side drafts that keep accepted uploads while a form is corrected or resubmitted."""

import uuid

from django.db import models
from django.utils import timezone

from ..storage import private_storage


def draft_upload_path(instance, filename):
    return f"drafts/{instance.draft_id}/{uuid.uuid4().hex}/{filename}"


class UploadDraft(models.Model):
    """
    The files a form has accepted so far, keyed by a random token that the form carries signed.

    The same token makes a form post idempotent: once an application was created from a draft
    (`Application.draft`), posting the draft again leads to that application.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)


class DraftFile(models.Model):
    """One accepted upload of a draft; `slot` names the form field it belongs to."""

    draft = models.ForeignKey(UploadDraft, on_delete=models.CASCADE, related_name="files")
    slot = models.CharField(max_length=60)
    file = models.FileField(storage=private_storage, upload_to=draft_upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
