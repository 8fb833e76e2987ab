"""
Pages of the information portal: home, news, guidance, standard pages, department pages and legal
documents, plus the site settings shown in every page's footer.
"""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

NEWS_PER_PAGE = 10
DOCUMENTS_PER_PAGE = 20
HOME_NEWS_COUNT = 4


def paginate(request, queryset, per_page):
    """Return the page of `queryset` named by the `page` query parameter; bad values give the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """Contact details of the public administration service centre, shown in the footer of every page."""

    centre_name = models.CharField(
        _("service centre name"),
        max_length=255,
        default="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
    )
    address = models.CharField(_("address"), max_length=255, default="Số 16 Trường Thi, tỉnh Nghệ An")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(
        _("office hours"),
        max_length=255,
        default="Thứ Hai – Thứ Sáu: 07:30–11:30 và 13:30–17:00",
        help_text=_("Opening hours of the service centre as shown to the public."),
    )

    panels = [
        FieldPanel("centre_name"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("office_hours"),
    ]

    class Meta:
        verbose_name = _("portal settings")


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-first_published_at")
        )[:HOME_NEWS_COUNT]
        context["guidance_pages"] = GuidancePage.objects.live().public().child_of(self).order_by("path")
        context["news_index"] = NewsIndexPage.objects.live().public().child_of(self).first()
        return context


class NewsIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms_pages.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news_items = NewsPage.objects.child_of(self).live().public().order_by("-date", "-first_published_at")
        context["news_items"] = paginate(request, news_items, NEWS_PER_PAGE)
        return context


class NewsPage(Page):
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"))

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms_pages.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


class GuidancePage(Page):
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("guidance page")
        verbose_name_plural = _("guidance pages")


class StandardPage(Page):
    body = RichTextField(_("body"))

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class DepartmentIndexPage(Page):
    """The list of departments and agencies, each with its own page."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms_pages.DepartmentPage"]
    max_count = 1

    class Meta:
        verbose_name = _("department index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["departments"] = (
            DepartmentPage.objects.child_of(self).live().public().select_related("agency").order_by("title")
        )
        return context


class DepartmentPage(Page):
    """
    A department's own page: its duties, contact details and a link to the procedures it owns.

    The department's editors keep it; contact details default to those of the agency record.
    """

    agency = models.OneToOneField(
        "service_catalog.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="department_page",
        limit_choices_to={"kind__in": ["department", "service_centre", "peoples_committee", "other"]},
    )
    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("duties and organisation"), blank=True)
    address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("Leave empty to use the agency's address.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("agency"),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("office_hours"),
            ],
            heading=_("Contact"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms_pages.DepartmentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("department page")
        verbose_name_plural = _("department pages")

    @property
    def contact(self):
        """Contact details of the page, each falling back to the agency record's value."""
        return {
            "address": self.address or self.agency.address,
            "phone": self.phone or self.agency.phone,
            "email": self.email or self.agency.email,
            "office_hours": self.office_hours or self.agency.office_hours,
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        procedures_page = getattr(self.agency, "procedures_page", None)
        context["procedures_page"] = procedures_page if procedures_page and procedures_page.live else None
        return context


class LegalDocumentType(models.TextChoices):
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")
    RESOLUTION = "resolution", _("Resolution")
    DECISION = "decision", _("Decision")
    DIRECTIVE = "directive", _("Directive")
    PLAN = "plan", _("Plan")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    OTHER = "other", _("Other")


class LegalDocumentIndexPage(Page):
    """Legal documents published on the portal, filterable by type and year."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms_pages.LegalDocumentPage"]

    class Meta:
        verbose_name = _("legal document index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = LegalDocumentPage.objects.child_of(self).live().public()
        years = sorted({issued.year for issued in documents.values_list("issued_on", flat=True)}, reverse=True)

        selected_type = request.GET.get("type", "")
        if selected_type in LegalDocumentType.values:
            documents = documents.filter(document_type=selected_type)
        else:
            selected_type = ""
        selected_year = request.GET.get("year", "")
        if selected_year.isdigit():
            documents = documents.filter(issued_on__year=int(selected_year))
        else:
            selected_year = ""

        context["documents"] = paginate(
            request, documents.order_by("-issued_on", "-first_published_at"), DOCUMENTS_PER_PAGE
        )
        context["document_types"] = LegalDocumentType.choices
        context["years"] = years
        context["selected_type"] = selected_type
        context["selected_year"] = selected_year
        return context


class LegalDocumentPage(Page):
    """One legal document (văn bản): its number, type, issuer, dates, summary and the file itself."""

    document_number = models.CharField(
        _("document number"), max_length=60, help_text=_("Number and symbol, for example 118/2025/NĐ-CP.")
    )
    document_type = models.CharField(_("document type"), max_length=20, choices=LegalDocumentType.choices)
    issuer = models.CharField(_("issued by"), max_length=255)
    issued_on = models.DateField(_("date issued"))
    effective_on = models.DateField(_("date in force"), null=True, blank=True)
    expires_on = models.DateField(_("date no longer in force"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = RichTextField(_("notes"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("document_type")]),
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on"), FieldPanel("expires_on")]),
            ],
            heading=_("Identification"),
        ),
        FieldPanel("summary"),
        FieldPanel("document"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("document_number"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("document_type"),
        index.FilterField("issued_on"),
    ]
    parent_page_types = ["cms_pages.LegalDocumentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
