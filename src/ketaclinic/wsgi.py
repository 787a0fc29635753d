"""WSGI entry point (gunicorn ketaclinic.wsgi)."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketaclinic.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every view, compile every URL pattern and template now (Django does each lazily,
    on the first request that needs it): with gunicorn's --preload this happens once, before the
    workers fork, instead of in the first request each worker answers. No database access."""
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 - imports every URLconf and view, compiles every pattern
    for _prefix, namespace in resolver.namespace_dict.values():
        namespace.reverse_dict  # noqa: B018 - {% url 'app:name' %} reverses through these
    django_engine = engines["django"]
    for path in Path(__file__).parent.glob("*/templates/**/*.html"):
        # compiled once into the cached loader, which the workers inherit
        name = "/".join(path.parts[path.parts.index("templates") + 1 :])
        django_engine.get_template(name)
    connections.close_all()  # never share a connection with the forked workers


_warm_up()
