"""A photo the place could change: "Where did you see it?", one tap, the answer for that place."""

from typing import Any

from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot
from tests.bot.telegram.conftest import table
from tests.bot.telegram.test_places import STATES
from tests.fakes.telegram_api import FIELD_USER, SentMessage
from tests.tiny_model import photo_bytes

CANT_TELL = "Can't tell from this photo: treat it as venomous"
HARMLESS = "Likely a harmless coral snake mimic"
ASKED = "Where did you see it?"
PLACES = ["United States", "Mexico", "Central or South America", "Elsewhere"]
SPANISH_USER = {"id": 611, "is_bot": False, "first_name": "Lupita", "language_code": "es-MX"}
SPANISH_CHAT = {"id": 611, "type": "private", "first_name": "Lupita"}
CLASSMATE = {"id": 556, "is_bot": False, "first_name": "Classmate"}


async def mimic_verdict(bot: RunningBot, chat: dict[str, Any] = PRIVATE_CHAT, **content: Any) -> SentMessage:
    return await bot.reply_to(bot.telegram.photo_message(chat, photo_bytes("kingsnake", seed=3), **content))


async def test_a_mimic_asks_where_and_one_tap_answers_it_for_the_united_states(
    regional_bot: RunningBot,
) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    assert verdict.visible_text.startswith(CANT_TELL) and ASKED in verdict.visible_text
    assert list(verdict.buttons) == ["Right", "Wrong", *PLACES]
    [row] = table(bot, "classifications")
    assert verdict.buttons["United States"] == f"seen:{row['id']}:US"
    assert verdict.buttons["Mexico"] == f"seen:{row['id']}:states:MX"
    assert all(len(data.encode()) <= 64 for data in verdict.buttons.values())
    assert row["label"] == "uncertain" and row["place"] is None

    answer = await bot.press(verdict, "United States")
    assert answer["text"] == "Answered for United States."
    assert verdict.visible_text.startswith(HARMLESS)
    assert "Place: United States (answered for a snake seen there). To change it: /where" in (
        verdict.visible_text
    )
    assert list(verdict.buttons) == ["Right", "Wrong"]
    [row] = table(bot, "classifications")
    assert (row["label"], row["place"]) == ("kingsnake", "US")
    [preference] = table(bot, "preferences")
    assert preference["place"] == "US"

    thanked = await bot.press(verdict, "Right")
    assert thanked["text"].startswith("Thank you")
    assert table(bot, "classifications")[0]["answer"] == "right"

    next_one = await mimic_verdict(bot)  # the place is remembered: answered for it at once
    assert next_one.visible_text.startswith(HARMLESS) and ASKED not in next_one.visible_text
    assert "Place: United States" in next_one.visible_text and list(next_one.buttons) == ["Right", "Wrong"]


