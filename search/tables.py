"""
Lookup tables built from the database for query analysis, kept in each process's memory.

Query analysis reads the synonym and unit-name tables on every search. The unit-name table has
thousands of entries, so fetching it from the shared cache (Redis in production) and
unpickling it on every search costs more than the search itself. Each process therefore keeps
its own copy, and the shared cache holds only a version token per table. A change clears the
table in the process that made it and replaces the token. Other processes compare their token
with the shared one at most every `CHECK_SECONDS` and rebuild their copy when it differs.
"""

import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction

CHECK_SECONDS = 5.0


class PhraseTable(dict):
    """A dict keyed by tuples of folded words, with the length of its longest key in `longest`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.longest = max((len(key) for key in self), default=0)


class CachedTable:
    """A table built by `build()`, rebuilt when `clear()` runs in any process."""

    def __init__(self, name, build):
        self.version_key = f"search:table-version:{name}"
        self.build = build
        self._lock = threading.Lock()
        self._table = None
        self._version = None
        self._checked_at = 0.0

    def get(self):
        """Return the table, rebuilding it when it is missing or another process changed it."""
        now = time.monotonic()
        table = self._table
        if table is not None and now - self._checked_at < CHECK_SECONDS:
            return table

        version = self._shared_version()
        with self._lock:
            if self._table is None or version != self._version:
                self._table = self.build()
                self._version = version
            self._checked_at = now
            return self._table

    def clear(self, **kwargs):
        """
        Drop this process's copy and make every other process rebuild its own, now and again
        when the current transaction commits.

        The change is visible to this process at once, but other processes that rebuild before
        the commit still read the old rows, so the second clear makes them rebuild once more.
        Signal handlers take `**kwargs`.
        """
        self._clear()
        transaction.on_commit(self._clear)

    def _clear(self):
        with self._lock:
            self._table = None
        cache.set(self.version_key, uuid.uuid4().hex, None)

    def _shared_version(self):
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, None)
            version = cache.get(self.version_key)
        return version
