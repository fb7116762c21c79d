"""Users answer the bot's verdicts with inline buttons, through the real bot and the fake Bot API."""

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import Engine, text

from bot.server import running_bot
from feedback import open_engine, user_hash
from model import Classifier
from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot, free_port, settings_for
from tests.fakes.classifiers import GatedClassifier
from tests.fakes.telegram_api import FIELD_USER, FakeTelegram, SentMessage
from tests.postgres import postgres_server, server_binaries
from tests.tiny_model import photo_bytes
from training import feedback as feedback_export

CLASSMATE = {"id": 556, "is_bot": False, "first_name": "Classmate"}
CORRECTIONS = ["Coral snake", "Harmless mimic", "Other snake", "No snake", "Not sure"]


@asynccontextmanager
async def polling_bot(
    telegram: FakeTelegram, classifier: Classifier, **environment: str
) -> AsyncIterator[RunningBot]:
    settings = settings_for(telegram, "polling", **environment)
    async with running_bot(settings, classifier):
        yield RunningBot(telegram, settings, telegram.queue_update)


def rows(bot: RunningBot) -> list[dict[str, object]]:
    """Every stored classification, read straight from the bot's database."""
    engine: Engine = open_engine(bot.settings.database_url)
    try:
        with engine.connect() as connection:
            result = connection.execute(text("SELECT * FROM classifications ORDER BY created_at"))
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


async def verdict_for(bot: RunningBot, chat: dict = PRIVATE_CHAT, **content: object) -> SentMessage:
    return await bot.reply_to(bot.telegram.photo_message(chat, photo_bytes("coral_snake", seed=1), **content))


async def unquoted_reply(bot: RunningBot, message: dict) -> str:
    """The text of the next message the bot sends (replies such as /help's quote nothing)."""
    already = len(bot.telegram.sent)
    await bot.send(message)
    for _ in range(600):
        if len(bot.telegram.sent) > already:
            return bot.telegram.sent[already].visible_text
        await asyncio.sleep(0.05)
    raise AssertionError("no reply")


async def metrics_text(bot: RunningBot) -> str:
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/metrics") as response:
        return await response.text()


async def test_wrong_then_coral_snake_keeps_the_answer_and_the_photo(bot: RunningBot, tmp_path: Path) -> None:
    verdict = await verdict_for(bot)
    assert list(verdict.buttons) == ["Right", "Wrong"]

    asked = await bot.press(verdict, "Wrong")
    assert asked["text"] == "What was it? Pick one of the buttons." and not asked.get("show_alert")
    assert list(verdict.buttons) == CORRECTIONS

    thanked = await bot.press(verdict, "Coral snake")
    assert thanked["text"] == "Thank you! Your answer helps the bot learn."
    assert verdict.buttons == {}
    assert "Likely a venomous coral snake" in verdict.visible_text
    assert verdict.visible_text.endswith("Thank you! Your answer helps the bot learn.")

    [row] = rows(bot)
    assert row["answer"] == "coral_snake" and row["label"] == "coral_snake" and row["source"] == "telegram"
    assert row["user_hash"] == user_hash(bot.settings.feedback_secret, FIELD_USER["id"])
    with Image.open(io.BytesIO(row["photo"])) as photo:
        assert photo.format == "JPEG" and max(photo.size) <= 400
    assert 'snakebot_feedback_total{answer="coral_snake",verdict="coral_snake"} 1.0' in await metrics_text(
        bot
    )

    out_dir = tmp_path / "export"
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("DATABASE_URL", bot.settings.database_url)
        feedback_export.main(["export", str(out_dir)])
    assert [path.name for path in (out_dir / "coral_snake").iterdir()] == [f"feedback-{row['id']}.jpg"]
    assert f"feedback:{row['id']}" in (out_dir / "SOURCES.csv").read_text()


async def test_in_a_group_only_the_asker_can_answer(bot: RunningBot) -> None:
    verdict = await verdict_for(bot, GROUP_CHAT, caption="/snake")
    refused = await bot.press(verdict, "Right", user=CLASSMATE)
    assert (
        refused["show_alert"] is True and refused["text"] == "Only the person who asked can answer this one."
    )
    refused = await bot.press(verdict, "Wrong", user=CLASSMATE)
    assert refused["show_alert"] is True and list(verdict.buttons) == ["Right", "Wrong"]
    assert rows(bot)[0]["answer"] is None

    await bot.press(verdict, "Right")
    assert rows(bot)[0]["answer"] == "right"


async def test_pressing_twice_saves_one_answer(bot: RunningBot) -> None:
    verdict = await verdict_for(bot)
    first = bot.telegram.button_press(verdict, "Right")
    second = bot.telegram.button_press(verdict, "Right")  # pressed again before the buttons went away
    await bot.deliver(first)
    await bot.telegram.callback_answer(first["callback_query"]["id"])
    await bot.deliver(second)
    again = await bot.telegram.callback_answer(second["callback_query"]["id"])
    assert again["text"] == "Thanks, your answer is already saved."
    [row] = rows(bot)
    assert row["answer"] == "right"


