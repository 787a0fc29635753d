"""What the ledger's views share: turning an action's refusal into a form error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied

from ketaclinic.clinical.errors import ClinicalInputError, describe_value
from ketaclinic.core.errors import Conflict, StaleVersion


def attempt(form: forms.Form, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``call``; on a refusal put the message on the form (beside its field when it has
    one) and answer ``(False, None)``. Permission errors propagate (403)."""
    try:
        return True, call()
    except ClinicalInputError as exc:
        name = exc.field.split(".")[-1].removesuffix("_mg").removesuffix("_ml")
        target = name if name in form.fields else ("quantity" if "quantity" in exc.field else None)
        if target is not None and target in form.fields:
            # Beside its field the field's name is redundant: say what is needed, then what
            # was given.
            form.add_error(target, f"Needs {exc.expected} (got {describe_value(exc.value)}).")
        else:
            form.add_error(None, str(exc))
    except (Conflict, StaleVersion) as exc:
        form.add_error(None, str(exc))
    except PermissionDenied:
        raise
    return False, None
