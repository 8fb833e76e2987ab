"""
Groups and permissions of the staff roles, created in code.

`ensure_role_groups` is idempotent: it creates the group of each role in `accounts.roles` when
missing and adds the permissions the role needs, without removing permissions an administrator
granted by hand. Page permissions of a single department's subtree belong to that department's
own groups (`service_catalog.permissions.ensure_department_groups`), not to these role groups.
"""

import logging

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Task, Workflow

from .roles import GROUP_NAMES, LEGACY_GROUP_NAMES, Role

logger = logging.getLogger(__name__)

ADMIN_ACCESS = ("wagtailadmin", "access_admin")

# Model permissions: the actions each role may take on every model of an app ("submissions") or
# on one model ("search.synonym"). Apps that are not installed or models that do not exist yet
# are skipped, so the function can run at any stage of the migrations and picks up new models
# when it runs again.
APP_PERMISSIONS = {
    Role.DESK_OFFICER: {"submissions": ("view", "add", "change"), "service_catalog": ("view",)},
    Role.SPECIALIST: {"submissions": ("view", "change"), "service_catalog": ("view",)},
    Role.LEADER: {"submissions": ("view", "change"), "service_catalog": ("view",)},
    Role.EDITOR: {
        "search.synonym": ("view", "add", "change", "delete"),
        "search.promotedresult": ("view", "add", "change", "delete"),
        "wagtaildocs": ("add", "change", "choose", "delete"),
        "wagtailimages": ("add", "change", "choose", "delete"),
    },
    Role.DEPARTMENT_EDITOR: {"service_catalog": ("view",)},
    Role.DEPARTMENT_APPROVER: {"service_catalog": ("view",)},
}

# Image and document permissions on the root collection, inherited by every child collection.
COLLECTION_PERMISSIONS = {
    Role.EDITOR: (
        ("wagtailimages", ("add_image", "change_image", "choose_image")),
        ("wagtaildocs", ("add_document", "change_document", "choose_document")),
    ),
    Role.DEPARTMENT_EDITOR: (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "change_document", "choose_document")),
    ),
    Role.DEPARTMENT_APPROVER: (
        ("wagtailimages", ("add_image", "choose_image")),
        ("wagtaildocs", ("add_document", "change_document", "choose_document")),
    ),
}

# Communications editors write news, guidance, standard pages and legal documents: every child
# of the home page except the procedure catalogue, which the departments own.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


@transaction.atomic
def ensure_role_groups():
    """Create the group of every staff role with its permissions; return the groups by role."""
    groups = {}
    for role in Role:
        group = _role_group(role)

        group.permissions.add(_permission(*ADMIN_ACCESS), *_app_permissions(APP_PERMISSIONS.get(role, {})))
        _grant_collection_permissions(group, COLLECTION_PERMISSIONS.get(role, ()))
        groups[role] = group

    # Wagtail's install migration gives its "Editors" group (the EDITOR role's legacy name) add and
    # change on the tree root, which would let communications editors edit every department's
    # procedures. No role works on the whole tree, so root-level page permissions are removed.
    GroupPagePermission.objects.filter(group__in=groups.values(), page__depth=1).delete()
    _grant_information_pages(groups[Role.EDITOR])
    _translate_wagtail_defaults()
    return groups


# Names that Wagtail's install migrations give its moderators group, default workflow and task,
# with the Vietnamese names the admin and the moderation e-mails show instead.
WAGTAIL_DEFAULT_NAMES = {
    Group: ("Moderators", "Người kiểm duyệt"),
    Workflow: ("Moderators approval", "Phê duyệt nội dung"),
    Task: ("Moderators approval", "Người kiểm duyệt phê duyệt"),
}


def _translate_wagtail_defaults():
    """Rename Wagtail's default moderators group, workflow and task when they still have their English names."""
    for model, (english, vietnamese) in WAGTAIL_DEFAULT_NAMES.items():
        renamed = model.objects.filter(name=english).update(name=vietnamese)
        if renamed:
            logger.info("Renamed Wagtail's default %s to %r", model._meta.verbose_name, vietnamese)


def _role_group(role):
    """Return the group of `role`, renaming it from its legacy English name or creating it."""
    group = Group.objects.filter(name=GROUP_NAMES[role]).first()
    if group is not None:
        return group

    group = Group.objects.filter(name=LEGACY_GROUP_NAMES[role]).first()
    if group is not None:
        group.name = GROUP_NAMES[role]
        group.save(update_fields=["name"])
        logger.info("Renamed group of role %s to %r", role.value, group.name)
        return group

    group = Group.objects.create(name=GROUP_NAMES[role])
    logger.info("Created group %r for role %s", group.name, role.value)
    return group


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _app_permissions(actions_by_target):
    """Return the permissions for `actions_by_target`, for example {"submissions": ("view",)}."""
    permissions = []
    for target, actions in actions_by_target.items():
        app_label, _dot, model_name = target.partition(".")
        if not apps.is_installed(app_label):
            continue
        models = apps.get_app_config(app_label).get_models()
        model_names = [model._meta.model_name for model in models if model_name in ("", model._meta.model_name)]
        for name in model_names:
            permissions.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=name,
                    codename__in=[f"{action}_{name}" for action in actions],
                )
            )
    return permissions


def _grant_collection_permissions(group, grants):
    root = Collection.get_first_root_node()
    if root is None:
        return
    for app_label, codenames in grants:
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=_permission(app_label, codename)
            )


def _grant_information_pages(group):
    """Give `group` the editor page permissions on each information section under the home page."""
    from cms_pages.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        return

    permissions = [_permission("wagtailcore", codename) for codename in EDITOR_PAGE_PERMISSIONS]
    sections = Page.objects.child_of(home).exclude(
        content_type__app_label="service_catalog", content_type__model="procedureindexpage"
    )
    for page in sections:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
