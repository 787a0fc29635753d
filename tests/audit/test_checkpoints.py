"""Signed checkpoints: a chain cut short with its head rewound is caught; forgeries are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core import mail
from django.db import connection
from django_tasks_db.models import DBTaskResult

from ketaclinic.audit import checkpoints
from ketaclinic.audit.actions import record_event
from ketaclinic.audit.checkpointing import verify_against_checkpoints, write_checkpoint
from ketaclinic.audit.models import AuditEvent, AuditHead, AuditSeal
from ketaclinic.audit.sealing import seal_pending
from ketaclinic.audit.tasks import CHECKPOINT_TASK, ensure_checkpoint_scheduled
from ketaclinic.audit.verify import verify_chain
from ketaclinic.core.append_only import drop_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(settings, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_KEY = tmp_path / "keys" / "audit.key"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    settings.AUDIT_CHECKPOINT_COPY_DIR = None
    settings.AUDIT_CHECKPOINT_EMAIL = []
    return tmp_path


def _events(n: int) -> list[AuditEvent]:
    return [record_event(actor=None, action="test.event", detail={"n": i}) for i in range(n)]


def _cut_tail_and_rewind_head(keep: int) -> None:
    """What someone with the database owner's rights could do: delete the newest events and set
    the head back to the last one kept, leaving a shorter chain that is valid in itself."""
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_auditseal"):
            for statement in drop_sql(connection.vendor, table, "DELETE"):
                cursor.execute(statement)
    cut = AuditSeal.objects.filter(seq__gt=keep)
    AuditEvent.objects.filter(pk__in=list(cut.values_list("event_id", flat=True))).delete()
    cut.delete()
    last = AuditSeal.objects.get(seq=keep)
    AuditHead.objects.filter(id=1).update(last_seq=last.seq, last_hash=last.hash)


def test_an_untouched_log_verifies_against_every_checkpoint(places):
    _events(3)
    first = write_checkpoint()
    _events(2)
    second = write_checkpoint()
    assert first.signed is not None
    assert second.signed is not None
    assert (first.signed.checkpoint.seq, second.signed.checkpoint.seq) == (3, 5)
    assert verify_against_checkpoints(places / "audit-checkpoints.jsonl") == []


def test_nothing_is_signed_twice_when_no_event_was_added(places):
    _events(2)
    assert write_checkpoint().signed is not None
    assert write_checkpoint().signed is None
    lines = (places / "audit-checkpoints.jsonl").read_text().splitlines()
    assert len(lines) == 1


def test_a_tail_cut_with_the_head_rewound_is_caught_only_by_the_checkpoint(places):
    _events(5)
    write_checkpoint()
    _cut_tail_and_rewind_head(keep=3)
    assert verify_chain().ok  # the limit of a chain kept only in its own database
    [problem] = verify_against_checkpoints(places / "audit-checkpoints.jsonl")
    assert "checkpoint line 1" in problem
    assert "event #5" in problem
    assert "the chain ends at event #3" in problem


def test_a_chain_rewritten_through_a_checkpoint_is_caught(places):
    _events(3)
    write_checkpoint()
    _cut_tail_and_rewind_head(keep=2)
    record_event(actor=None, action="test.forged", detail={"n": 99})  # a new #3 in its place
    seal_pending()
    assert verify_chain().ok
    [problem] = verify_against_checkpoints(places / "audit-checkpoints.jsonl")
    assert "event #3 has another hash than was signed" in problem


def test_a_forged_checkpoint_is_refused(places):
    _events(2)
    write_checkpoint()
    path = places / "audit-checkpoints.jsonl"
    last = AuditSeal.objects.get(seq=2)
    forged_point = checkpoints.Checkpoint("main", 2, last.hash, datetime.now(UTC))
    checkpoints.append(path, checkpoints.sign(forged_point, Ed25519PrivateKey.generate()))
    [problem] = verify_against_checkpoints(path)
    assert "checkpoint line 2" in problem
    assert "signature does not verify" in problem


def test_an_edited_checkpoint_line_is_refused(places):
    _events(4)
    write_checkpoint()
    path = places / "audit-checkpoints.jsonl"
    path.write_text(path.read_text().replace('"seq":4', '"seq":2'))
    [problem] = verify_against_checkpoints(path)
    assert "signature does not verify" in problem


def test_a_verifier_needs_only_the_public_key(places):
    _events(2)
    write_checkpoint()
    public = checkpoints.public_path(places / "keys" / "audit.key")
    assert b"PUBLIC KEY" in public.read_bytes()
    assert verify_against_checkpoints(places / "audit-checkpoints.jsonl", public) == []
    wrong = places / "other.pub"
    wrong.write_bytes(checkpoints.public_pem(Ed25519PrivateKey.generate().public_key()))
    [problem] = verify_against_checkpoints(places / "audit-checkpoints.jsonl", wrong)
    assert "signature does not verify" in problem


def test_an_unreadable_checkpoint_file_names_its_line(places):
    path = places / "audit-checkpoints.jsonl"
    path.write_text('{"chain": "main"}\n')
    with pytest.raises(checkpoints.CheckpointError, match="line 1: not a checkpoint"):
        list(checkpoints.read(path))


def test_the_key_is_private_to_its_owner(places):
    _events(1)
    write_checkpoint()
    key = places / "keys" / "audit.key"
    assert key.stat().st_mode & 0o077 == 0


def test_every_checkpoint_also_goes_to_the_second_places(places, settings):
    settings.AUDIT_CHECKPOINT_COPY_DIR = str(places / "other-volume")
    settings.AUDIT_CHECKPOINT_EMAIL = ["security@clinic.example"]
    _events(2)
    written = write_checkpoint()
    copy = places / "other-volume" / "audit-checkpoints.jsonl"
    assert copy.read_text() == (places / "audit-checkpoints.jsonl").read_text()
    [message] = mail.outbox
    assert message.to == ["security@clinic.example"]
    assert written.signed is not None
    assert written.signed.to_line() in message.body
    assert verify_against_checkpoints(copy) == []


def test_the_worker_writes_a_checkpoint_on_schedule(places, settings, run_worker):
    settings.AUDIT_CHECKPOINT_MINUTES = 5
    path = places / "audit-checkpoints.jsonl"
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        _events(2)
        assert ensure_checkpoint_scheduled()
        assert not ensure_checkpoint_scheduled()  # exactly one run waits at a time
        run_worker()
        assert len(path.read_text().splitlines()) == 1
        _events(1)
        clock.shift(timedelta(minutes=4))
        run_worker()  # the next one is not due yet
        assert len(path.read_text().splitlines()) == 1
        clock.shift(timedelta(minutes=1))
        run_worker()
        lines = [s.checkpoint for s in checkpoints.read(path)]
    assert [(p.seq, p.time) for p in lines] == [(2, start), (3, start + timedelta(minutes=5))]
    waiting = DBTaskResult.objects.filter(task_path=CHECKPOINT_TASK, status="READY")
    assert [task.run_after for task in waiting] == [start + timedelta(minutes=10)]


def test_the_audit_page_tells_the_admin_where_the_checkpoints_stand(
    places, settings, world, browser_client
):
    from django.urls import reverse

    page = browser_client(world.admin).get(reverse("audit:search")).content.decode()
    assert "No checkpoint written yet" in page
    assert "kept only in the data directory" in page
    write_checkpoint()
    settings.AUDIT_CHECKPOINT_COPY_DIR = str(places / "copy")
    page = browser_client(world.admin).get(reverse("audit:search")).content.decode()
    newest = checkpoints.newest(places / "audit-checkpoints.jsonl")
    assert newest is not None
    assert f"Newest checkpoint: event #{newest.seq}" in page
    assert "kept only in the data directory" not in page


def test_the_newest_checkpoint_is_read_from_the_end_of_a_long_file(places):
    _events(1)
    write_checkpoint()
    path = places / "audit-checkpoints.jsonl"
    line = path.read_text()
    path.write_text(line * 2000)  # ~400 kB: read from its last 16 kB only
    newest = checkpoints.newest(path)
    assert newest is not None
    assert newest.seq == 1
    assert checkpoints.newest(places / "absent.jsonl") is None
