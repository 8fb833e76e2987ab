"""Reading the published procedure that an application form or an intake is for."""

from wagtail.models import PageViewRestriction

from service_catalog.models import ProcedurePage

from .procedure_cache import ProcedureCache

# The fields that the forms, the intake and their templates read. A ProcedurePage row has about
# seventy columns, mostly long published texts, and building the model from all of them costs
# more CPU time than the query itself. Reading any other field costs a query of its own.
INTAKE_FIELDS = (
    "title",
    "path",
    "depth",
    "url_path",
    "locale_id",
    "live",
    "live_revision_id",
    "national_code",
    "instance_code",
    "level_commune",
    "online_service_kind",
    "publication_status",
    "receiving_address",
    "owner_agency",
)


def published_procedure(procedure_id, *, public_only):
    """
    Return the live ProcedurePage `procedure_id` with what an intake reads, or None.

    With `public_only`, a page under a view restriction (Wagtail's privacy setting on it or on
    an ancestor) is not returned, as `PageQuerySet.public()` decides. On PostgreSQL the page
    comes from the per-process cache in `procedure_cache`, after one query that checks it.
    """
    return _cache.get(procedure_id, public_only=public_only)


def load_published_procedure(procedure_id, *, public_only):
    """
    Read the page that `published_procedure` returns from the database, without the cache.

    One query reads the page's intake fields with its owning agency; two more read its channels
    (time limits) and dossier components; with `public_only` a fourth checks view restrictions.
    """
    procedure = (
        ProcedurePage.objects.live()
        .filter(pk=procedure_id)
        .select_related("owner_agency")
        .only(*INTAKE_FIELDS)
        .prefetch_related("channels", "dossier_components")
        .first()
    )
    if procedure is None or (public_only and is_restricted(procedure)):
        return None
    return procedure


_cache = ProcedureCache(load_published_procedure)


def is_restricted(page):
    """Return True if a view restriction applies to `page`: one on the page itself or on an ancestor."""
    steplen = type(page).steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    return PageViewRestriction.objects.filter(page__path__in=paths).exists()
