"""Storage for applicants' files, kept outside MEDIA_ROOT so no URL serves them directly."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """
    File storage under PORTAL_PRIVATE_MEDIA_ROOT without public URLs.

    Files are sent by staff views that check the agency and record the access, and by the
    applicant's own signed links; `url()` therefore raises.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PORTAL_PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")


def private_storage():
    return _PRIVATE_STORAGE


_PRIVATE_STORAGE = PrivateStorage()
