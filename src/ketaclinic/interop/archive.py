"""An export as one zip archive: what the export job stores (the CLI writes a folder).

The export is written to a private temporary folder and zipped there (:func:`write_archive`,
run by the export job, :mod:`.jobs`, which stores the zip and removes the folder). Memory stays
flat: both the export and the zip stream.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from django.utils import timezone

from ketaclinic.interop import exports
from ketaclinic.interop.scope import ExportScope
from ketaclinic.jobs.kinds import Progress

FORMATS = ("parquet", "redcap", "fhir")


def archive_name(scope: ExportScope, fmt: str) -> str:
    kind = "deidentified" if scope.deidentify else "identified"
    return f"ketaclinic-{fmt}-{kind}-{'-'.join(scope.site_codes)}-{timezone.localdate():%Y%m%d}"


def write_archive(
    *, scope: ExportScope, fmt: str, folder: Path, progress: Progress | None = None
) -> Path:
    """Run the export (checked and audited by :mod:`.exports`) into ``folder`` and zip it
    there; the zip's path. ``progress`` hears of each step (a background job's status)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    report = progress or (lambda _percent, _stage: None)
    name = archive_name(scope, fmt)
    out = folder / name
    report(10, f"Writing the {fmt.upper() if fmt != 'parquet' else 'Parquet'} export")
    getattr(exports, f"export_{fmt}")(scope=scope, out=out)
    report(80, "Compressing the files")
    zipped = folder / f"{name}.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                archive.write(path, arcname=f"{name}/{path.relative_to(out)}")
    shutil.rmtree(out, ignore_errors=True)
    return zipped
