"""Server sub-commands: serve, migrate, demo, createuser.

Each one starts Django only when it runs, so ``ketaclinic --help`` and the clinical commands
stay fast and work without a database.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from ketaclinic.cli.django_setup import setup_django
from ketaclinic.cli.supervisor import run_together


def register(subparsers: Any) -> None:
    """Add the server sub-commands to ``subparsers``."""
    serve = subparsers.add_parser(
        "serve", help="serve the web application", description="Serve KetaClinic over HTTP."
    )
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    serve.add_argument(
        "--reload", action="store_true", help="Django's development server, reloading on change"
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background task worker (run 'ketaclinic worker' elsewhere)",
    )
    serve.set_defaults(handler=_serve)

    migrate = subparsers.add_parser(
        "migrate",
        help="create or update the database tables",
        description="Apply database migrations (SQLite by default, DATABASE_URL otherwise).",
    )
    migrate.set_defaults(handler=_migrate)

    demo = subparsers.add_parser(
        "demo",
        help="load synthetic demo data (idempotent)",
        description="Create two sites, one user per role and ~40 synthetic patients, once.",
    )
    demo.set_defaults(handler=_demo)

    createuser = subparsers.add_parser(
        "createuser",
        help="create a user with a role",
        description="Create a user. The password is read from KETACLINIC_PASSWORD or asked for.",
    )
    createuser.add_argument("username")
    createuser.add_argument(
        "--role",
        required=True,
        choices=["admin", "clinician", "nurse", "pharmacist", "researcher", "patient"],
    )
    createuser.add_argument("--site", action="append", default=[], help="site code (repeatable)")
    createuser.add_argument("--email", default="")
    createuser.set_defaults(handler=_createuser)


def _serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    # The processes started below read it: KETACLINIC_PUBLIC_URL's development default follows it.
    os.environ["PORT"] = str(args.port)
    worker = [sys.executable, "-m", "ketaclinic.cli", "worker"]
    if args.reload:
        runserver = [sys.executable, "-m", "django", "runserver", f"{args.host}:{args.port}"]
        return run_together([runserver] if args.no_worker else [runserver, worker])
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ketaclinic.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        # Load the application (Django, every URL and view: see wsgi.py) once, before the workers
        # fork: the first request is then as fast as the second, and the workers share its memory.
        "--preload",
    ]
    print(f"KetaClinic serving on http://{args.host}:{args.port}/", flush=True)
    if args.no_worker:
        os.execv(sys.executable, command)  # noqa: S606 - replaces this process with gunicorn
    print("Background worker started (reminders, alert e-mails).", flush=True)
    return run_together([command, worker])


def _migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def _demo(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.demo.seed import DEMO_PASSWORD, seed_demo

    report = seed_demo()
    print(report.summary())
    print(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
    for username, role, sites in report.logins:
        print(f"  {username:<16} {role:<11} {sites}")
    return 0


def _createuser(args: argparse.Namespace) -> int:
    setup_django()
    from ketaclinic.accounts.actions import create_user
    from ketaclinic.accounts.models import Site
    from ketaclinic.core.errors import Conflict, InputRefused

    password = os.environ.get("KETACLINIC_PASSWORD") or getpass.getpass("Password: ")
    sites = list(Site.objects.filter(code__in=args.site))
    missing = set(args.site) - {site.code for site in sites}
    if missing:
        print(f"site: {sorted(missing)[0]!r} unknown", file=sys.stderr)
        return 2
    try:
        user = create_user(
            actor=None,
            username=args.username,
            password=password,
            role=args.role,
            sites=sites,
            email=args.email,
        )
    except (InputRefused, Conflict) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"created {user.username} ({user.role})")
    return 0
