"""
Administrative procedure pages (thủ tục hành chính) and their parts.

Fields follow the record of the National Database on Administrative Procedures: code, name,
sector, levels, agencies, audience, channels with time limit and fee, steps, dossier components,
results, legal bases, conditions and the publishing decision. Wagtail revisions keep every
published version; an application stores the revision it was received under.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PagePermissionTester

from search.text import fold

from ..page_forms import ProcedurePageForm
from .agencies import Agency, Sector


class Channel(models.TextChoices):
    """Submission channels of the national database (1 = in person, 2 = online, 3 = postal)."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")
    MONTHS = "months", _("months")


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("procedure publication status", "Published")
    AMENDED = "amended", pgettext_lazy("procedure publication status", "Published, amended")
    ABOLISHED = "abolished", pgettext_lazy("procedure publication status", "Abolished")


class OnlineServiceKind(models.TextChoices):
    """Online public service kinds of Decree 42/2022/NĐ-CP."""

    FULL = "full", _("Full-process online service")
    PARTIAL = "partial", _("Partial online service")
    NONE = "none", _("Not offered online")


class ComponentKind(models.TextChoices):
    """What a dossier component requires of the applicant; importing/components.py has the import's rule."""

    REQUIRED = "required", _("Required document")
    CONDITIONAL = "conditional", _("Document needed only in some cases")
    NOTE = "note", _("Note, no document")


# Wording of the older levels (Decree 43/2011) that users still search for.
LEGACY_LEVEL_LABELS = {
    OnlineServiceKind.FULL: _("level 4"),
    OnlineServiceKind.PARTIAL: _("level 3"),
    OnlineServiceKind.NONE: _("level 2"),
}


class CopyForbiddenPermissionTester(PagePermissionTester):
    """Page permissions without copying, which hides the Copy action and makes the copy view raise PermissionDenied."""

    def can_copy(self):
        return False


class CopyForbiddenMixin:
    """
    Forbid copying a catalogue page in the admin.

    A copy would repeat fields that must stay unique (a procedure's instance code, a
    department's agency link), and a copy of the catalogue or a department folder would copy
    every procedure below it. Editors create a new procedure page instead.
    """

    def permissions_for_user(self, user):
        return CopyForbiddenPermissionTester(user, self)


