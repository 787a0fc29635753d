"""The audit log: every write and chart read leaves an event; the sealer chains them in order;
tampering with a sealed or a not-yet-sealed event is detected (ADR 0008)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ketaclinic.audit.actions import record_event
from ketaclinic.audit.models import AuditEvent, AuditHead, AuditPending, AuditSeal
from ketaclinic.audit.sealing import seal_pending
from ketaclinic.audit.verify import verify_chain
from ketaclinic.core.append_only import drop_sql

pytestmark = pytest.mark.django_db


def _bypass_guard(operation: str, table: str = "audit_auditevent") -> None:
    """What an attacker with database-owner rights could do: drop the append-only trigger."""
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor, table, operation):
            cursor.execute(statement)


def _events(n: int) -> list[AuditEvent]:
    return [record_event(actor=None, action="test.event", detail={"n": i}) for i in range(n)]


def _sealed(n: int) -> list[AuditSeal]:
    events = _events(n)
    seal_pending()
    return list(AuditSeal.objects.filter(event__in=events).order_by("seq"))


def test_a_fresh_log_verifies_before_and_after_sealing(world):
    _events(5)
    report = verify_chain()
    assert report.ok, report.problems
    assert report.events_checked == AuditEvent.objects.count() > 5
    assert report.unsealed == AuditPending.objects.count() > 0
    seal_pending()
    report = verify_chain()
    assert report.ok, report.problems
    assert (report.events_checked, report.unsealed) == (AuditEvent.objects.count(), 0)


def test_writing_an_event_is_one_insert_and_never_touches_the_head(world):
    with CaptureQueriesContext(connection) as queries:
        event = record_event(actor=None, action="test.event")
    assert len(queries) == 1
    assert "audit_audithead" not in queries[0]["sql"]
    assert AuditPending.objects.filter(event=event).exists()  # queued by the trigger


def test_the_sealer_chains_queued_events_in_order_and_empties_the_queue(world):
    first, second = _sealed(2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert first.event_id < second.event_id
    assert not AuditPending.objects.exists()
    head = AuditHead.objects.get()
    assert (head.last_seq, head.last_hash) == (second.seq, second.hash)
    assert seal_pending().events == 0  # nothing sealed twice


def test_the_database_refuses_to_update_or_delete_an_event_or_a_seal(world):
    seal = _sealed(1)[0]
    for rows in (AuditEvent.objects.filter(pk=seal.event_id), AuditSeal.objects.filter(pk=seal.pk)):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            rows.update(prev_hash="0" * 64) if rows.model is AuditSeal else rows.update(
                action="tampered"
            )
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            rows.delete()


def test_verify_detects_an_edited_sealed_event(world):
    seals = _sealed(3)
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=seals[1].event_id).update(actor_username="someone-else")
    report = verify_chain()
    assert not report.ok
    assert any(f"#{seals[1].seq}: contents changed" in p for p in report.problems)


def test_verify_detects_an_edited_detail_even_with_its_entry_hash_redone(world):
    seals = _sealed(2)
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=seals[0].event_id).update(detail={"n": 99}, entry_hash="")
    assert not verify_chain().ok


def test_verify_detects_an_edited_event_that_is_not_sealed_yet(world):
    event = _events(2)[1]
    _bypass_guard("UPDATE")
    AuditEvent.objects.filter(pk=event.pk).update(detail={"n": 99})
    report = verify_chain()
    assert [f"unsealed event {event.pk}: contents changed since it was written"] == [
        p for p in report.problems if "unsealed" in p
    ]


def test_verify_detects_an_unsealed_event_taken_off_the_sealers_queue(world):
    event = _events(1)[0]
    AuditPending.objects.filter(event=event).delete()
    report = verify_chain()
    assert any(f"unsealed event {event.pk} is no longer queued" in p for p in report.problems)


def test_verify_detects_a_deleted_sealed_event_in_the_middle(world):
    seals = _sealed(3)
    _bypass_guard("DELETE")
    AuditEvent.objects.filter(pk=seals[1].event_id).delete()
    report = verify_chain()
    assert not report.ok
    assert any("missing (deleted" in p for p in report.problems)


def test_verify_detects_a_deleted_seal(world):
    seals = _sealed(3)
    _bypass_guard("DELETE", "audit_auditseal")
    AuditSeal.objects.filter(pk=seals[1].pk).delete()
    report = verify_chain()
    assert any("missing (deleted)" in p for p in report.problems)
    assert any("previous-hash link broken" in p for p in report.problems)


def test_verify_detects_events_cut_from_the_sealed_end(world):
    seals = _sealed(3)
    _bypass_guard("DELETE")
    _bypass_guard("DELETE", "audit_auditseal")
    AuditSeal.objects.filter(pk=seals[-1].pk).delete()
    AuditEvent.objects.filter(pk=seals[-1].event_id).delete()
    report = verify_chain()
    assert not report.ok
    assert any("deleted from the end" in p for p in report.problems)


def test_verify_detects_a_rewritten_chain_tail_with_a_consistent_forgery(world):
    """Re-hashing an edited event breaks the link from the next one."""
    seals = _sealed(3)
    _bypass_guard("UPDATE", "audit_auditseal")
    AuditSeal.objects.filter(pk=seals[1].pk).update(hash="f" * 64)
    report = verify_chain()
    assert any(f"#{seals[2].seq}: previous-hash link broken" in p for p in report.problems)


def test_an_event_committed_after_later_ones_were_sealed_is_sealed_next(world):
    """Sequence numbers follow sealing, not insertion: a late commit is chained when it lands."""
    early = _sealed(1)[0]
    late = record_event(actor=None, action="test.late")
    seal_pending()
    assert AuditSeal.objects.get(event=late).seq == early.seq + 1
    assert verify_chain().ok
