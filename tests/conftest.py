"""Shared fixtures: the personas every app test uses, built through the real actions.

Personas: the owning clinician, a nurse and a pharmacist at site North; a clinician
and a nurse at site South (the outsiders for North's data); a researcher; a clinic admin; the
patient with a portal account and another patient.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import settings as hypothesis_settings

from ketaclinic.accounts.actions import create_site, create_user, issue_api_token
from ketaclinic.accounts.models import Site, User
from ketaclinic.patients.actions import create_patient, link_patient_account
from ketaclinic.patients.models import Patient

# Playwright's sync API keeps an asyncio loop running in the test process's main thread from the
# first browser test to the end of the session. Under xdist a worker runs other modules after a
# browser module, and Django's async-safety check would then refuse their every ORM call
# (SynchronousOnlyOperation). The check guards async views; KetaClinic has none, and the app under
# test runs in its own server process, so the tests switch it off (Django's documented switch).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis's 200 ms deadline per example is a timed assertion, which a loaded CI worker trips
# (an ICHD-3 property example took 552 ms under coverage): speed is measured in benchmarks/,
# never asserted in tests. Every property still runs its examples in full.
hypothesis_settings.register_profile("ketaclinic", deadline=None)
hypothesis_settings.load_profile("ketaclinic")

PASSWORD = "correct-horse-battery-9"
LEDGER_TESTS = Path(__file__).parent / "inventory"


@pytest.fixture(autouse=True)
def _ledger_close_check_in_ledger_tests_only(request: pytest.FixtureRequest) -> Iterator[None]:
    """The ledger's close check (drawn = administered + wasted) runs in the ledger's
    own tests; other apps' tests discharge sessions without stocking a vial first. The demo,
    the browser tests and production always run it."""
    from ketaclinic.inventory.queries.session import ledger_close_problems
    from ketaclinic.inventory.session_ledger import CLOSE_CHECK
    from ketaclinic.treatment.closing_checks import register_close_check, unregister_close_check

    if LEDGER_TESTS in Path(str(request.node.path)).parents:
        yield
        return
    unregister_close_check(CLOSE_CHECK)
    try:
        yield
    finally:
        register_close_check(CLOSE_CHECK, ledger_close_problems)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a rolled-back test leaves a cached diary summary
    whose key (patient id, counts of days and responses) the next test's data can repeat."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Run Django's ``db_worker`` over the queue until it is empty, in this test's transaction.

    The worker recycles database connections between tasks (``close_old_connections``), which
    would close the connection holding the test's transaction, so that one call is made a no-op,
    as Django's own test runner does for the request signals. Everything else is the real worker.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    return run


@dataclass
class World:
    north: Site
    south: Site
    admin: User
    clinician: User
    nurse: User
    pharmacist: User
    researcher: User
    clinician_south: User
    nurse_south: User
    patient_user: User
    other_patient_user: User
    patient: Patient
    other_patient: Patient
    south_patient: Patient

    def staff(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "clinician": self.clinician,
            "nurse": self.nurse,
            "pharmacist": self.pharmacist,
            "researcher": self.researcher,
            "clinician_south": self.clinician_south,
            "nurse_south": self.nurse_south,
        }


def make_user(username: str, role: str, sites: list[Site]) -> User:
    return create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        sites=sites,
        first_name=username.title(),
        check_password_strength=False,
    )


def make_patient(actor: User, site: Site, mrn: str, **overrides: Any) -> Patient:
    fields: dict[str, Any] = {
        "given_name": "Test",
        "family_name": f"Patient{mrn}",
        "date_of_birth": date(1985, 4, 12),
        "sex": "female",
        "email": f"{mrn.lower()}@example.org",
        "phone": "555-0100",
    }
    fields.update(overrides)
    return create_patient(actor=actor, site=site, mrn=mrn, **fields)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The shared personas and patients, through the real actions (the ``world`` fixture; the
    authorisation matrix builds it once per module)."""
    north = create_site(actor=None, code="north", name="North Headache Centre")
    south = create_site(actor=None, code="south", name="South Infusion Centre")
    admin = make_user("admin1", "admin", [north, south])
    clinician = make_user("clin1", "clinician", [north])
    patient = make_patient(clinician, north, "N-1", given_name="Hana", family_name="Lindqvist")
    other_patient = make_patient(clinician, north, "N-2", given_name="Olga", family_name="Whitlock")
    clinician_south = make_user("clin_south", "clinician", [south])
    south_patient = make_patient(
        clinician_south, south, "S-1", given_name="Ivo", family_name="Varga"
    )
    patient_user = make_user("pat1", "patient", [])
    other_patient_user = make_user("pat2", "patient", [])
    link_patient_account(actor=clinician, patient=patient, account=patient_user)
    link_patient_account(actor=clinician, patient=other_patient, account=other_patient_user)
    return World(
        north=north,
        south=south,
        admin=admin,
        clinician=clinician,
        nurse=make_user("nurse1", "nurse", [north]),
        pharmacist=make_user("pharm1", "pharmacist", [north]),
        researcher=make_user("research1", "researcher", [north, south]),
        clinician_south=clinician_south,
        nurse_south=make_user("nurse_south", "nurse", [south]),
        patient_user=patient_user,
        other_patient_user=other_patient_user,
        patient=Patient.objects.get(pk=patient.pk),
        other_patient=Patient.objects.get(pk=other_patient.pk),
        south_patient=south_patient,
    )


