"""
The printable one-page A4 checklist of a procedure: documents with counts, fees, time limit, desk.

Some records of the national export are far too long for one page: the foreign-worker licence
(1.014199) lists 212 document rows, because it repeats the same documents for each of its cases,
and birth registration has 25 notes. The checklist therefore lists each distinct document once
and shortens long texts at a word boundary. At the denser print densities it replaces the notes
with a pointer to the procedure's page, which the QR code opens and which shows every text in full.
"""

import logging
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from search.text import fold

from .importing.components import marker_level
from .models.procedures import PublicationStatus
from .presentation import procedure_context

logger = logging.getLogger(__name__)

TEMPLATE = "service_catalog/procedure_checklist.html"


@dataclass(frozen=True)
class Density:
    """A print density: its CSS class and the maximum characters shown of each kind of text."""

    name: str
    document_chars: int
    fee_chars: int
    # 0 replaces the notes with a count and a pointer to the procedure's page.
    note_chars: int


# From roomy to dense. The PDF uses the first density that fits on one A4 page.
DENSITIES = (
    Density("normal", document_chars=260, fee_chars=200, note_chars=220),
    Density("compact", document_chars=180, fee_chars=160, note_chars=140),
    Density("dense", document_chars=130, fee_chars=120, note_chars=0),
    Density("tiny", document_chars=90, fee_chars=90, note_chars=0),
)
DENSITIES_BY_NAME = {density.name: density for density in DENSITIES}


def shorten(text, limit):
    """Return `text` cut to at most `limit` characters at a word boundary, ending in "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text

    cut = text[: limit - 1]
    space = cut.rfind(" ")
    ends_inside_word = text[limit - 1] != " "
    if ends_inside_word and space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-(") + "…"


@dataclass
class ChecklistDocument:
    """One distinct document of the dossier, with the largest counts among the rows that name it."""

    name: str
    originals: int
    copies: int
    is_conditional: bool
    # Rows of the record that name this document (more than one when cases repeat it).
    rows: int = 1


def _document_key(name):
    """Return the text that identifies a document: folded (no diacritics or capitals), without list marker or extra spaces."""
    _level, text = marker_level(fold(name))
    return " ".join(text.rstrip(" .;,").split())


def distinct_documents(components):
    """
    Return the documents of `components` (notes excluded), each distinct text once, in order.

    Records with several cases list the same document once per case, sometimes under another
    list number ("(1) Hộ chiếu …" and "(3) Hộ chiếu …"), so the list marker is ignored when
    comparing. A merged document gets the largest counts among its rows, and it is
    conditional only when every one of its rows is.
    """
    documents = {}
    for component in components:
        if component.is_note:
            continue
        key = _document_key(component.name)
        document = documents.get(key)
        if document is None:
            documents[key] = ChecklistDocument(
                component.name, component.originals, component.copies, component.is_conditional
            )
            continue
        document.originals = max(document.originals, component.originals)
        document.copies = max(document.copies, component.copies)
        document.is_conditional = document.is_conditional and component.is_conditional
        document.rows += 1
    return list(documents.values())


def estimated_density(documents, notes):
    """Guess the first density worth rendering from the length of the texts, which dominates the sheet."""
    characters = sum(min(len(document.name), DENSITIES[0].document_chars) + 60 for document in documents)
    characters += sum(min(len(note.name), DENSITIES[0].note_chars) + 30 for note in notes)
    if characters < 3000:
        return DENSITIES[0]
    if characters < 9000:
        return DENSITIES_BY_NAME["compact"]
    return DENSITIES_BY_NAME["dense"]


def _shortened(documents, limit):
    return [
        ChecklistDocument(shorten(document.name, limit), document.originals, document.copies, document.is_conditional, document.rows)
        for document in documents
    ]


def density_context(base, density):
    """Return the part of the checklist's context that depends on the print density."""
    documents = _shortened(base["distinct_documents"], density.document_chars)
    notes = base["procedure"].notes
    summaries = [
        (label, limits, [shorten(fee, density.fee_chars) for fee in fees])
        for label, limits, fees in base["procedure"].channel_summaries
    ]
    return {
        "density": density.name,
        "documents": documents,
        "listed_notes": [shorten(note.name, density.note_chars) for note in notes] if density.note_chars else [],
        "notes_pointer": (
            ngettext(
                "The page has %(count)s note on this dossier: scan the QR code to read it.",
                "The page has %(count)s notes on this dossier: scan the QR code to read them.",
                len(notes),
            )
            % {"count": len(notes)}
            if notes and not density.note_chars
            else ""
        ),
        "has_shortened_texts": any(document.name.endswith("…") for document in documents),
        "channel_summaries": summaries,
    }


def checklist_context(request, page):
    """Return the context of the checklist at its estimated density; `density_context` changes the density."""
    url = page.get_full_url(request)
    qr_svg = segno.make(url, error="m").svg_inline(scale=3, border=1, omitsize=True)
    context = procedure_context(page, request)
    procedure = context["procedure"]
    documents = distinct_documents(procedure.dossier)
    density = estimated_density(documents, procedure.notes)
    context.update(
        {
            "page": page,
            "page_full_url": url,
            "qr_svg": mark_safe(qr_svg),
            "is_abolished": page.publication_status == PublicationStatus.ABOLISHED,
            "distinct_documents": documents,
            "merged_rows": sum(document.rows for document in documents) - len(documents),
        }
    )
    context.update(density_context(context, density))
    return context


def render_checklist_pdf(request, page):
    """
    Render the checklist as PDF bytes, on one A4 page where a density allows it.

    Starts at the estimated density and moves to denser ones while the result has more than
    one page. Returns (PDF bytes, number of pages, density name).
    """
    from weasyprint import HTML

    context = {**checklist_context(request, page), "for_pdf": True}
    start = DENSITIES.index(DENSITIES_BY_NAME[context["density"]])
    for density in DENSITIES[start:]:
        context.update(density_context(context, density))
        html = render_to_string(TEMPLATE, context, request)
        document = HTML(string=html, base_url=request.build_absolute_uri("/")).render()
        if len(document.pages) == 1:
            break

    if len(document.pages) > 1:
        logger.warning("Checklist of page %s needs %d pages even at density %s", page.pk, len(document.pages), density.name)
    return document.write_pdf(), len(document.pages), density.name
