"""Departments own their pages: edit rights per subtree, moderation by the department's approvers."""

import pytest
from django.urls import reverse
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page, TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from service_catalog.models import DepartmentApprovalTask, ProcedurePage
from service_catalog.permissions import ensure_department_groups

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def departments(sample_catalogue):
    return ensure_department_groups()


@pytest.fixture
def make_member(django_user_model):
    def build(username, group):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD)
        user.groups.add(group)
        return user

    return build


def _edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _submit_change(client, page, new_title):
    """Post the admin edit form of `page` with a new title and "submit for moderation"."""
    form = client.get(_edit_url(page))
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data["title"] = new_title
    data["action-submit"] = "submit"
    return client.post(_edit_url(page), data)


def _approve(client, page):
    task_state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress").current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    return client.post(url, {"comment": ""})


def test_groups_per_department(departments):
    justice = departments["PV.S.TP.H41"]

    assert set(departments) == {"PV.S.TP.H41", "PV.S.NV.H41", "PV.S.GDDT.H41", "PV.S.NNMT.H41"}
    assert justice.page.agency.code == "PV.S.TP.H41"
    editor_rights = set(
        GroupPagePermission.objects.filter(group=justice.editors).values_list("page_id", "permission__codename")
    )
    assert editor_rights == {(justice.page.pk, "add_page"), (justice.page.pk, "change_page")}
    assert not GroupPagePermission.objects.filter(group=justice.approvers, permission__codename="publish_page").exists()
    task = DepartmentApprovalTask.objects.get(workflow_tasks__workflow=justice.workflow)
    assert list(task.groups.all()) == [justice.approvers]
    assert Page.objects.get(pk=justice.page.pk).get_workflow() == justice.workflow


def test_groups_are_idempotent(departments):
    again = ensure_department_groups()

    for code, groups in departments.items():
        assert again[code].editors.pk == groups.editors.pk
        assert again[code].approvers.pk == groups.approvers.pk
        assert again[code].workflow.pk == groups.workflow.pk
    assert GroupPagePermission.objects.filter(group=again["PV.S.TP.H41"].editors).count() == 2


def test_department_names_in_vietnamese(departments):
    justice = departments["PV.S.TP.H41"]
    task = DepartmentApprovalTask.objects.get(workflow_tasks__workflow=justice.workflow)

    assert justice.editors.name == "Sở Tư pháp — Biên tập viên"
    assert justice.approvers.name == "Sở Tư pháp — Người phê duyệt"
    assert justice.workflow.name == "Sở Tư pháp — Phê duyệt thay đổi"
    assert task.name == "Sở Tư pháp — Người phê duyệt xem xét"


def test_renamed_groups_found_by_team(departments):
    justice = departments["PV.S.TP.H41"]
    agency = justice.page.agency
    # Names written by an older release, and a department renamed since.
    Group.objects.filter(pk=justice.editors.pk).update(name="Sở Tư pháp – editors")
    Workflow.objects.filter(pk=justice.workflow.pk).update(name="Sở Tư pháp: approval")
    agency.name = "Sở Tư pháp tỉnh Nghệ An"
    agency.save()

    again = ensure_department_groups()["PV.S.TP.H41"]

    assert again.editors.pk == justice.editors.pk
    assert again.workflow.pk == justice.workflow.pk
    assert Group.objects.get(pk=justice.editors.pk).name == "Sở Tư pháp tỉnh Nghệ An — Biên tập viên"
    assert Workflow.objects.get(pk=justice.workflow.pk).name == "Sở Tư pháp tỉnh Nghệ An — Phê duyệt thay đổi"
    assert GroupPagePermission.objects.filter(group=again.editors, page=justice.page).count() == 2


