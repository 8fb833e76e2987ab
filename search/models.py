"""
Search documents, synonyms and promoted results.

`SearchDocument` rows are the database engine's index: one row per live, public page, written
only by the indexing code in `search.indexing`. Synonyms and promoted results are edited by staff
in the Wagtail admin and apply to every engine at query time, so changing them needs no rebuild.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import fold, fold_words, normalize


class ContentType(models.TextChoices):
    """What kind of page a search document comes from; a facet of the search page."""

    PROCEDURE = "procedure", _("Procedure")
    NEWS = "news", _("News")
    GUIDANCE = "guidance", _("Guidance")
    DOCUMENT = "document", _("Document")
    PAGE = "page", _("Page")


class SearchDocument(models.Model):
    """
    One live, public page as the database engine searches it.

    The folded columns hold `search.text.fold` of their source, so "đ" folds to "d" on SQLite
    too. On PostgreSQL a migration adds a generated tsvector column over the folded text, a GIN
    index on it and trigram indexes (see migration 0002); Django never writes those columns.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    content_type = models.CharField(max_length=20, choices=ContentType.choices, db_index=True)
    title = models.TextField()
    title_folded = models.TextField()
    # Lowercase NFC title and keywords with diacritics, for ranking exact-diacritic matches first.
    title_exact = models.TextField()
    keywords = models.TextField(blank=True)
    keywords_folded = models.TextField(blank=True)
    body = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)
    title_word_count = models.PositiveSmallIntegerField(default=1)
    url = models.CharField(max_length=500)
    date = models.DateField(null=True, blank=True)
    # Ranking multiplier: abolished procedures sink below current ones.
    boost = models.FloatField(default=1.0)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return self.title


class SearchFacet(models.Model):
    """One facet value of a search document (a document has several values per facet)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "document"])]
        constraints = [
            models.UniqueConstraint(fields=["document", "facet", "value"], name="search_facet_unique_value"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchTerm(models.Model):
    """A folded word of the indexed titles, keywords and bodies; the vocabulary for "did you mean"."""

    term = models.CharField(max_length=60, unique=True)
    document_count = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.term


def parse_terms(text):
    """Split staff-entered synonym text into NFC terms: commas, semicolons or new lines separate them."""
    parts = text.replace(";", ",").replace("\n", ",").split(",")
    return [normalize(part) for part in parts if normalize(part)]


class Synonym(models.Model):
    """
    A set of words and abbreviations that mean the same thing, such as "CCCD, căn cước công dân".

    A query that contains any of the terms also finds pages that use another term of the set.
    """

    terms = models.TextField(
        _("equivalent terms"),
        help_text=_(
            "Separate the terms with commas, for example: CCCD, căn cước công dân, thẻ căn cước. "
            "Each term may have several words."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        ordering = ["terms"]

    def __str__(self):
        return ", ".join(self.term_list)

    @property
    def term_list(self):
        return parse_terms(self.terms)

    def clean(self):
        terms = self.term_list
        if len({fold(term) for term in terms}) < 2:
            raise ValidationError(
                {"terms": _("Enter at least two different terms separated by commas, for example: GPLX, giấy phép lái xe.")}
            )
        self.terms = ", ".join(terms)


class PromotedResult(models.Model):
    """A page that editors pin to the top of the results for one query."""

    query = models.CharField(
        _("query"),
        max_length=255,
        help_text=_("The query as citizens type it. Matching ignores case and diacritics."),
    )
    query_folded = models.CharField(max_length=255, editable=False, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    description = models.CharField(
        _("description"),
        max_length=255,
        blank=True,
        help_text=_("Shown under the title instead of the page's snippet. Leave empty to use the snippet."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("promoted result")
        verbose_name_plural = _("promoted results")
        ordering = ["query_folded", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["query_folded", "page"], name="search_promoted_unique_page"),
        ]

    def __str__(self):
        return f"{self.query} → {self.page.title}"

    def clean(self):
        if not fold_query_key(self.query):
            raise ValidationError({"query": _("Enter the words that citizens type, for example: khai sinh.")})

    def save(self, *args, **kwargs):
        self.query = normalize(self.query)
        self.query_folded = fold_query_key(self.query)
        super().save(*args, **kwargs)


def fold_query_key(text):
    """Return the key promoted results are matched on: folded words joined by single spaces."""
    return " ".join(fold_words(text))
