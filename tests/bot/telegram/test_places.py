"""Telling the bot where: /where and its buttons, a location, a photo's GPS; kept across restarts."""

from typing import Any

from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot
from tests.bot.telegram.conftest import AT_SEA, EL_PASO, HERMOSILLO, StartBot, jpeg_taken_at, table
from tests.bot.telegram.test_albums import album, replies_after_the_album
from tests.fakes.telegram_api import FIELD_USER, SentMessage
from tests.tiny_model import photo_bytes

CANT_TELL = "Can't tell from this photo: treat it as venomous"
HARMLESS = "Likely a harmless coral snake mimic"
ASKED = "Where did you see it?"
STATES = [
    "Baja California",
    "Baja California Sur",
    "Chihuahua",
    "Coahuila",
    "Nuevo León",
    "Sinaloa",
    "Sonora",
    "Another state",
]
SPANISH_USER = {"id": 612, "is_bot": False, "first_name": "Chuy", "language_code": "es"}
SPANISH_CHAT = {"id": 612, "type": "private", "first_name": "Chuy"}


def command(bot: RunningBot, chat: dict[str, Any], text: str, user: dict[str, Any] = FIELD_USER) -> dict:
    entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
    return bot.telegram.message(chat, text=text, entities=[entity], **{"from": user})


async def mimic_verdict(
    bot: RunningBot, user: dict[str, Any] = FIELD_USER, chat: dict[str, Any] = PRIVATE_CHAT
) -> SentMessage:
    photo = bot.telegram.photo_message(chat, photo_bytes("kingsnake", seed=4), **{"from": user})
    return await bot.reply_to(photo)


async def press_and_read_edit(
    bot: RunningBot, sent: SentMessage, button: str, user: dict[str, Any] = FIELD_USER
) -> SentMessage:
    """Press a button of a /where message and wait for the message as the bot then edits it."""
    already = len(bot.telegram.edits)
    await bot.press(sent, button, user)
    return await bot.telegram.edit_after(sent.message_id, already)


async def where_offer(
    bot: RunningBot, chat: dict[str, Any] = PRIVATE_CHAT, text: str = "/where", user: dict = FIELD_USER
) -> SentMessage:
    return await bot.reply_to(command(bot, chat, text, user))


async def test_where_offers_places_and_the_mexican_states(regional_bot: RunningBot) -> None:
    bot = regional_bot
    offer = await where_offer(bot)
    assert offer.text.startswith("Where do you see the snakes you ask me about?")
    assert offer.text.endswith("Now I know no place, so I answer as strictly as for anywhere.")
    assert offer.buttons == {
        "United States": "where:US",
        "Mexico": "where:states:MX",
        "Central or South America": "where:QS",
        "Elsewhere": "where:ZZ",
    }
    location = await bot.telegram.message_number(bot.telegram.sent.index(offer) + 1)
    assert location.text.startswith("Or send me your location with the button below.")
    assert location.keyboard == [{"text": "Send my location", "request_location": True}]
    assert location.reply_markup["one_time_keyboard"] is True

    states = await press_and_read_edit(bot, offer, "Mexico")
    assert states.text == "Where in Mexico?" and list(states.buttons) == STATES
    assert states.buttons["Sonora"] == "where:MX-SON" and states.buttons["Another state"] == "where:MX"
    chosen = await press_and_read_edit(bot, offer, "Sonora")
    assert chosen.text == (
        "Got it. Place: Sonora, Mexico. I'll answer for a snake seen there. To change it: /where"
    )
    assert chosen.buttons == {}

    verdict = await mimic_verdict(bot)
    assert verdict.visible_text.startswith(HARMLESS)
    assert "Place: Sonora, Mexico (answered for a snake seen there). To change it: /where" in (
        verdict.visible_text
    )
    again = await where_offer(bot)
    assert again.text.endswith("Now: Sonora, Mexico.")
    await press_and_read_edit(bot, again, "Mexico")
    await press_and_read_edit(bot, again, "Another state")
    strict = await mimic_verdict(bot)
    assert strict.visible_text.startswith(CANT_TELL) and "Place: Mexico" in strict.visible_text
    assert ASKED not in strict.visible_text
    assert [row["place"] for row in table(bot, "preferences")] == ["MX"]


async def test_where_in_a_group_offers_no_location_button(regional_bot: RunningBot) -> None:
    bot = regional_bot
    offer = await where_offer(bot, GROUP_CHAT, "/where@coral_check_bot")
    assert "United States" in offer.buttons
    chosen = await press_and_read_edit(bot, offer, "United States")
    assert chosen.text.startswith("Got it. Place: United States.")
    assert all(not sent.keyboard for sent in bot.telegram.sent)


async def test_a_location_is_kept_as_its_place_code_only(regional_bot: RunningBot) -> None:
    bot = regional_bot
    reply = await bot.reply_to(bot.telegram.location_message(PRIVATE_CHAT, *EL_PASO))
    assert reply.text == (
        "Got it. Place: United States. I'll answer for a snake seen there. To change it: /where"
    )
    assert reply.reply_markup == {"remove_keyboard": True}
    [preference] = table(bot, "preferences")
    assert preference["place"] == "US-TX"
    assert not any(str(EL_PASO[0]) in str(value) for value in preference.values())
    assert (await mimic_verdict(bot)).visible_text.startswith(HARMLESS)

    at_sea = await bot.reply_to(bot.telegram.location_message(PRIVATE_CHAT, *AT_SEA))
    assert at_sea.text.startswith("I couldn't tell where that is")
    assert at_sea.buttons["United States"] == "where:US"
    assert table(bot, "preferences")[0]["place"] == "US-TX"


