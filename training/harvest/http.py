"""An HTTP client that is polite to the services it harvests: paced per host, retrying with care.

A 429 answer is retried after the wait its Retry-After header asks for, a 5xx answer or a network
error after an exponential backoff; any other 4xx answer fails at once.
"""

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from yarl import URL

from training.harvest.errors import HarvestError

USER_AGENT = "snake-bot-harvester/0.1 (training photos for a coral snake look-alike classifier)"

Sleep = Callable[[float], Awaitable[None]]
logger = logging.getLogger(__name__)


class HttpError(HarvestError):
    """A request failed for good: a client error, or a server still failing after the retries."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_s: float = 2.0
    """The first wait after a server error; each further one doubles it."""
    longest_wait_s: float = 300.0
    """A server asking for a longer wait than this gets an error instead: try again later."""


class _RetryableFailure(Exception):
    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class PoliteClient:
    """GETs over one aiohttp session, at most `requests_per_second` to each host (0: no pacing)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        requests_per_second: float,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._session = session
        self._interval_s = 1 / requests_per_second if requests_per_second > 0 else 0.0
        self._retry = retry
        self._sleep = sleep
        self._next_turn: dict[str, float] = {}
        self._host_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        body = await self.get_bytes(url, params)
        try:
            return json.loads(body)
        except ValueError as error:
            raise HttpError(f"{url}: the answer is not JSON") from error

    async def get_bytes(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        attempt = 0
        while True:
            attempt += 1
            await self._wait_turn(URL(url).host or "")
            try:
                return await self._fetch(url, params)
            except _RetryableFailure as failure:
                delay_s = self._delay_before_retry(url, failure, attempt)
                logger.warning("%s: %s; retrying in %.0f s", url, failure, delay_s)
                await self._sleep(delay_s)

    async def _fetch(self, url: str, params: Mapping[str, str] | None) -> bytes:
        try:
            async with self._session.get(url, params=params) as response:
                if response.status == 429:
                    retry_after = response.headers.get("Retry-After")
                    raise _RetryableFailure("429 Too Many Requests", _seconds_until(retry_after))
                if response.status >= 500:
                    raise _RetryableFailure(f"server error {response.status}")
                if response.status >= 400:
                    raise HttpError(f"{response.url}: HTTP {response.status} {response.reason}")
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _RetryableFailure(f"{type(error).__name__} {error}".strip()) from error

    def _delay_before_retry(self, url: str, failure: _RetryableFailure, attempt: int) -> float:
        if attempt >= self._retry.attempts:
            raise HttpError(f"{url}: {failure} (gave up after {attempt} attempts)") from failure
        if failure.retry_after_s is None:
            return self._retry.backoff_s * 2 ** (attempt - 1)
        if failure.retry_after_s > self._retry.longest_wait_s:
            raise HttpError(f"{url}: the server asks to wait {failure.retry_after_s:.0f} s; try again later")
        return failure.retry_after_s

    async def _wait_turn(self, host: str) -> None:
        async with self._host_locks[host]:
            wait_s = self._next_turn.get(host, 0.0) - time.monotonic()
            if wait_s > 0:
                await self._sleep(wait_s)
            self._next_turn[host] = time.monotonic() + self._interval_s


def _seconds_until(retry_after: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from now; None where absent or odd."""
    if retry_after is None:
        return None
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
