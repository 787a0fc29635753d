# Sedation (MOAA/S) and dissociation (CADSS-6) on session observations (docs/clinical-rules.md §12).

from django.db import migrations, models

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):

    dependencies = [
        ('treatment', '0010_s27_monitoring'),
    ]

    operations = [
        migrations.AddField(
            model_name='observation',
            name='moaas',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='observation',
            name='cadss6',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='observation',
            name='cadss6_items',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.CheckConstraint(condition=models.Q(('moaas__isnull', True), models.Q(('moaas__gte', 0), ('moaas__lte', 5)), _connector='OR'), name='observation_moaas_range'),
        ),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.CheckConstraint(condition=models.Q(('cadss6__isnull', True), models.Q(('cadss6__gte', 0), ('cadss6__lte', 24)), _connector='OR'), name='observation_cadss6_range'),
        ),
        # SQLite adds a field with a default and a constraint by rebuilding the table, which drops
        # its triggers: put back the append-only guard of 0002 (idempotent on PostgreSQL).
        RefuseChanges("treatment_observation", ("UPDATE", "DELETE")),
    ]
