"""Writing checkpoints of this installation's audit chain and checking the chain against them.

The signing and file format are in :mod:`ketaclinic.audit.checkpoints` (no database); this module
reads the chain, and is what the worker's task, ``ketaclinic backup`` and ``audit verify`` call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from ketaclinic.audit import checkpoints
from ketaclinic.audit.models import AuditSeal
from ketaclinic.audit.sealing import seal_pending

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointWritten:
    signed: checkpoints.SignedCheckpoint | None
    places: tuple[str, ...]

    def summary(self) -> str:
        if self.signed is None:
            return "audit checkpoint: nothing new to sign"
        point = self.signed.checkpoint
        return f"audit checkpoint: event #{point.seq} signed, written to {', '.join(self.places)}"


def write_checkpoint() -> CheckpointWritten:
    """Seal what is queued, then sign the chain's last seal and append it to every configured place.

    Sealing first makes a checkpoint cover every event committed before it (``ketaclinic backup``
    relies on that). Reads the last stored seal itself rather than ``AuditHead``: the checkpoint
    states what the chain holds. Nothing is written when no event was sealed since the last
    checkpoint, so the file grows with the log, not with the clock.
    """
    seal_pending()
    last = AuditSeal.objects.order_by("-seq").values_list("seq", "hash").first()
    primary = Path(settings.AUDIT_CHECKPOINT_FILE)
    if last is None or checkpoints.last_seq(primary, checkpoints.MAIN_CHAIN) >= last[0]:
        return CheckpointWritten(None, ())
    key = checkpoints.load_or_create_private_key(Path(settings.AUDIT_CHECKPOINT_KEY))
    point = checkpoints.Checkpoint(checkpoints.MAIN_CHAIN, last[0], last[1], timezone.now())
    signed = checkpoints.sign(point, key)
    checkpoints.append(primary, signed)
    places = [str(primary)]
    if settings.AUDIT_CHECKPOINT_COPY_DIR:
        copy = Path(settings.AUDIT_CHECKPOINT_COPY_DIR) / primary.name
        checkpoints.append(copy, signed)
        places.append(str(copy))
    if settings.AUDIT_CHECKPOINT_EMAIL:
        send_mail(
            f"KetaClinic audit checkpoint #{point.seq}",
            "Keep this message: it lets `ketaclinic audit verify` prove that no audit event up to "
            f"#{point.seq} was removed or changed.\n\n{signed.to_line()}\n",
            None,
            list(settings.AUDIT_CHECKPOINT_EMAIL),
        )
        places.append("e-mail to " + ", ".join(settings.AUDIT_CHECKPOINT_EMAIL))
    logger.info("audit checkpoint at event #%s", point.seq)
    return CheckpointWritten(signed, tuple(places))


@dataclass(frozen=True)
class CheckpointStatus:
    """What an admin needs to know about the checkpoints on the audit page."""

    newest: checkpoints.Checkpoint | None
    chain_end: int
    copy_configured: bool
    email_configured: bool

    @property
    def events_since(self) -> int:
        return self.chain_end - (self.newest.seq if self.newest else 0)


def checkpoint_status() -> CheckpointStatus:
    chain_end = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return CheckpointStatus(
        newest=checkpoints.newest(Path(settings.AUDIT_CHECKPOINT_FILE)),
        chain_end=chain_end,
        copy_configured=bool(settings.AUDIT_CHECKPOINT_COPY_DIR),
        email_configured=bool(settings.AUDIT_CHECKPOINT_EMAIL),
    )


def verify_against_checkpoints(path: Path, public_key_path: Path | None = None) -> list[str]:
    """Problems the checkpoints in ``path`` find in the stored chain (empty: all hold).

    The public key comes from ``public_key_path`` (a verifier need not hold the signing key) or
    else from the configured signing key.
    """
    signed = list(checkpoints.read(path))
    public_key = checkpoints.load_public_key(public_key_path or Path(settings.AUDIT_CHECKPOINT_KEY))
    wanted = {s.checkpoint.seq for s in signed}
    hashes: dict[int, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        hashes.update(AuditSeal.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    chain_end = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return checkpoints.problems_against(
        signed, public_key, chain_hashes=hashes, chain_end=chain_end
    )
