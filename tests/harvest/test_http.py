"""The polite client: pacing per host, retries after 429 and 5xx, no retry after other 4xx."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from training.harvest.http import USER_AGENT, HttpError, PoliteClient, RetryPolicy


class FlakyServer:
    """Each route fails a set number of times before it answers; it remembers every User-Agent."""

    def __init__(self) -> None:
        self.failures_left = {"/busy": 1, "/flaky": 2, "/broken": 99}
        self.user_agents: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.user_agents.append(request.headers["User-Agent"])
        if request.path == "/missing":
            raise web.HTTPNotFound()
        if self.failures_left.get(request.path, 0) > 0:
            self.failures_left[request.path] -= 1
            if request.path == "/busy":
                return web.Response(status=429, headers={"Retry-After": "1"})
            return web.Response(status=503)
        return web.json_response({"path": request.path})


@pytest.fixture
async def flaky_server() -> AsyncIterator[tuple[FlakyServer, str]]:
    flaky = FlakyServer()
    app = web.Application()
    app.router.add_get("/{name}", flaky.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield flaky, str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}) as session:
        yield session


def client_recording(session: aiohttp.ClientSession, sleeps: list[float], **options: float) -> PoliteClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return PoliteClient(session, sleep=sleep, retry=RetryPolicy(attempts=3, backoff_s=2.0), **options)


async def test_waits_as_long_as_a_429_asks(
    flaky_server: tuple[FlakyServer, str], session: aiohttp.ClientSession
) -> None:
    flaky, url = flaky_server
    sleeps: list[float] = []

    answer = await client_recording(session, sleeps, requests_per_second=0).get_json(f"{url}/busy")

    assert (answer, sleeps) == ({"path": "/busy"}, [1.0])
    assert flaky.user_agents == [USER_AGENT, USER_AGENT]


async def test_backs_off_exponentially_after_server_errors(
    flaky_server: tuple[FlakyServer, str], session: aiohttp.ClientSession
) -> None:
    _, url = flaky_server
    sleeps: list[float] = []

    answer = await client_recording(session, sleeps, requests_per_second=0).get_json(f"{url}/flaky")

    assert (answer, sleeps) == ({"path": "/flaky"}, [2.0, 4.0])


async def test_gives_up_after_the_last_attempt(
    flaky_server: tuple[FlakyServer, str], session: aiohttp.ClientSession
) -> None:
    flaky, url = flaky_server
    sleeps: list[float] = []

    with pytest.raises(HttpError, match="gave up after 3 attempts"):
        await client_recording(session, sleeps, requests_per_second=0).get_bytes(f"{url}/broken")

    assert len(flaky.user_agents) == 3


async def test_does_not_retry_a_missing_page(
    flaky_server: tuple[FlakyServer, str], session: aiohttp.ClientSession
) -> None:
    flaky, url = flaky_server

    with pytest.raises(HttpError, match="404"):
        await client_recording(session, [], requests_per_second=0).get_bytes(f"{url}/missing")

    assert len(flaky.user_agents) == 1


async def test_paces_requests_to_one_host(
    flaky_server: tuple[FlakyServer, str], session: aiohttp.ClientSession
) -> None:
    _, url = flaky_server
    sleeps: list[float] = []
    client = client_recording(session, sleeps, requests_per_second=10)

    await client.get_bytes(f"{url}/first")
    await client.get_bytes(f"{url}/second")

    assert len(sleeps) == 1
    assert 0 < sleeps[0] <= 0.1
