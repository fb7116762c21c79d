"""Webhook mode: the webhook is registered with its secret, and only Telegram's requests get through."""

import aiohttp

from tests.bot.conftest import SECRET, RunningBot, post_webhook
from tests.fakes.telegram_api import FakeTelegram


async def test_webhook_registered_with_url_and_secret(webhook_bot: RunningBot) -> None:
    assert webhook_bot.telegram.webhook == {"url": webhook_bot.settings.webhook_url, "secret_token": SECRET}


async def test_updates_without_the_secret_are_forbidden(
    webhook_bot: RunningBot, telegram: FakeTelegram
) -> None:
    update = telegram.update_for(telegram.message({"id": 1, "type": "private"}, text="/start"))
    assert await post_webhook(webhook_bot.settings, update, secret=None) == 403
    assert await post_webhook(webhook_bot.settings, update, secret="wrong-secret") == 403
    assert telegram.sent == []


async def test_malformed_update_is_rejected(webhook_bot: RunningBot) -> None:
    url = f"{webhook_bot.url}{webhook_bot.settings.webhook_path}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=b"{not json", headers=headers) as response,
    ):
        assert response.status == 400


async def test_health_reports_the_loaded_model(bot: RunningBot) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["status"] == "ok"
    assert body["model"] == "tiny"