async def test_a_button_of_an_unknown_verdict_says_so(bot: RunningBot) -> None:
    verdict = await verdict_for(bot)
    verdict.reply_markup = {
        "inline_keyboard": [[{"text": "Right", "callback_data": "fb:gone-long-ago:right"}]]
    }
    answer = await bot.press(verdict, "Right")
    assert answer["show_alert"] is True and "too old or unknown" in answer["text"]


async def test_a_forged_press_leaves_a_live_verdicts_buttons_alone(bot: RunningBot) -> None:
    verdict = await verdict_for(bot)
    for forged in ("fb:gone-long-ago:right", "fb:" + "x" * 16 + ":right", "nothing we send"):
        update = bot.telegram.button_press(verdict, "Right", data=forged)
        await bot.deliver(update)
        answer = await bot.telegram.callback_answer(update["callback_query"]["id"])  # no spinning button
        assert forged.startswith("nothing") or "too old or unknown" in answer["text"]
    assert list(verdict.buttons) == ["Right", "Wrong"]  # the real buttons are still there
    assert (await bot.press(verdict, "Right"))["text"].startswith("Thank you")


ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


async def test_an_anonymous_admin_or_a_channel_is_no_person_to_answer_or_forget(bot: RunningBot) -> None:
    channel = {"id": -100888, "type": "channel", "title": "Snake news"}
    for speaking_as in ({"from": ANONYMOUS_ADMIN, "sender_chat": GROUP_CHAT}, {"sender_chat": channel}):
        verdict = await verdict_for(bot, GROUP_CHAT, caption="/snake", **speaking_as)
        assert "Likely a venomous coral snake" in verdict.visible_text
        assert verdict.buttons == {}  # no one could be told apart to answer it
        forget = bot.telegram.command_message(GROUP_CHAT, "/forget", **speaking_as)
        assert (await bot.ask(forget)).startswith("You're writing as the group or channel, not as yourself")
    assert rows(bot) == []


async def test_a_forget_wins_over_a_photo_still_being_answered(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    classifier = GatedClassifier(tiny_classifier)
    async with polling_bot(telegram, classifier) as bot:
        photo = telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=2))
        await telegram.queue_update(telegram.update_for(photo))
        assert await asyncio.to_thread(classifier.entered.wait, 20)  # the photo is being classified
        forget = telegram.command_message(PRIVATE_CHAT, "/forget")
        assert "nothing of yours is stored now" in await bot.ask(forget)
        classifier.gate.set()
        verdict = await telegram.replies_to(photo["message_id"])
        assert "Likely a venomous coral snake" in verdict.visible_text and verdict.buttons == {}
        assert rows(bot) == []
        later = await verdict_for(bot, date=forget["date"] + 1)  # sent after the /forget: stored as usual
        assert "Right" in later.buttons and len(rows(bot)) == 1


