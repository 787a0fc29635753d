from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [
        # Answers are never edited or deleted; a correction is a new response.
        RefuseChanges("instruments_questionnaireresponse", ("UPDATE", "DELETE")),
        RefuseChanges("instruments_selfharmalert", ("DELETE",)),
    ]
