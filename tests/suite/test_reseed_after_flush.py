"""The suite's own guard: a transactional test's flush must not leave later tests without the
literature protocols the migrations seed (tests/conftest.py, ``_reload_seeded``)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from ketaclinic.treatment.models import Protocol
from tests.conftest import _reload_seeded

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="transactional tests run on PostgreSQL only: SQLite's flush is a DELETE, which the "
        "append-only triggers refuse (PostgreSQL's TRUNCATE is not a row change)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_the_seeded_protocols_come_back_after_a_flush_that_reran_post_migrate() -> None:
    """The flush that ends a transactional test recreates content types and permissions under
    new keys; putting the seeded copy back must not collide with them (PostgreSQL's CI failure:
    duplicate key on django_content_type (app_label, model))."""
    seeded = Protocol.objects.count()
    assert seeded > 0
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    assert not Protocol.objects.exists()
    assert ContentType.objects.exists(), "the flush's post-migrate handlers recreated them"

    _reload_seeded()

    assert Protocol.objects.count() == seeded
    labels = list(ContentType.objects.values_list("app_label", "model"))
    assert len(labels) == len(set(labels))
    assert Permission.objects.filter(codename="add_protocol").count() == 1
