"""
Fixtures for the admin translation tests: a news section under the portal's home page, a
department editor and approver with real Wagtail permissions, a moderation workflow, and a
document, all created in the test database.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms_pages.content import ensure_home_page
from cms_pages.models import NewsIndexPage, NewsPage
from tests.translations.admin_http import AdminSession

PASSWORD = "mat-khau-thu-nghiem-2026"


@dataclass
class AdminWorld:
    home: object
    news_index: object
    news_page: object
    workflow: object
    task: object
    workflow_state: object
    document: object
    editor: object
    approver: object
    administrator: object


def page_permission(codename):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def collection_permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def make_staff_group(name, page, page_codenames, collection):
    """Create a group that can sign in to the admin, act on `page`'s subtree and use documents."""
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))

    for codename in page_codenames:
        GroupPagePermission.objects.create(group=group, page=page, permission=page_permission(codename))

    for app_label, codename in (
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
    ):
        GroupCollectionPermission.objects.create(
            group=group, collection=collection, permission=collection_permission(app_label, codename)
        )
    return group


def make_user(username, email, groups=(), superuser=False):
    user_model = get_user_model()
    if superuser:
        return user_model.objects.create_superuser(username=username, email=email, password=PASSWORD)
    user = user_model.objects.create_user(username=username, email=email, password=PASSWORD)
    user.groups.set(groups)
    return user


def root_collection():
    # A transactional test flushes the database, which removes the collection Wagtail's
    # migrations create.
    root = Collection.get_first_root_node()
    return root or Collection.add_root(name="Root")


@pytest.fixture
def admin_world(transactional_db):
    """Build a department's news section with one news item waiting in a moderation workflow."""
    home = ensure_home_page()
    collection = root_collection()

    news_index = NewsIndexPage(title="Tin tức Sở Tư pháp", slug="tin-tuc-so-tu-phap")
    home.add_child(instance=news_index)
    news_index.save_revision().publish()

    news_page = NewsPage(
        title="Lịch tiếp công dân tháng 12",
        slug="lich-tiep-cong-dan-thang-12",
        date=datetime.date(2026, 12, 1),
        summary="Lịch tiếp công dân định kỳ của Sở.",
        body="<p>Sở tiếp công dân vào thứ Năm hằng tuần.</p>",
    )
    news_index.add_child(instance=news_page)
    news_page.save_revision().publish()

    editors = make_staff_group("Biên tập viên Sở Tư pháp", home, ["add_page", "change_page"], collection)
    approvers = make_staff_group(
        "Lãnh đạo duyệt Sở Tư pháp", home, ["add_page", "change_page", "publish_page", "lock_page"], collection
    )
    editor = make_user("bientapvien", "bientapvien@example.org", [editors])
    approver = make_user("pheduyet", "pheduyet@example.org", [approvers])
    administrator = make_user("quantri", "quantri@example.org", superuser=True)

    task = GroupApprovalTask.objects.create(name="Lãnh đạo phòng duyệt")
    task.groups.set([approvers])
    workflow = Workflow.objects.create(name="Duyệt tin bài")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=home)

    news_page.summary = "Lịch tiếp công dân định kỳ của Sở, cập nhật địa điểm."
    news_page.save_revision(user=editor)
    workflow_state = workflow.start(news_page, editor)

    document = get_document_model().objects.create(
        title="Mẫu đơn đề nghị cấp phiếu lý lịch tư pháp",
        file=ContentFile(b"%PDF-1.4\n% test form\n", name="mau-don-ly-lich-tu-phap.pdf"),
        collection=collection,
        uploaded_by_user=editor,
    )

    return AdminWorld(
        home=home,
        news_index=news_index,
        news_page=news_page,
        workflow=workflow,
        task=task,
        workflow_state=workflow_state,
        document=document,
        editor=editor,
        approver=approver,
        administrator=administrator,
    )


@pytest.fixture
def signed_in(live_server, admin_world):
    """Return a function that opens an admin session for one of the world's users."""

    def open_session(user):
        session = AdminSession(live_server.url)
        session.login(user.username, PASSWORD)
        return session

    return open_session
