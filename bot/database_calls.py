"""How the event loop calls a blocking store: on threads of its own, with deadlines, and outages survived.

Store calls block (SQLAlchemy, PIL), so each runs on `STORE_THREADS` threads of the store's own: a hung
database ties up these, never the inference executor's or the event loop's. A failing database is logged
once, with what was being done, and its end once more; a slow one likewise.
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

Result = TypeVar("Result")
STORE_THREADS = 2


class FeedbackUnavailable(RuntimeError):
    """The database could not be reached; the user should try again later."""


class DatabaseCalls:
    """Calls into a blocking store: `_call` on the store's threads, `_within` for a deadline."""

    def __init__(self) -> None:
        self._failing = False
        self._slow = False
        self._pool = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="feedback")
        self._log = logging.getLogger(type(self).__module__)

    @property
    def healthy(self) -> bool:
        """False while the database is down or too slow: verdicts then go out without buttons."""
        return not self._failing and not self._slow

    def stop_calls(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _within(self, call: asyncio.Future[Result], timeout: float, doing: str) -> Result:
        """The call's result if it comes within `timeout`; else TimeoutError, the call going on. A slow
        database is logged once, when it starts being slow, and once when it is quick again."""
        try:
            result = await asyncio.wait_for(asyncio.shield(call), timeout)
        except TimeoutError:
            if not self._slow:
                self._log.warning("feedback database too slow %s", doing)
            self._slow = True
            raise
        if self._slow:
            self._log.info("feedback database quick again")
            self._slow = False
        return result

    async def _call(self, doing: str, function: Callable[..., Result], *arguments: object) -> Result:
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self._pool, partial(function, *arguments))
        except SQLAlchemyError as error:
            if not self._failing:
                self._log.error("feedback database unavailable while %s: %s", doing, _first_line(error))
            self._failing = True
            raise FeedbackUnavailable() from error
        if self._failing:
            self._log.info("feedback database reachable again")
            self._failing = False
        return result


def retrieved(done: asyncio.Future) -> None:
    """Marks a finished call's error as seen (it was logged, or it is a late call's late failure)."""
    if not done.cancelled():
        done.exception()


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
