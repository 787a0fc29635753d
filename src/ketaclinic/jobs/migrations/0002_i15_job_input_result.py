from django.db import migrations, models


class Migration(migrations.Migration):
    """Issue 15: a job's input (an imported Bundle) and the summary of its result."""

    dependencies = [
        ("jobs", "0001_background_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="input_name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="job",
            name="result",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
