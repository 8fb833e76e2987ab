"""Import the province's agencies, sectors and procedures from the data folder; safe to re-run."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms_pages.content import ensure_portal_pages
from service_catalog.importing.agencies import AgencyImporter
from service_catalog.importing.procedures import ProcedureImporter, import_sectors
from service_catalog.models import Agency, Sector
from service_catalog.models.procedures import ComponentKind
from service_catalog.permissions import ensure_department_groups

HELP = """
Import Nghệ An's agencies, sectors and procedures, and create the portal's starting pages.

Re-running is safe: agencies are matched by a stable import key, procedures by national code.
Changed procedures get a new published revision, procedures missing from the export are marked
abolished, malformed records are reported with their code and skipped.

Agencies without an official identifier code get a provisional one, stored once and replaceable
with `manage.py set_agency_code OLD NEW`: communes and wards PV.X.<GSO code>.H41, communes retired
on 1 July 2025 PV.XC.<GSO code>.H41, retired districts PV.H.<GSO code>.H41, departments
PV.S.<initials>.H41 (Sở Tư pháp: PV.S.TP.H41), the service centre PV.TTPVHCC.H41.

Dossier components are sorted into required documents, documents needed only in some cases and
notes by the rule documented in service_catalog/importing/components.py.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=settings.PORTAL_DATA_DIR,
            help="Folder with the real data (default: settings.PORTAL_DATA_DIR, the repository's data/).",
        )
        parser.add_argument(
            "--procedures",
            type=Path,
            help=(
                "JSON Lines export of procedures to import instead of "
                "<data-dir>/vn-tthc-commune-catalog/procedures.jsonl, for example a newer export."
            ),
        )

    def handle(self, *args, data_dir, procedures, **options):
        data_dir = Path(data_dir)
        procedures = Path(procedures) if procedures else data_dir / "vn-tthc-commune-catalog" / "procedures.jsonl"
        for path in (data_dir, procedures):
            if not path.exists():
                raise CommandError(f"{path} does not exist. Pass --data-dir or --procedures with an existing path.")
        started = time.monotonic()

        self.stdout.write("1/4 Portal pages")
        ensure_portal_pages(self.stdout)

        self.stdout.write("2/4 Agencies")
        agency_importer = AgencyImporter(data_dir, stdout=self.stdout)
        agencies = agency_importer.run()
        self.stdout.write(
            f"  Agencies: {agencies.created} created, {agencies.updated} updated, {agencies.unchanged} unchanged."
        )

        self.stdout.write("3/4 Sectors")
        sectors, sectors_created = import_sectors(data_dir / "vn-tthc-commune-catalog" / "linh-vuc.json")
        self.stdout.write(f"  Sectors: {sectors_created} created, {len(sectors)} in the catalogue.")

        self.stdout.write(f"4/4 Procedures from {procedures}")
        result = ProcedureImporter(agency_importer, sectors, stdout=self.stdout).run(procedures)
        # The information portal keeps a page per department; run again now that the departments exist.
        ensure_portal_pages(self.stdout)
        departments = ensure_department_groups()
        self.stdout.write(f"  Editor and approver groups with a moderation workflow for {len(departments)} departments.")

        self._report(result)
        self._summary(result, time.monotonic() - started)

    def _report(self, result):
        for error in result.malformed:
            self.stdout.write(self.style.WARNING(f"  Skipped malformed record {error}"))
        if result.without_owner:
            self.stdout.write(
                self.style.WARNING(
                    "  No owning department found, filed under the Provincial People's Committee: "
                    + ", ".join(result.without_owner)
                )
            )
        for code, repairs in sorted(result.repaired.items()):
            self.stdout.write(f"  Repaired {code}: {'; '.join(repairs)}.")
        if result.unparsed_time_limit_texts:
            texts = ", ".join(f'"{text}" ×{count}' for text, count in sorted(result.unparsed_time_limit_texts.items()))
            self.stdout.write(f"  Time limits kept as published text: {texts}.")

    def _summary(self, result, seconds):
        current = Agency.objects.current()
        malformed = ", ".join(error.code or f"line {error.line_number}" for error in result.malformed) or "none"
        kinds = result.component_kinds
        self.stdout.write(
            self.style.SUCCESS(
                "Summary: "
                f"agencies={Agency.objects.count()} "
                f"communes_and_wards={current.filter(kind=Agency.Kind.COMMUNE).count()} "
                f"retired_units={Agency.objects.retired().count()} "
                f"sectors={Sector.objects.count()} "
                f"procedures_created={len(result.created)} "
                f"procedures_updated={len(result.updated)} "
                f"procedures_unchanged={result.unchanged} "
                f"procedures_abolished={len(result.abolished)} "
                f"dossier_components={result.documents} "
                f"required_documents={kinds.get(ComponentKind.REQUIRED, 0)} "
                f"conditional_documents={kinds.get(ComponentKind.CONDITIONAL, 0)} "
                f"dossier_notes={kinds.get(ComponentKind.NOTE, 0)} "
                f"time_limits_parsed={result.time_limits_parsed} "
                f"time_limits_not_parsed={result.time_limits_unparsed} "
                f"malformed_skipped={len(result.malformed)} ({malformed}) "
                f"seconds={seconds:.1f}"
            )
        )
