"""`ketaclinic backup` and `audit verify --checkpoints`, as an operator runs them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketaclinic.core.append_only import drop_sql
from tests.demo_template import run, run_sql


@pytest.fixture
def demo_env(demo_template, tmp_path: Path) -> Iterator[dict[str, str]]:
    name = f"kc_checkpoint_cmds_{os.getpid()}"
    yield demo_template.clone(tmp_path / "demo", name)
    demo_template.drop(name)


def test_a_rewound_log_passes_alone_and_fails_against_the_checkpoints(
    demo_env, demo_template, tmp_path
):
    checkpoint_file = Path(demo_env["KETACLINIC_DATA_DIR"]) / "audit-checkpoints.jsonl"
    made = run(demo_env, "backup", "--out", str(tmp_path / "demo.backup"))
    assert made.returncode == 0, made.stderr
    assert "audit checkpoint: event #" in made.stdout  # every backup is checkpointed
    [(last_seq,)] = run_sql(demo_env, "SELECT max(seq) FROM audit_auditseal")
    again = run(demo_env, "audit", "checkpoint")
    assert again.returncode == 0, again.stderr
    assert "nothing new to sign" in again.stdout  # no event since the backup's checkpoint

    clean = run(demo_env, "audit", "verify", "--checkpoints", str(checkpoint_file))
    assert clean.returncode == 0, clean.stderr
    assert "against the checkpoints" in clean.stdout

    keep = int(str(last_seq)) - 3
    for table in ("audit_auditevent", "audit_auditseal"):
        for statement in drop_sql(demo_template.engine, table, "DELETE"):
            run_sql(demo_env, statement)
    run_sql(
        demo_env,
        "DELETE FROM audit_auditevent WHERE id IN "
        f"(SELECT event_id FROM audit_auditseal WHERE seq > {keep})",
    )
    run_sql(demo_env, f"DELETE FROM audit_auditseal WHERE seq > {keep}")
    run_sql(
        demo_env,
        "UPDATE audit_audithead SET last_seq = e.seq, last_hash = e.hash "
        f"FROM (SELECT seq, hash FROM audit_auditseal WHERE seq = {keep}) AS e",
    )

    alone = run(demo_env, "audit", "verify")
    assert alone.returncode == 0  # a consistent, shorter chain: the limit checkpoints close
    assert "cannot be ruled out" in alone.stdout
    caught = run(demo_env, "audit", "verify", "--checkpoints", str(checkpoint_file))
    assert caught.returncode == 1
    assert "checkpoint line 1" in caught.stderr
    assert f"the chain ends at event #{keep}" in caught.stderr


def test_a_missing_checkpoint_file_is_bad_input(demo_env, tmp_path):
    missing = run(demo_env, "audit", "verify", "--checkpoints", str(tmp_path / "nowhere.jsonl"))
    assert missing.returncode == 2
    assert "nowhere.jsonl" in missing.stderr