async def test_a_file_with_gps_is_answered_for_where_it_was_taken_and_nothing_is_kept(
    regional_bot: RunningBot,
) -> None:
    bot = regional_bot
    await bot.reply_to(bot.telegram.location_message(PRIVATE_CHAT, *HERMOSILLO))  # remembered: Sonora
    await press_and_read_edit(bot, await where_offer(bot), "Central or South America")
    snake = jpeg_taken_at("kingsnake", *EL_PASO, seed=5)
    document = bot.telegram.document_message(PRIVATE_CHAT, snake, "IMG_0042.jpg", "image/jpeg")
    verdict = await bot.reply_to(document)
    assert verdict.visible_text.startswith(HARMLESS)  # the photo's own place wins over the remembered one
    assert "Place: United States, from where the photo was taken (for this photo only)." in (
        verdict.visible_text
    )
    assert table(bot, "classifications")[0]["place"] == "US-TX"
    assert [row["place"] for row in table(bot, "preferences")] == ["QS"]

    photo = await bot.reply_to(bot.telegram.photo_message(PRIVATE_CHAT, snake))  # Telegram strips EXIF
    assert photo.visible_text.startswith(CANT_TELL)
    assert "Place: Central or South America" in photo.visible_text


async def test_place_and_language_outlive_a_restart_until_forget(start_bot: StartBot) -> None:
    async with start_bot() as bot:
        offer = await bot.reply_to(command(bot, PRIVATE_CHAT, "/language"))
        await press_and_read_edit(bot, offer, "Español")
        offer = await where_offer(bot, text="/donde")
        assert offer.text.startswith("¿Dónde ves las serpientes por las que me preguntas?")
        location = await bot.telegram.message_number(bot.telegram.sent.index(offer) + 1)
        assert location.keyboard == [{"text": "Enviar mi ubicación", "request_location": True}]
        chosen = await press_and_read_edit(bot, offer, "Estados Unidos")
        assert chosen.text == (
            "Entendido. Lugar: Estados Unidos. Responderé para una serpiente vista ahí. "
            "Para cambiarlo: /donde"
        )

    async with start_bot() as bot:  # a new process: nothing in memory, all in the database
        verdict = await mimic_verdict(bot)
        assert verdict.visible_text.startswith("Probablemente una falsa coralillo inofensiva")
        assert "Lugar: Estados Unidos" in verdict.visible_text
        forgotten = await bot.ask(command(bot, PRIVATE_CHAT, "/forget"))
        assert forgotten == (
            "No tenía respuestas tuyas. Borré el lugar y el idioma que tenía guardados; ahora no hay nada "
            "tuyo guardado."
        )
        assert table(bot, "preferences") == [] and table(bot, "classifications") == []
        verdict = await mimic_verdict(bot)
        assert verdict.visible_text.startswith(CANT_TELL) and ASKED in verdict.visible_text


async def test_forget_says_the_place_and_language_went_too(regional_bot: RunningBot) -> None:
    bot = regional_bot
    verdict = await mimic_verdict(bot)
    await bot.press(verdict, "United States")
    await bot.press(verdict, "Right")
    reply = await bot.ask(command(bot, PRIVATE_CHAT, "/forget"))
    assert reply == (
        "I deleted your 1 answer. 1 photo was deleted with them. "
        "I deleted your remembered place and language too."
    )
    assert (await mimic_verdict(bot)).visible_text.startswith(CANT_TELL)


async def test_spanish_location_and_photo(regional_bot: RunningBot) -> None:
    bot = regional_bot
    location = bot.telegram.location_message(SPANISH_CHAT, *EL_PASO, **{"from": SPANISH_USER})
    reply = await bot.reply_to(location)
    assert reply.text.startswith("Entendido. Lugar: Estados Unidos.")
    at_sea = bot.telegram.location_message(SPANISH_CHAT, *AT_SEA, **{"from": SPANISH_USER})
    assert (await bot.reply_to(at_sea)).text.startswith("No pude saber dónde es eso")
    verdict = await mimic_verdict(bot, SPANISH_USER, SPANISH_CHAT)
    assert "Lugar: Estados Unidos (respondido para una serpiente vista ahí)." in verdict.visible_text


async def test_privacy_and_help_say_what_is_kept_of_places(regional_bot: RunningBot) -> None:
    bot = regional_bot
    await bot.send(command(bot, PRIVATE_CHAT, "/privacy"))
    privacy = (await bot.telegram.message_number(0)).visible_text
    assert "US-TX" in privacy and "never coordinates" in privacy and "/language" in privacy
    assert "your place and language too" in privacy
    await bot.send(command(bot, PRIVATE_CHAT, "/help"))
    assert "/where tells me where you see snakes" in (await bot.telegram.message_number(1)).visible_text


async def test_an_album_is_answered_for_the_remembered_place(regional_bot: RunningBot) -> None:
    bot = regional_bot
    unplaced = album(bot, ["kingsnake", "kingsnake"], "album-where-1")
    for message in unplaced:
        await bot.send(message)
    [text] = await replies_after_the_album(bot, unplaced[0]["message_id"], PRIVATE_CHAT["id"])
    assert text.startswith(CANT_TELL)
    assert "Where did you see it? The answer can depend on the place: tell me with /where" in text

    await bot.reply_to(bot.telegram.location_message(PRIVATE_CHAT, *EL_PASO))
    placed = album(bot, ["kingsnake", "kingsnake"], "album-where-2")
    for message in placed:
        await bot.send(message)
    reply = await bot.telegram.replies_to(placed[0]["message_id"])
    assert reply.visible_text.startswith(HARMLESS) and "Place: United States" in reply.visible_text
    assert list(reply.buttons) == ["Right", "Wrong"]
