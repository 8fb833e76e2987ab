"""Every modeladmin list of the portal filters only through its declared filters."""

import importlib
import inspect

import pytest
from django.contrib.auth import get_user_model
from wagtail_modeladmin.options import ModelAdmin

from portal.modeladmin import DeclaredFiltersIndexView
from service_catalog.models import Agency

AGENCY_LIST_URL = "/quan-tri/service_catalog/agency/"


def project_model_admins():
    """The ModelAdmin classes defined in the portal's own wagtail_hooks modules."""
    classes = []
    for app in ("service_catalog", "submissions", "search", "cms_pages", "accounts"):
        try:
            module = importlib.import_module(f"{app}.wagtail_hooks")
        except ModuleNotFoundError:
            continue
        for _name, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, ModelAdmin) and member.__module__ == module.__name__:
                classes.append(member)
    return classes


def test_every_model_admin_uses_declared_filters():
    classes = project_model_admins()

    assert len(classes) >= 5
    for model_admin in classes:
        assert issubclass(model_admin.index_view_class, DeclaredFiltersIndexView), model_admin


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("quantri-test", password="x-long-enough-pass")
    client.force_login(user)
    return client


@pytest.fixture
def two_agencies(make_agency):
    return (
        make_agency(code="TEST.A.H41", name="Sở Thử nghiệm A"),
        make_agency(code="TEST.B.H41", name="Sở Thử nghiệm B"),
    )


def test_undeclared_lookup_is_ignored(admin_client, two_agencies):
    # A lookup that matches nothing would empty the list if it were applied.
    response = admin_client.get(AGENCY_LIST_URL, {"code__startswith": "NO-SUCH-CODE"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Sở Thử nghiệm A" in content
    assert "Sở Thử nghiệm B" in content


def test_lookup_across_relations_is_ignored(admin_client, two_agencies):
    # The attack read password hashes through related rows one prefix at a time.
    response = admin_client.get(AGENCY_LIST_URL, {"staff__user__password__startswith": "zzz"})

    assert response.status_code == 200
    assert "Sở Thử nghiệm A" in response.content.decode()


def test_declared_filter_still_filters(admin_client, two_agencies, make_agency):
    make_agency(code="TEST.X.16681.H41", name="Phường Thử nghiệm", kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE)

    response = admin_client.get(AGENCY_LIST_URL, {"kind__exact": Agency.Kind.COMMUNE})

    content = response.content.decode()
    assert "Phường Thử nghiệm" in content
    assert "Sở Thử nghiệm A" not in content


def test_malformed_filter_value_redirects_with_message(admin_client, two_agencies):
    response = admin_client.get(AGENCY_LIST_URL, {"is_code_provisional__exact": "maybe"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(AGENCY_LIST_URL, 302)]
    assert "Bộ lọc danh sách trong địa chỉ không hợp lệ" in response.content.decode()
