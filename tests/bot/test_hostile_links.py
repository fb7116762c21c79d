"""Links that hang, trickle, lie about their size, bomb, or lead inside our network: refused, and quickly."""

import asyncio
import gzip
import ipaddress
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.images import ImageFetcher, ImageFetchError, ImageTooLarge
from tests.bot.conftest import PRIVATE_CHAT, RunningBot

HOST_ADDRESS = "127.0.0.3"
ALLOWED = (ipaddress.ip_network(f"{HOST_ADDRESS}/32"),)
DEADLINE = 1.0


@pytest.fixture
async def hostile_host() -> AsyncIterator[str]:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response(body=b"late", content_type="image/jpeg")

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        await response.prepare(request)
        for _ in range(3000):  # a byte every 20 ms: each read succeeds, the whole never ends
            await response.write(b"\xff")
            await asyncio.sleep(0.02)
        return response

    async def gigabyte(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg", "Content-Length": str(10**9)})
        await response.prepare(request)
        await response.write(b"\xff\xd8" * 1000)
        await asyncio.sleep(30)
        return response

    async def gzip_bomb(request: web.Request) -> web.Response:
        body = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # 64 MB in about 64 kB
        return web.Response(body=body, headers={"Content-Type": "image/png", "Content-Encoding": "gzip"})

    def redirect_to(location: str):
        async def handler(request: web.Request) -> web.Response:
            raise web.HTTPFound(location)

        return handler

    app = web.Application()
    app.router.add_get("/slow.jpg", slow)
    app.router.add_get("/trickle.jpg", trickle)
    app.router.add_get("/gigabyte.jpg", gigabyte)
    app.router.add_get("/bomb.png", gzip_bomb)
    app.router.add_get("/to-private", redirect_to("http://10.0.0.1/snake.jpg"))
    app.router.add_get("/to-ipv6-loopback", redirect_to("http://[::1]/snake.jpg"))
    app.router.add_get("/to-link-local", redirect_to("http://[fe80::1]/snake.jpg"))
    app.router.add_get("/to-decimal-loopback", redirect_to("http://2130706433/snake.jpg"))
    server = TestServer(app, host=HOST_ADDRESS)
    await server.start_server()
    yield f"http://{HOST_ADDRESS}:{server.port}"
    await server.close()


async def fetch(link: str, max_bytes: int = 20 * 1024 * 1024) -> bytes:
    fetcher = ImageFetcher(ALLOWED, max_bytes=max_bytes, deadline=DEADLINE)
    await fetcher.start()
    try:
        return await fetcher.fetch(link)
    finally:
        await fetcher.close()


@pytest.mark.parametrize("path", ["/slow.jpg", "/trickle.jpg"])
async def test_slow_and_trickling_servers_are_cut_off_by_the_deadline(hostile_host: str, path: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ImageFetchError, match="took too long"):
        await fetch(f"{hostile_host}{path}")
    assert time.perf_counter() - started < DEADLINE + 1


async def test_a_gigabyte_announced_by_content_length_is_refused_before_reading(hostile_host: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ImageTooLarge):
        await fetch(f"{hostile_host}/gigabyte.jpg")
    assert time.perf_counter() - started < 0.5 * DEADLINE


async def test_a_gzip_bomb_is_never_inflated(hostile_host: str) -> None:
    data = await fetch(f"{hostile_host}/bomb.png", max_bytes=1024 * 1024)
    assert len(data) < 1024 * 1024  # the compressed bytes: the decoder will call them unreadable


PRIVATE = "private or internal address"
NOT_CANONICAL = "couldn't download"  # aiohttp refuses non-canonical IPv4 spellings before connecting


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-private", PRIVATE),
        ("/to-ipv6-loopback", PRIVATE),
        ("/to-link-local", PRIVATE),
        ("/to-decimal-loopback", NOT_CANONICAL),
    ],
)
async def test_redirects_inside_our_network_are_refused(hostile_host: str, path: str, message: str) -> None:
    with pytest.raises(ImageFetchError, match=message):
        await fetch(f"{hostile_host}{path}")


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", PRIVATE),
        ("http://[fd00:ec2::254]/latest/meta-data/", PRIVATE),
        ("http://0.0.0.0/", PRIVATE),
        ("http://0x7f000001/", PRIVATE),  # a name to the resolver, which yields 127.0.0.1
        ("http://127.1/", NOT_CANONICAL),
    ],
)
async def test_metadata_and_disguised_loopback_addresses_are_refused(link: str, message: str) -> None:
    with pytest.raises(ImageFetchError, match=message):
        await fetch(link)


async def test_hostile_links_sent_to_the_bot_get_clear_answers(bot: RunningBot, hostile_host: str) -> None:
    expected = {"/gigabyte.jpg": "larger than 20 MB", "/bomb.png": "not a picture I can read"}
    for path, answer in expected.items():
        link = f"{hostile_host}{path}"
        message = bot.telegram.message(
            PRIVATE_CHAT, text=link, entities=[{"type": "url", "offset": 0, "length": len(link)}]
        )
        assert answer in await bot.ask(message)
