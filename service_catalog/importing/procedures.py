"""
Import and refresh of procedure pages from the national export.

Each record becomes a ProcedurePage under the DepartmentProceduresPage of its owning
department, under the catalogue page `thu-tuc-hanh-chinh` below the home page. Pages are found
again by national code. On a re-run:

- a record whose fingerprint (`source_hash`) is unchanged is left alone, so editors' changes
  to it survive;
- a changed record is saved as a new published revision, so Wagtail keeps the old version and
  applications keep the revision they were received under;
- an imported page whose code is missing from the export is marked abolished, also as a new
  revision. Pages that editors created have no fingerprint and are left alone.

Owner rule: the department mapped to the record's sector in nghe-an/sector-departments.csv;
otherwise the first department (a "Sở …") named in the implementing agencies; otherwise the
Provincial People's Committee, and the record is reported as having no owner.

Online-service kind rule: a record offering the online channel ("Trực tuyến") is a partial
online service, one without it is not online. The export does not say whether payment and the
result are online too, so only an editor can set "full-process"; the import keeps that choice
while the record still offers the online channel.

Dossier components get a kind (required document, conditional document, note) from the rule
in `components.py`. On a refresh, a component whose export row is unchanged keeps a kind an
editor chose and its form document; see `keep_editor_choices`. Likewise the channel row an
editor marked as setting the deadline keeps its mark while its export row is unchanged.
"""

import json
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from cms_pages.content import ensure_home_page
from search.text import fold, normalize, slugify

from ..models import (
    Agency,
    DepartmentProceduresPage,
    DossierComponent,
    LegalBasis,
    ProcedureChannel,
    ProcedureIndexPage,
    ProcedurePage,
    ProcedureResult,
    ProcedureStep,
    Sector,
)
from ..models.procedures import Channel, ComponentKind, OnlineServiceKind, PublicationStatus
from ..signals import procedures_imported
from .bulk_pages import bulk_create_pages
from .records import MalformedRecord, read_procedure_records

logger = logging.getLogger(__name__)

INDEX_SLUG = "thu-tuc-hanh-chinh"
INDEX_TITLE = "Thủ tục hành chính"
INDEX_INTRO = (
    "Danh mục thủ tục hành chính của tỉnh Nghệ An: ai được thực hiện, cần chuẩn bị giấy tờ gì, "
    "thời hạn giải quyết, phí, lệ phí và nơi nộp hồ sơ. Lọc theo đối tượng, lĩnh vực, cơ quan, "
    "cấp thực hiện và mức độ dịch vụ công trực tuyến."
)
TITLE_MAX_LENGTH = 255
# "Sở Nội vụ" names a department; "cơ sở giáo dục" (an education facility) does not.
_DEPARTMENT_NAME = re.compile(r"(?<![Cc]ơ )\b[Ss]ở\s+[^,;.()\n]+")
_PROVINCE_COMMITTEE = ("uy ban nhan dan cap tinh", "ubnd cap tinh", "ubnd tinh", "uy ban nhan dan tinh")
PROGRESS_EVERY = 500


def import_sectors(path):
    """Create the sectors of linh-vuc.json that are missing; return (sectors by name, created count)."""
    with open(path, encoding="utf-8") as sectors_file:
        entries = json.load(sectors_file)

    sectors = {sector.name: sector for sector in Sector.objects.all()}
    created = 0
    for entry in entries:
        name = normalize(entry["ten_linh_vuc"])
        if name in sectors:
            continue
        sectors[name] = _create_sector(name, entry.get("slug") or slugify(name))
        created += 1
    return sectors, created


def _create_sector(name, slug):
    slug = slug[:120]
    candidate, number = slug, 2
    while Sector.objects.filter(slug=candidate).exists():
        candidate = f"{slug[:115]}-{number}"
        number += 1
    return Sector.objects.create(name=name, slug=candidate)


@dataclass
class ProcedureImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    abolished: list = field(default_factory=list)
    malformed: list = field(default_factory=list)
    without_owner: list = field(default_factory=list)
    repaired: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    documents: int = 0
    # Dossier components per kind (ComponentKind values), over every record read.
    component_kinds: dict = field(default_factory=dict)
    time_limits_parsed: int = 0
    time_limits_unparsed: int = 0
    unparsed_time_limit_texts: dict = field(default_factory=dict)
    sectors_created: int = 0


def title_and_full_name(name):
    """Return (title, full name): the title is cut at a word before 255 characters when needed."""
    if len(name) <= TITLE_MAX_LENGTH:
        return name, ""
    cut = name[: TITLE_MAX_LENGTH - 1].rsplit(" ", 1)[0]
    return f"{cut}…", name


