"""Reading the published procedure that an application form or an intake is for."""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from service_catalog.models import ProcedurePage


def published_procedure(procedure_id, *, public_only):
    """
    Return the live ProcedurePage `procedure_id` with what an intake reads, or None.

    One query reads the page with its owning agency; two more read its channels (time limits)
    and dossier components. With `public_only`, a page under a view restriction (Wagtail's
    privacy setting on it or on an ancestor) is not returned, as `PageQuerySet.public()`
    decides, but without first loading every restriction of the site.
    """
    procedures = (
        ProcedurePage.objects.live()
        .filter(pk=procedure_id)
        .select_related("owner_agency")
        .prefetch_related("channels", "dossier_components")
    )
    if public_only:
        # A restriction applies to its page and every descendant: to every page whose tree
        # path starts with the restricted page's path.
        restricted = PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
        procedures = procedures.exclude(Exists(restricted))
    return procedures.first()