async def test_after_the_key_changed_forget_tells_the_truth_about_older_answers(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    async with polling_bot(telegram, tiny_classifier, FEEDBACK_SECRET="the first key") as bot:
        assert (await bot.press(await verdict_for(bot), "Right"))["text"].startswith("Thank you")
    async with polling_bot(telegram, tiny_classifier, FEEDBACK_SECRET="a new key") as bot:
        reply = await bot.ask(telegram.command_message(PRIVATE_CHAT, "/forget"))
        assert "nothing of yours is stored now" not in reply
        assert "1 answer was saved before this bot's key changed, and I can't tell whose it is" in reply
        assert len(rows(bot)) == 1


async def test_forget_deletes_everything_of_the_user(bot: RunningBot) -> None:
    answered = await verdict_for(bot)
    await bot.press(answered, "Right")
    await verdict_for(bot)  # not answered: kept for a day, and forgotten too
    classmate_verdict = await verdict_for(bot, GROUP_CHAT, caption="/snake", **{"from": CLASSMATE})
    await bot.press(classmate_verdict, "Right", user=CLASSMATE)

    reply = await bot.ask(bot.telegram.command_message(PRIVATE_CHAT, "/forget"))
    assert reply == "I deleted your 1 answer. 1 photo was deleted with them."
    mine = user_hash(bot.settings.feedback_secret, FIELD_USER["id"])
    assert [row["user_hash"] for row in rows(bot)] == [
        user_hash(bot.settings.feedback_secret, CLASSMATE["id"])
    ]
    assert all(row["user_hash"] != mine for row in rows(bot))
    assert "nothing of yours is stored" in await bot.ask(
        bot.telegram.command_message(PRIVATE_CHAT, "/forget")
    )


async def test_forget_in_a_group_deletes_without_telling_the_group_how_much(bot: RunningBot) -> None:
    answered = await verdict_for(bot, GROUP_CHAT, caption="/snake")
    await bot.press(answered, "Right")
    assert len(rows(bot)) == 1
    reply = await bot.ask(bot.telegram.command_message(GROUP_CHAT, "/forget"))
    assert reply.startswith("Done: I deleted your answers, photos, place and language, if there were any.")
    assert rows(bot) == []


async def test_privacy_and_help_say_what_is_kept(bot: RunningBot) -> None:
    privacy = await unquoted_reply(bot, bot.telegram.command_message(PRIVATE_CHAT, "/privacy"))
    assert "keyed hash" in privacy and "/forget" in privacy and "400 pixels" in privacy
    assert "metadata" in privacy and "phone number" in privacy
    help_text = await unquoted_reply(bot, bot.telegram.command_message(PRIVATE_CHAT, "/help"))
    assert "/privacy" in help_text and "/forget" in help_text


async def test_stats_answer_only_in_operators_chats(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    async with polling_bot(telegram, tiny_classifier, ADMIN_CHAT_IDS=str(PRIVATE_CHAT["id"])) as bot:
        await bot.press(await verdict_for(bot), "Right")
        stats = await unquoted_reply(bot, bot.telegram.command_message(PRIVATE_CHAT, "/stats"))
        assert "Answers: 1 (1 in the last 7 days)" in stats and "coral_snake: right 1 of 1" in stats
        refused = await bot.ask(bot.telegram.command_message(GROUP_CHAT, "/stats"))
        assert refused == "/stats is only for the bot's operators."


async def test_with_the_database_down_photos_are_answered_without_buttons_that_could_not_work(
    telegram: FakeTelegram, tiny_classifier: Classifier, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = f"postgresql://nobody@127.0.0.1:{free_port()}/feedback"
    with caplog.at_level(logging.INFO, logger="bot.feedback_service"):
        async with polling_bot(telegram, tiny_classifier, DATABASE_URL=unreachable) as bot:
            for _ in range(2):
                verdict = await verdict_for(bot)
                assert "Likely a venomous coral snake" in verdict.visible_text
                assert verdict.buttons == {}  # buttons whose verdict was never saved could never work
    failures = [record for record in caplog.records if "feedback database unavailable" in record.getMessage()]
    assert len(failures) == 1 and "migrating the database" in failures[0].getMessage()


async def test_a_database_that_never_answers_delays_no_verdict(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    """It accepts connections and says nothing: each save would wait out the 5 s connect timeout."""
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    async with (
        silent,
        polling_bot(telegram, tiny_classifier, DATABASE_URL=f"postgresql://x@127.0.0.1:{port}/f"),
    ):
        messages = [
            telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=s)) for s in range(30)
        ]
        started = asyncio.get_running_loop().time()
        for message in messages:
            await telegram.queue_update(telegram.update_for(message))
        replies = [await telegram.replies_to(message["message_id"], timeout=30) for message in messages]
        took = asyncio.get_running_loop().time() - started
    assert all("Likely a venomous coral snake" in reply.visible_text for reply in replies)
    assert took < 5, f"30 verdicts took {took:.1f} s: they waited on the database"


@pytest.mark.skipif(
    server_binaries() is None, reason="PostgreSQL server binaries (Debian: postgresql) missing"
)
async def test_postgres_down_at_start_up_is_set_up_once_it_comes_up(
    telegram: FakeTelegram, tiny_classifier: Classifier
) -> None:
    with postgres_server(server_binaries()) as server:
        url = server.create_database("feedback")
        server.stop()
        async with polling_bot(telegram, tiny_classifier, DATABASE_URL=url) as bot:
            assert (await verdict_for(bot)).buttons == {}  # answered, without buttons that can't work
            server.start()
            for _ in range(40):  # the migration is tried again after 1, 2, 4... seconds
                verdict = await verdict_for(bot)
                if verdict.buttons:
                    break
                await asyncio.sleep(0.5)
            assert (await bot.press(verdict, "Right"))["text"].startswith("Thank you")  # no restart
            assert (await bot.ask(telegram.command_message(PRIVATE_CHAT, "/forget"))).startswith("I deleted")


@pytest.mark.skipif(
    server_binaries() is None, reason="PostgreSQL server binaries (Debian: postgresql) missing"
)
async def test_postgres_stopped_mid_run(telegram: FakeTelegram, tiny_classifier: Classifier) -> None:
    with postgres_server(server_binaries()) as server:
        url = server.create_database("feedback")
        async with polling_bot(telegram, tiny_classifier, DATABASE_URL=url) as bot:
            before = await verdict_for(bot)
            assert (await bot.press(before, "Right"))["text"].startswith("Thank you")
            saved = await verdict_for(bot)
            server.stop()
            during = await verdict_for(bot)
            assert "Likely a venomous coral snake" in during.visible_text and during.buttons == {}
            answer = await bot.press(saved, "Right")  # saved before the outage: later it will work
            assert answer["text"] == "Sorry, I couldn't save your answer. Please try again later."
            server.start()
            assert (await bot.press(saved, "Right"))["text"].startswith("Thank you")
            later = await verdict_for(bot)
            assert (await bot.press(later, "Right"))["text"].startswith("Thank you")