class ProcedureIndexPage(CopyForbiddenMixin, Page):
    """The public catalogue of procedures; its children are one folder per owning department."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["service_catalog.DepartmentProceduresPage"]
    max_count = 1

    class Meta:
        verbose_name = _("procedure catalogue")

    def route(self, request, path_components):
        """
        Route /<department>/<procedure>/ with one query instead of Wagtail's four.

        Wagtail's default walks one level at a time, with a query for the child and another for
        its specific page. A procedure is found here directly among this page's grandchildren by
        slug and URL path, together with the sector and owner its page shows. Every other path
        goes the default way.
        """
        if len(path_components) != 2:
            return super().route(request, path_components)

        url_path = f"{self.url_path}{path_components[0]}/{path_components[1]}/"
        candidates = ProcedurePage.objects.filter(
            slug=path_components[1], depth=self.depth + 2, path__startswith=self.path
        ).select_related("sector", "owner_agency")
        procedure = next((page for page in candidates if page.url_path == url_path), None)
        if procedure is None:
            return super().route(request, path_components)
        return procedure.route(request, [])

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import Catalogue

        context = super().get_context(request, *args, **kwargs)
        procedures = ProcedurePage.objects.live().public().descendant_of(self)
        catalogue = Catalogue(procedures, request.GET, base_url=self.get_url(request), cache_scope=f"index-{self.pk}")
        context.update(catalogue.context(request))
        return context


class DepartmentProceduresPage(CopyForbiddenMixin, Page):
    """
    The procedures maintained by one department.

    Each department's editors get page permissions on this subtree only, so they can edit their
    own department's procedures and no others.
    """

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="procedures_page",
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("agency"), FieldPanel("intro")]
    parent_page_types = ["service_catalog.ProcedureIndexPage"]
    subpage_types = ["service_catalog.ProcedurePage"]
    template = "service_catalog/procedure_index_page.html"

    class Meta:
        verbose_name = _("department procedures")

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import Catalogue

        context = super().get_context(request, *args, **kwargs)
        procedures = ProcedurePage.objects.live().public().descendant_of(self)
        catalogue = Catalogue(
            procedures,
            request.GET,
            fixed_agency=self.agency,
            base_url=self.get_url(request),
            cache_scope=f"department-{self.pk}",
        )
        context.update(catalogue.context(request))
        return context


class ProcedurePage(CopyForbiddenMixin, Page):
    full_name = models.TextField(
        pgettext_lazy("procedure", "full name"),
        blank=True,
        help_text=_("The name as published when it is longer than the 255 characters a page title holds."),
    )
    national_code = models.CharField(
        _("national code"),
        max_length=20,
        db_index=True,
        help_text=_("Code in the national database, for example 1.001193."),
    )
    instance_code = models.CharField(
        _("province instance code"),
        max_length=60,
        unique=True,
        help_text=_("National code followed by the province's agency code, for example 1.001193.000.00.00.H41."),
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="owned_procedures",
    )
    implementing_agencies = ParentalManyToManyField(
        Agency,
        verbose_name=_("implementing agencies"),
        blank=True,
        related_name="implemented_procedures",
    )

    level_ministry = models.BooleanField(_("ministry level"), default=False)
    level_province = models.BooleanField(_("province level"), default=False)
    level_commune = models.BooleanField(_("commune level"), default=False)

    for_citizens = models.BooleanField(_("for citizens"), default=False)
    for_organisations = models.BooleanField(_("for organisations"), default=False)
    for_businesses = models.BooleanField(_("for businesses"), default=False)
    audience_text = models.TextField(_("who can apply (as published)"), blank=True)

    implementing_agency_text = models.TextField(_("implementing agency (as published)"), blank=True)
    competent_authority_text = models.TextField(_("competent authority"), blank=True)
    coordinating_agency_text = models.TextField(_("coordinating agency"), blank=True)
    delegated_agency_text = models.TextField(_("delegated agency"), blank=True)
    receiving_address = models.TextField(_("where to apply"), blank=True)

    description = models.TextField(_("description"), blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)

    online_service_kind = models.CharField(
        _("online service kind"),
        max_length=10,
        choices=OnlineServiceKind.choices,
        default=OnlineServiceKind.NONE,
    )
    boundary_free = models.BooleanField(
        _("received regardless of administrative boundary"),
        default=False,
        help_text=_("Any one-stop desk in the province may receive it, wherever the applicant lives."),
    )

    publication_status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    decision_number = models.CharField(_("publishing decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("publishing decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("decision issued by"), max_length=255, blank=True)
    title_folded = models.CharField(max_length=255, editable=False, blank=True, db_index=True)
    source_hash = models.CharField(
        _("hash of the imported record"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Set by the catalogue import; empty for procedures created by editors."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("full_name"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("national_code"), FieldPanel("instance_code")]),
                FieldPanel("sector"),
                FieldPanel("owner_agency"),
                FieldRowPanel([FieldPanel("online_service_kind"), FieldPanel("boundary_free")]),
            ],
            heading=_("Identification"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("level_ministry"), FieldPanel("level_province"), FieldPanel("level_commune")]
                ),
                FieldRowPanel(
                    [FieldPanel("for_citizens"), FieldPanel("for_organisations"), FieldPanel("for_businesses")]
                ),
                FieldPanel("audience_text"),
            ],
            heading=_("Levels and audience"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("implementing_agencies"),
                FieldPanel("implementing_agency_text"),
                FieldPanel("competent_authority_text"),
                FieldPanel("coordinating_agency_text"),
                FieldPanel("delegated_agency_text"),
                FieldPanel("receiving_address"),
            ],
            heading=_("Agencies"),
        ),
        FieldPanel("description"),
        FieldPanel("conditions"),
        InlinePanel("channels", heading=_("Channels, time limits and fees"), label=_("channel")),
        InlinePanel("steps", heading=pgettext_lazy("procedure", "Steps"), label=_("step")),
        InlinePanel("dossier_components", heading=_("Dossier components"), label=_("component")),
        InlinePanel("results", heading=_("Results"), label=_("result")),
        InlinePanel("legal_bases", heading=_("Legal bases"), label=_("legal basis")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("publication_status"), FieldPanel("status_date")]),
                FieldRowPanel(
                    [FieldPanel("decision_number"), FieldPanel("decision_date"), FieldPanel("decision_issuer")]
                ),
                FieldPanel("keywords"),
            ],
            heading=_("Publication"),
        ),
    ]
    parent_page_types = ["service_catalog.DepartmentProceduresPage"]
    subpage_types = []
    base_form_class = ProcedurePageForm

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def save(self, *args, **kwargs):
        self.title_folded = fold(self.title)[:255]
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..presentation import procedure_context

        context = super().get_context(request, *args, **kwargs)
        context.update(procedure_context(self, request))
        return context

    @property
    def display_name(self):
        return self.full_name or self.title

    @property
    def legacy_level_label(self):
        return LEGACY_LEVEL_LABELS[self.online_service_kind]

    @property
    def accepts_online(self):
        return self.online_service_kind != OnlineServiceKind.NONE and self.publication_status != (
            PublicationStatus.ABOLISHED
        )

    def upload_components(self):
        """
        Return the dossier's documents in order, without its notes: what an application uploads.

        Each is a DossierComponent whose `is_required` is True for a required document and
        False for one needed only in some cases (an optional upload). Reads
        `dossier_components` through its prefetch cache when the caller prefetched it.
        """
        return [component for component in self.dossier_components.all() if not component.is_note]

    def dossier_notes(self):
        """Return the dossier's notes in order: guidance that requires no document."""
        return [component for component in self.dossier_components.all() if component.is_note]

    def channel_for(self, channel):
        """
        Return the row of `channel` (a Channel value) whose time limit sets an application's deadline.

        A channel has several rows when the record publishes a time limit per case (a grant
        and a refusal, say). `governing_row` picks one; None when the channel has no row.
        """
        return governing_row([row for row in self.channels.all() if row.channel == channel])


