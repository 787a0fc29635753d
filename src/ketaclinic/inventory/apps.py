from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """The controlled-substance ledger for ketamine (docs/clinical-rules.md §7)."""

    name = "ketaclinic.inventory"
    label = "inventory"
    verbose_name = "Controlled-substance ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The treatment app's seam: a session closes only when its ledger balances, and the
        # session page shows the draw / waste panel.
        from ketaclinic.inventory.session_ledger import register_with_treatment

        register_with_treatment()
