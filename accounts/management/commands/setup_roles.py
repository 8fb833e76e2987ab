"""Create the staff role groups and each department's groups with their permissions."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import GROUP_NAMES
from accounts.setup import ensure_role_groups
from service_catalog.permissions import ensure_department_groups


class Command(BaseCommand):
    help = (
        "Create or update the group of every staff role and the editors and approvers groups of "
        "every department, with their permissions. Safe to run again; run it after each import."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            role_groups = ensure_role_groups()
            department_groups = ensure_department_groups()

        for role, group in role_groups.items():
            self.stdout.write(f"  {GROUP_NAMES[role]:<22} {group.permissions.count()} permissions")
        self.stdout.write(
            self.style.SUCCESS(f"{len(role_groups)} role groups and {len(department_groups)} departments ready.")
        )
