"""Telling the bot where one sees snakes: /where (/donde) and its buttons, or a Telegram location.

Either way only the place's code is kept (bot/telegram/choices.py), never a position: a location is
turned into a code at once (bot/places.py, offline) and dropped.
"""

import asyncio

from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.places import place_at
from bot.telegram import place_words as words
from bot.telegram.choices import chosen_for, remember_place
from bot.telegram.feedback import edited


async def offer_places(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/where or /donde: the place buttons; in a private chat also a button that sends the location."""
    chosen = await chosen_for(update, context)
    message = update.effective_message
    await message.reply_text(
        words.where_question(chosen.place, chosen.language),
        reply_markup=InlineKeyboardMarkup(words.place_rows(words.WHERE_PREFIX, chosen.language)),
        do_quote=True,
    )
    if message.chat.type == ChatType.PRIVATE:
        translations = chosen.translations
        await message.reply_text(
            words.location_offer(translations),
            reply_markup=words.location_keyboard(translations),
            do_quote=False,
        )


async def choose_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /where button: a country's states, or a place to remember for whoever pressed it."""
    query = update.callback_query
    language = (await chosen_for(update, context)).language
    match = context.matches[0]
    await query.answer()
    if match["country"]:
        country = match["country"]
        rows = words.state_rows(words.WHERE_PREFIX, country, language)
        edit = query.edit_message_text(
            words.which_state(country, language), reply_markup=InlineKeyboardMarkup(rows)
        )
    else:
        await remember_place(context, query.from_user.id, match["code"])
        edit = query.edit_message_text(words.place_chosen(match["code"], language), reply_markup=None)
    await edited(edit)


async def take_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A location in a private chat: remember the place it is in, or say it couldn't tell."""
    message = update.effective_message
    chosen = await chosen_for(update, context)
    location = message.location
    place = await asyncio.to_thread(place_at, location.latitude, location.longitude)
    if place is None or update.effective_user is None:
        rows = words.place_rows(words.WHERE_PREFIX, chosen.language)
        await message.reply_text(
            words.unknown_location(chosen.translations),
            reply_markup=InlineKeyboardMarkup(rows),
            do_quote=True,
        )
        return
    await remember_place(context, update.effective_user.id, place)
    await message.reply_text(
        words.place_chosen(place, chosen.language), reply_markup=ReplyKeyboardRemove(), do_quote=True
    )
