from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]
    operations = [
        # What the patient wrote is never edited or deleted: an edit is a new version.
        RefuseChanges("diary_diarydayversion", ("UPDATE", "DELETE")),
        RefuseChanges("diary_attack", ("UPDATE", "DELETE")),
        RefuseChanges("diary_attackmedication", ("UPDATE", "DELETE")),
        # The per-day summary follows the current version but a recorded day never disappears.
        RefuseChanges("diary_diaryday", ("DELETE",)),
    ]