def test_editor_cannot_edit_other_department(departments, make_member, client):
    editor = make_member("bien-tap-tu-phap", departments["PV.S.TP.H41"].editors)
    other = ProcedurePage.objects.get(national_code="1.014199")  # Sở Nội vụ
    title = other.title
    revisions = other.revisions.count()
    client.force_login(editor)

    get_response = client.get(_edit_url(other))
    post_response = client.post(_edit_url(other), {"title": "Đã bị sửa", "slug": other.slug, "action-submit": "1"})

    assert get_response.status_code in (302, 403)
    assert post_response.status_code in (302, 403)
    if get_response.status_code == 302:
        assert get_response["Location"] != _edit_url(other)
    other.refresh_from_db()
    assert other.title == title
    assert other.revisions.count() == revisions
    own = ProcedurePage.objects.get(national_code="1.001193")
    assert client.get(_edit_url(own)).status_code == 200


def test_editor_change_goes_to_own_approvers(departments, make_member, client):
    justice, home_affairs = departments["PV.S.TP.H41"], departments["PV.S.NV.H41"]
    editor = make_member("bien-tap-tu-phap", justice.editors)
    approver = make_member("duyet-tu-phap", justice.approvers)
    outsider = make_member("duyet-noi-vu", home_affairs.approvers)
    page = ProcedurePage.objects.get(national_code="1.001193")
    old_title = page.title

    client.force_login(editor)
    response = _submit_change(client, page, "Đăng ký khai sinh (đã biên tập)")

    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    assert state.workflow == justice.workflow
    assert state.current_task_state.task.specific.groups.get() == justice.approvers
    page.refresh_from_db()
    assert page.title == old_title  # not published yet

    client.force_login(outsider)
    assert _approve(client, page).status_code in (302, 403)
    assert WorkflowState.objects.get(pk=state.pk).status == "in_progress"

    client.force_login(approver)
    assert _approve(client, page).status_code == 302
    page.refresh_from_db()
    assert page.title == "Đăng ký khai sinh (đã biên tập)"
    assert WorkflowState.objects.get(pk=state.pk).status == "approved"


def test_approver_cannot_approve_own_change(departments, make_member, client):
    justice = departments["PV.S.TP.H41"]
    first = make_member("duyet-tu-phap-1", justice.approvers)
    second = make_member("duyet-tu-phap-2", justice.approvers)
    page = ProcedurePage.objects.get(national_code="1.001193")
    old_title = page.title

    client.force_login(first)
    assert _submit_change(client, page, "Khai sinh (sửa bởi người duyệt)").status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    task = state.current_task_state.task.specific

    assert [name for name, _label, _modal in task.get_actions(page, first)] == ["reject"]
    assert state.current_task_state not in TaskState.objects.reviewable_by(first)
    refused = _approve(client, page)
    assert refused.status_code in (302, 403)
    if refused.status_code == 302:
        assert refused["Location"] == reverse("wagtailadmin_home")
    page.refresh_from_db()
    assert page.title == old_title
    assert WorkflowState.objects.get(pk=state.pk).status == "in_progress"

    client.force_login(second)
    assert "approve" in [name for name, _label, _modal in task.get_actions(page, second)]
    assert _approve(client, page).status_code == 302
    page.refresh_from_db()
    assert page.title == "Khai sinh (sửa bởi người duyệt)"


def test_approver_cannot_publish_directly(departments, make_member, client):
    approver = make_member("duyet-tu-phap", departments["PV.S.TP.H41"].approvers)
    page = ProcedurePage.objects.get(national_code="1.001193")
    old_title = page.title
    client.force_login(approver)
    form = client.get(_edit_url(page))
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data["title"] = "Khai sinh (xuất bản thẳng)"
    data["action-publish"] = "publish"

    client.post(_edit_url(page), data)

    page.refresh_from_db()
    assert page.title == old_title
    assert page.has_unpublished_changes


def test_approver_who_edits_under_review_cannot_approve(departments, make_member, client):
    justice = departments["PV.S.TP.H41"]
    editor = make_member("bien-tap-tu-phap", justice.editors)
    approver = make_member("duyet-tu-phap", justice.approvers)
    page = ProcedurePage.objects.get(national_code="1.001193")

    client.force_login(editor)
    _submit_change(client, page, "Khai sinh (bản của biên tập viên)")
    client.force_login(approver)
    form = client.get(_edit_url(page))
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data["title"] = "Khai sinh (người duyệt sửa thêm)"
    client.post(_edit_url(page), data)

    assert _approve(client, page).status_code in (302, 403)
    page.refresh_from_db()
    assert page.title != "Khai sinh (người duyệt sửa thêm)"
    assert WorkflowState.objects.get(object_id=str(page.pk)).status == "in_progress"


