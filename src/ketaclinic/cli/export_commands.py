"""``ketaclinic export {fhir,redcap,parquet}``, ``ketaclinic import fhir`` and
``ketaclinic load-cohort``: the interop app on the command line.

The acting user is named with ``--as USERNAME``: the command has that user's permissions (sites,
identified or de-identified only) and every export or import is audited under that name, as if
done through the API. A researcher may only export with ``--deidentify``. Refusals (a bad file, a
site you do not work at, a permission you lack) exit with status 2 and one line on standard
error, as docs/contracts.md asks of every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ketaclinic.cli.django_setup import setup_django

EXIT_OK = 0
EXIT_REFUSED = 2
FORMATS = ("fhir", "redcap", "parquet")
FHIR_PROGRESS_EVERY = 100  # entries between two progress lines of `import fhir`


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="export records as FHIR NDJSON, REDCap or Parquet (identified or de-identified)",
        description=(
            "Write the records of one site (--site) or of every site the acting user works at. "
            "--deidentify applies HIPAA Safe Harbor (45 CFR 164.514(b)(2)): no names, record "
            "numbers, contacts, addresses or free text; keyed pseudonyms; dates shifted per "
            "patient; ages over 89 as 90+. Researchers may only export de-identified data."
        ),
    )
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    helps = {
        "fhir": "FHIR R4 bulk NDJSON, one file per resource type, and manifest.json",
        "redcap": "REDCap data dictionary and the matching flat import CSV",
        "parquet": "one Parquet table per entity (for DuckDB, Spark, Polars)",
    }
    for name in FORMATS:
        command = formats.add_parser(name, help=helps[name], description=helps[name] + ".")
        command.add_argument("--out", type=Path, required=True, metavar="DIR")
        command.add_argument("--site", metavar="CODE", help="one site (default: all yours)")
        command.add_argument("--deidentify", action="store_true", help="Safe Harbor export")
        _add_actor(command)
        command.set_defaults(handler=_export)

    importer = subparsers.add_parser(
        "import",
        help="import records (a FHIR Bundle) into a site",
        description="Import records into a site: all or nothing, idempotent by identifier.",
    )
    kinds = importer.add_subparsers(dest="format", metavar="FORMAT", required=True)
    fhir = kinds.add_parser(
        "fhir",
        help="import a FHIR R4 Bundle (JSON) into a site",
        description=(
            "Import a FHIR R4 Bundle: Patients become registry records, QuestionnaireResponses "
            "scored responses; Conditions, MedicationStatements and Observations are held with "
            "their patient. Prints the report (JSON): what was created, skipped or held. One "
            "transaction: an interrupted import leaves nothing behind and can be run again. "
            "Progress goes to standard error."
        ),
    )
    fhir.add_argument("file", type=Path, metavar="FILE", help="the Bundle, or - for stdin")
    fhir.add_argument("--site", required=True, metavar="CODE")
    fhir.add_argument(
        "--patient",
        metavar="MRN",
        help=(
            "file a resource about one patient on this chart (its reference to the patient "
            "points outside the file); a file holding a Patient or about two is refused"
        ),
    )
    _add_actor(fhir)
    fhir.set_defaults(handler=_import_fhir)

    load = subparsers.add_parser(
        "load-cohort",
        help="load a synthetic cohort (ketaclinic synth) into the database, in bulk",
        description=(
            "Load the patients of a synthetic cohort written by `ketaclinic synth`, with their "
            "diary days and a synthetic questionnaire history, into the database in bulk, for "
            "demos and benchmarks. All or nothing: one transaction, so an interrupted load "
            "leaves nothing behind and can be run again. Progress goes to standard error. "
            "Refused in production. Audited once."
        ),
    )
    load.add_argument("directory", type=Path, metavar="DIR")
    load.add_argument("--limit", type=int, default=None, metavar="N", help="first N patients")
    load.add_argument(
        "--without-diaries",
        dest="diaries",
        action="store_false",
        help="patients and questionnaires only (a quicker load)",
    )
    _add_actor(load)
    load.set_defaults(handler=_load_cohort)


def _add_actor(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--as",
        dest="actor",
        required=True,
        metavar="USERNAME",
        help="the user the command acts as (their permissions; audited under their name)",
    )


def _refuse(message: str) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return EXIT_REFUSED


def _guarded(work: Callable[[], int]) -> int:
    from django.core.exceptions import PermissionDenied

    from ketaclinic.clinical.errors import ClinicalInputError
    from ketaclinic.core.errors import Conflict

    try:
        return work()
    except PermissionDenied as exc:
        return _refuse(f"refused: {exc}")
    except ClinicalInputError as exc:
        return _refuse(str(exc))
    except Conflict as exc:
        return _refuse(f"conflict: {exc}")


def _actor(username: str) -> Any:
    from ketaclinic.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        from ketaclinic.core.errors import InputRefused

        raise InputRefused("--as", username, "the user name of an active user")
    return user


def _export(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.interop import exports
    from ketaclinic.interop.scope import export_scope

    def work() -> int:
        actor = _actor(args.actor)
        scope = export_scope(actor=actor, site_code=args.site, deidentify=args.deidentify)
        writer = getattr(exports, f"export_{args.format}")
        counts = writer(scope=scope, out=args.out)
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items()) or "nothing"
        kind = "de-identified" if args.deidentify else "identified"
        print(
            f"{args.out}: {kind} {args.format} export of {', '.join(scope.site_codes)}: {summary}"
        )
        return EXIT_OK

    return _guarded(work)


def _import_fhir(args: argparse.Namespace) -> int:
    setup_django()
    import json

    from ketaclinic.accounts.models import Site
    from ketaclinic.core.errors import InputRefused
    from ketaclinic.interop.actions import import_fhir_bundle
    from ketaclinic.patients.models import Patient

    def progress(done: int, total: int) -> None:
        if done % FHIR_PROGRESS_EVERY == 0 or done == total:
            print(
                f"import fhir: {done} of {total} entries written (committed when all are)",
                file=sys.stderr,
                flush=True,
            )

    def work() -> int:
        actor = _actor(args.actor)
        site = Site.objects.filter(code=args.site).first()
        if site is None:
            raise InputRefused("--site", args.site, "the code of an existing site")
        try:
            raw = sys.stdin.buffer.read() if str(args.file) == "-" else args.file.read_bytes()
        except OSError as exc:
            raise InputRefused(
                "FILE", str(args.file), f"a readable file ({exc.strerror})"
            ) from None
        patient = None
        if args.patient is not None:
            patient = Patient.objects.filter(site=site, mrn=args.patient.upper()).first()
            if patient is None:
                expected = f"the MRN of a patient of {site.code}"
                raise InputRefused("--patient", args.patient, expected)
        report = import_fhir_bundle(
            actor=actor, site=site, bundle=raw, progress=progress, patient=patient
        )
        print(json.dumps(report.as_dict(), indent=2))
        return EXIT_OK

    return _guarded(work)


def _load_cohort(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.synth.cohort_load import load_synthetic_cohort

    def progress(written: int, total: int) -> None:
        print(
            f"load-cohort: {written} of {total} patients written (committed when all are)",
            file=sys.stderr,
            flush=True,
        )

    def work() -> int:
        actor = _actor(args.actor)
        counts = load_synthetic_cohort(
            actor=actor,
            directory=args.directory,
            limit=args.limit,
            diaries=args.diaries,
            progress=progress,
        )
        print(
            ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items())
            + " loaded"
        )
        return EXIT_OK

    return _guarded(work)
