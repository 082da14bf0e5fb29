import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Partners keep the programme's order: the many-to-many relation gets an explicit model on the table
    Django had made for it (no data moves), then an order column. Projects get the start of their phase."""

    dependencies = [
        ("organizations", "0001_initial"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProjectPartner",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="partner_links", to="programmes.project")),
                        ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organizations.organisation", verbose_name="organisation")),
                    ],
                    options={
                        "db_table": "programmes_project_partners",
                        "ordering": ["sort_order", "pk"],
                        "verbose_name": "project partner",
                        "verbose_name_plural": "project partners",
                        "unique_together": {("project", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="project",
                    name="partners",
                    field=models.ManyToManyField(related_name="projects", through="programmes.ProjectPartner", to="organizations.organisation", verbose_name="partner organisations"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="projectpartner",
            name="sort_order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="order"),
        ),
        migrations.AddField(
            model_name="project",
            name="phase_began_on",
            field=models.DateField(blank=True, help_text="When the programme phase that funds this project began (the month is enough).", null=True, verbose_name="programme phase began"),
        ),
    ]
