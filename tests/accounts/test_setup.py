"""Groups and permissions of the staff roles."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from accounts.roles import GROUP_NAMES, Role
from accounts.setup import APP_PERMISSIONS, ensure_role_groups

pytestmark = pytest.mark.django_db


def codenames(group):
    return {f"{permission.content_type.app_label}.{permission.codename}" for permission in group.permissions.all()}


def test_every_role_gets_group_with_admin_access():
    groups = ensure_role_groups()

    assert set(groups) == set(Role)
    for role, group in groups.items():
        assert group.name == GROUP_NAMES[role]
        assert "wagtailadmin.access_admin" in codenames(group), role


def test_role_groups_idempotent():
    first = {role: codenames(group) for role, group in ensure_role_groups().items()}
    collection_rows = GroupCollectionPermission.objects.count()

    second = {role: codenames(group) for role, group in ensure_role_groups().items()}

    assert first == second
    assert Group.objects.filter(name__in=GROUP_NAMES.values()).count() == len(Role)
    assert GroupCollectionPermission.objects.count() == collection_rows


def test_model_permissions_stay_within_role():
    groups = ensure_role_groups()

    for role, group in groups.items():
        allowed = APP_PERMISSIONS.get(role, {})
        for permission in group.permissions.exclude(codename="access_admin"):
            app_label = permission.content_type.app_label
            model_target = f"{app_label}.{permission.content_type.model}"
            target = model_target if model_target in allowed else app_label
            action = permission.codename.split("_", 1)[0]
            assert target in allowed, (role, permission.codename)
            assert action in allowed[target], (role, permission.codename)


def test_editor_search_rights_limited():
    groups = ensure_role_groups()

    search_permissions = {
        codename.split(".", 1)[1] for codename in codenames(groups[Role.EDITOR]) if codename.startswith("search.")
    }

    assert {"add_synonym", "change_synonym", "delete_synonym", "add_promotedresult"} <= search_permissions
    assert not any(codename.endswith("searchdocument") for codename in search_permissions)


def test_nobody_deletes_applications():
    groups = ensure_role_groups()

    for group in groups.values():
        assert not group.permissions.filter(content_type__app_label="submissions", codename__startswith="delete_").exists()


def test_hand_granted_permission_survives():
    groups = ensure_role_groups()
    extra = Permission.objects.get(content_type__app_label="wagtailimages", codename="add_image")
    groups[Role.LEADER].permissions.add(extra)

    ensure_role_groups()

    assert "wagtailimages.add_image" in codenames(groups[Role.LEADER])


def test_editor_documents_and_images():
    groups = ensure_role_groups()
    root = Collection.get_first_root_node()

    granted = set(
        GroupCollectionPermission.objects.filter(group=groups[Role.EDITOR], collection=root).values_list(
            "permission__codename", flat=True
        )
    )

    assert {"add_image", "choose_image", "add_document", "change_document", "choose_document"} <= granted
    assert not GroupCollectionPermission.objects.filter(group=groups[Role.DESK_OFFICER]).exists()


def test_editor_pages_exclude_procedure_catalogue(home_page):
    from cms_pages.models import NewsIndexPage
    from service_catalog.models import ProcedureIndexPage

    news = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=news)
    catalogue = ProcedureIndexPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh")
    home_page.add_child(instance=catalogue)

    groups = ensure_role_groups()
    editor_pages = set(
        GroupPagePermission.objects.filter(group=groups[Role.EDITOR]).values_list("page_id", "permission__codename")
    )

    assert (news.pk, "publish_page") in editor_pages
    assert (news.pk, "change_page") in editor_pages
    assert not any(page_id == catalogue.pk for page_id, _codename in editor_pages)
    assert not any(page_id == home_page.pk for page_id, _codename in editor_pages)


def test_no_role_keeps_tree_root_permissions():
    groups = ensure_role_groups()

    root_grants = GroupPagePermission.objects.filter(group__in=groups.values(), page__depth=1)

    assert list(root_grants.values_list("group__name", "permission__codename")) == []


def test_legacy_english_groups_renamed_with_members_kept(django_user_model):
    from accounts.roles import LEGACY_GROUP_NAMES, has_role

    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()
    legacy = Group.objects.get_or_create(name=LEGACY_GROUP_NAMES[Role.DESK_OFFICER])[0]
    officer = django_user_model.objects.create_user("motcua_cu", password="x")
    officer.groups.add(legacy)

    groups = ensure_role_groups()

    assert groups[Role.DESK_OFFICER].pk == legacy.pk
    assert groups[Role.DESK_OFFICER].name == "Cán bộ một cửa"
    assert not Group.objects.filter(name__in=LEGACY_GROUP_NAMES.values()).exists()
    assert has_role(officer, Role.DESK_OFFICER)


def test_wagtail_default_moderation_names_in_vietnamese():
    from wagtail.models import Task, Workflow

    Group.objects.get_or_create(name="Moderators")
    Workflow.objects.get_or_create(name="Moderators approval")

    ensure_role_groups()

    assert Group.objects.filter(name="Người kiểm duyệt").exists()
    assert not Group.objects.filter(name="Moderators").exists()
    assert Workflow.objects.filter(name="Phê duyệt nội dung").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