def procedure_slug(record):
    return f"{slugify(record.name, max_length=60)}-{record.code.replace('.', '-')}"


class ProcedureImporter:
    """Write the records of one export file; `run(path)` returns a ProcedureImportResult."""

    def __init__(self, agency_importer, sectors, stdout=None):
        self.agencies = agency_importer
        self.sectors = sectors
        self.stdout = stdout
        self.result = ProcedureImportResult()
        self.province = agency_importer.result.by_key["province"]
        self._department_pages = {}

    def _write(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    @transaction.atomic
    def run(self, path):
        records = self._read(path)
        index = self._ensure_index_page()
        existing = self._existing_pages(index)

        new_records, changed_records = [], []
        for record in records:
            page_info = existing.get(record.code)
            if page_info is None:
                new_records.append(record)
            elif page_info["source_hash"] == record.source_hash:
                self.result.unchanged += 1
            else:
                changed_records.append(record)

        self._create(index, new_records)
        for record in changed_records:
            self._update(index, record, existing[record.code]["id"])
        seen = {record.code for record in records}
        self._abolish_vanished(existing, seen)
        self._update_search_index()
        self._analyze_tables()

        transaction.on_commit(
            lambda: procedures_imported.send(
                sender=ProcedurePage,
                created=[page.pk for page in self.result.created],
                updated=[page.pk for page in self.result.updated],
                abolished=[page.pk for page in self.result.abolished],
            )
        )
        return self.result

    # Reading.

    def _read(self, path):
        records = []
        for item in read_procedure_records(path):
            if isinstance(item, MalformedRecord):
                self.result.malformed.append(item)
                logger.warning("Skipped malformed procedure record %s", item)
                continue
            records.append(item)
            self._count_record(item)
        return records

    def _count_record(self, record):
        self.result.documents += len(record.components)
        for component in record.components:
            kinds = self.result.component_kinds
            kinds[component.kind] = kinds.get(component.kind, 0) + 1
        for channel in record.channels:
            if channel.time_limit.parsed:
                self.result.time_limits_parsed += 1
                continue
            self.result.time_limits_unparsed += 1
            texts = self.result.unparsed_time_limit_texts
            texts[channel.time_limit.text] = texts.get(channel.time_limit.text, 0) + 1
        if record.repairs:
            self.result.repaired[record.code] = record.repairs

    # Pages of the tree above the procedures.

    def _ensure_index_page(self):
        home = ensure_home_page()
        index = ProcedureIndexPage.objects.first()
        if index is not None:
            return index
        index = ProcedureIndexPage(title=INDEX_TITLE, slug=INDEX_SLUG, intro=INDEX_INTRO)
        home.add_child(instance=index)
        index.save_revision().publish()
        self._write(f"  Created the catalogue page /{INDEX_SLUG}/.")
        return index

    def _department_page(self, index, agency):
        page = self._department_pages.get(agency.pk)
        if page is not None:
            return page

        page = DepartmentProceduresPage.objects.filter(agency=agency).first()
        if page is None:
            page = DepartmentProceduresPage(title=agency.name, slug=slugify(agency.name), agency=agency)
            index.add_child(instance=page)
            page.save_revision().publish()
            self._write(f"  Created the procedures page of {agency.name} ({agency.code}).")
        self._department_pages[agency.pk] = page
        return page

    # Owner, sector and agencies of a record.

    def _owner(self, record):
        department = self.agencies.department_for_sector(record.sector_name)
        if department is not None:
            return department

        for match in _DEPARTMENT_NAME.finditer(record.implementing_agency_text):
            return self.agencies.ensure_department(_department_name(match.group(0)))

        self.result.without_owner.append(record.code)
        return self.province

    def _implementing_agencies(self, record, owner):
        agencies = {}
        for match in _DEPARTMENT_NAME.finditer(record.implementing_agency_text):
            department = self.agencies.ensure_department(_department_name(match.group(0)))
            agencies[department.pk] = department
        if any(words in fold(record.implementing_agency_text) for words in _PROVINCE_COMMITTEE):
            agencies[self.province.pk] = self.province
        if not agencies and owner.kind == Agency.Kind.DEPARTMENT and record.levels["level_province"]:
            agencies[owner.pk] = owner
        return list(agencies.values())

    def _sector(self, record):
        sector = self.sectors.get(record.sector_name)
        if sector is None:
            sector = _create_sector(record.sector_name, slugify(record.sector_name))
            self.sectors[record.sector_name] = sector
            self.result.sectors_created += 1
        return sector

    # Field values.

    def _fill(self, page, record, owner):
        """Set every imported field and child relation of `page` from `record`."""
        title, full_name = title_and_full_name(record.name)
        page.title = title
        page.draft_title = title
        page.title_folded = fold(title)[:255]
        page.full_name = full_name
        page.national_code = record.code
        page.instance_code = f"{record.code}.{settings.PORTAL_PROVINCE_AGENCY_CODE}"
        page.sector = self._sector(record)
        page.owner_agency = owner
        for name, value in {**record.levels, **record.audience}.items():
            setattr(page, name, value)
        page.audience_text = record.audience_text
        page.implementing_agency_text = record.implementing_agency_text
        page.competent_authority_text = record.competent_authority_text
        page.receiving_address = record.receiving_address
        page.conditions = record.conditions
        page.online_service_kind = _online_service_kind(page, record)
        page.decision_number = record.decision_number
        page.decision_date = record.decision_date
        page.decision_issuer = record.decision_issuer
        page.source_hash = record.source_hash
        if page.publication_status != record.status:
            page.publication_status = record.status
            page.status_date = timezone.localdate()
        page.implementing_agencies = self._implementing_agencies(record, owner)
        return _children(record)

    # Writing.

    def _create(self, index, records):
        by_parent = {}
        for record in records:
            owner = self._owner(record)
            parent = self._department_page(index, owner)
            by_parent.setdefault(parent.pk, (parent, []))[1].append(record)

        done = 0
        for parent, parent_records in by_parent.values():
            for start in range(0, len(parent_records), PROGRESS_EVERY):
                batch = parent_records[start : start + PROGRESS_EVERY]
                pages, children = [], []
                for record in batch:
                    page = ProcedurePage(slug=procedure_slug(record), publication_status=record.status)
                    children.append(self._fill(page, record, parent.agency))
                    pages.append(page)
                bulk_create_pages(parent, pages, children, many_to_many=["implementing_agencies"])
                self.result.created.extend(pages)
                done += len(batch)
                self._write(f"  Created {done}/{len(records)} procedures.")

    def _update(self, index, record, page_id):
        page = ProcedurePage.objects.get(pk=page_id)
        before = _comparable(page)
        owner = self._owner(record)
        parent = self._department_page(index, owner)
        if page.get_parent().pk != parent.pk:
            page.move(parent, pos="last-child")
            page.refresh_from_db()

        children = self._fill(page, record, owner)
        keep_editor_choices(page.dossier_components.all(), children["dossier_components"])
        keep_deadline_choice(page.channels.all(), children["channels"])
        for relation, objects in children.items():
            setattr(page, relation, objects)
        revision = page.save_revision(log_action=True)
        revision.publish()

        self.result.updated.append(page)
        changed_fields = sorted(name for name, value in _comparable(page).items() if before.get(name) != value)
        self.result.changes.append((record.code, changed_fields))
        self._write(f"  Updated {record.code}: {', '.join(changed_fields) or 'source record'}.")

    def _abolish_vanished(self, existing, seen):
        for code, page_info in sorted(existing.items()):
            if code in seen or page_info["publication_status"] == PublicationStatus.ABOLISHED:
                continue
            page = ProcedurePage.objects.get(pk=page_info["id"])
            page.publication_status = PublicationStatus.ABOLISHED
            page.status_date = timezone.localdate()
            page.save_revision(log_action=True).publish()
            self.result.abolished.append(page)
            self._write(f"  Abolished {code}: missing from the export.")

    def _existing_pages(self, index):
        """Return {national code: page fields} of the pages this import manages."""
        rows = (
            ProcedurePage.objects.descendant_of(index)
            .exclude(source_hash="")
            .values("id", "national_code", "source_hash", "publication_status")
        )
        return {row["national_code"]: row for row in rows}

    def _analyze_tables(self):
        """
        Refresh PostgreSQL's planner statistics after a bulk load.

        Autovacuum analyses a table only some time after large inserts. Until then the planner
        estimates the catalogue's filters from the table as it was before, and picks slow plans.
        """
        if not self.result.created or connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in (Page, ProcedurePage, ProcedureChannel, DossierComponent)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")

    def _update_search_index(self):
        """Add the bulk-created pages to Wagtail's own search index (the admin's page search)."""
        if not self.result.created:
            return
        for backend in get_search_backends():
            backend.add_bulk(ProcedurePage, self.result.created)


def _department_name(text):
    """Return "Sở Nội vụ" for "Sở Nội Vụ" or "sở nội vụ": the export's capitals vary."""
    words = normalize(text).split(" ")
    rest = " ".join(words[1:])
    return f"Sở {rest[:1].upper()}{rest[1:].lower()}"


def _online_service_kind(page, record):
    offers_online = any(channel.channel == Channel.ONLINE for channel in record.channels)
    if not offers_online:
        return OnlineServiceKind.NONE
    if page.online_service_kind == OnlineServiceKind.FULL:
        return OnlineServiceKind.FULL
    return OnlineServiceKind.PARTIAL


def _source_row(component):
    """Return the fields of a dossier component that come from its row in the export."""
    return (component.code, component.name, component.originals, component.copies, component.has_electronic_form)


def keep_editor_choices(old_components, new_components):
    """
    Carry editors' choices from a page's current dossier components to their refreshed copies.

    A refresh replaces every component. A new component that comes from the same export row as
    an old one (same code, name, counts and form flag) keeps the old one's form document. It
    also keeps the old one's kind when an editor had changed it away from the import's kind.
    Where the row changed, the import's rule decides again and the editor's kind is dropped.
    """
    old_by_row = {}
    for old in old_components:
        old_by_row.setdefault(_source_row(old), old)

    for new in new_components:
        old = old_by_row.get(_source_row(new))
        if old is None:
            continue
        if old.imported_kind and old.kind != old.imported_kind:
            new.kind = old.kind
            new.is_required = old.kind == ComponentKind.REQUIRED
        new.form_document_id = old.form_document_id


def _channel_source_row(channel):
    """Return the fields of a channel row that come from the export."""
    return (
        channel.channel,
        channel.time_limit_value,
        channel.time_limit_unit,
        channel.time_limit_text,
        channel.time_limit_note,
        channel.fee_amount,
        channel.fee_text,
    )


def keep_deadline_choice(old_channels, new_channels):
    """
    Carry an editor's choice of the row that sets a channel's deadline to the refreshed rows.

    The mark moves to the new row that comes from the same export row. When that row changed
    or vanished, no row of the channel is marked and `ProcedurePage.channel_for` applies its
    default rule again.
    """
    marked = {_channel_source_row(old) for old in old_channels if old.governs_deadline}
    for new in new_channels:
        new.governs_deadline = _channel_source_row(new) in marked


def _children(record):
    """Return the page's child rows built from `record`, each list numbered in the record's order."""
    children = _child_rows(record)
    for rows in children.values():
        # Orderable sorts by sort_order; rows left without one would come back in any order.
        for position, row in enumerate(rows):
            row.sort_order = position
    return children


def _child_rows(record):
    return {
        "channels": [
            ProcedureChannel(
                channel=channel.channel,
                time_limit_value=channel.time_limit.value,
                time_limit_unit=channel.time_limit.unit,
                time_limit_text=channel.time_limit.text[:255],
                time_limit_note=channel.note,
                fee_amount=channel.fee.amount,
                fee_text=channel.fee.text,
            )
            for channel in record.channels
        ],
        "steps": [ProcedureStep(case=case[:500], text=text) for case, text in record.steps],
        "dossier_components": [
            DossierComponent(
                code=component.code[:60],
                name=component.name,
                kind=component.kind,
                imported_kind=component.kind,
                # Bulk inserts skip DossierComponent.save(), which would set it from the kind.
                is_required=component.kind == ComponentKind.REQUIRED,
                originals=component.originals,
                copies=component.copies,
                has_electronic_form=component.has_electronic_form,
            )
            for component in record.components
        ],
        "results": [ProcedureResult(code=code[:60], name=name) for code, name in record.results],
        "legal_bases": [
            LegalBasis(number=basis.number, issued_on=basis.issued_on, effective_on=basis.effective_on)
            for basis in record.legal_bases
        ],
    }


_COMPARED_FIELDS = [
    "title",
    "full_name",
    "sector_id",
    "owner_agency_id",
    "level_ministry",
    "level_province",
    "level_commune",
    "audience_text",
    "implementing_agency_text",
    "competent_authority_text",
    "receiving_address",
    "conditions",
    "online_service_kind",
    "publication_status",
    "decision_number",
    "decision_date",
    "decision_issuer",
]
_COMPARED_CHILDREN = {
    "channels": ["channel", "time_limit_value", "time_limit_unit", "time_limit_text", "time_limit_note", "fee_text"],
    "steps": ["case", "text"],
    "dossier_components": ["code", "name", "kind", "originals", "copies", "has_electronic_form"],
    "results": ["code", "name"],
    "legal_bases": ["number", "issued_on", "effective_on"],
}


def _comparable(page):
    """Return the imported parts of `page` as plain values, to list what a refresh changed."""
    values = {name: getattr(page, name) for name in _COMPARED_FIELDS}
    for relation, names in _COMPARED_CHILDREN.items():
        values[relation] = [tuple(getattr(child, name) for name in names) for child in getattr(page, relation).all()]
    return values
