"""Staff screens: the completeness report and the agency and sector admin."""

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from service_catalog.completeness import build_report, missing_parts
from service_catalog.models import Agency, ProcedurePage
from service_catalog.permissions import ensure_department_groups

pytestmark = pytest.mark.django_db
REPORT = "/quan-tri/danh-muc/do-day-du/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("quan-tri", "it@example.org", "correct-horse-battery")


def _missing(code):
    page = next(page for page, _missing in build_report(ProcedurePage.objects.all()).rows if page.national_code == code)
    return missing_parts(page)


def test_shifted_record_lacks_level_and_decision(sample_catalogue):
    missing = _missing("1.010805")

    assert "level" in missing
    assert "decision" in missing
    assert "sector" in missing
    assert "audience" in missing
    assert "owner" not in missing


def test_unparsed_time_limit_reported(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.001193")

    assert not page.channels.exclude(time_limit_value=None).exists()
    assert "time_limit" in _missing("1.001193")


def test_complete_procedure_not_listed(sample_catalogue):
    report = build_report(ProcedurePage.objects.all())
    listed = {page.national_code for page, _missing in report.rows}
    page = ProcedurePage.objects.get(national_code="1.014849")

    assert "1.014849" not in listed, missing_parts(page)
    totals = {summary.agency.code: summary.total for summary in report.departments}
    assert totals == {
        code: ProcedurePage.objects.filter(owner_agency__code=code).count()
        for code in ProcedurePage.objects.values_list("owner_agency__code", flat=True).distinct()
    }


def test_report_in_admin_for_superuser(sample_catalogue, superuser, client):
    client.force_login(superuser)

    response = client.get(REPORT)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1.010805" in html
    assert "Sở Nội vụ" in html
    assert "Sở Tư pháp" in html


def test_report_scoped_to_editor_department(sample_catalogue, django_user_model, client):
    groups = ensure_department_groups()
    editor = django_user_model.objects.create_user("bien-tap-noi-vu", password="correct-horse-battery")
    editor.groups.add(groups["PV.S.NV.H41"].editors)
    client.force_login(editor)

    response = client.get(REPORT)

    codes = {page.national_code for page, _missing in response.context["report"].rows}
    owners = set(ProcedurePage.objects.filter(national_code__in=codes).values_list("owner_agency__code", flat=True))
    assert response.status_code == 200
    assert "1.010805" in codes
    assert owners == {"PV.S.NV.H41"}
    assert [summary.agency.code for summary in response.context["report"].departments] == ["PV.S.NV.H41"]


def test_report_csv_export(sample_catalogue, superuser, client):
    client.force_login(superuser)

    response = client.get(REPORT, {"department": "PV.S.NV.H41", "export": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) > 1
    assert {row[0] for row in rows[1:]} == {"Sở Nội vụ"}
    assert "1.010805" in {row[1] for row in rows[1:]}


def test_report_in_reports_menu(sample_catalogue, superuser, client):
    client.force_login(superuser)

    response = client.get(reverse("wagtailadmin_home"))

    assert REPORT in response.content.decode()


def test_agency_admin_lists_and_edits(sample_catalogue, superuser, client):
    client.force_login(superuser)
    agency = Agency.objects.get(code="PV.S.TP.H41")

    listing = client.get("/quan-tri/service_catalog/agency/", {"q": "Tư pháp"})
    edit = client.get(f"/quan-tri/service_catalog/agency/edit/{agency.pk}/")
    sectors = client.get("/quan-tri/service_catalog/sector/")

    assert listing.status_code == 200
    assert "PV.S.TP.H41" in listing.content.decode()
    assert edit.status_code == 200
    assert sectors.status_code == 200
    assert "Hộ tịch" in sectors.content.decode()


def test_agency_admin_refuses_printed_code_change(sample_catalogue, superuser, client):
    from wagtail.test.utils.form_data import querydict_from_html

    from submissions.models import Application

    agency = Agency.objects.get(code="PV.S.TP.H41")
    procedure = ProcedurePage.objects.get(national_code="1.001193")
    Application.objects.create(
        code="PV.S.TP.H41-261205-0002",
        procedure=procedure,
        procedure_title=procedure.title,
        channel="in_person",
        status=2,
        receiving_agency=agency,
        processing_agency=agency,
        current_agency=agency,
        applicant_name="Trần Thị Bình",
        applicant_id_number="040190000002",
        applicant_phone="+84912345679",
        applicant_address="Xóm 2, xã Nghi Lộc",
    )
    client.force_login(superuser)
    url = f"/quan-tri/service_catalog/agency/edit/{agency.pk}/"
    html = client.get(url).content.decode()
    form_index = [match.group(0) for match in re.finditer(r"<form[^>]*>", html)].index(
        next(match.group(0) for match in re.finditer(r"<form[^>]*>", html) if url in match.group(0))
    )
    data = querydict_from_html(html, form_index=form_index)
    data["code"] = "000.20.30.H41"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "code_printed" in str(response.context["form"].errors.as_data()["code"][0].code)
    agency.refresh_from_db()
    assert agency.code == "PV.S.TP.H41"


@pytest.mark.parametrize("model", ["procedure", "department", "catalogue"])
def test_catalogue_page_copy_forbidden(sample_catalogue, admin_client, model):
    from service_catalog.models import DepartmentProceduresPage, ProcedureIndexPage

    procedure = ProcedurePage.objects.get(national_code="1.014199")
    page = {
        "procedure": procedure,
        "department": DepartmentProceduresPage.objects.get(agency=procedure.owner_agency),
        "catalogue": ProcedureIndexPage.objects.get(),
    }[model]
    copy_url = reverse("wagtailadmin_pages:copy", args=[page.pk])
    pages_before = ProcedurePage.objects.count()

    edit_html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    listing_html = admin_client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    get_response = admin_client.get(copy_url)
    post_response = admin_client.post(
        copy_url,
        {"new_title": "Bản sao", "new_slug": "ban-sao", "new_parent_page": page.get_parent().pk, "copy_subpages": "on"},
    )

    assert copy_url not in edit_html
    assert copy_url not in listing_html
    # The Wagtail admin handles PermissionDenied with a redirect to its home and an error message.
    for response in (get_response, post_response):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
        levels = {message.level_tag for message in get_messages(response.wsgi_request)}
        assert levels == {"error"}
    assert ProcedurePage.objects.count() == pages_before


def test_home_page_copy_still_allowed(sample_catalogue, admin_client):
    from wagtail.models import Page

    home = Page.objects.get(depth=2)

    assert admin_client.get(reverse("wagtailadmin_pages:copy", args=[home.pk])).status_code == 200


def test_home_copy_with_catalogue_rejected(sample_catalogue, admin_client):
    from wagtail.models import Page

    home = Page.objects.get(depth=2)
    copy_url = reverse("wagtailadmin_pages:copy", args=[home.pk])
    pages_before = Page.objects.count()

    response = admin_client.post(
        copy_url,
        {"new_title": "Bản sao", "new_slug": "ban-sao", "new_parent_page": home.get_parent().pk, "copy_subpages": "on"},
    )

    assert response.status_code == 302
    assert response.url == copy_url
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Không thể sao chép danh mục thủ tục bên dưới trang này. Hãy sao chép trang mà không kèm các trang con."]
    assert Page.objects.count() == pages_before