# Calendar days per unit, only to compare limits of different units when choosing a governing row.
_APPROXIMATE_DAYS = {
    TimeLimitUnit.HOURS: Decimal(1) / 24,
    TimeLimitUnit.DAYS: Decimal(1),
    TimeLimitUnit.WORKING_DAYS: Decimal(7) / 5,
    TimeLimitUnit.MONTHS: Decimal(30),
}


def governing_row(rows):
    """
    Return the row among `rows` (one channel's cases) whose time limit governs the deadline.

    The first row an editor marked with `governs_deadline` wins. Without a mark, the longest
    parsed time limit wins, and the earlier row wins a tie. The shorter rows are special cases
    (such as a refusal), so a deadline taken from them would mark on-time work as late.
    Without any parsed limit, the first row wins. Returns None for no rows.
    """
    rows = list(rows)
    marked = [row for row in rows if row.governs_deadline]
    if marked:
        return marked[0]

    parsed = [row for row in rows if row.has_parsed_time_limit]
    if parsed:
        return max(parsed, key=lambda row: row.time_limit_value * _APPROXIMATE_DAYS[row.time_limit_unit])
    return rows[0] if rows else None


class ProcedureChannel(Orderable):
    """A submission channel with its time limit and fee, as published for the procedure."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    time_limit_value = models.DecimalField(
        _("time limit"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    time_limit_unit = models.CharField(
        _("time limit unit"), max_length=15, choices=TimeLimitUnit.choices, blank=True
    )
    time_limit_text = models.CharField(
        _("time limit as published"),
        max_length=255,
        blank=True,
        help_text=_("Kept as published; the only source of the time limit when it could not be parsed."),
    )
    time_limit_note = models.TextField(
        _("time limit details"),
        blank=True,
        help_text=_("The case this time limit applies to, when the channel has several rows."),
    )
    governs_deadline = models.BooleanField(
        _("sets the deadline"),
        default=False,
        help_text=_(
            "Tick one row per channel when the channel has several rows (cases): its time limit sets the "
            "deadline of applications received through the channel. Without a ticked row, the longest time "
            "limit of the channel applies."
        ),
    )
    fee_amount = models.PositiveBigIntegerField(_("fee (đồng)"), null=True, blank=True)
    fee_text = models.TextField(_("fees and charges as published"), blank=True)

    panels = [
        FieldPanel("channel"),
        FieldRowPanel([FieldPanel("time_limit_value"), FieldPanel("time_limit_unit")]),
        FieldPanel("time_limit_text"),
        FieldPanel("time_limit_note"),
        FieldPanel("governs_deadline"),
        FieldPanel("fee_amount"),
        FieldPanel("fee_text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    @property
    def has_parsed_time_limit(self):
        return self.time_limit_value is not None and bool(self.time_limit_unit)


class ProcedureStep(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="steps")
    case = models.CharField(_("case"), max_length=500, blank=True)
    text = models.TextField(_("step"))

    panels = [FieldPanel("case"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")


class DossierComponent(Orderable):
    """
    One entry of the dossier (thành phần hồ sơ): a document to bring or upload, or a note.

    `kind` is a required document, a document needed only in some cases (an optional upload),
    or a note that requires no document. `is_required` repeats "kind is required" for code
    that filters on it, and `save()` keeps the two consistent.
    """

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="dossier_components")
    code = models.CharField(_("code"), max_length=60, blank=True)
    name = models.TextField(pgettext_lazy("dossier component", "document"))
    case = models.CharField(_("case"), max_length=500, blank=True)
    kind = models.CharField(
        pgettext_lazy("dossier component", "kind"),
        max_length=12,
        choices=ComponentKind.choices,
        # Empty only until the first save, which derives it from `is_required` (see save()).
        default="",
        help_text=_(
            "A required document must be brought or uploaded. A document needed only in some cases is "
            "an optional upload. A note is shown under “Notes” and asks for no document."
        ),
    )
    imported_kind = models.CharField(
        _("kind given by the import"),
        max_length=12,
        choices=ComponentKind.choices,
        blank=True,
        editable=False,
        help_text=_("Empty for entries added by editors. A kind that differs from it was changed by an editor."),
    )
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    has_electronic_form = models.BooleanField(_("electronic form available"), default=False)
    is_required = models.BooleanField(_("required"), default=True, editable=False)
    form_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("form to fill in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("case"),
        FieldRowPanel([FieldPanel("originals"), FieldPanel("copies")]),
        FieldPanel("has_electronic_form"),
        FieldPanel("form_document"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """
        Save with `kind` and `is_required` consistent.

        A component created with only `is_required` (as code written before kinds existed does)
        becomes a required or a conditional document; after that, `kind` decides.
        """
        if not self.kind:
            self.kind = ComponentKind.REQUIRED if self.is_required else ComponentKind.CONDITIONAL
        self.is_required = self.kind == ComponentKind.REQUIRED
        super().save(*args, **kwargs)

    @property
    def is_note(self):
        return self.kind == ComponentKind.NOTE

    @property
    def is_conditional(self):
        return self.kind == ComponentKind.CONDITIONAL


class ProcedureResult(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("code"), max_length=60, blank=True)
    name = models.TextField(_("result"))

    panels = [FieldPanel("code"), FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("result")
        verbose_name_plural = _("results")


class LegalBasis(Orderable):
    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="legal_bases")
    number = models.CharField(_("document number"), max_length=120)
    title = models.TextField(pgettext_lazy("legal document", "title"), blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)

    panels = [
        FieldPanel("number"),
        FieldPanel("title"),
        FieldPanel("issuer"),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on")]),
        FieldPanel("url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
