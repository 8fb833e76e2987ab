"""Role checks used by every staff view."""

import pytest

from accounts.roles import Role, has_role, staff_agency

pytestmark = pytest.mark.django_db


def test_member_has_only_own_role(make_staff_user, make_agency):
    user = make_staff_user("motcua", Role.DESK_OFFICER, make_agency())

    assert has_role(user, Role.DESK_OFFICER)
    assert not has_role(user, Role.SPECIALIST)
    assert not has_role(user, Role.LEADER)


def test_superuser_has_every_role(django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="x")

    assert all(has_role(admin, role) for role in Role)


def test_inactive_user_has_no_role(make_staff_user, make_agency):
    user = make_staff_user("chuyenvien", Role.SPECIALIST, make_agency())
    user.is_active = False

    assert not has_role(user, Role.SPECIALIST)


def test_anonymous_has_no_role_or_agency():
    from django.contrib.auth.models import AnonymousUser

    assert not has_role(AnonymousUser(), Role.DESK_OFFICER)
    assert staff_agency(AnonymousUser()) is None


def test_staff_agency_from_profile(make_staff_user, make_agency, django_user_model):
    agency = make_agency(name="Sở Tư pháp")
    user = make_staff_user("tuphap", Role.DEPARTMENT_EDITOR, agency)
    outsider = django_user_model.objects.create_user("khach", password="x")

    assert staff_agency(user) == agency
    assert staff_agency(outsider) is None
