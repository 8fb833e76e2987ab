"""
Import of the agency tree: the Provincial People's Committee, the service centre, the
departments, the communes and wards after 1 July 2025, and the districts and communes retired
on that day with links to their successors.

Agencies are found again by `import_key`, never by code, so a code the province replaced with
`set_agency_code` survives a re-import. The import rewrites names, parents and validity dates
from the data files on every run, but never a code.
"""

import csv
import datetime
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from search.text import normalize, slugify

from ..models import Agency
from ..presentation import clear_desks_cache
from . import codes

logger = logging.getLogger(__name__)

Kind = Agency.Kind
Level = Agency.Level

# Set once when an agency is created and never rewritten by a re-import.
_CREATION_ONLY_FIELDS = {"code", "is_code_provisional", "import_key"}
_DERIVED_FIELDS = ["name", "short_name", "name_folded", "short_name_folded", "slug"]


@dataclass
class ProvinceConfig:
    reform_date: datetime.date
    peoples_committee: dict
    service_centre: dict
    commune_service_desk_hours: str

    @property
    def last_day_before_reform(self):
        return self.reform_date - datetime.timedelta(days=1)


def read_province_config(path):
    with open(path, encoding="utf-8") as config_file:
        data = json.load(config_file)
    return ProvinceConfig(
        reform_date=datetime.date.fromisoformat(data["reform_date"]),
        peoples_committee=data["peoples_committee"],
        service_centre=data["service_centre"],
        commune_service_desk_hours=data.get("commune_service_desk_hours", ""),
    )


def read_sector_departments(path):
    """Return {sector name: department name} from the mapping CSV."""
    with open(path, encoding="utf-8", newline="") as mapping_file:
        return {normalize(row["sector"]): normalize(row["department"]) for row in csv.DictReader(mapping_file)}


def _read_csv(path):
    with open(path, encoding="utf-8", newline="") as csv_file:
        return list(csv.DictReader(csv_file))


def _read_successors(path):
    """Return {old commune GSO code: [new unit GSO codes]} from the dvhcvn splits file."""
    with open(path, encoding="utf-8") as splits_file:
        provinces = json.load(splits_file)["data"]
    successors = {}
    for province in provinces:
        for commune in province["level3s"]:
            successors[commune["level3_id"]] = [split["new_id"] for split in commune["splits"]]
    return successors


@dataclass
class AgencyImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_key: dict = field(default_factory=dict)


def _synced_fields(values):
    return sorted({*values, *_DERIVED_FIELDS} - _CREATION_ONLY_FIELDS)


def department_key(name):
    return f"department:{slugify(name)}"


