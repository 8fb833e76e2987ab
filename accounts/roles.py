"""
Staff roles of the portal.

A role is a Django group with a stable name; the agency a staff member works for is their
StaffProfile (service_catalog). Views check roles with `has_role` and scope data by agency with
`staff_agency`, so the rules live in one place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Desk officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    EDITOR = "editor", _("Communications editor")
    DEPARTMENT_EDITOR = "department_editor", _("Department editor")
    DEPARTMENT_APPROVER = "department_approver", _("Department approver")


# Group names as stored in the database. Administrators and Wagtail's e-mails show them, so they
# are in Vietnamese; code finds a role's group by this name and must never compare display text.
GROUP_NAMES = {
    Role.DESK_OFFICER: "Cán bộ một cửa",
    Role.SPECIALIST: "Chuyên viên",
    Role.LEADER: "Lãnh đạo",
    Role.EDITOR: "Biên tập viên",
    Role.DEPARTMENT_EDITOR: "Biên tập viên của sở",
    Role.DEPARTMENT_APPROVER: "Người phê duyệt của sở",
}

# Earlier English names of the same groups. Wagtail's install migration also creates "Editors".
# ensure_role_groups renames a group it finds under one of these names.
LEGACY_GROUP_NAMES = {
    Role.DESK_OFFICER: "Desk officers",
    Role.SPECIALIST: "Specialists",
    Role.LEADER: "Leaders",
    Role.EDITOR: "Editors",
    Role.DEPARTMENT_EDITOR: "Department editors",
    Role.DEPARTMENT_APPROVER: "Department approvers",
}


def has_role(user, role):
    """Return True if `user` is active and in the group of `role`; superusers have every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=GROUP_NAMES[role]).exists()


def staff_agency(user):
    """Return the agency `user` works for, or None for accounts without a staff profile."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.agency if profile else None
