"""Replace an agency's identifier code, for example a provisional code with the province's official one."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from service_catalog.agencies import code_is_printed
from service_catalog.importing.codes import is_provisional
from service_catalog.models import Agency


class Command(BaseCommand):
    help = (
        "Replace the identifier code OLD of an agency with NEW. Refused when OLD is printed on an "
        "application (application codes start with the receiving agency's code) or NEW is taken. "
        "A NEW code without the provisional prefix PV. clears the agency's provisional flag."
    )

    def add_arguments(self, parser):
        parser.add_argument("old", help="Current code, for example PV.S.TP.H41.")
        parser.add_argument("new", help="Replacement code, for example the official 000.20.30.H41.")

    @transaction.atomic
    def handle(self, *args, old, new, **options):
        old, new = old.strip(), new.strip()
        max_length = Agency._meta.get_field("code").max_length
        if not new or len(new) > max_length:
            raise CommandError(f"The new code {new!r} must have 1 to {max_length} characters.")

        agency = Agency.objects.select_for_update().filter(code=old).first()
        if agency is None:
            raise CommandError(f"No agency has the code {old!r}. List codes in the admin under Agencies.")
        if Agency.objects.filter(code=new).exclude(pk=agency.pk).exists():
            raise CommandError(f"The code {new!r} already belongs to another agency; choose a free code.")
        if code_is_printed(old):
            raise CommandError(
                f"The code {old!r} is printed on applications and cannot change. "
                "Retire the agency (valid until) and create a successor with the new code instead."
            )

        agency.code = new
        agency.is_code_provisional = is_provisional(new)
        agency.save(update_fields=["code", "is_code_provisional"])
        flag = "provisional" if agency.is_code_provisional else "official"
        self.stdout.write(self.style.SUCCESS(f"{agency.name}: code {old} replaced with {new} ({flag})."))
