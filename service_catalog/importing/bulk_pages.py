"""
Creating many published Wagtail pages under one parent with a fixed number of queries.

`Page.add_child()` followed by `save_revision().publish()` costs about twenty queries and a
search-index update per page, which makes a 4,000-procedure import take minutes. This module
writes the same rows in bulk: the tree rows, the specific rows, the child objects (orderables),
the many-to-many links, the first revision and a publish log entry per page.

Signals that `publish()` would send (`page_published`, search-index updates) are not sent. The
caller announces the new pages with `service_catalog.signals.procedures_imported` and updates
the Wagtail search index itself.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision


def _tree_fields(parent, pages, now):
    """Give each new page its tree position, URL path and publication fields."""
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    last_child = parent.get_last_child()
    first_step = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
    depth = parent.depth + 1

    for offset, page in enumerate(pages):
        page.path = Page._get_path(parent.path, depth, first_step + offset)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.locale_id = parent.locale_id
        page.translation_key = uuid.uuid4()
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = now
        page.last_published_at = now
        page.latest_revision_created_at = now
    return parent


def bulk_create_pages(parent, pages, children, many_to_many=()):
    """
    Insert `pages` (unsaved instances of one Page subclass) as published children of `parent`.

    `children[i]` maps a child relation name ("channels") to the unsaved child objects of
    `pages[i]`; `many_to_many` names ParentalManyToManyFields whose values are set on the
    instances. Returns the pages with their ids set. Call inside a transaction.
    """
    if not pages:
        return []
    model = type(pages[0])
    now = timezone.now()
    parent = _tree_fields(parent, pages, now)
    page_type = ContentType.objects.get_for_model(model)
    base_type = ContentType.objects.get_for_model(Page)

    # 1. Tree rows: plain Page rows carrying the subclass's content type.
    base_rows = []
    for page in pages:
        page.content_type = page_type
        base_rows.append(Page(**{field.attname: getattr(page, field.attname) for field in Page._meta.concrete_fields}))
    Page.objects.bulk_create(base_rows, batch_size=500)

    # 2. Specific rows: only the subclass's own table, in one batched statement.
    for page, base in zip(pages, base_rows):
        page.id = page.page_ptr_id = base.id
        page._state.adding = False
    _insert_specific_rows(model, pages)

    # 3. Child objects and many-to-many links.
    _insert_children(pages, children)
    for field_name in many_to_many:
        _insert_many_to_many(model, pages, field_name)

    # 4. First revision, published, and its log entry.
    revisions = [
        Revision(
            content_type=page_type,
            base_content_type=base_type,
            object_id=str(page.pk),
            created_at=now,
            object_str=str(page)[:255],
            content=page.serializable_data(),
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=500)
    for page, base, revision in zip(pages, base_rows, revisions):
        page.latest_revision = page.live_revision = revision
        base.latest_revision_id = base.live_revision_id = revision.pk
    Page.objects.bulk_update(base_rows, ["latest_revision", "live_revision"], batch_size=500)
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=page_type,
                page_id=page.pk,
                label=str(page)[:255],
                action="wagtail.publish",
                revision=revision,
                timestamp=now,
                content_changed=True,
            )
            for page, revision in zip(pages, revisions)
        ],
        batch_size=500,
    )

    Page.objects.filter(pk=parent.pk).update(numchild=models.F("numchild") + len(pages))
    return pages


def _insert_specific_rows(model, pages):
    """
    Insert the rows of the subclass's own table (page_ptr and its fields) for `pages`.

    Django's bulk_create refuses models with a parent table, and saving each page with
    `save_base(raw=True)` costs one round trip per page; executemany sends them batched.
    """
    fields = model._meta.local_concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = [[field.get_db_prep_save(getattr(page, field.attname), connection) for field in fields] for page in pages]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _insert_children(pages, children):
    """Bulk-insert the child objects of every page, one query batch per child model."""
    by_relation = {}
    for page, relations in zip(pages, children):
        for relation, objects in relations.items():
            for sort_order, child in enumerate(objects):
                child.page = page
                child.sort_order = sort_order
            # Keep the objects in the page's in-memory relation so its revision content lists them.
            setattr(page, relation, objects)
            by_relation.setdefault(relation, []).extend(objects)

    for objects in by_relation.values():
        if objects:
            type(objects[0]).objects.bulk_create(objects, batch_size=1000)


def _insert_many_to_many(model, pages, field_name):
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    links = [
        through(**{f"{source}_id": page.pk, f"{target}_id": related.pk})
        for page in pages
        for related in getattr(page, field_name).all()
    ]
    through.objects.bulk_create(links, batch_size=1000)
