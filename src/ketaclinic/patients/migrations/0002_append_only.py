from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]
    operations = [
        # A registry record is never deleted (status changes instead); its revisions never change.
        RefuseChanges("patients_patient", ("DELETE",)),
        RefuseChanges("patients_patientrevision", ("UPDATE", "DELETE")),
    ]
