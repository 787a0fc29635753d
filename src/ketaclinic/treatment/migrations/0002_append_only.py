from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges

# What was charted is never edited or deleted: a correction is a new row that points at the old.
APPEND_ONLY = (
    "treatment_intake",
    "treatment_diagnosisconfirmation",
    "treatment_eligibilityscreen",
    "treatment_testrecord",
    "treatment_consentrecord",
    "treatment_ratesegment",
    "treatment_doseadministration",
    "treatment_observation",
    "treatment_adverseevent",
    "treatment_limitevent",
    "treatment_discharge",
)
# Rows whose status moves on (enabled, approved, running, confirmed) are never deleted.
NEVER_DELETED = (
    "treatment_protocol",
    "treatment_treatmentplan",
    "treatment_treatmentsession",
    "treatment_sessionchecklist",
)


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_initial")]
    operations = [
        *[RefuseChanges(table, ("UPDATE", "DELETE")) for table in APPEND_ONLY],
        *[RefuseChanges(table, ("DELETE",)) for table in NEVER_DELETED],
    ]
