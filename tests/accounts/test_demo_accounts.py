"""`manage.py create_demo_accounts`: one account per role, ready to sign in."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.management.commands.create_demo_accounts import DEFAULT_PASSWORD, DEMO_ACCOUNTS
from accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db

EXPECTED = {
    "motcua": (Role.DESK_OFFICER, "PV.X.16681.H41"),
    "chuyenvien": (Role.SPECIALIST, "PV.X.16681.H41"),
    "lanhdao": (Role.LEADER, "PV.X.16681.H41"),
    "bientap": (Role.EDITOR, "PV.TTPVHCC.H41"),
    "tuphap.bientap": (Role.DEPARTMENT_EDITOR, "PV.S.TP.H41"),
    "tuphap.duyet": (Role.DEPARTMENT_APPROVER, "PV.S.TP.H41"),
}


def run_command(*args):
    output = io.StringIO()
    call_command("create_demo_accounts", *args, stdout=output)
    return output.getvalue()


def test_one_account_per_role(demo_agencies):
    run_command()

    users = {user.username: user for user in get_user_model().objects.select_related("staff_profile__agency")}
    assert set(users) == {account.username for account in DEMO_ACCOUNTS}
    for username, (role, agency_code) in EXPECTED.items():
        user = users[username]
        assert has_role(user, role), username
        assert not user.is_superuser, username
        assert user.staff_profile.agency.code == agency_code, username
        other_roles = [other for other in Role if other != role and has_role(user, other)]
        assert other_roles == [], username
    assert users["quantri"].is_superuser
    assert users["motcua"].get_full_name() == "Nguyễn Thị Hoa"
    department_groups = {
        username: set(users[username].groups.values_list("name", flat=True))
        for username in ("tuphap.bientap", "tuphap.duyet")
    }
    assert "Sở Tư pháp — Biên tập viên" in department_groups["tuphap.bientap"]
    assert "Sở Tư pháp — Người phê duyệt" not in department_groups["tuphap.bientap"]
    assert "Sở Tư pháp — Người phê duyệt" in department_groups["tuphap.duyet"]
    assert users["quantri"].staff_profile.agency.code == "PV.TTPVHCC.H41"


def test_output_lists_every_login(demo_agencies):
    output = run_command()

    assert DEFAULT_PASSWORD in output
    for account in DEMO_ACCOUNTS:
        assert account.username in output


def test_demo_password_signs_in(demo_agencies):
    run_command("--password", "another-demo-password")

    for account in DEMO_ACCOUNTS:
        assert authenticate(username=account.username, password="another-demo-password") is not None, account.username


def test_rerun_keeps_one_account_each(demo_agencies):
    run_command()
    run_command()

    assert get_user_model().objects.count() == len(DEMO_ACCOUNTS)


def test_every_demo_account_opens_admin(client, demo_agencies, home_page):
    run_command()

    for account in DEMO_ACCOUNTS:
        client.logout()
        assert client.login(username=account.username, password=DEFAULT_PASSWORD)
        response = client.get("/quan-tri/")
        assert response.status_code == 200, account.username


@override_settings(PORTAL_ENVIRONMENT="production")
def test_refused_in_production(demo_agencies):
    with pytest.raises(CommandError, match="production settings"):
        run_command()

    assert not get_user_model().objects.exists()


def test_missing_agency_explains_import():
    with pytest.raises(CommandError, match="import_province_data"):
        run_command()


def test_department_without_procedures_explains_import(make_agency):
    from service_catalog.models import Agency

    make_agency(code="PV.X.16681.H41", name="Phường Thành Vinh", kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE)
    make_agency(code="PV.S.TP.H41", name="Sở Tư pháp")
    make_agency(code="PV.TTPVHCC.H41", name="Trung tâm", kind=Agency.Kind.SERVICE_CENTRE)

    with pytest.raises(CommandError, match="owns no procedure page"):
        run_command()
