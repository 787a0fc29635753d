"""The audit chain: every write and chart read leaves an event; tampering is detected."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ketaclinic.audit.actions import record_event
from ketaclinic.audit.models import AuditEvent
from ketaclinic.audit.verify import verify_chain
from ketaclinic.core.append_only import drop_sql

pytestmark = pytest.mark.django_db


def _bypass_guard(operation: str) -> None:
    """What an attacker with database-owner rights could do: drop the append-only trigger."""
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor, "audit_auditevent", operation):
            cursor.execute(statement)


def _events(n: int) -> list[AuditEvent]:
    return [record_event(actor=None, action="test.event", detail={"n": i}) for i in range(n)]


def test_a_fresh_chain_verifies(world):
    _events(5)
    report = verify_chain()
    assert report.ok, report.problems
    assert report.events_checked == AuditEvent.objects.count() > 5


def test_each_event_links_to_the_previous_hash(world):
    first, second = _events(2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_the_database_refuses_to_update_an_event(world):
    event = _events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")


def test_the_database_refuses_to_delete_an_event(world):
    event = _events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_verify_detects_an_edited_row(world):
    events = _events(3)
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_username="someone-else")
    report = verify_chain()
    assert not report.ok
    assert any(f"#{events[1].seq}: contents changed" in p for p in report.problems)


def test_verify_detects_an_edited_detail(world):
    events = _events(2)
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=events[0].pk).update(detail={"n": 99})
    assert not verify_chain().ok


def test_verify_detects_a_deleted_row_in_the_middle(world):
    events = _events(3)
    _bypass_guard("DELETE")
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = verify_chain()
    assert not report.ok
    assert any("missing (deleted)" in p for p in report.problems)


def test_verify_detects_events_cut_from_the_end(world):
    events = _events(3)
    _bypass_guard("DELETE")
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    report = verify_chain()
    assert not report.ok
    assert any("deleted from the end" in p for p in report.problems)


def test_verify_detects_a_rewritten_chain_tail_with_a_consistent_forgery(world):
    """Re-hashing an edited event breaks the link from the next one."""
    events = _events(3)
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=events[1].pk).update(hash="f" * 64)
    report = verify_chain()
    assert any(f"#{events[2].seq}: previous-hash link broken" in p for p in report.problems)
