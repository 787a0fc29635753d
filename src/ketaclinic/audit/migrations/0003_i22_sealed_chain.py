"""Issue 22: the audit log without a shared lock (ADR 0008).

Events are inserted freely and queued (by a trigger) for the sealer, which appends their seals to
the hash chain. The chain written so far moves into ``AuditSeal`` with its sequence numbers and
hashes unchanged, so signed checkpoints written before this migration still verify.
"""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from ketaclinic.core.append_only import RefuseChanges

_QUEUE_SQL = {
    "postgresql": [
        """
        CREATE OR REPLACE FUNCTION ketaclinic_audit_queue() RETURNS trigger AS $$
        BEGIN
            INSERT INTO audit_auditpending (event_id) VALUES (NEW.id);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """,
        "DROP TRIGGER IF EXISTS kc_audit_queue ON audit_auditevent",
        "CREATE TRIGGER kc_audit_queue AFTER INSERT ON audit_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION ketaclinic_audit_queue()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS kc_audit_queue",
        "CREATE TRIGGER kc_audit_queue AFTER INSERT ON audit_auditevent BEGIN "
        "INSERT INTO audit_auditpending (event_id) VALUES (NEW.id); END",
    ],
}
_UNQUEUE_SQL = {
    "postgresql": ["DROP TRIGGER IF EXISTS kc_audit_queue ON audit_auditevent"],
    "sqlite": ["DROP TRIGGER IF EXISTS kc_audit_queue"],
}


def _run(statements: dict[str, list[str]], schema_editor: Any) -> None:
    for statement in statements[schema_editor.connection.vendor]:
        schema_editor.execute(statement, params=None)


def queue_every_new_event(_apps: Any, schema_editor: Any) -> None:
    """Every inserted event, however it is inserted, is queued for the sealer."""
    _run(_QUEUE_SQL, schema_editor)


def stop_queueing(_apps: Any, schema_editor: Any) -> None:
    _run(_UNQUEUE_SQL, schema_editor)


def seal_the_existing_chain(apps: Any, _schema_editor: Any) -> None:
    """One seal per event already chained, with its sequence number and hashes as they are."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    rows = AuditEvent.objects.order_by("seq").values_list(
        "id", "seq", "prev_hash", "hash", "occurred_at"
    )
    batch = []
    for event_id, seq, prev_hash, digest, occurred_at in rows.iterator(chunk_size=5000):
        batch.append(
            AuditSeal(
                seq=seq, event_id=event_id, prev_hash=prev_hash, hash=digest, sealed_at=occurred_at
            )
        )
        if len(batch) == 5000:
            AuditSeal.objects.bulk_create(batch)
            batch = []
    AuditSeal.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(unique=True)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="seal",
                        to="audit.auditevent",
                    ),
                ),
            ],
            options={"ordering": ["-seq"]},
        ),
        migrations.RunPython(seal_the_existing_chain, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="pending",
                        serialize=False,
                        to="audit.auditevent",
                    ),
                ),
            ],
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-id"]}),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="seq"),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        # On SQLite the field changes above rebuild the events table, dropping its triggers:
        # install the guard again (PostgreSQL: replaced in place), and guard the seals too.
        RefuseChanges("audit_auditevent", ("UPDATE", "DELETE")),
        RefuseChanges("audit_auditseal", ("UPDATE", "DELETE")),
        migrations.RunPython(queue_every_new_event, stop_queueing),
    ]
