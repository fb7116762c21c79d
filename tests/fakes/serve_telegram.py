"""Serve the fake Bot API on a port for a bot running elsewhere (a container), and play one user.

    python -m tests.fakes.serve_telegram --port 8081 --token 123:abc [--photo snake.jpg] [--burst 30]

Point the bot at it with TELEGRAM_API_BASE_URL=http://HOST:8081/bot and
TELEGRAM_FILE_BASE_URL=http://HOST:8081/file/bot. Once the bot has connected (polling: its first
getUpdates; webhook: its setWebhook, after which updates are posted to the webhook with the secret),
the user sends one photo and the bot's reply is printed; then a burst of photos at once, and a summary.
Each result is one line starting with `REPLY`, `BURST` or `FAILED`; `READY` and `DONE` mark the stages.
The server keeps answering until SIGINT or SIGTERM so the bot can shut down against it cleanly.
"""

import argparse
import asyncio
import signal
import sys
import time
from gettext import NullTranslations
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.replies import busy, headline
from model import LABELS
from tests.fakes.telegram_api import FakeTelegram

PRIVATE_CHAT = {"id": 4242, "type": "private", "first_name": "Field"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_ATTEMPTS = 60  # half a second apart
ENGLISH = NullTranslations()


def say(*words: Any) -> None:
    print(*words, flush=True)


def photo_to_send(path: Path | None) -> bytes:
    """The photo file given, or a drawn coral snake (what the tiny test learner knows)."""
    if path is not None:
        return path.read_bytes()
    from tests.tiny_model import photo_bytes

    return photo_bytes("coral_snake", seed=7)


async def wait_for_bot(telegram: FakeTelegram, timeout: float) -> None:
    """Until the bot polls for updates or registers its webhook."""
    deadline = time.monotonic() + timeout
    while "getUpdates" not in telegram.calls and telegram.webhook is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not connect within {timeout:.0f} s (calls: {telegram.calls})")
        await asyncio.sleep(0.2)


async def deliver(telegram: FakeTelegram, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
    """Polling: queue the update for getUpdates. Webhook: post it as Telegram would, retrying while
    the bot's server is not listening yet (it registers the webhook first, as Telegram retries too)."""
    if telegram.webhook is None:
        await telegram.queue_update(update)
        return
    headers = {SECRET_HEADER: telegram.webhook["secret_token"]}
    for attempt in range(WEBHOOK_ATTEMPTS):
        try:
            async with session.post(telegram.webhook["url"], json=update, headers=headers) as response:
                if response.status != 200:
                    raise RuntimeError(f"the webhook answered {response.status}: {await response.text()}")
                return
        except aiohttp.ClientConnectorError:
            if attempt == WEBHOOK_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5)


async def send_photo(
    telegram: FakeTelegram, session: aiohttp.ClientSession, photo: bytes, timeout: float
) -> tuple[str, float]:
    """One user sends the photo; returns the bot's reply and the seconds it took."""
    message = telegram.photo_message(PRIVATE_CHAT, photo)
    started = time.monotonic()
    await deliver(telegram, session, telegram.update_for(message))
    reply = await telegram.replies_to(message["message_id"], timeout=timeout)
    return reply.visible_text, time.monotonic() - started


def is_verdict(text: str) -> bool:
    return any(text.startswith(headline(label, ENGLISH)) for label in LABELS)


async def play_user(telegram: FakeTelegram, photo: bytes, burst: int, timeout: float) -> bool:
    """One photo, then `burst` photos at once; prints each result, returns whether all were verdicts."""
    await wait_for_bot(telegram, timeout)
    mode = "polling" if telegram.webhook is None else f"webhook {telegram.webhook['url']}"
    say("READY", mode)
    async with aiohttp.ClientSession() as session:
        text, seconds = await send_photo(telegram, session, photo, timeout)
        say("REPLY", f"{seconds:.2f}s", text.replace("\n", " | "))
        if not is_verdict(text):
            say("FAILED", "the reply to the photo is not a verdict")
            return False
        if burst:
            started = time.monotonic()
            results = await asyncio.gather(
                *(send_photo(telegram, session, photo, timeout) for _ in range(burst)), return_exceptions=True
            )
            replies = [result[0] for result in results if isinstance(result, tuple)]
            verdicts = sum(is_verdict(text) for text in replies)
            told_busy = sum(text == busy(ENGLISH) for text in replies)
            say(
                "BURST",
                f"{burst} photos: {verdicts} verdicts, {told_busy} busy, {burst - len(replies)} unanswered,",
                f"{time.monotonic() - started:.1f}s",
            )
            if verdicts + told_busy != burst:
                say("FAILED", "some photos of the burst got no verdict")
                return False
    say("DONE")
    return True


async def serve(args: argparse.Namespace) -> int:
    photo = photo_to_send(args.photo)
    telegram = FakeTelegram(token=args.token)
    runner = web.AppRunner(telegram.web_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host=args.host, port=args.port).start()
    say("SERVING", f"http://{args.host}:{args.port}/bot<token>/")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        succeeded = await play_user(telegram, photo, args.burst, args.timeout)
    except (TimeoutError, RuntimeError, aiohttp.ClientError) as error:
        say("FAILED", error)
        succeeded = False
    await stop.wait()
    await runner.cleanup()
    return 0 if succeeded else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True, help="the bot token the bot will use")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--photo", type=Path, help="a photo file; default: a drawn coral snake")
    parser.add_argument("--burst", type=int, default=0, help="photos sent at once after the first")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for the bot or a reply")
    return asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
