"""Checks of personal ID numbers, phone numbers and dossier files, and the draft clean-up."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from submissions.drafts import keep_file, purge_drafts
from submissions.models import Application, DraftFile, UploadDraft
from submissions.validators import (
    birth_registration_prefixes,
    check_dossier_file,
    format_phone,
    parse_phone,
    validate_personal_id,
)

from . import builders

TODAY = datetime.date(2026, 12, 5)


def test_prefixes_are_the_63_provinces():
    prefixes = birth_registration_prefixes()

    assert len(prefixes) == 63
    assert {"001", "040", "079", "096"} <= prefixes
    assert "003" not in prefixes  # no province has statistics code 03


@pytest.mark.parametrize(
    "number",
    [
        "040085123456",  # Nghệ An, male, 1985
        "001301000001",  # Hà Nội, female, 2001
        "079203999999",  # Hồ Chí Minh City, male, 2003
        "040226000000",  # male, 2026: born this year
    ],
)
def test_valid_personal_ids(number):
    validate_personal_id(number, today=TODAY)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("04008512345", "format"),
        ("0400851234567", "format"),
        ("04008512345a", "format"),
        ("003085123456", "province"),
        ("100085123456", "province"),
        ("040227000000", "birth_year"),  # 2027 is in the future
        ("040485123456", "birth_year"),  # 2185
    ],
)
def test_invalid_personal_ids(number, code):
    with pytest.raises(ValidationError) as error:
        validate_personal_id(number, today=TODAY)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("0238 3844 567", "+842383844567"),
    ],
)
def test_phone_stored_as_e164(typed, stored):
    assert parse_phone(typed) == stored


@pytest.mark.parametrize("typed", ["091234567", "0123456789", "09123456789", "abc", "+1 202 555 0100"])
def test_invalid_phones(typed):
    with pytest.raises(ValidationError):
        parse_phone(typed)


def test_phone_shown_in_national_format():
    assert format_phone("+84912345678") == "0912 345 678"


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (builders.pdf_upload("a.pdf"), "application/pdf"),
        (builders.png_upload("a.jpg"), "image/png"),
        (builders.jpeg_upload("a.png"), "image/jpeg"),
    ],
)
def test_files_judged_by_content(upload, content_type):
    assert check_dossier_file(upload) == content_type


def test_text_renamed_pdf_refused():
    with pytest.raises(ValidationError) as error:
        check_dossier_file(builders.text_upload("a.pdf"))
    assert error.value.code == "file_type"


@override_settings(PORTAL_UPLOAD_MAX_BYTES=1000)
def test_size_limit_from_settings():
    with pytest.raises(ValidationError) as error:
        check_dossier_file(builders.pdf_upload("lon.pdf", size=1500))
    assert error.value.code == "too_large"
    assert check_dossier_file(builders.pdf_upload("nho.pdf", size=900)) == "application/pdf"


@pytest.mark.django_db
def test_stale_drafts_purged_with_files(province):
    old = UploadDraft.objects.create(purpose="apply-1", created_at=timezone.now() - datetime.timedelta(days=3))
    kept = keep_file(old, "component_1", builders.pdf_upload(), "application/pdf", "to-khai.pdf")
    recent = UploadDraft.objects.create(purpose="apply-1")
    storage = kept.file.storage
    name = kept.file.name
    assert storage.exists(name)

    assert purge_drafts(max_age_hours=48) == 1

    assert not UploadDraft.objects.filter(pk=old.pk).exists()
    assert UploadDraft.objects.filter(pk=recent.pk).exists()
    assert not DraftFile.objects.exists()
    assert not storage.exists(name)
    assert Application.objects.count() == 0
