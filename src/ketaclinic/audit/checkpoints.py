"""Signed checkpoints of the audit chain, kept outside the database it protects.

A hash chain kept only in its own database cannot catch a writer who cuts events off its end
and rewinds ``AuditHead`` to match: what is left is a valid, shorter chain. Transparency logs
(RFC 9162, Certificate Transparency 2.0, section 4.10 "signed tree heads"; the Go checksum
database's signed notes) close that gap by publishing signed statements of the log's size and
head hash somewhere the log's writer cannot rewrite. A checkpoint here is that statement for our
chain: ``(chain, seq, hash, time)`` signed with an Ed25519 key (RFC 8032) held in a file outside
the database, appended as one JSON line to a checkpoint file and, where configured, to a copy on
another volume and to the security contact's mailbox.

``ketaclinic audit verify --checkpoints FILE`` then requires, for every checkpoint, that the chain
still holds the event at its sequence number with the same hash: a chain cut below a checkpoint,
or rewritten through it, fails with the checkpoint that caught it. See docs/adr (audit
checkpoints) for the decision and docs/operations.md for where to keep the key and the copy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# One chain today (the installation's). Every checkpoint names its chain so that a log split
# into several chains (per site, or sealed batches) gets one checkpoint per chain unchanged.
MAIN_CHAIN = "main"


class CheckpointError(Exception):
    """A key or checkpoint file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    hash: str
    time: datetime

    def message(self) -> bytes:
        """The exact bytes signed: canonical JSON, so any reader can re-derive them."""
        return json.dumps(
            [self.chain, self.seq, self.hash, self.time.isoformat(timespec="microseconds")],
            separators=(",", ":"),
        ).encode()


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    key_id: str
    signature: str
    line: int = 0

    def to_line(self) -> str:
        point = self.checkpoint
        return json.dumps(
            {
                "chain": point.chain,
                "seq": point.seq,
                "hash": point.hash,
                "time": point.time.isoformat(timespec="microseconds"),
                "key": self.key_id,
                "signature": self.signature,
            },
            separators=(",", ":"),
        )

    def describe(self) -> str:
        point = self.checkpoint
        when = point.time.isoformat(timespec="seconds")
        return f"checkpoint line {self.line} (chain {point.chain}, event #{point.seq}, {when})"


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of the public key, so a reader sees which key signed a line."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> SignedCheckpoint:
    signature = base64.b64encode(private_key.sign(checkpoint.message())).decode()
    return SignedCheckpoint(checkpoint, key_id(private_key.public_key()), signature)


def signature_holds(signed: SignedCheckpoint, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(signed.signature), signed.checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True


# --- keys ---------------------------------------------------------------------------------------


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """The signing key at ``path``; created (mode 0600, with ``.pub`` beside it) if absent.

    Created on first use so a new installation checkpoints from its first day; an operator
    moves it to a volume the database's writers cannot reach (docs/operations.md).
    """
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"{path}: not a PEM private key ({exc})") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError(f"{path}: not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_path(path).write_bytes(public_pem(key.public_key()))
    return key


def public_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A PEM public key, or the public half of a PEM private key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read the key ({exc.strerror})") from exc
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"{path}: not a PEM key") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise CheckpointError(f"{path}: not an Ed25519 key") from None
        return private.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path}: not an Ed25519 key")
    return key


# --- the checkpoint file ------------------------------------------------------------------------


def append(path: Path, signed: SignedCheckpoint) -> None:
    """Append one line and flush it to disk: the file only ever grows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="ascii") as handle:
        handle.write(signed.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path) -> Iterator[SignedCheckpoint]:
    """Every checkpoint of the file, in order; a line that is not one is an error naming it."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: cannot read the checkpoints ({exc})") from exc
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
            point = Checkpoint(
                chain=str(raw["chain"]),
                seq=int(raw["seq"]),
                hash=str(raw["hash"]),
                time=datetime.fromisoformat(raw["time"]),
            )
            yield SignedCheckpoint(point, str(raw["key"]), str(raw["signature"]), number)
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"{path} line {number}: not a checkpoint ({exc})") from exc


def last_seq(path: Path, chain: str) -> int:
    """The highest sequence number already checkpointed for ``chain`` (0 without a file)."""
    if not path.exists():
        return 0
    return max((s.checkpoint.seq for s in read(path) if s.checkpoint.chain == chain), default=0)


# --- checking a chain against them --------------------------------------------------------------


def problems_against(
    checkpoints: Iterable[SignedCheckpoint],
    public_key: Ed25519PublicKey,
    *,
    chain_hashes: dict[int, str],
    chain_end: int,
    chain: str = MAIN_CHAIN,
) -> list[str]:
    """What the checkpoints say is wrong with the chain (empty when every one holds).

    ``chain_hashes`` maps each checkpointed sequence number the chain still holds to its stored
    hash; ``chain_end`` is the chain's last sequence number. A line with a bad signature is
    refused, never trusted: a forged checkpoint must not make a rewound chain look right, nor
    a true one look wrong.
    """
    problems: list[str] = []
    for signed in checkpoints:
        point = signed.checkpoint
        if point.chain != chain:
            continue
        if not signature_holds(signed, public_key):
            problems.append(f"{signed.describe()}: signature does not verify (forged or wrong key)")
            continue
        if point.seq > chain_end:
            problems.append(
                f"{signed.describe()}: the chain ends at event #{chain_end}, below the "
                f"checkpoint (events cut from the end)"
            )
        elif point.seq not in chain_hashes:
            problems.append(f"{signed.describe()}: event #{point.seq} is missing (deleted)")
        elif chain_hashes[point.seq] != point.hash:
            problems.append(
                f"{signed.describe()}: event #{point.seq} has another hash than was signed "
                f"(the chain was rewritten)"
            )
    return problems