class ApiClient:
    """A JSON client holding a bearer token, as an outside system would call the API."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, secret = issue_api_token(user=user)
            self.headers["Authorization"] = f"Bearer {secret}"

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        call = getattr(self.client, method)
        if body is None:
            return call(path, headers=self.headers)
        data = body if isinstance(body, str) else json.dumps(body, default=str)
        return call(path, data=data, content_type="application/json", headers=self.headers)

    def get(self, path: str) -> Any:
        return self._send("get", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def delete(self, path: str) -> Any:
        return self._send("delete", path)


@pytest.fixture
def api() -> Callable[[User | None], ApiClient]:
    return ApiClient


@pytest.fixture
def browser_client() -> Callable[[User], Client]:
    """A page client logged in as ``user`` (session cookie, as a browser)."""

    def login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


def count_queries(client: Client, url: str) -> int:
    """How many SQL statements one GET of ``url`` runs (for pinning page query counts)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


@pytest.fixture(scope="session")
def demo_template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The demo database, built once per run through the real command; clone it per test.
    Under pytest-xdist one is built for all the workers (tests.shared_databases)."""
    from tests.demo_template import build_template, shared_template

    if _xdist_worker(request.config):
        yield shared_template(_shared_folder(tmp_path_factory))
        return
    template = build_template(tmp_path_factory.mktemp("demo-template"))
    yield template
    if template.database:
        template.drop(template.database)


def _xdist_worker(config: pytest.Config) -> str | None:
    return getattr(config, "workerinput", {}).get("workerid")


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every xdist worker of this run shares (the parent of each one's basetemp)."""
    return tmp_path_factory.getbasetemp().parent


def pytest_configure(config: pytest.Config) -> None:
    """The controller names the run before it starts any xdist worker (they inherit it)."""
    from tests.shared_databases import run_id

    if not _xdist_worker(config):
        run_id()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller drops the run's shared PostgreSQL templates once every worker is done."""
    from tests.shared_databases import drop_templates

    if not _xdist_worker(session.config) and session.config.getoption("numprocesses", None):
        drop_templates()


_SEEDED: list[str] = []
"""The test database as the migrations left it (literature protocols and the rest they seed),
serialised once when it is set up: put back when a transactional test's flush emptied it."""


def _uses_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return bool(item.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db"} & set(fixtures)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Put back what the migrations seeded once a test's teardown left the database empty.

    A transactional test ends with Django's ``flush``, which empties every table, the
    migrations' literature protocols included. Django runs such tests last for that reason, but
    pytest-django orders tests without a database marker after them, and xdist hands a worker
    whole modules in any order, so a later test could find no protocol (``Protocol.DoesNotExist``).
    After every database test (one query) the seeded contents are loaded again when the
    protocols are gone. The session's last item is left alone: its teardown drops the database.
    """
    result = yield
    if nextitem is not None and _SEEDED and _uses_database(item):
        from pytest_django.plugin import blocking_manager_key

        from ketaclinic.treatment.models import Protocol

        with item.config.stash[blocking_manager_key].unblock():
            if not Protocol.objects.exists():
                _reload_seeded()
    return result


def _reload_seeded() -> None:
    """Empty every table, then load the seeded copy: Django's own serialised rollback, in order.

    The flush that ended the transactional test ran the post-migrate handlers again, so content
    types and permissions are back under new keys (PostgreSQL's sequences are not reset); loading
    the copy over them broke the unique (app_label, model) key. Flushing without those handlers
    first leaves nothing for the copy to collide with.
    """
    from django.core.management import call_command

    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        database=connection.alias,
        reset_sequences=False,
        inhibit_post_migrate=True,
    )
    connection.creation.deserialize_db_from_string(_SEEDED[0])


def _remember_seeded() -> None:
    from ketaclinic.treatment.models import Protocol

    assert Protocol.objects.exists(), "the migrations seed the literature protocols"
    _SEEDED[:] = [connection.creation.serialize_db_to_string()]


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database set-up, except under xdist, where each worker clones the
    run's one migrated template instead of migrating its own (tests.shared_databases)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from tests.shared_databases import admin_url, set_up_worker_database

    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = _xdist_worker(request.config)
    if worker is None or not aliases:
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
            if aliases:
                _remember_seeded()
        yield
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)
        return
    with django_db_blocker.unblock():
        own = set_up_worker_database(
            worker, _shared_folder(tmp_path_factory), verbosity, serialized_aliases
        )
        _remember_seeded()
    yield
    if own is not None:
        from django.db import connection

        from tests.postgres import drop_database

        with django_db_blocker.unblock():
            connection.close()
        url = admin_url()
        assert url is not None
        drop_database(url, own)


@pytest.fixture
def task_worker(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> Callable[[], None]:
    """Run Django's ``db_worker`` over the task queue until it is empty, in this test's
    transaction; background jobs' results go to a temporary folder.

    The worker recycles database connections between tasks (``close_old_connections``), which
    would close the connection holding the test's transaction, so that one call is made a no-op,
    as Django's own test runner does for the request signals. Everything else is the real worker.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    settings.STORAGES = {
        **settings.STORAGES,
        "jobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "jobs")},
        },
    }
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    return run


@pytest.fixture
def finish_job(task_worker: Callable[[], None]) -> Callable[[Client, Any], Any]:
    """Follow a page's "started a job" redirect: run the worker, then download the result."""

    def finish(client: Client, started: Any) -> Any:
        assert started.status_code == 302, started.status_code
        assert started["Location"].startswith("/jobs/"), started["Location"]
        task_worker()
        return read_stream(client.get(started["Location"] + "download/"))

    return finish


def read_stream(response: Any) -> Any:
    """A streamed response (a job's download) read whole into a plain one, headers kept."""
    if not getattr(response, "streaming", False):
        return response
    from django.http import HttpResponse

    whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
    for header, value in response.items():
        whole[header] = value
    return whole
