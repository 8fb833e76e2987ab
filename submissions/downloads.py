"""
Sending stored applicants' files to staff.

The stored content type and name came from the upload, so they are not trusted. The type is
sniffed again from the first bytes and the name gets the extension of the sniffed type. A file
that is not a PDF, JPEG or PNG is only ever offered as a download.
"""

import logging

import filetype
from django.http import FileResponse

from .validators import ACCEPTED_FILE_TYPES, SNIFF_BYTES, stored_file_name

logger = logging.getLogger(__name__)

# Sent as application/octet-stream with this extension when the content is not an accepted type.
UNKNOWN_TYPE = "application/octet-stream"
UNKNOWN_EXTENSION = "bin"


def sniff_content_type(opened_file):
    """Return the accepted content type that `opened_file` starts with, or None; the file is rewound."""
    opened_file.seek(0)
    head = opened_file.read(SNIFF_BYTES)
    opened_file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_FILE_TYPES:
        return None
    return kind.mime


def download_name(original_name, content_type):
    """Return an ASCII file name for `original_name` with the extension of the sniffed `content_type`."""
    if content_type is not None:
        return stored_file_name(original_name, content_type)
    stem = stored_file_name(original_name, "application/pdf").rsplit(".", 1)[0]
    return f"{stem}.{UNKNOWN_EXTENSION}"


def stored_file_response(field_file, original_name):
    """
    Return a FileResponse for a stored applicant's file.

    A PDF, JPEG or PNG (judged by its content) opens in the browser; anything else is an
    attachment of type application/octet-stream. Every response has `X-Content-Type-Options:
    nosniff`, so the browser never second-guesses the declared type.
    """
    opened = field_file.open("rb")
    content_type = sniff_content_type(opened)
    if content_type is None:
        logger.warning("Stored file %s is not a PDF, JPEG or PNG; sent as an attachment", field_file.name)

    response = FileResponse(
        opened,
        as_attachment=content_type is None,
        filename=download_name(original_name, content_type),
        content_type=content_type or UNKNOWN_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
