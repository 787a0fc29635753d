"""A rate limit kept in the database: no cache server needed, shared by every web worker.

The client address is stored only as a keyed hash (HMAC with the secret key), so the table
holds no IP addresses; rows older than a day are cleared as new ones arrive.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ketaclinic.portal.models import ThrottleHit

KEEP = timedelta(days=1)


def key_hash(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def allow(*, scope: str, key: str, limit: int, window: timedelta = timedelta(hours=1)) -> bool:
    """Count one request of ``key`` in ``scope``; False when ``limit`` were counted in ``window``.

    A refused request is not counted, so a client that waits gets in again.
    """
    now = timezone.now()
    digest = key_hash(key)
    ThrottleHit.objects.filter(created_at__lt=now - KEEP).delete()
    recent = ThrottleHit.objects.filter(
        scope=scope, key_hash=digest, created_at__gte=now - window
    ).count()
    if recent >= limit:
        return False
    ThrottleHit.objects.create(scope=scope, key_hash=digest, created_at=now)
    return True
