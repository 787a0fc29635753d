"""The pharmacist's pages: stock, receiving, set-up (registration, suppliers, products) and one
container with its ledger and disposal steps. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ketaclinic.accounts.models import Site, User
from ketaclinic.accounts.roles import Capability
from ketaclinic.core.http import current_user
from ketaclinic.inventory import actions
from ketaclinic.inventory.forms import (
    DisposalForm,
    ProductForm_,
    ReceiveForm,
    RegistrationForm,
    SupplierForm,
)
from ketaclinic.inventory.models import Product, Supplier
from ketaclinic.inventory.quantities import mg_text
from ketaclinic.inventory.queries.stock import (
    StockFilter,
    container_movements,
    get_container,
    list_containers,
    list_suppliers,
    open_incident_count,
    site_for,
    site_registration,
    user_sites,
)
from ketaclinic.inventory.views.common import attempt


def requested_site_id(request: HttpRequest) -> int | None:
    """The ``site`` asked for in the query or form, if any (``site_for`` checks it)."""
    raw = request.GET.get("site") or request.POST.get("site") or ""
    return int(raw) if raw.isdigit() else None


def ledger_context(user: User, site: Site, tab: str, **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "sites": user_sites(user),
        "tab": tab,
        "can_manage": user.can(Capability.MANAGE_STOCK),
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def stock(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.VIEW_LEDGER)
    filters = StockFilter(
        include_empty=request.GET.get("empty") == "1", text=request.GET.get("q", "")[:40]
    )
    containers = list_containers(user, site, filters)
    context = ledger_context(
        user,
        site,
        "stock",
        containers=containers,
        filters=filters,
        total_ug=sum(c.on_hand_ug for c in containers),
        open_incidents=open_incident_count(site),
        registration=site_registration(site),
    )
    return render(request, "inventory/stock.html", context)


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.MANAGE_STOCK)
    form = ReceiveForm(
        request.POST or None,
        suppliers=list_suppliers(),
        products=list(Product.objects.order_by("name", "strength_mg_per_ml")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        product = Product.objects.get(pk=int(data["product"]))

        def call() -> Any:
            return actions.receive_stock(
                actor=user,
                site=site,
                supplier=Supplier.objects.get(pk=int(data["supplier"])),
                invoice_reference=data["invoice_reference"],
                note=data["note"],
                lines=[
                    actions.ReceivedLine(
                        product=product,
                        lot=data["lot"],
                        expires_on=data["expires_on"],
                        volume_ml=data["volume_ml"],
                        containers=data["containers"],
                        storage_location=data["storage_location"],
                    )
                ],
            )

        ok, receipt = attempt(form, call)
        if ok:
            codes = [c.code for c in receipt.containers.order_by("code")]
            messages.success(
                request,
                f"Received {len(codes)} container{'s' if len(codes) != 1 else ''} "
                f"({codes[0]}{' to ' + codes[-1] if len(codes) > 1 else ''}).",
            )
            return redirect(f"/inventory/?site={site.pk}")
    return render(
        request, "inventory/receive.html", ledger_context(user, site, "receive", form=form)
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """The site's DEA registration, suppliers and products."""
    user = current_user(request)
    site = site_for(user, requested_site_id(request), Capability.MANAGE_STOCK)
    which = request.POST.get("form", "")
    supplier_form = SupplierForm(request.POST if which == "supplier" else None, prefix="supplier")
    product_form = ProductForm_(request.POST if which == "product" else None, prefix="product")
    registration_form = RegistrationForm(
        request.POST if which == "registration" else None, prefix="registration"
    )
    if which == "registration" and registration_form.is_valid():
        ok, _ = attempt(
            registration_form,
            lambda: actions.register_site(actor=user, site=site, **registration_form.cleaned_data),
        )
        if ok:
            messages.success(request, "DEA registration recorded.")
            return redirect(f"/inventory/setup/?site={site.pk}")
    if which == "supplier" and supplier_form.is_valid():
        ok, _ = attempt(
            supplier_form, lambda: actions.add_supplier(actor=user, **supplier_form.cleaned_data)
        )
        if ok:
            messages.success(request, "Supplier added.")
            return redirect(f"/inventory/setup/?site={site.pk}")
    if which == "product" and product_form.is_valid():
        ok, _ = attempt(
            product_form, lambda: actions.add_product(actor=user, **product_form.cleaned_data)
        )
        if ok:
            messages.success(request, "Product added.")
            return redirect(f"/inventory/setup/?site={site.pk}")
    context = ledger_context(
        user,
        site,
        "setup",
        registration=site_registration(site),
        suppliers=list_suppliers(),
        products=list(Product.objects.order_by("name", "strength_mg_per_ml")),
        supplier_form=supplier_form,
        product_form=product_form,
        registration_form=registration_form,
    )
    return render(request, "inventory/setup.html", context)


def _dispose(user: User, container: Any, form: DisposalForm) -> Any:
    data = form.cleaned_data
    quantity = form.quantity_kwargs()
    witness = {
        "witness_username": data["witness_username"],
        "witness_password": data["witness_password"],
    }
    action = data["action"]
    if action == "waste":
        return actions.waste_remainder(
            actor=user, container=container, reason=data["reason"], **witness, **quantity
        )
    if action == "destroy":
        return actions.destroy_stock(
            actor=user,
            container=container,
            reason=data["reason"],
            form_reference=data["form_reference"],
            **witness,
            **quantity,
        )
    if action == "loss":
        return actions.report_loss(
            actor=user,
            container=container,
            reason=data["reason"],
            discovered_on=data["discovered_on"],
            **quantity,
        )
    if action in ("adjust_add", "adjust_remove"):
        return actions.adjust_stock(
            actor=user,
            container=container,
            direction="add" if action == "adjust_add" else "remove",
            reason=data["reason"],
            cosigner_username=data["witness_username"],
            cosigner_password=data["witness_password"],
            **quantity,
        )
    to_site = Site.objects.filter(pk=int(data["to_site"] or 0)).first()
    if to_site is None:
        from ketaclinic.core.errors import InputRefused

        raise InputRefused("to_site", data["to_site"], "the site the stock goes to")
    return actions.transfer_stock(
        actor=user,
        container=container,
        to_site=to_site,
        storage_location=data["storage_location"],
        reference=data["form_reference"],
        **quantity,
    )


@login_required
def container_detail(request: HttpRequest, container_id: int) -> HttpResponse:
    user = current_user(request)
    container = get_container(user, container_id)
    site = site_for(user, container.site_id, Capability.VIEW_LEDGER)
    form = DisposalForm(
        request.POST or None, sites=list(Site.objects.exclude(pk=container.site_id))
    )
    status = 200
    if request.method == "POST":
        if not user.can(Capability.MANAGE_STOCK):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("your role may not manage stock")
        if form.is_valid():
            ok, movement = attempt(form, lambda: _dispose(user, container, form))
            if ok:
                messages.success(
                    request,
                    f"{movement.get_kind_display()}: {mg_text(movement.quantity_ug)} "
                    f"({movement.container.code}).",
                )
                return redirect("inventory:container", container_id=container.pk)
        status = 422
    context = ledger_context(
        user,
        site,
        "stock",
        container=container,
        movements=container_movements(container),
        form=form,
    )
    return render(request, "inventory/container.html", context, status=status)
