"""
What the index holds for a page: text, facets, URL and date.

Only live pages without view restrictions (on themselves or an ancestor) are indexable. Listing
pages (home, news index, catalogue folders) are not indexed. Page models that the builders below
do not know are indexed from their Wagtail `search_fields`, so a new page type (a legal document
page, a department page) is searchable without changes here; it can set `search_content_type`.
"""

import html
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.search import index as wagtail_index

from .models import ContentType
from .text import normalize

NOT_INDEXED_MODELS = frozenset(
    {
        "wagtailcore.page",
        "cms_pages.homepage",
        "cms_pages.newsindexpage",
        "service_catalog.procedureindexpage",
        "service_catalog.departmentprocedurespage",
    }
)

FACETS = ("type", "audience", "sector", "agency", "level", "online")

# Ranking multiplier of an abolished procedure: still findable, below the procedures in force.
ABOLISHED_BOOST = 0.3


@dataclass
class IndexDocument:
    page_id: int
    content_type: str
    title: str
    url: str
    body: str = ""
    keywords: str = ""
    date: object = None
    boost: float = 1.0
    facets: dict = field(default_factory=dict)


def html_to_text(value):
    """Return the plain text of rich text, with tags removed and entities decoded."""
    return normalize(html.unescape(strip_tags(str(value or "").replace("<", " <"))))


def _join(*parts):
    return normalize(" ".join(str(part) for part in parts if part))


def model_label(page):
    return page._meta.label_lower


def is_listing_model(page):
    """Listing pages (home, "…IndexPage" models, catalogue folders) only link to the indexed pages."""
    return model_label(page) in NOT_INDEXED_MODELS or page._meta.model_name.endswith("indexpage")


def is_indexable(page):
    """Return True when `page` (specific) is live, public, routable and of an indexed type."""
    if is_listing_model(page) or page.depth <= 1:
        return False
    if not page.live or page.expired:
        return False
    if page.get_view_restrictions().exists():
        return False
    return page.url is not None


def candidate_pages():
    """Return a queryset of the live, public pages below the root; `is_indexable` decides per page."""
    return Page.objects.live().public().filter(depth__gt=1)


def specific_pages(page_ids):
    """Yield the specific pages of `page_ids`, with what their builder reads fetched in bulk."""
    from service_catalog.models import ProcedurePage

    pages = Page.objects.filter(pk__in=page_ids).select_related("content_type")
    by_model = {}
    for page in pages:
        by_model.setdefault(page.content_type.model_class(), []).append(page.pk)

    for model, ids in by_model.items():
        if model is None:
            continue
        queryset = model.objects.filter(pk__in=ids)
        if model is ProcedurePage:
            queryset = queryset.select_related("sector", "owner_agency").prefetch_related(
                "implementing_agencies", "steps", "dossier_components", "results", "legal_bases"
            )
        yield from queryset


def build_document(page):
    """Return the IndexDocument of a specific page, or None when it must not be indexed."""
    if not is_indexable(page):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        builder = BUILDERS.get(model_label(page), build_generic)
        return builder(page)


def build_procedure(page):
    from service_catalog.models.procedures import PublicationStatus

    agencies = [page.owner_agency] + [agency for agency in page.implementing_agencies.all()]
    agency_codes = list(dict.fromkeys(agency.code for agency in agencies if agency))
    agency_names = list(dict.fromkeys(agency.name for agency in agencies if agency))

    audience = [
        name
        for name, flag in (
            ("citizens", page.for_citizens),
            ("organisations", page.for_organisations),
            ("businesses", page.for_businesses),
        )
        if flag
    ]
    levels = [
        name
        for name, flag in (
            ("ministry", page.level_ministry),
            ("province", page.level_province),
            ("commune", page.level_commune),
        )
        if flag
    ]

    body = _join(
        page.description,
        page.audience_text,
        page.conditions,
        " ".join(f"{step.case} {step.text}" for step in page.steps.all()),
        " ".join(component.name for component in page.dossier_components.all()),
        " ".join(result.name for result in page.results.all()),
        " ".join(f"{basis.number} {basis.title}" for basis in page.legal_bases.all()),
        page.implementing_agency_text,
        page.competent_authority_text,
        page.receiving_address,
    )
    keywords = _join(
        page.national_code,
        page.instance_code,
        page.keywords,
        page.sector.name if page.sector else "",
        " ".join(agency_names),
        page.get_online_service_kind_display(),
        page.legacy_level_label,
    )

    facets = {
        "type": [ContentType.PROCEDURE],
        "audience": audience,
        "level": levels,
        "online": [page.online_service_kind],
        "agency": agency_codes,
        "sector": [page.sector.slug] if page.sector else [],
    }
    abolished = page.publication_status == PublicationStatus.ABOLISHED
    return IndexDocument(
        page_id=page.pk,
        content_type=ContentType.PROCEDURE,
        title=normalize(page.title),
        url=page.url,
        body=body,
        keywords=keywords,
        date=page.decision_date or _page_date(page),
        boost=ABOLISHED_BOOST if abolished else 1.0,
        facets=facets,
    )


def build_news(page):
    return IndexDocument(
        page_id=page.pk,
        content_type=ContentType.NEWS,
        title=normalize(page.title),
        url=page.url,
        body=_join(page.summary, html_to_text(page.body)),
        date=page.date,
        facets={"type": [ContentType.NEWS]},
    )


def build_guidance(page):
    return IndexDocument(
        page_id=page.pk,
        content_type=ContentType.GUIDANCE,
        title=normalize(page.title),
        url=page.url,
        body=_join(page.summary, html_to_text(page.body)),
        date=_page_date(page),
        facets={"type": [ContentType.GUIDANCE]},
    )


def build_generic(page):
    """Index any other page type from its Wagtail search fields."""
    content_type = getattr(page, "search_content_type", None)
    if content_type not in ContentType.values:
        content_type = ContentType.DOCUMENT if "document" in page._meta.model_name else ContentType.PAGE

    texts = []
    for search_field in page.get_search_fields():
        if not isinstance(search_field, wagtail_index.SearchField):
            continue
        if search_field.field_name in ("title", "search_description"):
            continue
        value = getattr(page, search_field.field_name, "")
        if callable(value):
            value = value()
        texts.append(html_to_text(value))

    return IndexDocument(
        page_id=page.pk,
        content_type=content_type,
        title=normalize(page.title),
        url=page.url,
        body=_join(page.search_description, *texts),
        date=getattr(page, "date", None) or _page_date(page),
        facets={"type": [content_type]},
    )


def build_legal_document(page):
    """Index a legal document under the date it was issued, with its number and issuer as keywords."""
    document = build_generic(page)
    document.keywords = _join(page.document_number, page.get_document_type_display(), page.issuer)
    document.date = page.issued_on
    return document


def _page_date(page):
    published = page.last_published_at or page.first_published_at
    return published.date() if published else None


BUILDERS = {
    "service_catalog.procedurepage": build_procedure,
    "cms_pages.newspage": build_news,
    "cms_pages.guidancepage": build_guidance,
    "cms_pages.legaldocumentpage": build_legal_document,
}
