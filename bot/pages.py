"""What people open in a browser: the photo page at `/`, the API docs at `/docs`, the OpenAPI JSON."""

from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

INDEX_HTML = Path(__file__).parent / "static" / "index.html"
OPENAPI = web.AppKey("openapi", dict)


def add_pages(app: web.Application, openapi: dict[str, Any]) -> None:
    app[OPENAPI] = openapi
    app.router.add_get("/", index)
    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get("/docs", docs)


async def index(request: web.Request) -> web.FileResponse:
    """The page: choose, drop or link a photo and see the verdict."""
    return web.FileResponse(INDEX_HTML)


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


async def docs(request: web.Request) -> web.Response:
    """The API docs, rendered on the server from the OpenAPI document (no scripts, no CDN)."""
    document = request.app[OPENAPI]
    sections = [
        _operation_html(path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    info = document["info"]
    body = (
        f"<h1>{escape(info['title'])} {escape(info['version'])}</h1><p>{escape(info['description'])}</p>"
        '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. '
        'Try it: <a href="/">the photo page</a>.</p>' + "".join(sections)
    )
    return web.Response(text=_page(info["title"], body), content_type="text/html")


def _operation_html(path: str, method: str, operation: dict[str, Any]) -> str:
    request_types = ", ".join(operation.get("requestBody", {}).get("content", {}))
    rows = "".join(
        f"<tr><td><code>{status}</code></td><td>{escape(response['description'])}</td></tr>"
        for status, response in operation["responses"].items()
    )
    example = ""
    if request_types:
        example = (
            f"<pre>curl -F file=@snake.jpg http://HOST{path}\n"
            f"curl -H 'Content-Type: application/json' -d '{{\"url\": \"https://example.com/snake.jpg\"}}' "
            f"http://HOST{path}</pre>"
        )
    return (
        f"<section><h2><code>{method.upper()} {escape(path)}</code></h2>"
        f"<p>{escape(operation['summary'])}. {escape(operation.get('description', ''))}</p>"
        + (f"<p>Request body: <code>{escape(request_types)}</code></p>" if request_types else "")
        + f"{example}<table><tr><th>status</th><th>meaning</th></tr>{rows}</table></section>"
    )


def _page(title: str, body: str) -> str:
    style = (
        "body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}"
        "pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}table{border-collapse:collapse}"
        "td,th{border-top:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )
