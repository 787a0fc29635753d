"""An export as one zip archive, for the exports page and the API (the CLI writes a folder).

The export is written to a private temporary folder, zipped there, and handed back as an open
file whose folder is already gone: the caller streams it (``FileResponse``) and, on close, the
last trace disappears from the disk. Memory stays flat: both the export and the zip stream.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone

from ketaclinic.interop import exports
from ketaclinic.interop.scope import ExportScope

FORMATS = ("parquet", "redcap", "fhir")


@dataclass
class Archive:
    file: BinaryIO
    filename: str


def export_archive(*, scope: ExportScope, fmt: str) -> Archive:
    """Run the export (checked and audited by :mod:`.exports`) and zip it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    kind = "deidentified" if scope.deidentify else "identified"
    name = f"ketaclinic-{fmt}-{kind}-{'-'.join(scope.site_codes)}-{timezone.localdate():%Y%m%d}"
    folder = Path(tempfile.mkdtemp(prefix="ketaclinic-export-"))
    try:
        out = folder / name
        getattr(exports, f"export_{fmt}")(scope=scope, out=out)
        zipped = folder / f"{name}.zip"
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, arcname=f"{name}/{path.relative_to(out)}")
        handle = zipped.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Archive(file=handle, filename=f"{name}.zip")
