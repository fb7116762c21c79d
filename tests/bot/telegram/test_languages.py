"""Spanish and English end to end through the fake Bot API: app language, /language, groups, start-up."""

from typing import Any

from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot
from tests.tiny_model import photo_bytes

SPANISH_USER = {"id": 601, "is_bot": False, "first_name": "Lupita", "language_code": "es-MX"}
ENGLISH_USER = {"id": 602, "is_bot": False, "first_name": "Dale", "language_code": "en"}
NO_LANGUAGE_USER = {"id": 603, "is_bot": False, "first_name": "Sam"}
SPANISH_CHAT = {"id": 601, "type": "private", "first_name": "Lupita"}
SPANISH_HELP = "<b>Chat privado:</b>"


def command(bot: RunningBot, chat: dict[str, Any], user: dict[str, Any], text: str, **content: Any) -> dict:
    entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
    return bot.telegram.message(chat, text=text, entities=[entity], **{"from": user}, **content)


async def help_for(bot: RunningBot, message: dict[str, Any]) -> str:
    """/start and /help answer without quoting: the next message the bot sends."""
    count = len(bot.telegram.sent)
    await bot.send(message)
    return (await bot.telegram.message_number(count)).text


async def test_spanish_app_gets_spanish_start_verdict_and_hint(webhook_bot: RunningBot) -> None:
    bot = webhook_bot
    start = await help_for(bot, command(bot, SPANISH_CHAT, SPANISH_USER, "/start"))
    assert SPANISH_HELP in start and "/idioma" in start

    photo = bot.telegram.photo_message(
        SPANISH_CHAT, photo_bytes("coral_snake", seed=1), **{"from": SPANISH_USER}
    )
    verdict = await bot.ask(photo)
    assert verdict.startswith("Probablemente un coralillo venenoso")
    assert "Confianza del modelo:" in verdict and "no una garantía" in verdict
    assert "nunca toques ni manipules la serpiente" in verdict
    assert "911 en México y EE. UU." in verdict and "no cortes, no succiones" in verdict

    pdf = bot.telegram.document_message(
        SPANISH_CHAT, b"%PDF-1.4\n", "guia.pdf", "application/pdf", **{"from": SPANISH_USER}
    )
    assert (
        await bot.ask(pdf)
        == "Envíame una foto de la serpiente (o un archivo o enlace de imagen) y la reviso."
    )

    broken = bot.telegram.document_message(
        SPANISH_CHAT, b"\xff\xd8\xff roto", "vibora.jpg", "image/jpeg", **{"from": SPANISH_USER}
    )
    assert await bot.ask(broken) == "Este archivo no es una imagen que pueda leer."


async def test_spanish_link_errors(webhook_bot: RunningBot, image_host: str) -> None:
    link = f"{image_host}/page.html"
    entity = {"type": "url", "offset": 0, "length": len(link)}
    message = webhook_bot.telegram.message(
        SPANISH_CHAT, text=link, entities=[entity], **{"from": SPANISH_USER}
    )
    assert "Ese enlace lleva a una página web, no a una imagen" in await webhook_bot.ask(message)


async def test_a_user_without_a_language_code_gets_english(webhook_bot: RunningBot) -> None:
    reply = await help_for(webhook_bot, command(webhook_bot, PRIVATE_CHAT, NO_LANGUAGE_USER, "/help"))
    assert "Private chat:" in reply and "Limits:" in reply


async def test_in_a_group_each_asker_gets_their_own_language(webhook_bot: RunningBot) -> None:
    bot = webhook_bot
    photo = bot.telegram.photo_message(
        GROUP_CHAT, photo_bytes("coral_snake", seed=5), **{"from": ENGLISH_USER}
    )
    await bot.send(photo)
    spanish = await bot.ask(command(bot, GROUP_CHAT, SPANISH_USER, "/snake", reply_to_message=photo))
    english = await bot.ask(command(bot, GROUP_CHAT, ENGLISH_USER, "/snake", reply_to_message=photo))
    assert spanish.startswith("Probablemente un coralillo venenoso") and "911 en México" in spanish
    assert english.startswith("Likely a venomous coral snake") and "911 in the US and Mexico" in english
    nothing = await bot.ask(command(bot, GROUP_CHAT, SPANISH_USER, "/snake"))
    assert nothing.startswith("Responde /snake a una foto")


async def test_language_command_switches_to_english_and_back(bot: RunningBot) -> None:
    offer = await bot.telegram.replies_to(await bot.send(command(bot, SPANISH_CHAT, SPANISH_USER, "/idioma")))
    assert offer.text == "¿En qué idioma te respondo?"
    buttons = [button for row in offer.reply_markup["inline_keyboard"] for button in row]
    assert [(button["text"], button["callback_data"]) for button in buttons] == [
        ("English", "language:en"),
        ("Español", "language:es"),
    ]

    await bot.press(offer, "English", SPANISH_USER)
    assert (await bot.telegram.edited(offer.message_id)).text == "Done: I'll answer you in English."
    assert "Private chat:" in await help_for(bot, command(bot, SPANISH_CHAT, SPANISH_USER, "/start"))

    offer = await bot.telegram.replies_to(
        await bot.send(command(bot, SPANISH_CHAT, SPANISH_USER, "/language"))
    )
    assert offer.text == "Which language should I answer you in?"
    await bot.press(offer, "Español", SPANISH_USER)
    assert (await bot.telegram.edited(offer.message_id)).text == "Listo: te responderé en español."
    assert "Chat privado:" in await help_for(bot, command(bot, SPANISH_CHAT, SPANISH_USER, "/start"))


async def test_commands_and_descriptions_are_registered_in_both_languages(webhook_bot: RunningBot) -> None:
    profile = webhook_bot.telegram.profile
    english = {entry["command"]: entry["description"] for entry in profile["setMyCommands", ""]}
    spanish = {entry["command"]: entry["description"] for entry in profile["setMyCommands", "es"]}
    assert set(english) == {"help", "snake", "language", "where"}
    assert set(spanish) == {"help", "snake", "idioma", "donde"}
    assert english["where"] == "Say where you see snakes" and spanish["donde"] == "Di dónde ves serpientes"
    assert spanish["snake"] != english["snake"]
    assert "venomous coral snake" in profile["setMyDescription", ""]
    assert "coralillo venenoso" in profile["setMyDescription", "es"]
    assert "911 en México" in profile["setMyDescription", "es"]
    assert profile["setMyShortDescription", "es"].startswith("¿Coralillo o falsa coralillo")
    assert profile["setMyShortDescription", ""].startswith("Coral snake or harmless mimic?")


async def test_language_data_not_on_the_keyboard_is_answered_and_changes_nothing(bot: RunningBot) -> None:
    offer = await bot.telegram.replies_to(
        await bot.send(command(bot, PRIVATE_CHAT, ENGLISH_USER, "/language"))
    )
    for forged in ("language:es\n", "language:xx", "language:es:extra"):
        update = bot.telegram.button_press(offer, "Español", ENGLISH_USER, data=forged)
        await bot.deliver(update)
        await bot.telegram.callback_answer(update["callback_query"]["id"])  # answered: nothing spins
    assert "Private chat:" in await help_for(bot, command(bot, PRIVATE_CHAT, ENGLISH_USER, "/start"))
    photo = bot.telegram.photo_message(
        PRIVATE_CHAT, photo_bytes("coral_snake", seed=4), **{"from": ENGLISH_USER}
    )
    reply = await bot.ask(photo)
    assert reply.startswith("Likely a venomous coral snake")  # the person still gets answers
