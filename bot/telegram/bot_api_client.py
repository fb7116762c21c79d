"""python-telegram-bot's HTTP calls made with aiohttp instead of httpx.

Every photo costs the bot three or four Bot API calls (getFile, the download, sendMessage, its share of
getUpdates). httpx spends about three times aiohttp's CPU on each (bench/README.md: 1.2-1.5 ms against
0.3-0.5 ms a call on loopback), and aiohttp already serves the bot's web server and fetches links.
PTB lets any `BaseRequest` carry its calls; its own error handling (status codes, retry_after, JSON
errors) stays PTB's, this class only moves bytes and turns aiohttp's failures into PTB's exceptions.
"""

import aiohttp
from telegram._utils.types import ODVInput  # PTB's own annotation: a float, None or DEFAULT_NONE
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_NONE = BaseRequest.DEFAULT_NONE


class AiohttpRequest(BaseRequest):
    """Bot API calls over one aiohttp session with at most `connections` connections.

    `timeout` is the default for each phase (waiting for a free connection, connecting, sending,
    reading), as PTB's `HTTPXRequest` uses its four; a call may override any of them, as getUpdates
    does for its long poll. The whole call is bounded by the sum of its four timeouts.
    """

    def __init__(self, connections: int, timeout: float) -> None:
        self._connections = connections
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        given = (pool_timeout, connect_timeout, write_timeout, read_timeout)
        phases = [self._timeout if value is DEFAULT_NONE else value for value in given]
        pool, connect, _, read = phases
        timeout = aiohttp.ClientTimeout(
            total=None if None in phases else sum(phases),
            connect=None if None in (pool, connect) else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts derive from it too
            raise TimedOut() from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The call's parameters: a urlencoded form, or a multipart one when it uploads files (as httpx would)."""
    if request_data is None:
        return None
    files = request_data.multipart_data
    if not files:
        return request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
