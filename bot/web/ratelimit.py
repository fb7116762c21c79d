"""A per-client token bucket for the public API: bursts are fine, a steady flood is not.

Clients are kept in the order they were last seen, so forgetting the ones whose bucket has refilled (they
are indistinguishable from new clients) looks only at the oldest: each request costs the same however many
clients are tracked, even when spoofed addresses (`API_TRUST_PROXY`) make up thousands of them. Past
`MAX_TRACKED_CLIENTS` the least recently seen is forgotten even with tokens spent, so memory stays bounded.
"""

import time
from collections import OrderedDict
from collections.abc import Callable

MAX_TRACKED_CLIENTS = 10_000


class RateLimiter:
    """Allows `per_minute` requests a minute per client, with bursts up to that many."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        self._capacity = float(per_minute)
        self._refill_per_second = per_minute / 60
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when)

    @property
    def tracked_clients(self) -> int:
        return len(self._buckets)

    def retry_after(self, client: str) -> float:
        """Take a token for `client`: 0 if allowed, else the seconds until the next one."""
        now = self._clock()
        tokens, then = self._buckets.pop(client, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - then) * self._refill_per_second)
        allowed = tokens >= 1
        self._buckets[client] = (tokens - 1 if allowed else tokens, now)  # now the most recently seen
        self._forget_idle(now)
        return 0.0 if allowed else (1 - tokens) / self._refill_per_second

    def _forget_idle(self, now: float) -> None:
        """Drop the least recently seen clients while their bucket is full again, or while too many."""
        full_after = self._capacity / self._refill_per_second
        while self._buckets:
            _, then = next(iter(self._buckets.values()))
            if now - then < full_after and len(self._buckets) <= self._max_clients:
                return
            self._buckets.popitem(last=False)