class AgencyImporter:
    """
    Build the agency tree from the data folder; `run()` returns an AgencyImportResult.

    Expected files under `data_dir`: nghe-an/agencies.json, nghe-an/sector-departments.csv,
    vn-admin-units-after-2025-07/nghe-an-wards.csv, vn-admin-units-before-2025-07/nghe-an-communes.csv
    and vn-admin-mapping-20250701/nghe-an-splits.json.
    """

    def __init__(self, data_dir, stdout=None):
        self.data_dir = data_dir
        self.stdout = stdout
        self.config = read_province_config(data_dir / "nghe-an" / "agencies.json")
        self.sector_departments = read_sector_departments(data_dir / "nghe-an" / "sector-departments.csv")
        self.result = AgencyImportResult()
        self._existing = {}
        self._taken_codes = set()

    def _write(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    @transaction.atomic
    def run(self):
        self._existing = {agency.import_key: agency for agency in Agency.objects.exclude(import_key=None)}
        self._taken_codes = set(Agency.objects.values_list("code", flat=True))

        province = self._sync_one(self._province_values())
        self._sync_one(self._service_centre_values(province))
        for name in sorted(set(self.sector_departments.values())):
            self.ensure_department(name)
        self._write(f"  Province, service centre and {len(set(self.sector_departments.values()))} departments ready.")

        communes = self._sync_many(self._commune_values(province))
        districts = self._sync_many(self._district_values(province))
        old_communes = self._sync_many(self._old_commune_values(districts))
        self._write(
            f"  {len(communes)} communes and wards, {len(districts)} retired districts, "
            f"{len(old_communes)} retired communes ready."
        )

        self._link_successors(communes, districts, old_communes)
        # Bulk writes send no post_save signal, so the cached receiving desks are cleared here.
        clear_desks_cache()
        return self.result

    def ensure_department(self, name):
        """Return the department called `name`, creating it with a provisional code if needed."""
        name = normalize(name)
        key = department_key(name)
        if key in self.result.by_key:
            return self.result.by_key[key]

        province = self.result.by_key["province"]
        values = {
            "import_key": key,
            "code": codes.department_code(name, taken=self._taken_codes),
            "is_code_provisional": True,
            "name": name,
            "kind": Kind.DEPARTMENT,
            "level": Level.PROVINCE,
            "parent_id": province.pk,
        }
        return self._sync_one(values)

    def department_for_sector(self, sector_name):
        department = self.sector_departments.get(normalize(sector_name))
        return self.ensure_department(department) if department else None

    # Values of each kind of agency, as the data files give them.

    def _province_values(self):
        config = self.config.peoples_committee
        return {
            "import_key": "province",
            "code": settings.PORTAL_PROVINCE_AGENCY_CODE,
            "is_code_provisional": False,
            "name": config["name"],
            "short_name": config.get("short_name", ""),
            "kind": Kind.PEOPLES_COMMITTEE,
            "level": Level.PROVINCE,
            "address": config.get("address", ""),
        }

    def _service_centre_values(self, province):
        config = self.config.service_centre
        return {
            "import_key": "service-centre",
            "code": codes.service_centre_code(),
            "is_code_provisional": True,
            "name": config["name"],
            "short_name": config.get("short_name", ""),
            "kind": Kind.SERVICE_CENTRE,
            "level": Level.PROVINCE,
            "parent_id": province.pk,
            "address": config.get("address", ""),
            "office_hours": config.get("office_hours", ""),
        }

    def _commune_values(self, province):
        for row in _read_csv(self.data_dir / "vn-admin-units-after-2025-07" / "nghe-an-wards.csv"):
            yield {
                "import_key": f"commune:{row['code']}",
                "code": codes.commune_code(row["code"]),
                "is_code_provisional": True,
                "name": row["full_name"],
                "short_name": row["name"],
                "kind": Kind.COMMUNE,
                "level": Level.COMMUNE,
                "parent_id": province.pk,
                "gso_code": row["code"],
                "unit_type": row["unit_type"],
                "valid_from": self.config.reform_date,
                "office_hours": self.config.commune_service_desk_hours,
            }

    def _old_commune_rows(self):
        return _read_csv(self.data_dir / "vn-admin-units-before-2025-07" / "nghe-an-communes.csv")

    def _district_values(self, province):
        seen = set()
        for row in self._old_commune_rows():
            if row["district_code"] in seen:
                continue
            seen.add(row["district_code"])
            full_name = row["district_full_name"]
            yield {
                "import_key": f"old-district:{row['district_code']}",
                "code": codes.retired_district_code(row["district_code"]),
                "is_code_provisional": True,
                "name": full_name,
                "short_name": full_name.removeprefix(row["district_type"]).strip(),
                "kind": Kind.DISTRICT,
                "level": Level.DISTRICT,
                "parent_id": province.pk,
                "gso_code": row["district_code"],
                "unit_type": row["district_type"],
                "valid_to": self.config.last_day_before_reform,
            }

    def _old_commune_values(self, districts):
        for row in self._old_commune_rows():
            yield {
                "import_key": f"old-commune:{row['code']}",
                "code": codes.retired_commune_code(row["code"]),
                "is_code_provisional": True,
                "name": row["full_name"],
                "short_name": row["name"],
                "kind": Kind.COMMUNE,
                "level": Level.COMMUNE,
                "parent_id": districts[f"old-district:{row['district_code']}"].pk,
                "gso_code": row["code"],
                "unit_type": row["unit_type"],
                "valid_to": self.config.last_day_before_reform,
            }

    # Writing.

    def _build(self, values):
        """Return (agency, state) where state is "created", "updated" or "unchanged"; nothing is saved."""
        existing = self._existing.get(values["import_key"]) or self._adopt_by_code(values)
        if existing is None:
            agency = Agency(**values)
            agency.fill_derived_fields()
            self._taken_codes.add(agency.code)
            return agency, "created"

        synced = _synced_fields(values)
        before = [getattr(existing, name) for name in synced]
        for name in synced:
            if name in values:
                setattr(existing, name, values[name])
        existing.import_key = values["import_key"]
        existing.fill_derived_fields()
        after = [getattr(existing, name) for name in synced]
        return existing, "unchanged" if before == after else "updated"

    def _adopt_by_code(self, values):
        """Return an agency created outside the import with the code the import would give, if any."""
        if values["code"] not in self._taken_codes:
            return None
        agency = Agency.objects.filter(code=values["code"], import_key=None).first()
        if agency is not None:
            agency.import_key = values["import_key"]
            agency.save(update_fields=["import_key"])
        return agency

    def _sync_one(self, values):
        agency, state = self._build(values)
        if state != "unchanged":
            agency.save()
        self._count(agency, state)
        return agency

    def _sync_many(self, values_list):
        """Create and update many agencies with one bulk query each; return them by import key."""
        values_list = list(values_list)
        built = [self._build(values) for values in values_list]
        to_create = [agency for agency, state in built if state == "created"]
        to_update = [agency for agency, state in built if state == "updated"]
        Agency.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Agency.objects.bulk_update(to_update, _synced_fields(values_list[0]), batch_size=500)

        agencies = {}
        for agency, state in built:
            self._count(agency, state)
            agencies[agency.import_key] = agency
        return agencies

    def _count(self, agency, state):
        setattr(self.result, state, getattr(self.result, state) + 1)
        self.result.by_key[agency.import_key] = agency
        self._existing[agency.import_key] = agency

    def _link_successors(self, communes, districts, old_communes):
        """Point each retired commune and district to the current units that took over its area."""
        successors_by_gso = _read_successors(self.data_dir / "vn-admin-mapping-20250701" / "nghe-an-splits.json")
        wanted = set()
        for old in old_communes.values():
            for new_gso in successors_by_gso.get(old.gso_code, []):
                new = communes.get(f"commune:{new_gso}")
                if new is None:
                    logger.warning("Successor %s of old commune %s is not a current unit", new_gso, old.gso_code)
                    continue
                wanted.add((old.pk, new.pk))
                wanted.add((old.parent_id, new.pk))

        Link = Agency.successors.through
        retired_ids = [agency.pk for agency in [*districts.values(), *old_communes.values()]]
        existing = set(
            Link.objects.filter(from_agency_id__in=retired_ids).values_list("from_agency_id", "to_agency_id")
        )
        stale = existing - wanted
        for from_id, to_id in stale:
            Link.objects.filter(from_agency_id=from_id, to_agency_id=to_id).delete()
        Link.objects.bulk_create(
            [Link(from_agency_id=from_id, to_agency_id=to_id) for from_id, to_id in sorted(wanted - existing)],
            batch_size=1000,
        )
        self._write(f"  {len(wanted)} successor links ({len(wanted - existing)} new, {len(stale)} removed).")
