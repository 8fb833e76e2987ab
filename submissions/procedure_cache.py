"""
Per-process cache of the procedures that forms and intakes read, checked against the database on every read.

Every application form and desk intake reads its procedure page with the owning agency, the
channels (time limits) and the dossier components, and checks that no view restriction covers
the page: four queries. On PostgreSQL one query now reads a fingerprint of those rows instead,
and the page is loaded again only when the fingerprint differs from the one it was kept under.

The fingerprint is the system columns `xmin`, `cmin` and `ctid` of the page's two rows, of its
agency and of each of its channels and components. Every INSERT, UPDATE and DELETE of one of
these rows changes it, whichever way the change was made (a Wagtail publish, the catalogue
import, raw SQL), and so does a change made earlier in the reading transaction itself. Liveness
and the view restrictions are read by the same query each time, never kept.

Each read returns a copy of the kept page, so a caller that sets an attribute on it changes
no other request's page. The channels and components the copies share must be treated as
read-only. Other databases have no such columns: there every read loads the page.
"""

import copy
import threading
from collections import OrderedDict

from django.db import connection
from wagtail.models import Page, PageViewRestriction

from service_catalog.models import Agency, DossierComponent, ProcedureChannel, ProcedurePage

# Pages kept per process; the least recently read one is dropped first.
MAX_PAGES = 256


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _row_version(alias):
    return f"{alias}.xmin::text || '/' || {alias}.cmin::text || '/' || {alias}.ctid::text"


def _fingerprint_sql():
    """Return the query of (live, restricted, fingerprint) of one procedure page, by id."""
    page, procedure, agency = _table(Page), _table(ProcedurePage), _table(Agency)
    channels, components = _table(ProcedureChannel), _table(DossierComponent)
    restrictions = _table(PageViewRestriction)
    procedure_key = connection.ops.quote_name(ProcedurePage._meta.pk.column)
    agency_key = connection.ops.quote_name(ProcedurePage._meta.get_field("owner_agency").column)
    return (
        "SELECT page.live, "
        # A restriction on the page or on an ancestor: the tree paths of those pages are the
        # prefixes of the page's path, one tree step (Page.steplen characters) per level.
        f"EXISTS (SELECT 1 FROM {restrictions} restriction JOIN {page} restricted "
        "ON restricted.id = restriction.page_id "
        f"WHERE restricted.path IN (SELECT left(page.path, {Page.steplen} * level) "
        "FROM generate_series(1, page.depth) AS level)), "
        f"concat_ws(' ', {_row_version('page')}, {_row_version('procedure')}, {_row_version('agency')}, "
        f"(SELECT string_agg({_row_version('channel')}, ',' ORDER BY channel.id) "
        f"FROM {channels} channel WHERE channel.page_id = page.id), "
        f"(SELECT string_agg({_row_version('component')}, ',' ORDER BY component.id) "
        f"FROM {components} component WHERE component.page_id = page.id)) "
        f"FROM {page} page JOIN {procedure} procedure ON procedure.{procedure_key} = page.id "
        f"LEFT JOIN {agency} agency ON agency.id = procedure.{agency_key} "
        "WHERE page.id = %s"
    )


class ProcedureCache:
    """Procedure pages with their agency, channels and components, kept under their fingerprint."""

    def __init__(self, load):
        # `load(procedure_id)` returns the page with what an intake reads, or None.
        self._load = load
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, procedure_id, *, public_only):
        """Return a copy of the live procedure page `procedure_id`, or None (see `published_procedure`)."""
        if connection.vendor != "postgresql":
            return self._load(procedure_id, public_only=public_only)

        with connection.cursor() as cursor:
            cursor.execute(_fingerprint_sql(), [procedure_id])
            row = cursor.fetchone()
        if row is None:
            return None
        live, restricted, fingerprint = row
        if not live or (public_only and restricted):
            return None

        with self._lock:
            cached = self._pages.get(procedure_id)
            if cached is not None and cached[0] == fingerprint:
                self._pages.move_to_end(procedure_id)
                return copy.copy(cached[1])

        # The fingerprint was read before the page: a change committed in between leaves the
        # new rows kept under the old fingerprint, which the next read finds out of date.
        procedure = self._load(procedure_id, public_only=False)
        if procedure is None:
            return None
        with self._lock:
            self._pages[procedure_id] = (fingerprint, procedure)
            self._pages.move_to_end(procedure_id)
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        return copy.copy(procedure)

    def clear(self):
        with self._lock:
            self._pages.clear()
