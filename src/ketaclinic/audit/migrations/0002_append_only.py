from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [RefuseChanges("audit_auditevent", ("UPDATE", "DELETE"))]
