"""Create one demo staff account per role and print the logins (development and demo sites only)."""

import dataclasses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.setup import ensure_role_groups
from service_catalog.models import Agency, StaffProfile
from service_catalog.permissions import ensure_department_groups

COMMUNE_CODE = "PV.X.16681.H41"  # Phường Thành Vinh
DEPARTMENT_CODE = "PV.S.TP.H41"  # Sở Tư pháp
SERVICE_CENTRE_CODE = "PV.TTPVHCC.H41"
PROVINCE_CODE = "000.00.00.H41"

DEFAULT_PASSWORD = "demo-nghean-2026"


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    job_title: str
    agency_codes: tuple  # the first code that exists is used
    role: Role | None = None  # None: an IT administrator (superuser)
    department_group: str = ""  # "editors" or "approvers" of the department's own groups


DEMO_ACCOUNTS = (
    DemoAccount("motcua", "Nguyễn Thị Hoa", "Cán bộ một cửa", (COMMUNE_CODE,), Role.DESK_OFFICER),
    DemoAccount("chuyenvien", "Trần Văn Minh", "Chuyên viên", (COMMUNE_CODE,), Role.SPECIALIST),
    DemoAccount("lanhdao", "Lê Quang Hải", "Phó Chủ tịch UBND phường", (COMMUNE_CODE,), Role.LEADER),
    DemoAccount(
        "bientap", "Phạm Thu Trang", "Biên tập viên", (SERVICE_CENTRE_CODE, PROVINCE_CODE), Role.EDITOR
    ),
    DemoAccount(
        "tuphap.bientap",
        "Hoàng Minh Đức",
        "Chuyên viên Sở Tư pháp",
        (DEPARTMENT_CODE,),
        Role.DEPARTMENT_EDITOR,
        department_group="editors",
    ),
    DemoAccount(
        "tuphap.duyet",
        "Võ Thị Mai",
        "Trưởng phòng Sở Tư pháp",
        (DEPARTMENT_CODE,),
        Role.DEPARTMENT_APPROVER,
        department_group="approvers",
    ),
    DemoAccount("quantri", "Đặng Văn Nam", "Quản trị hệ thống", (SERVICE_CENTRE_CODE, PROVINCE_CODE)),
)


class Command(BaseCommand):
    help = (
        "Create or reset one demo staff account per role, each with a staff profile at a real agency, "
        "and print the logins. Run `manage.py import_province_data` first. Refused on production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password set on every demo account (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password, **options):
        if getattr(settings, "PORTAL_ENVIRONMENT", "") == "production":
            raise CommandError(
                "Demo accounts are not created with production settings, because their passwords are public."
            )

        with transaction.atomic():
            role_groups = ensure_role_groups()
            department_groups = ensure_department_groups()
            rows = [
                self._ensure_account(account, password, role_groups, department_groups)
                for account in DEMO_ACCOUNTS
            ]

        self._print_logins(rows, password)

    def _ensure_account(self, account, password, role_groups, department_groups):
        agency = _first_agency(account.agency_codes)
        user = _ensure_user(account, password)

        if account.role is not None:
            user.groups.add(role_groups[account.role])
        if account.department_group:
            team = department_groups.get(agency.code)
            if team is None:
                raise CommandError(
                    f"{agency.name} has no editors and approvers groups because it owns no procedure page yet. "
                    "Run `manage.py import_province_data` first, then run this command again."
                )
            user.groups.add(getattr(team, account.department_group))

        StaffProfile.objects.update_or_create(
            user=user, defaults={"agency": agency, "job_title": account.job_title}
        )
        role_label = account.role.label if account.role is not None else _("IT administrator")
        return str(role_label), account.username, agency

    def _print_logins(self, rows, password):
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/quan-tri/"
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {password}), sign in at {admin_url}"))
        name_width = max(len(username) for _role, username, _agency in rows)
        role_width = max(len(role_label) for role_label, _username, _agency in rows)
        for role_label, username, agency in rows:
            self.stdout.write(f"  {username:<{name_width}}  {role_label:<{role_width}}  {agency.name} ({agency.code})")


def _first_agency(codes):
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
    for code in codes:
        if code in agencies:
            return agencies[code]
    raise CommandError(
        f"Agency {' or '.join(codes)} not found. Run `manage.py import_province_data` first, "
        "then run this command again."
    )


def _ensure_user(account, password):
    # Django shows first_name then last_name, and a Vietnamese name starts with the family
    # name, so the family and middle names go first: "Nguyễn Thị" + "Hoa".
    family_name, _space, given_name = account.full_name.rpartition(" ")
    user, _created = get_user_model().objects.update_or_create(
        username=account.username,
        defaults={
            "first_name": family_name,
            "last_name": given_name,
            "email": f"{account.username}@demo.invalid",
            "is_active": True,
            "is_staff": account.role is None,
            "is_superuser": account.role is None,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
