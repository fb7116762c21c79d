"""A per-client token bucket for the public API: bursts are fine, a steady flood is not."""

import time
from collections.abc import Callable

MAX_TRACKED_CLIENTS = 10_000


class RateLimiter:
    """Allows `per_minute` requests a minute per client, with bursts up to that many."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._refill_per_second = per_minute / 60
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)

    def retry_after(self, client: str) -> float:
        """Take a token for `client`: 0 if allowed, else the seconds until the next one."""
        now = self._clock()
        tokens, then = self._buckets.get(client, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - then) * self._refill_per_second)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self._refill_per_second
        self._buckets[client] = (tokens - 1, now)
        if len(self._buckets) > MAX_TRACKED_CLIENTS:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop clients whose bucket has refilled: they are indistinguishable from new ones."""
        full_after = self._capacity / self._refill_per_second
        self._buckets = {
            client: state for client, state in self._buckets.items() if now - state[1] < full_after
        }
