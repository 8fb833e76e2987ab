"""
Department ownership of procedure pages in the Wagtail admin.

`ensure_department_groups()` gives every department that has a DepartmentProceduresPage (its
procedures folder) or a `cms_pages` DepartmentPage (its own page on the information portal,
found through the page's agency link):

- an editors group: admin access, add and edit pages in the department's two subtrees only,
  no publishing, so every change goes through moderation;
- an approvers group: the same, plus locking. Approvers publish only by approving in the
  workflow, because they have no publish permission either, so their own edits need another
  approver;
- a moderation workflow on both pages with one DepartmentApprovalTask for the approvers group
  (nobody approves their own change);
- a document collection for the department's forms, which both groups can add, edit and choose.

Users get a department's rights by joining its groups; the role groups of `accounts.roles`
(Department editors, Department approvers) say what kind of staff they are.
"""

import logging
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.signals import page_published

from cms_pages.models import DepartmentPage

from .models import Agency, DepartmentApprovalTask, DepartmentProceduresPage, DepartmentTeam

logger = logging.getLogger(__name__)

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
APPROVER_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]


class DepartmentGroups(NamedTuple):
    editors: Group
    approvers: Group
    workflow: Workflow
    # The department's procedures folder; None for a department with only a DepartmentPage.
    page: DepartmentProceduresPage | None
    department_page: DepartmentPage | None = None


def _page_permission(codename):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _document_permission(codename):
    return Permission.objects.get(content_type__app_label="wagtaildocs", codename=codename)


def _admin_access():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


class DepartmentNames(NamedTuple):
    """Display names of a department's groups, workflow and task, in the site's language."""

    editors: str
    approvers: str
    workflow: str
    task: str


def department_names(agency):
    """
    Return the names shown for `agency`'s groups, workflow and task, e.g. "Sở Tư pháp — Biên tập viên".

    They are stored in the database and read in admin screens and moderation e-mails, so they
    are translated into the site's language (settings.LANGUAGE_CODE) when written. Code finds
    these objects through DepartmentTeam, never by name.
    """
    values = {"department": agency.name}
    with translation.override(settings.LANGUAGE_CODE):
        return DepartmentNames(
            editors=gettext("%(department)s — editors") % values,
            approvers=gettext("%(department)s — approvers") % values,
            workflow=gettext("%(department)s — approval of changes") % values,
            task=gettext("%(department)s — review by the approvers") % values,
        )


def _rename(instance, name):
    if instance.name != name:
        instance.name = name
        instance.save(update_fields=["name"])


def _team(agency, names):
    """Return the department's DepartmentTeam, creating its two groups when missing."""
    team = DepartmentTeam.objects.select_related("editors", "approvers").filter(agency=agency).first()
    if team is None:
        editors, _created = Group.objects.get_or_create(name=names.editors)
        approvers, _created = Group.objects.get_or_create(name=names.approvers)
        return DepartmentTeam.objects.create(agency=agency, editors=editors, approvers=approvers)

    _rename(team.editors, names.editors)
    _rename(team.approvers, names.approvers)
    return team


def _grant_pages(group, pages, codenames):
    """Give `group` exactly `codenames` on each of `pages` and their subtrees, and no page rights elsewhere."""
    page_ids = [page.pk for page in pages]
    GroupPagePermission.objects.filter(group=group).exclude(page_id__in=page_ids).delete()
    wanted = [_page_permission(codename) for codename in codenames]
    GroupPagePermission.objects.filter(group=group, page_id__in=page_ids).exclude(permission__in=wanted).delete()
    for page_id in page_ids:
        for permission in wanted:
            GroupPagePermission.objects.get_or_create(group=group, page_id=page_id, permission=permission)


def _collection(team):
    if team.collection is not None:
        return team.collection
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=team.agency.name).first()
    if collection is None:
        collection = root.add_child(name=team.agency.name)
    team.collection = collection
    team.save(update_fields=["collection"])
    return collection


def _grant_documents(group, collection):
    for codename in DOCUMENT_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_document_permission(codename)
        )


def _workflow(team, pages, names):
    """Return the department's workflow, assigned to its pages, with the approvers' task only."""
    workflow = team.workflow
    if workflow is None:
        workflow = Workflow.objects.create(name=names.workflow)
        team.workflow = workflow
        team.save(update_fields=["workflow"])
    _rename(workflow, names.workflow)

    task = DepartmentApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = DepartmentApprovalTask.objects.create(name=names.task)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    _rename(task, names.task)
    task.groups.set([team.approvers])
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])

    for page in pages:
        WorkflowPage.objects.update_or_create(page=Page.objects.get(pk=page.pk), defaults={"workflow": workflow})
    return workflow


def _department_pages():
    """Return {agency: (procedures folder or None, department page or None)} for every department with either."""
    pages = {}
    for page in DepartmentProceduresPage.objects.select_related("agency").order_by("path"):
        pages[page.agency] = (page, None)
    for page in DepartmentPage.objects.select_related("agency").filter(agency__kind=Agency.Kind.DEPARTMENT):
        procedures_page, _none = pages.get(page.agency, (None, None))
        pages[page.agency] = (procedures_page, page)
    return pages


@transaction.atomic
def ensure_department_groups():
    """
    Create or repair the groups, permissions and workflow of every department.

    Returns {agency code: DepartmentGroups(editors, approvers, workflow, page, department_page)}.
    Safe to call any number of times. `connect_signals` calls it again when a DepartmentPage is
    created or published, because the page's agency link decides which department keeps it.
    """
    admin_access = _admin_access()
    departments = {}
    for agency, (procedures_page, department_page) in _department_pages().items():
        pages = [page for page in (procedures_page, department_page) if page is not None]
        names = department_names(agency)
        team = _team(agency, names)
        for group, codenames in ((team.editors, EDITOR_PAGE_PERMISSIONS), (team.approvers, APPROVER_PAGE_PERMISSIONS)):
            group.permissions.add(admin_access)
            _grant_pages(group, pages, codenames)
            _grant_documents(group, _collection(team))
        workflow = _workflow(team, pages, names)
        departments[agency.code] = DepartmentGroups(
            team.editors, team.approvers, workflow, procedures_page, department_page
        )

    logger.info("Department groups ready for %d departments", len(departments))
    return departments


def refresh_department_groups(**kwargs):
    """
    Signal receiver: run `ensure_department_groups` once the current transaction commits.

    Connected to the publishing of a DepartmentPage, because publishing is when a changed
    agency link takes effect, and to its creation, so a draft page is editable by its department.
    """
    if kwargs.get("raw"):
        return
    if kwargs.get("signal") is post_save and not kwargs.get("created"):
        return
    transaction.on_commit(ensure_department_groups)


def connect_signals():
    post_save.connect(refresh_department_groups, sender=DepartmentPage, dispatch_uid="department-page-created")
    page_published.connect(refresh_department_groups, sender=DepartmentPage, dispatch_uid="department-page-published")
