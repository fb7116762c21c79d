"""The guarded link fetch: only public images, within a deadline and a size cap."""

import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.images import ImageFetcher, ImageFetchError, ImageTooLarge, is_public_address
from tests.tiny_model import photo_bytes

HOST_ADDRESS = "127.0.0.2"  # a loopback address of its own, so "localhost" (127.0.0.1) is another host
ALLOWED = (f"{HOST_ADDRESS}/32",)


@pytest.fixture
async def host() -> AsyncIterator[str]:
    async def image(request: web.Request) -> web.Response:
        return web.Response(body=photo_bytes("coral_snake"), content_type="image/jpeg")

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        await response.prepare(request)
        for _ in range(40):  # 2.5 MB with no Content-Length: the cap must cut it while streaming
            await response.write(b"\0" * 65536)
        return response

    async def to_metadata(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    async def to_localhost(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://localhost:{request.url.port}/image.jpg")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    app = web.Application()
    for path, handler in {
        "/image.jpg": image,
        "/huge": huge,
        "/to-metadata": to_metadata,
        "/to-localhost": to_localhost,
        "/loop": loop,
    }.items():
        app.router.add_get(path, handler)
    server = TestServer(app, host=HOST_ADDRESS)
    await server.start_server()
    yield f"http://{HOST_ADDRESS}:{server.port}"
    await server.close()


async def fetch(link: str, allowed: tuple[str, ...] = (), max_bytes: int = 20 * 1024 * 1024) -> bytes:
    fetcher = ImageFetcher([ipaddress.ip_network(network) for network in allowed], max_bytes=max_bytes)
    await fetcher.start()
    try:
        return await fetcher.fetch(link)
    finally:
        await fetcher.close()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_fetches_an_image_from_an_allowed_host(host: str) -> None:
    assert await fetch(f"{host}/image.jpg", ALLOWED) == photo_bytes("coral_snake")


@pytest.mark.parametrize(
    "link",
    [
        "/image.jpg",  # loopback by address
        "/to-metadata",  # a redirect to the cloud metadata address
    ],
)
async def test_internal_addresses_are_refused(host: str, link: str) -> None:
    with pytest.raises(ImageFetchError, match="private or internal address"):
        await fetch(f"{host}{link}")


async def test_names_resolving_to_loopback_are_refused(host: str) -> None:
    port = host.rsplit(":", 1)[1]
    with pytest.raises(ImageFetchError, match="private or internal address"):
        await fetch(f"http://localhost:{port}/image.jpg")


async def test_redirect_to_a_name_for_loopback_is_refused(host: str) -> None:
    with pytest.raises(ImageFetchError, match="private or internal address"):
        await fetch(f"{host}/to-localhost", ALLOWED)


@pytest.mark.parametrize("link", ["ftp://example.com/snake.jpg", "file:///etc/passwd", "javascript:alert(1)"])
async def test_other_schemes_are_refused(link: str) -> None:
    with pytest.raises(ImageFetchError, match="Only http and https"):
        await fetch(link)


async def test_bodies_over_the_cap_are_cut_off_while_streaming(host: str) -> None:
    with pytest.raises(ImageTooLarge):
        await fetch(f"{host}/huge", ALLOWED, max_bytes=1024 * 1024)


async def test_endless_redirects_stop(host: str) -> None:
    with pytest.raises(ImageFetchError, match="redirects too many times"):
        await fetch(f"{host}/loop", ALLOWED)
