"""Web servers on loopback for tests: any aiohttp app, or one that serves given images."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestServer


@asynccontextmanager
async def serving(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve `app` on a free port of `host` while the block runs; yields its base URL (no trailing /)."""
    server = TestServer(app, host=host)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def image_app(images: dict[str, bytes]) -> web.Application:
    """An app that answers GET `path` with the JPEG bytes `images[path]`."""

    def answer(data: bytes):
        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=data, content_type="image/jpeg")

        return handler

    app = web.Application()
    for path, data in images.items():
        app.router.add_get(path, answer(data))
    return app
