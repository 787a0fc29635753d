"""The exports page's form: what to export, from which site, de-identified or not."""

from __future__ import annotations

from django import forms

from ketaclinic.interop.archive import FORMATS

FORMAT_LABELS = {
    "parquet": "Parquet tables (DuckDB, Spark, Polars)",
    "redcap": "REDCap data dictionary and import CSV",
    "fhir": "FHIR R4 bulk NDJSON",
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    site = forms.ChoiceField(label="Site", required=False)
    deidentify = forms.BooleanField(
        label="De-identify (HIPAA Safe Harbor)",
        required=False,
        initial=True,
        help_text="No names, record numbers, contacts, addresses or free text; dates shifted "
        "per patient; ages over 89 as 90+.",
    )

    def __init__(
        self,
        *args: object,
        site_choices: list[tuple[str, str]],
        identified_allowed: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["site"].choices = [("", "All my sites"), *site_choices]  # type: ignore[attr-defined]
        if not identified_allowed:
            self.fields["deidentify"].disabled = True
            self.fields["deidentify"].help_text = "Your role may only export de-identified data."
