"""Runs everything together: the Application (polling or webhook), the web server and the executor."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from telegram.ext import Application

from bot.feedback_service import open_feedback
from bot.images import ImageFetcher
from bot.inference import InferenceService
from bot.metrics import Metrics, ObservedInference
from bot.settings import Settings
from bot.telegram.application import build_application
from bot.telegram.handlers import Services
from bot.telegram.profile import describe_bot
from bot.telegram.startup import initialize_when_reachable
from bot.web.app import build_web_app
from model import Classifier

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
"""Messages, and presses of the bot's inline buttons (/language, feedback)."""


@asynccontextmanager
async def running_bot(settings: Settings, classifier: Classifier) -> AsyncIterator[Application]:
    """The bot, answering updates and serving HTTP until the block exits; then shut down in order."""
    inference = InferenceService(classifier, settings.inference_workers, settings.inference_queue_size)
    metrics = Metrics(lambda: inference.queue_depth)
    fetcher = ImageFetcher(settings.fetch_allowed_networks)
    feedback = open_feedback(settings, metrics)
    services = Services(
        ObservedInference(inference, metrics, "telegram"), fetcher, feedback, settings.admin_chat_ids
    )
    application = build_application(settings, services)
    web_app = build_web_app(settings, application, inference, fetcher, metrics, feedback)
    runner = web.AppRunner(web_app, handle_signals=False)
    await feedback.migrate()
    await fetcher.start()
    try:
        await runner.setup()
        # Listening before Telegram is reached (/healthz says "starting") and told the webhook URL.
        await web.TCPSite(runner, port=settings.port).start()
        await initialize_when_reachable(application, settings.telegram_api_base_url)
        await application.start()
        await describe_bot(application.bot)
        await _start_receiving_updates(settings, application)
        logger.info("@%s up: %s mode, port %d", application.bot.username, settings.bot_mode, settings.port)
        yield application
    finally:
        await runner.cleanup()
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.bot.shutdown()  # its HTTP clients, where getMe never succeeded
        inference.shutdown()
        await fetcher.close()
        feedback.close()
        logger.info("bot stopped")


async def _start_receiving_updates(settings: Settings, application: Application) -> None:
    if settings.bot_mode == "webhook":
        await application.bot.set_webhook(
            url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
        )
    else:
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)


async def serve_until_stopped(settings: Settings, classifier: Classifier) -> None:
    """Run the bot until SIGINT or SIGTERM (`docker stop`, Heroku), then finish cleanly.

    Stopping keeps PTB's order: no new updates are taken, and `Application.stop` waits for the
    update queue to be joined, which happens only when each running handler has returned, so a
    photo in flight still gets its reply (tests/bot/test_load.py sends SIGTERM to check it).
    A signal that comes while start-up still waits for Telegram cancels the wait: nothing is in flight.
    """
    stop = asyncio.Event()
    serving = asyncio.current_task()
    started = False

    def on_signal() -> None:
        stop.set()
        if not started and serving is not None:
            serving.cancel()

    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, on_signal)
    try:
        async with running_bot(settings, classifier):
            started = True
            await stop.wait()
            logger.info("stopping: finishing the photos in flight")
    except asyncio.CancelledError:
        if not stop.is_set() or serving is None:
            raise
        serving.uncancel()
        logger.info("stopped before Telegram was reached")
    finally:
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop_signal)
