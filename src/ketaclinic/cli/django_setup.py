"""Start Django for the commands that need the database."""

from __future__ import annotations

import os
from pathlib import Path


def setup_django() -> None:
    """Configure Django; on SQLite, make sure the database's folder exists first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketaclinic.settings")
    import django
    from django.conf import settings

    django.setup()
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
