from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("interop", "0001_initial")]
    operations = [
        # The import ledger is history: what came in, when, from whom; never edited or removed.
        RefuseChanges("interop_fhirimport", ("UPDATE", "DELETE")),
        RefuseChanges("interop_importedrecord", ("UPDATE", "DELETE")),
    ]
