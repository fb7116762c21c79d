"""The API's rate limiter: a flood is refused, idle clients are forgotten, memory stays bounded."""

import pytest

from bot.web.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_a_wait_for_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=3, clock=clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.retry_after("a") == pytest.approx(20.0)
    assert limiter.retry_after("b") == 0.0  # another client has its own bucket
    clock.now += 20
    assert limiter.retry_after("a") == 0.0


def test_clients_whose_bucket_refilled_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    for client in ("a", "b", "c"):
        limiter.retry_after(client)
    clock.now += 61  # a minute refills every bucket
    limiter.retry_after("d")
    assert limiter.tracked_clients == 1


def test_spoofed_addresses_keep_memory_bounded_and_the_latest_clients_limited() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=2, clock=clock, max_clients=100)
    for address in range(5000):
        limiter.retry_after(f"10.0.{address // 256}.{address % 256}")
    assert limiter.tracked_clients == 100
    flooder = "203.0.113.7"
    assert [limiter.retry_after(flooder) > 0 for _ in range(3)] == [False, False, True]
