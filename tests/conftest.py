"""
Fixtures shared by every test area. Area-specific fixtures live in each area's own conftest.py.
"""

import itertools

import pytest

_agency_numbers = itertools.count(1)


@pytest.fixture
def home_page(db):
    """The portal's home page as the default site's root."""
    from cms_pages.content import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def make_agency(db):
    """
    Return a builder of agencies: `make_agency(code=..., name=..., kind=..., level=...)`.

    Every argument is optional; a unique code and name are generated when missing.
    """
    from service_catalog.models import Agency

    def build(**fields):
        number = next(_agency_numbers)
        fields.setdefault("code", f"TEST.{number:04d}.H41")
        fields.setdefault("name", f"Cơ quan thử nghiệm {number}")
        fields.setdefault("kind", Agency.Kind.DEPARTMENT)
        fields.setdefault("level", Agency.Level.PROVINCE)
        return Agency.objects.create(**fields)

    return build


@pytest.fixture
def make_staff_user(db, django_user_model):
    """
    Return a builder of staff accounts: `make_staff_user(username, role, agency, password="…")`.

    The account joins the group of `role` (created with its permissions by
    `accounts.setup.ensure_role_groups`) and gets a staff profile at `agency`.
    """
    from accounts.setup import ensure_role_groups
    from service_catalog.models import StaffProfile

    def build(username, role, agency, password="correct-horse-battery"):
        groups = ensure_role_groups()
        user = django_user_model.objects.create_user(username=username, password=password)
        user.groups.add(groups[role])
        StaffProfile.objects.create(user=user, agency=agency)
        return user

    return build
