from django.db import migrations, models

from search.text import fold


def fill_title_folded(apps, schema_editor):
    """Set the sort key of procedures saved before the field existed."""
    ProcedurePage = apps.get_model("service_catalog", "ProcedurePage")
    pages = list(ProcedurePage.objects.only("pk", "title"))
    for page in pages:
        page.title_folded = fold(page.title)[:255]
    ProcedurePage.objects.bulk_update(pages, ["title_folded"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("service_catalog", "0002_catalogue_import_and_departments"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurepage",
            name="title_folded",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_title_folded, migrations.RunPython.noop),
    ]
