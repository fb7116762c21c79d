"""Getting the photo's bytes: from Telegram's file storage, or from a link with a guarded fetch.

A link can point anywhere, so the fetch refuses what could hurt us: other schemes than http(s),
addresses inside our own network (checked on every address a name resolves to, at connect time, for
every redirect), slow or trickling servers (one deadline for the whole fetch, redirects included) and
huge bodies (the Content-Length checked, then a cap enforced while streaming; never decompressed, so a
gzip bomb stays the small file it is).
"""

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterable, Iterable
from typing import Any

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from yarl import URL

from bot.retry import call_with_retries
from model.words import N_

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""Telegram's own limit on files a bot may download."""
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
DOWNLOAD_ATTEMPTS = 2
"""A file download from Telegram that times out or drops is tried once more."""
FETCH_DEADLINE_SECONDS = 20.0
"""The whole fetch, every redirect and the last byte included, must finish within this."""
USER_AGENT = "coral-snake-check-bot/0.1 (+https://github.com/)"
IMAGE_CONTENT_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ImageFetchError(Exception):
    """The image could not be had; the message, marked with N_, is fit to show a user once translated.

    `message` is the English text with `{name}` placeholders that `values` fill (bot.replies.image_error).
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message, self.values = message, values


class ImageTooLarge(ImageFetchError):
    def __init__(self) -> None:
        super().__init__(N_("That image is larger than 20 MB. Please send a smaller one."))


class ForbiddenAddress(OSError):
    """A name resolved to an address we never connect to."""


def is_public_address(address: str, allowed_networks: Iterable[Network] = ()) -> bool:
    """Whether we may connect to `address`: globally routable, or inside an explicitly allowed network."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


class GuardedResolver(ThreadedResolver):
    """Resolves names like the system does, but refuses any that lead to a non-public address."""

    def __init__(self, allowed_networks: Iterable[Network] = ()) -> None:
        super().__init__()
        self._allowed_networks = tuple(allowed_networks)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        for result in results:
            if not is_public_address(result["host"], self._allowed_networks):
                raise ForbiddenAddress(f"{host} resolves to a non-public address")
        return results


class ImageFetcher:
    """Fetches images from links through one shared, guarded HTTP session."""

    def __init__(
        self,
        allowed_networks: Iterable[Network] = (),
        max_bytes: int = MAX_IMAGE_BYTES,
        deadline: float = FETCH_DEADLINE_SECONDS,
    ) -> None:
        self._allowed_networks = tuple(allowed_networks)
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(self._allowed_networks), limit=20)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self._deadline, connect=min(5, self._deadline)),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            auto_decompress=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, link: str) -> bytes:
        """The bytes of the image at `link`, following at most a few redirects, each one checked."""
        if self._session is None:
            raise RuntimeError("ImageFetcher.start() was not awaited")
        url = self._checked_url(link)
        try:
            async with asyncio.timeout(self._deadline):
                return await self._follow(url)
        except ImageFetchError:
            raise
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, ForbiddenAddress):
                raise _private_address() from error
            raise ImageFetchError(N_("I couldn't reach that link.")) from error
        except TimeoutError as error:
            raise ImageFetchError(N_("That link took too long to answer.")) from error
        except (aiohttp.ClientError, ValueError) as error:
            raise ImageFetchError(N_("I couldn't download an image from that link.")) from error

    async def _follow(self, url: URL) -> bytes:
        for _ in range(MAX_REDIRECTS + 1):
            async with self._session.get(url, allow_redirects=False) as response:
                if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                    url = self._checked_url(str(url.join(URL(response.headers["Location"]))))
                    continue
                return await self._read_image(response)
        raise ImageFetchError(N_("That link redirects too many times."))

    def _checked_url(self, link: str) -> URL:
        try:
            url = URL(link)
        except ValueError:
            raise ImageFetchError(N_("That doesn't look like a valid link.")) from None
        if url.scheme not in ("http", "https") or not url.host:
            raise ImageFetchError(N_("Only http and https links to images are supported."))
        host = url.host.strip("[]")
        if _is_ip_literal(host) and not is_public_address(host, self._allowed_networks):
            raise _private_address()
        return url

    async def _read_image(self, response: aiohttp.ClientResponse) -> bytes:
        if response.status != 200:
            raise ImageFetchError(N_("That link answered with an error ({status})."), status=response.status)
        content_type = response.headers.get("Content-Type", "").lower()
        if not content_type.startswith(IMAGE_CONTENT_TYPES):
            raise ImageFetchError(
                N_(
                    "That link leads to a web page, not an image. "
                    "Send the photo itself or a direct image link."
                )
            )
        if (response.content_length or 0) > self._max_bytes:
            raise ImageTooLarge()
        return await read_capped(response.content.iter_chunked(CHUNK_BYTES), self._max_bytes)


async def read_capped(chunks: AsyncIterable[bytes], max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """Join streamed chunks, stopping with `ImageTooLarge` as soon as they pass `max_bytes`."""
    body = bytearray()
    async for chunk in chunks:
        body.extend(chunk)
        if len(body) > max_bytes:
            raise ImageTooLarge()
    return bytes(body)


async def download_telegram_file(bot: Bot, file_id: str, file_size: int | None) -> bytes:
    """The bytes of a photo or document the user sent, through the Bot API's getFile."""
    if file_size is not None and file_size > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    telegram_file = await bot.get_file(file_id)  # retried on a timeout by the rate limiter
    data = await call_with_retries(
        telegram_file.download_as_bytearray, (TimedOut, NetworkError), DOWNLOAD_ATTEMPTS, "file download"
    )
    return bytes(data)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _private_address() -> ImageFetchError:
    return ImageFetchError(
        N_("That link points to a private or internal address; I only fetch public images.")
    )


def first_link(entities: dict[Any, str]) -> str | None:
    """The first http(s) link among a message's parsed `url` / `text_link` entities."""
    for entity, text in entities.items():
        link = entity.url or text
        if link.lower().startswith(("http://", "https://")):
            return link
        if "://" not in link and entity.type == "url":
            return f"http://{link}"
    return None
