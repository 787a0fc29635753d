"""Forms for the ledger pages: they type the input; the actions judge it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from ketaclinic.core.widgets import DateInput
from ketaclinic.inventory.models import Container, CountKind, InventoryTiming, ProductForm
from ketaclinic.inventory.quantities import mg_text, strength_text

UNITS = (("mg", "mg"), ("ml", "mL"))
DATE = DateInput()


def container_label(container: Container, *, with_balance: bool = True) -> str:
    label = (
        f"{container.code} · {strength_text(container.product.strength_mg_per_ml)} · "
        f"lot {container.lot} · exp {container.expires_on:%Y-%m-%d}"
    )
    return f"{label} · {mg_text(container.on_hand_ug)} left" if with_balance else label


class QuantityFields(forms.Form):
    """A quantity typed in mg or in mL at the container's strength."""

    quantity = forms.DecimalField(
        label="Quantity", min_value=Decimal("0.001"), max_digits=12, decimal_places=3
    )
    unit = forms.ChoiceField(label="Unit", choices=UNITS, initial="mg")

    def quantity_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        key = "quantity_mg" if data["unit"] == "mg" else "quantity_ml"
        return {key: data["quantity"]}


class WitnessFields(forms.Form):
    witness_username = forms.CharField(
        label="Witness username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    witness_password = forms.CharField(
        label="Witness password",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The witness types their own password here.",
    )


def _container_choices(containers: list[Container], *, with_balance: bool = True) -> list[Any]:
    return [(str(c.pk), container_label(c, with_balance=with_balance)) for c in containers]


class DrawForm(QuantityFields):
    container = forms.ChoiceField(label="Container")

    def __init__(self, *args: Any, containers: list[Container], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container"].choices = _container_choices(containers)  # type: ignore[attr-defined]
        self.order_fields(["container", "quantity", "unit"])


class WasteForm(QuantityFields, WitnessFields):
    container = forms.ChoiceField(label="Drawn from")
    reason = forms.CharField(
        label="Reason", max_length=500, required=False, initial="remainder after administration"
    )

    def __init__(self, *args: Any, containers: list[Container], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container"].choices = _container_choices(containers, with_balance=False)  # type: ignore[attr-defined]
        self.order_fields(
            ["container", "quantity", "unit", "reason", "witness_username", "witness_password"]
        )


class ReturnForm(QuantityFields):
    container = forms.ChoiceField(label="Drawn from")
    reason = forms.CharField(label="Reason", max_length=500)

    def __init__(self, *args: Any, containers: list[Container], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container"].choices = _container_choices(containers, with_balance=False)  # type: ignore[attr-defined]
        self.order_fields(["container", "quantity", "unit", "reason"])


class ReceiveForm(forms.Form):
    supplier = forms.ChoiceField(label="Supplier")
    invoice_reference = forms.CharField(label="Invoice or packing slip", max_length=60)
    product = forms.ChoiceField(label="Product")
    lot = forms.CharField(label="Lot", max_length=40)
    expires_on = forms.DateField(label="Expiry", widget=DATE)
    volume_ml = forms.DecimalField(
        label="Volume per container (mL)", max_digits=9, decimal_places=3, min_value=Decimal("0.1")
    )
    containers = forms.IntegerField(label="Number of containers", min_value=1, max_value=200)
    storage_location = forms.CharField(label="Storage location", max_length=80)
    note = forms.CharField(label="Note", max_length=500, required=False)

    def __init__(
        self, *args: Any, suppliers: list[Any], products: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [(str(s.pk), str(s)) for s in suppliers]  # type: ignore[attr-defined]
        self.fields["product"].choices = [(str(p.pk), str(p)) for p in products]  # type: ignore[attr-defined]


class SupplierForm(forms.Form):
    name = forms.CharField(max_length=160)
    address = forms.CharField(max_length=240)
    dea_number = forms.CharField(label="DEA number", max_length=12)
    is_compounding_pharmacy = forms.BooleanField(label="Compounding pharmacy", required=False)


class RegistrationForm(forms.Form):
    registrant_name = forms.CharField(label="Registrant name", max_length=160)
    dea_number = forms.CharField(label="DEA registration number", max_length=12)
    address = forms.CharField(max_length=240)


class ProductForm_(forms.Form):
    name = forms.CharField(max_length=160, initial="Ketamine hydrochloride injection")
    form = forms.ChoiceField(choices=ProductForm.choices)
    strength_mg_per_ml = forms.DecimalField(
        label="Strength (mg/mL)", max_digits=8, decimal_places=3
    )
    rxnorm_code = forms.CharField(
        label="RxNorm code", max_length=12, required=False, initial="6130"
    )
    compounded = forms.BooleanField(required=False)


class CountForm(forms.Form):
    """One quantity field per container; blind: the expected balance is not shown."""

    kind = forms.ChoiceField(label="Kind of count", choices=CountKind.choices)
    timing = forms.ChoiceField(
        label="Taken at (inventories)",
        choices=[("", "—"), *InventoryTiming.choices],
        required=False,
    )
    note = forms.CharField(max_length=500, required=False)
    witness_username = forms.CharField(
        label="Second counter (optional)", max_length=150, required=False
    )
    witness_password = forms.CharField(
        label="Second counter's password", widget=forms.PasswordInput, required=False
    )

    def __init__(
        self, *args: Any, containers: list[Container], kinds: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.containers = containers
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        if not any(value in ("initial", "biennial") for value, _ in kinds):
            del self.fields["timing"]  # shift and daily counts have no opening/close timing
        for container in containers:
            self.fields[f"c{container.pk}"] = forms.DecimalField(
                label=f"{container_label(container, with_balance=False)} (mL)",
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=3,
                help_text=(
                    f"mL found (a sealed container holds {container.volume_ml.normalize():f} mL)"
                ),
            )

    def container_fields(self) -> list[Any]:
        return [self[f"c{container.pk}"] for container in self.containers]


class DisposalForm(forms.Form):
    """Waste of a remainder, destruction, loss, adjustment or transfer from one container."""

    action = forms.ChoiceField(
        choices=[
            ("waste", "Waste the remainder (witnessed)"),
            ("destroy", "Destroy: expired or unwanted (DEA Form 41, witnessed)"),
            ("loss", "Report loss or theft (DEA Form 106)"),
            ("adjust_remove", "Adjust: remove (co-signed)"),
            ("adjust_add", "Adjust: add (co-signed)"),
            ("transfer", "Transfer to another site"),
        ]
    )
    quantity = forms.DecimalField(
        label="Quantity (empty: all that is left)",
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        required=False,
    )
    unit = forms.ChoiceField(label="Unit", choices=UNITS, initial="mg")
    reason = forms.CharField(max_length=500, required=False)
    form_reference = forms.CharField(
        label="Form reference (DEA Form 41 / invoice)", max_length=60, required=False
    )
    to_site = forms.ChoiceField(label="To site (transfer)", required=False)
    storage_location = forms.CharField(
        label="Storage location there (transfer)", max_length=80, required=False
    )
    discovered_on = forms.DateField(label="Discovered on (loss)", widget=DATE, required=False)
    witness_username = forms.CharField(label="Witness or co-signer username", required=False)
    witness_password = forms.CharField(
        label="Witness or co-signer password", widget=forms.PasswordInput, required=False
    )

    def __init__(self, *args: Any, sites: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_site"].choices = [("", "—"), *[(str(s.pk), s.name) for s in sites]]  # type: ignore[attr-defined]

    def quantity_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("quantity") is None:
            return {}
        key = "quantity_mg" if data["unit"] == "mg" else "quantity_ml"
        return {key: data["quantity"]}


class IncidentEventForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("note", "Add a note"),
            ("dea_notified", "DEA Field Division notified"),
            ("resolved", "Resolve with this reason"),
        ]
    )
    text = forms.CharField(label="Text", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    form_reference = forms.CharField(label="DEA Form 106 reference", max_length=60, required=False)


class ReportForm(forms.Form):
    site = forms.ChoiceField(label="Site")
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)

    def __init__(self, *args: Any, sites: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(s.pk), s.name) for s in sites]  # type: ignore[attr-defined]
