"""Calling again what failed for a passing reason: a timed-out request, a dropped connection."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    errors: tuple[type[Exception], ...],
    attempts: int,
    what: str,
    pause: float = 0.0,
) -> T:
    """Await `call()`, again after any of `errors`, at most `attempts` times in all.

    The last attempt's error is raised. Between attempts it waits `pause`, then twice that, and so on.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except errors:
            if attempt == attempts:
                raise
            logger.warning("%s failed; trying again (attempt %d of %d)", what, attempt + 1, attempts)
            await asyncio.sleep(pause * attempt)
    raise ValueError(f"attempts must be at least 1, not {attempts}")
