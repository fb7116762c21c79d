"""The one aiohttp web server: webhook (in webhook mode), health, metrics, and the API with its pages."""

import hmac
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.feedback_service import FeedbackService
from bot.images import ImageFetcher
from bot.inference import InferenceService
from bot.metrics import Metrics, ObservedInference
from bot.settings import Settings
from bot.web.api import add_api
from bot.web.feedback import add_feedback_api
from bot.web.openapi import openapi_document
from bot.web.pages import add_pages

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_APP = web.AppKey("telegram_application", Application)
INFERENCE = web.AppKey("inference", InferenceService)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
HEALTH_FEEDBACK = web.AppKey("health_feedback", FeedbackService)


def build_web_app(
    settings: Settings,
    application: Application,
    inference: InferenceService,
    fetcher: ImageFetcher,
    metrics: Metrics,
    feedback: FeedbackService | None = None,
) -> web.Application:
    """The web app: the webhook route only in webhook mode, the API and its pages only while enabled."""
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[TELEGRAM_APP] = application
    app[INFERENCE] = inference
    app[METRICS] = metrics
    if feedback is not None:
        app[HEALTH_FEEDBACK] = feedback
    app.router.add_get("/healthz", health)
    app.router.add_get("/metrics", prometheus_metrics)
    if settings.bot_mode == "webhook":
        app.router.add_post(settings.webhook_path, receive_update)
    if settings.api_enabled:
        add_api(app, settings, ObservedInference(inference, metrics, "api"), fetcher, feedback)
        if feedback is not None:
            add_feedback_api(app, feedback)
        add_pages(app, openapi_document(settings, inference.classifier.name))
    return app


async def health(request: web.Request) -> web.Response:
    """Up, with the model loaded: what Docker's HEALTHCHECK and Heroku look at.

    The status is "starting" until Telegram has been reached and updates flow, "ok" from then on; the
    web API answers meanwhile, so the HTTP status stays 200. `feedback_database` is "degraded" while
    the database is down or too slow: verdicts still go out, without their feedback buttons.
    """
    inference = request.app[INFERENCE]
    running = request.app[TELEGRAM_APP].running
    body = {
        "status": "ok" if running else "starting",
        "model": inference.classifier.name,
        "queue_depth": inference.queue_depth,
    }
    if HEALTH_FEEDBACK in request.app:
        body["feedback_database"] = "ok" if request.app[HEALTH_FEEDBACK].healthy else "degraded"
    return web.json_response(body)


async def prometheus_metrics(request: web.Request) -> web.Response:
    """Requests by source and outcome, verdicts, inference latency and queue depth, for Prometheus."""
    return web.Response(body=request.app[METRICS].render(), content_type="text/plain", charset="utf-8")


async def receive_update(request: web.Request) -> web.Response:
    """An update from Telegram: checked against the secret, then queued for the Application."""
    expected = request.app[SETTINGS].webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("forbidden webhook call from %s: wrong or missing secret", request.remote)
        return web.json_response({"error": "forbidden"}, status=403)
    application = request.app[TELEGRAM_APP]
    try:
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            raise ValueError("not an object with an integer update_id")
        update = Update.de_json(body, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        logger.warning("rejected a malformed webhook update: %s", type(error).__name__)
        return web.json_response({"error": "malformed update"}, status=400)
    await application.update_queue.put(update)
    return web.json_response({"ok": True})
