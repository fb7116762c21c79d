"""Users talk to the real bot through the fake Bot API server, in polling and in webhook mode."""

import asyncio
import time

from bot.server import running_bot
from bot.telegram.typing_status import TYPING_AFTER_SECONDS
from model import Classifier
from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot, settings_for
from tests.fakes.classifiers import GatedClassifier
from tests.fakes.telegram_api import FakeTelegram
from tests.tiny_model import photo_bytes

CORAL_VERDICT = "Likely a venomous coral snake"


def assert_full_verdict(text: str, headline: str) -> None:
    """A verdict reply: the headline, a percentage worded as an estimate, and the safety caveat."""
    assert headline in text
    assert "%" in text and "not a guarantee" in text
    assert "never handle" in text
    assert "emergency services" in text


async def test_private_photo_gets_a_verdict_at_once_without_typing(bot: RunningBot) -> None:
    message = bot.telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=1))
    text = await bot.ask(message)
    assert_full_verdict(text, CORAL_VERDICT)
    assert '"Red touches yellow" only holds for North American coral snakes' in text
    assert bot.telegram.chat_actions == []  # answered within TYPING_AFTER_SECONDS: no sign of life needed


async def test_a_slow_verdict_shows_typing_first(telegram: FakeTelegram, tiny_classifier: Classifier) -> None:
    classifier = GatedClassifier(tiny_classifier)
    async with running_bot(settings_for(telegram, "polling"), classifier):
        message = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=1))
        await telegram.queue_update(telegram.update_for(message))
        started = time.monotonic()
        while (PRIVATE_CHAT["id"], "typing") not in telegram.chat_actions:
            assert time.monotonic() - started < 10, "no typing while the photo was held"
            await asyncio.sleep(0.05)
        assert telegram.sent == []
        classifier.gate.set()
        reply = await telegram.replies_to(message["message_id"])
    assert time.monotonic() - started >= TYPING_AFTER_SECONDS - 0.1
    assert CORAL_VERDICT in reply.visible_text


async def test_slow_photos_in_one_chat_share_one_typing(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    classifier = GatedClassifier(tiny_classifier)
    async with running_bot(settings_for(telegram, "polling"), classifier):
        messages = [
            telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=s)) for s in (1, 2, 3)
        ]
        for message in messages:
            await telegram.queue_update(telegram.update_for(message))
        await asyncio.sleep(TYPING_AFTER_SECONDS + 1)  # every photo has waited past its typing delay
        assert telegram.chat_actions == [(PRIVATE_CHAT["id"], "typing")]
        classifier.gate.set()
        replies = [await telegram.replies_to(message["message_id"]) for message in messages]
    assert all(CORAL_VERDICT in reply.visible_text for reply in replies)


async def test_private_photo_of_no_snake(bot: RunningBot) -> None:
    text = await bot.ask(bot.telegram.photo_message(PRIVATE_CHAT, photo_bytes("no_snake", seed=3)))
    assert "No snake found in this photo" in text


async def test_private_image_file_png(bot: RunningBot) -> None:
    data = photo_bytes("coral_snake", seed=2, image_format="PNG")
    message = bot.telegram.document_message(PRIVATE_CHAT, data, "snake.png", "image/png")
    assert_full_verdict(await bot.ask(message), CORAL_VERDICT)


async def test_private_image_file_heic_from_a_phone(bot: RunningBot) -> None:
    data = photo_bytes("coral_snake", seed=4, image_format="HEIF")
    message = bot.telegram.document_message(PRIVATE_CHAT, data, "IMG_0042.HEIC", "image/heic")
    assert_full_verdict(await bot.ask(message), CORAL_VERDICT)


async def test_private_image_link(bot: RunningBot, image_host: str) -> None:
    link = f"{image_host}/moved"  # redirects to /coral.jpg
    message = bot.telegram.message(
        PRIVATE_CHAT, text=f"what is this? {link}", entities=[_url_entity(link, offset=14)]
    )
    assert_full_verdict(await bot.ask(message), CORAL_VERDICT)


async def test_link_to_a_web_page_is_explained(bot: RunningBot, image_host: str) -> None:
    link = f"{image_host}/page.html"
    message = bot.telegram.message(PRIVATE_CHAT, text=link, entities=[_url_entity(link)])
    assert "web page, not an image" in await bot.ask(message)


