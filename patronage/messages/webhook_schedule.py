"""When a failed webhook delivery is tried again: pure arithmetic, no database (decision 0023).

The waits after each failure, with ±10% jitter so that deliveries failing together do not all come back
in the same second: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 12 h — nine attempts over about 32.6
hours (never under 29), so every delivery is retried for at least 24 hours before it is marked failed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

RETRY_WAITS = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
JITTER = 0.1


def next_attempt_at(
    *, failed_attempts: int, now: datetime, rng: random.Random | None = None
) -> datetime | None:
    """When to try again after the `failed_attempts`-th failure in a row; None once the retries are spent."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_WAITS):
        return None
    wait = RETRY_WAITS[failed_attempts - 1]
    factor = 1 + (rng or random).uniform(-JITTER, JITTER)
    return now + wait * factor