@pytest.fixture
def departments_with_pages(sample_catalogue):
    """The sample catalogue with the information portal's department pages, then the groups."""
    from cms_pages.content import ensure_department_pages

    ensure_department_pages()
    return ensure_department_groups()


def test_department_page_rights(departments_with_pages):
    from cms_pages.models import DepartmentPage

    justice = departments_with_pages["PV.S.TP.H41"]

    assert justice.department_page == DepartmentPage.objects.get(agency__code="PV.S.TP.H41")
    editor_rights = set(
        GroupPagePermission.objects.filter(group=justice.editors).values_list("page_id", "permission__codename")
    )
    assert editor_rights == {
        (page.pk, codename) for page in (justice.page, justice.department_page) for codename in ("add_page", "change_page")
    }
    approver_pages = set(GroupPagePermission.objects.filter(group=justice.approvers).values_list("page_id", flat=True))
    assert approver_pages == {justice.page.pk, justice.department_page.pk}
    assert Page.objects.get(pk=justice.department_page.pk).get_workflow() == justice.workflow
    again = ensure_department_groups()
    assert GroupPagePermission.objects.filter(group=again["PV.S.TP.H41"].editors).count() == 4


def test_editor_edits_only_own_department_page(departments_with_pages, make_member, client):
    justice, home_affairs = departments_with_pages["PV.S.TP.H41"], departments_with_pages["PV.S.NV.H41"]
    editor = make_member("bien-tap-tu-phap", justice.editors)
    approver = make_member("duyet-tu-phap", justice.approvers)
    other = home_affairs.department_page
    other_title, other_revisions = other.title, other.revisions.count()
    own = justice.department_page
    client.force_login(editor)

    get_response = client.get(_edit_url(other))
    post_response = client.post(_edit_url(other), {"title": "Đã bị sửa", "slug": other.slug, "action-submit": "1"})
    own_response = _submit_change(client, own, "Sở Tư pháp tỉnh Nghệ An")

    assert get_response.status_code in (302, 403)
    assert post_response.status_code in (302, 403)
    other.refresh_from_db()
    assert (other.title, other.revisions.count()) == (other_title, other_revisions)
    assert own_response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(own.pk), status="in_progress")
    assert state.workflow == justice.workflow
    own.refresh_from_db()
    assert own.title == "Sở Tư pháp"  # waits for the department's approver

    client.force_login(approver)
    assert _approve(client, own).status_code == 302
    own.refresh_from_db()
    assert own.title == "Sở Tư pháp tỉnh Nghệ An"


def test_department_page_rights_follow_agency_link(departments_with_pages):
    justice, home_affairs = departments_with_pages["PV.S.TP.H41"], departments_with_pages["PV.S.NV.H41"]
    page = home_affairs.department_page
    page.delete()
    justice_page = justice.department_page
    justice_page.agency = home_affairs.page.agency
    justice_page.save_revision().publish()

    groups = ensure_department_groups()

    def pages_of(group):
        return set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True))

    assert pages_of(groups["PV.S.NV.H41"].editors) == {home_affairs.page.pk, justice_page.pk}
    assert pages_of(groups["PV.S.TP.H41"].editors) == {justice.page.pk}
    assert groups["PV.S.TP.H41"].department_page is None


def test_new_department_page_gets_rights_on_commit(sample_catalogue, django_capture_on_commit_callbacks):
    from cms_pages.content import ensure_department_pages
    from cms_pages.models import DepartmentPage

    ensure_department_groups()

    with django_capture_on_commit_callbacks(execute=True):
        ensure_department_pages()

    page = DepartmentPage.objects.get(agency__code="PV.S.GDDT.H41")
    rights = GroupPagePermission.objects.filter(page=page).values_list("group__name", "permission__codename")
    assert set(rights) >= {
        ("Sở Giáo dục và Đào tạo — Biên tập viên", "change_page"),
        ("Sở Giáo dục và Đào tạo — Người phê duyệt", "change_page"),
    }
