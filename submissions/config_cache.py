"""
Per-process cache of what administrators configure: the working calendar, office hours and workflows.

Every intake and every action reads these tables, and they change a few times a year. Each
process keeps what it read under a version number stored in Django's cache (Redis in
production, so every process reads the same number). Saving or deleting a row of one of these
tables through the ORM bumps the version once its transaction commits, and each process reloads
on its next read. With the local-memory cache (no REDIS_URL) the version is per process, so a
change made in one process reaches the others only when they restart; run several processes
only with a shared cache.

One transaction reads the version once and uses it for all its reads, so an intake computes
its deadlines from one calendar. Inside a transaction that changed one of the tables, reads go
to the database and are not kept: the rows are not committed yet and vanish if the transaction
rolls back.

Bulk changes (`QuerySet.update`, `bulk_create`, raw SQL) send no model signals; call
`configuration_changed()` after them.
"""

import threading
import uuid

from django.core.cache import cache
from django.db import connection, transaction

VERSION_KEY = "submissions:configuration-version"


class ConfigurationCache:
    """Values loaded from the configuration tables, kept per process for one configuration version."""

    def __init__(self):
        # (version, {key: value}); replaced as a whole, so threads never see half of a reset.
        self._memo = (None, {})
        # Per thread: `changed_in`, the outermost atomic block of a transaction that changed the
        # configuration, and `version_read`, (outermost atomic block, version read in it).
        self._local = threading.local()

    def get(self, key, load):
        """Return the value under `key`, calling `load()` to read it from the database when not kept."""
        if self._changed_in_current_transaction():
            return load()

        # Read the version before the rows: a change committed in between then leaves a value
        # kept under the old version, which the next read replaces.
        version = self._version_for_transaction()
        memo_version, values = self._memo
        if memo_version != version:
            values = {}
            self._memo = (version, values)
        try:
            return values[key]
        except KeyError:
            value = load()
            values[key] = value
            return value

    def clear(self):
        self._memo = (None, {})

    def mark_changed(self):
        """Forget the kept values and bypass them until the current transaction ends."""
        self.clear()
        self._local.version_read = None
        if connection.in_atomic_block:
            self._local.changed_in = connection.atomic_blocks[0]

    def _changed_in_current_transaction(self):
        block = getattr(self._local, "changed_in", None)
        if block is None:
            return False
        if _outermost_block() is block:
            return True
        # The transaction that changed the configuration has ended (committed or rolled back).
        self._local.changed_in = None
        return False

    def _version_for_transaction(self):
        block = _outermost_block()
        if block is None:
            return current_version()
        read = getattr(self._local, "version_read", None)
        if read is not None and read[0] is block:
            return read[1]
        version = current_version()
        self._local.version_read = (block, version)
        return version


def _outermost_block():
    """Return the outermost atomic block of the current transaction, or None in autocommit mode."""
    blocks = connection.atomic_blocks
    return blocks[0] if blocks else None


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


configuration = ConfigurationCache()


def configuration_changed(**_signal_kwargs):
    """Signal receiver: a configuration row was saved or deleted, so every process must reload."""
    configuration.mark_changed()
    # In autocommit mode on_commit runs the bump at once.
    transaction.on_commit(_bump_version)


def connect_signals():
    """Connect `configuration_changed` to the models whose rows the cache keeps."""
    from django.db.models.signals import post_delete, post_save

    from .models import CalendarDay, OfficeHours, Workflow, WorkflowStep

    for model in (CalendarDay, OfficeHours, Workflow, WorkflowStep):
        for signal in (post_save, post_delete):
            signal.connect(
                configuration_changed,
                sender=model,
                dispatch_uid=f"submissions.config_cache.{model.__name__}.{signal is post_save}",
            )
