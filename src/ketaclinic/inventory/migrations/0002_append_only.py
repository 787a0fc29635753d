from django.db import migrations

from ketaclinic.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [
        # The ledger, counts and incident history never change: corrections are new rows.
        RefuseChanges("inventory_movement", ("UPDATE", "DELETE")),
        RefuseChanges("inventory_count", ("UPDATE", "DELETE")),
        RefuseChanges("inventory_countline", ("UPDATE", "DELETE")),
        RefuseChanges("inventory_incident", ("UPDATE", "DELETE")),
        RefuseChanges("inventory_incidentevent", ("UPDATE", "DELETE")),
        RefuseChanges("inventory_receipt", ("UPDATE", "DELETE")),
        # A container keeps its cached balance up to date but is never deleted; nor are the
        # registrations and suppliers that receipt records name.
        RefuseChanges("inventory_container", ("DELETE",)),
        RefuseChanges("inventory_supplier", ("DELETE",)),
        RefuseChanges("inventory_registration", ("DELETE",)),
        RefuseChanges("inventory_product", ("DELETE",)),
    ]
