"""The panel's year on each task (experts.Assignment.year) and the partial index the draw counts an
expert's yearly load from."""
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_year(apps, schema_editor):
    Assignment = apps.get_model("experts", "Assignment")
    ScoringPanel = apps.get_model("experts", "ScoringPanel")
    Assignment.objects.update(year=Subquery(ScoringPanel.objects.filter(pk=OuterRef("panel_id")).values("year")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("experts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="评审年度"),
        ),
        migrations.RunPython(fill_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assignment",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="评审年度"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(condition=models.Q(("state__in", ["declaring", "scoring", "submitted"])),
                               fields=["year", "expert"], name="assignment_active_load"),
        ),
    ]