async def test_non_images_get_one_short_hint(bot: RunningBot) -> None:
    pdf = bot.telegram.document_message(PRIVATE_CHAT, b"%PDF-1.4\n", "field-guide.pdf", "application/pdf")
    voice = bot.telegram.message(PRIVATE_CHAT, voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3})
    sticker = bot.telegram.message(
        PRIVATE_CHAT,
        sticker={
            "file_id": "s1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )
    for message in (pdf, voice, sticker):
        assert "Send me a photo of the snake" in await bot.ask(message)


async def test_corrupt_image_file_is_explained(bot: RunningBot) -> None:
    message = bot.telegram.document_message(PRIVATE_CHAT, b"\xff\xd8\xff broken", "snake.jpg", "image/jpeg")
    assert "not a picture I can read" in await bot.ask(message)


async def test_start_and_help_explain_the_bot(bot: RunningBot) -> None:
    for command in ("/start", "/help"):
        message = bot.telegram.message(PRIVATE_CHAT, text=command, entities=[_command_entity(command)])
        await bot.send(message)
    await asyncio.sleep(0)
    texts = await _wait_for_texts(bot, count=2)
    for text in texts:
        assert "/snake" in text and "Groups" in text and "Limits" in text


async def test_group_snake_command_as_reply_to_a_photo(bot: RunningBot) -> None:
    photo = bot.telegram.photo_message(GROUP_CHAT, photo_bytes("coral_snake", seed=5))
    await bot.send(photo)
    command = bot.telegram.message(
        GROUP_CHAT, text="/snake", entities=[_command_entity("/snake")], reply_to_message=photo
    )
    assert_full_verdict(await bot.ask(command), CORAL_VERDICT)
    assert all(sent.reply_to_message_id != photo["message_id"] for sent in bot.telegram.sent)


async def test_group_identify_command_as_reply_to_a_link(bot: RunningBot, image_host: str) -> None:
    link = f"{image_host}/coral.jpg"
    shared = bot.telegram.message(GROUP_CHAT, text=link, entities=[_url_entity(link)])
    await bot.send(shared)
    command = bot.telegram.message(
        GROUP_CHAT,
        text="/identify@coral_check_bot",
        entities=[_command_entity("/identify@coral_check_bot")],
        reply_to_message=shared,
    )
    assert_full_verdict(await bot.ask(command), CORAL_VERDICT)


async def test_group_photo_with_command_or_mention_caption(bot: RunningBot) -> None:
    captioned = bot.telegram.photo_message(GROUP_CHAT, photo_bytes("coral_snake", seed=6), caption="/snake")
    assert_full_verdict(await bot.ask(captioned), CORAL_VERDICT)
    mention = "@coral_check_bot"
    mentioned = bot.telegram.photo_message(
        GROUP_CHAT,
        photo_bytes("coral_snake", seed=8),
        caption=f"{mention} is this one deadly?",
        caption_entities=[{"type": "mention", "offset": 0, "length": len(mention)}],
    )
    assert_full_verdict(await bot.ask(mentioned), CORAL_VERDICT)


async def test_group_snake_command_without_a_photo_explains_itself(bot: RunningBot) -> None:
    command = bot.telegram.message(GROUP_CHAT, text="/snake", entities=[_command_entity("/snake")])
    assert "Reply /snake to a photo" in await bot.ask(command)


async def test_bot_stays_quiet_in_groups_unless_asked(bot: RunningBot) -> None:
    quiet = [
        bot.telegram.photo_message(GROUP_CHAT, photo_bytes("coral_snake", seed=9)),
        bot.telegram.message(GROUP_CHAT, text="look at this snake"),
        bot.telegram.document_message(GROUP_CHAT, b"%PDF-1.4\n", "notes.pdf", "application/pdf"),
    ]
    for message in quiet:
        await bot.send(message)
    asked = bot.telegram.photo_message(GROUP_CHAT, photo_bytes("coral_snake", seed=10), caption="/snake")
    await bot.ask(asked)  # updates are handled in order of arrival, so the quiet ones were seen by now
    await asyncio.sleep(0.3)
    assert [sent.reply_to_message_id for sent in bot.telegram.sent] == [asked["message_id"]]


async def _wait_for_texts(bot: RunningBot, count: int) -> list[str]:
    for _ in range(200):
        if len(bot.telegram.sent) >= count:
            break
        await asyncio.sleep(0.05)
    return [sent.visible_text for sent in bot.telegram.sent]


def _command_entity(command: str) -> dict[str, object]:
    return {"type": "bot_command", "offset": 0, "length": len(command)}


def _url_entity(link: str, offset: int = 0) -> dict[str, object]:
    return {"type": "url", "offset": offset, "length": len(link)}
