"""Floods, 429s, timeouts and SIGTERM: every photo still gets an answer, and a flood gets it at once."""

import asyncio
import os
import signal
import time
from gettext import NullTranslations

import pytest
from telegram import PhotoSize

from bot.replies import busy
from bot.server import running_bot, serve_until_stopped
from bot.telegram import application
from bot.telegram.handlers import photo_size_to_fetch
from model import Classifier
from tests.bot.conftest import PRIVATE_CHAT, settings_for
from tests.fakes.classifiers import GatedClassifier
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.tiny_model import photo_bytes

CORAL = "Likely a venomous coral snake"
BUSY = busy(NullTranslations())


def chat(number: int) -> dict[str, object]:
    return {**PRIVATE_CHAT, "id": 5000 + number}


async def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_the_smallest_photo_size_covering_the_model_input_is_downloaded() -> None:
    ladder = [PhotoSize(f"id-{w}", f"u-{w}", w, w * 3 // 4) for w in (90, 320, 800, 1280)]
    assert photo_size_to_fetch(ladder, 224).file_id == "id-320"  # 320x240 covers 224
    assert photo_size_to_fetch(ladder, 256).file_id == "id-800"  # 240 < 256: the next size up
    assert photo_size_to_fetch(ladder, 2000).file_id == "id-1280"  # none covers it: the largest
    assert photo_size_to_fetch(list(reversed(ladder)), 224).file_id == "id-320"  # whatever the order


async def test_a_flood_past_capacity_gets_busy_at_once_and_the_admitted_get_verdicts(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    classifier = GatedClassifier(tiny_classifier)
    settings = settings_for(telegram, "polling", INFERENCE_QUEUE_SIZE="4")
    photos = [telegram.photo_message(chat(n), photo_bytes("coral_snake", seed=n)) for n in range(30)]
    async with running_bot(settings, classifier):
        started = time.monotonic()
        for message in photos:
            await telegram.queue_update(telegram.update_for(message))
        await wait_until(lambda: len(telegram.sent) >= 26)
        busy_within = time.monotonic() - started
        assert all(sent.visible_text == BUSY for sent in telegram.sent)  # while the 4 admitted wait
        classifier.gate.set()
        replies = [await telegram.replies_to(message["message_id"]) for message in photos]
    assert busy_within < 5
    assert sum(CORAL in reply.visible_text for reply in replies) == 4
    assert sum(reply.visible_text == BUSY for reply in replies) == 26
    assert len(telegram.sent) == 30


async def reply_to_a_coral_photo(telegram: FakeTelegram, classifier: Classifier, seed: int) -> SentMessage:
    """Run the bot, send it one coral photo in a private chat, and return its reply."""
    async with running_bot(settings_for(telegram, "polling"), classifier):
        message = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=seed))
        await telegram.queue_update(telegram.update_for(message))
        return await telegram.replies_to(message["message_id"], timeout=15)


async def test_replies_wait_out_429_retry_after_and_still_arrive(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    telegram.answer_429("sendMessage", count=2, retry_after=1)
    reply = await reply_to_a_coral_photo(telegram, tiny_classifier, seed=1)
    assert CORAL in reply.visible_text
    assert telegram.calls.count("sendMessage") == 3 and len(telegram.sent) == 1


async def test_a_reply_whose_request_timed_out_is_sent_again(
    telegram: FakeTelegram, tiny_classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(application, "BOT_API_TIMEOUT_SECONDS", 1.0)
    telegram.stall("sendMessage", count=1, seconds=2)
    reply = await reply_to_a_coral_photo(telegram, tiny_classifier, seed=2)
    assert CORAL in reply.visible_text
    assert len(telegram.sent) == 1


async def test_a_timed_out_get_file_is_made_again(
    telegram: FakeTelegram, tiny_classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(application, "BOT_API_TIMEOUT_SECONDS", 1.0)
    telegram.stall("getFile", count=1, seconds=2)
    reply = await reply_to_a_coral_photo(telegram, tiny_classifier, seed=4)
    assert CORAL in reply.visible_text
    assert telegram.calls.count("getFile") == 2


async def test_sigterm_lets_the_photo_in_flight_get_its_reply(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    classifier = GatedClassifier(tiny_classifier)
    serving = asyncio.create_task(serve_until_stopped(settings_for(telegram, "polling"), classifier))
    message = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=3))
    await telegram.queue_update(telegram.update_for(message))
    await asyncio.to_thread(classifier.entered.wait, 20)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.sleep(0.5)  # the bot is stopping now, the photo still at the gate
    assert not serving.done() and telegram.sent == []
    classifier.gate.set()
    await asyncio.wait_for(serving, 20)
    assert CORAL in (await telegram.replies_to(message["message_id"], timeout=1)).visible_text