async def test_mexico_asks_the_state_then_answers_for_it(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    asked = await bot.press(verdict, "Mexico")
    assert asked["text"] == "Where in Mexico?"
    assert list(verdict.buttons) == ["Right", "Wrong", *STATES]
    assert verdict.visible_text.startswith(CANT_TELL)  # only the buttons changed

    answer = await bot.press(verdict, "Sonora")
    assert answer["text"] == "Answered for Sonora, Mexico."
    assert verdict.visible_text.startswith(HARMLESS) and "Place: Sonora, Mexico" in verdict.visible_text

    assert table(bot, "preferences")[0]["place"] == "MX-SON"
    remembered = await mimic_verdict(bot)
    assert remembered.visible_text.startswith(HARMLESS) and "Place: Sonora, Mexico" in remembered.visible_text


async def test_another_state_of_mexico_keeps_the_strict_answer(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    await bot.press(verdict, "Mexico")
    answer = await bot.press(verdict, "Another state")
    assert answer["text"] == "Answered for Mexico."
    assert verdict.visible_text.startswith(CANT_TELL) and "Place: Mexico" in verdict.visible_text
    assert ASKED not in verdict.visible_text and list(verdict.buttons) == ["Right", "Wrong"]
    assert table(bot, "classifications")[0]["place"] == "MX"


async def test_a_coral_snake_is_not_asked_where(regional_bot: RunningBot) -> None:
    coral = regional_bot.telegram.photo_message(PRIVATE_CHAT, photo_bytes("coral_snake", seed=1))
    verdict = await regional_bot.reply_to(coral)
    assert ASKED not in verdict.visible_text and list(verdict.buttons) == ["Right", "Wrong"]


async def test_in_spanish_end_to_end(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot, SPANISH_CHAT, **{"from": SPANISH_USER})
    assert verdict.visible_text.startswith("No se puede saber con esta foto: trátala como venenosa")
    assert "¿Dónde la viste?" in verdict.visible_text
    assert list(verdict.buttons) == [
        "Correcto",
        "Incorrecto",
        "Estados Unidos",
        "México",
        "Centroamérica o Sudamérica",
        "Otro lugar",
    ]
    asked = await bot.press(verdict, "México", SPANISH_USER)
    assert asked["text"] == "¿En qué parte de México?" and "Otro estado" in verdict.buttons
    answer = await bot.press(verdict, "Sonora", SPANISH_USER)
    assert answer["text"] == "Respondido para Sonora, México."
    assert verdict.visible_text.startswith("Probablemente una falsa coralillo inofensiva")
    assert "Lugar: Sonora, México (respondido para una serpiente vista ahí). Para cambiarlo: /donde" in (
        verdict.visible_text
    )


async def test_in_a_group_only_the_asker_says_where(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot, GROUP_CHAT, caption="/snake")
    refused = await bot.press(verdict, "United States", user=CLASSMATE)
    assert refused["show_alert"] is True
    assert refused["text"] == "Only the person who asked can answer this one."
    assert verdict.visible_text.startswith(CANT_TELL) and table(bot, "preferences") == []
    await bot.press(verdict, "United States", user=FIELD_USER)
    assert verdict.visible_text.startswith(HARMLESS)


async def test_a_button_of_an_old_or_unknown_verdict_says_so(regional_bot: RunningBot) -> None:
    verdict = await mimic_verdict(regional_bot)
    verdict.reply_markup = {
        "inline_keyboard": [[{"text": "United States", "callback_data": "seen:gone-long-ago:US"}]]
    }
    answer = await regional_bot.press(verdict, "United States")
    assert answer["show_alert"] is True and "too old or unknown" in answer["text"]


async def test_button_data_with_a_trailing_newline_is_answered_and_ignored(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    for button in ("United States", "Mexico", "Right", "Wrong"):
        update = bot.telegram.button_press(verdict, button, data=verdict.buttons[button] + "\n")
        await bot.deliver(update)
        answer = await bot.telegram.callback_answer(update["callback_query"]["id"])
        assert answer.get("text") is None
    assert verdict.visible_text.startswith(CANT_TELL) and len(verdict.buttons) == 6
    [row] = table(bot, "classifications")
    assert (row["label"], row["place"], row["answer"]) == ("uncertain", None, None)
    assert table(bot, "preferences") == []
    assert bot.telegram.edits == []


async def test_a_forged_place_press_for_an_unknown_verdict_leaves_a_live_verdict_alone(
    regional_bot: RunningBot,
) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    update = bot.telegram.button_press(verdict, "United States", data="seen:" + "x" * 16 + ":US")
    await bot.deliver(update)
    answer = await bot.telegram.callback_answer(update["callback_query"]["id"])
    assert "too old or unknown" in answer["text"]
    assert verdict.visible_text.startswith(CANT_TELL) and len(verdict.buttons) == 6


async def test_answering_right_or_wrong_drops_the_question(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    await bot.press(verdict, "Wrong")
    assert list(verdict.buttons) == ["Coral snake", "Harmless mimic", "Other snake", "No snake", "Not sure"]
    await bot.press(verdict, "Harmless mimic")
    assert verdict.visible_text.startswith(CANT_TELL) and ASKED not in verdict.visible_text
    assert verdict.visible_text.endswith("Thank you! Your answer helps the bot learn.")
    assert table(bot, "classifications")[0]["answer"] == "kingsnake"
