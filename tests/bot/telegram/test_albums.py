"""Albums: one reply per album in a private chat, never two; in a group only the captioned photo."""

import asyncio

from bot.telegram.albums import QUIET_SECONDS
from tests.bot.conftest import GROUP_CHAT, PRIVATE_CHAT, RunningBot
from tests.tiny_model import photo_bytes


def album(bot: RunningBot, labels: list[str], group_id: str, chat=PRIVATE_CHAT, **first) -> list[dict]:
    """The messages of one album, as Telegram delivers them: one update each, the same media_group_id."""
    return [
        bot.telegram.photo_message(
            chat, photo_bytes(label, seed=80 + n), media_group_id=group_id, **(first if n == 0 else {})
        )
        for n, label in enumerate(labels)
    ]


async def replies_after_the_album(bot: RunningBot, first_id: int, chat_id: int) -> list[str]:
    """The bot's replies in the chat once the album has been answered and time for a second reply passed."""
    await bot.telegram.replies_to(first_id)
    await asyncio.sleep(QUIET_SECONDS + 0.5)
    return [sent.visible_text for sent in bot.telegram.sent if sent.chat_id == chat_id]


async def test_an_album_gets_one_reply_with_a_line_per_photo(bot: RunningBot) -> None:
    messages = album(bot, ["coral_snake", "coral_snake", "coral_snake"], "album-1")
    for message in messages:
        await bot.send(message)
    replies = await replies_after_the_album(bot, messages[0]["message_id"], PRIVATE_CHAT["id"])
    assert len(replies) == 1
    text = replies[0]
    assert text.startswith("Likely a venomous coral snake")
    assert "I checked these 3 photos together, as views of one animal." in text
    for number in (1, 2, 3):
        assert f"Photo {number}: Likely a venomous coral snake (" in text
    assert "emergency services" in text
    reply = bot.telegram.sent[-1]
    assert reply.reply_to_message_id == messages[0]["message_id"]
    assert set(reply.buttons) == {"Right", "Wrong"}  # feedback on the combined verdict


async def test_photos_that_disagree_are_answered_on_the_safe_side(bot: RunningBot) -> None:
    messages = album(bot, ["coral_snake", "no_snake"], "album-2")
    for message in messages:
        await bot.send(message)
    [text] = await replies_after_the_album(bot, messages[0]["message_id"], PRIVATE_CHAT["id"])
    assert "Photo 1: Likely a venomous coral snake" in text
    assert "Photo 2: No snake found in this photo" in text
    assert "The photos disagree with each other, so I answer on the safe side: treat it as venomous." in text
    assert not text.startswith("No snake found")


async def test_a_photo_delivered_twice_or_late_brings_no_second_reply(bot: RunningBot) -> None:
    messages = album(bot, ["kingsnake", "kingsnake"], "album-3")
    updates = [bot.telegram.update_for(message) for message in messages]
    for update in [updates[0], updates[1], updates[1]]:  # Telegram may send a webhook update again
        await bot.deliver(update)
    await bot.telegram.replies_to(messages[0]["message_id"])
    await bot.deliver(updates[0])  # again, after the answer
    replies = await replies_after_the_album(bot, messages[0]["message_id"], PRIVATE_CHAT["id"])
    assert len(replies) == 1
    assert "I checked these 2 photos together" in replies[0]


async def test_in_a_group_only_the_captioned_photo_is_answered_and_the_reply_says_so(bot: RunningBot) -> None:
    messages = album(bot, ["coral_snake", "kingsnake"], "album-4", chat=GROUP_CHAT, caption="/snake")
    for message in messages:  # with privacy mode off the others arrive too, uncaptioned
        await bot.send(message)
    replies = await replies_after_the_album(bot, messages[0]["message_id"], GROUP_CHAT["id"])
    assert len(replies) == 1
    assert replies[0].startswith("Likely a venomous coral snake")
    assert (
        "Telegram shows me only the photo with the caption, so this answer is about that photo alone."
        in (replies[0])
    )


def without_its_file(bot: RunningBot, message: dict) -> dict:
    """The message, its photo gone from Telegram's storage: its download fails."""
    for size in message["photo"]:
        bot.telegram.files.pop(size["file_id"], None)
    return message


async def test_a_photo_whose_download_fails_is_one_line_and_the_others_are_answered(bot: RunningBot) -> None:
    for failing in (0, 1):  # the photo that opens the album, then a middle one
        messages = album(bot, ["coral_snake", "coral_snake", "coral_snake"], f"album-fail-{failing}")
        without_its_file(bot, messages[failing])
        for message in messages:
            await bot.send(message)
        await replies_after_the_album(bot, messages[0]["message_id"], PRIVATE_CHAT["id"])
        ids = {message["message_id"] for message in messages}
        [reply] = [sent for sent in bot.telegram.sent if sent.reply_to_message_id in ids]  # one, no error
        assert reply.visible_text.startswith("Likely a venomous coral snake")
        assert (
            f"Photo {failing + 1}: Sorry, something went wrong while checking this photo."
            in reply.visible_text
        )
        assert "I checked these 2 photos together" in reply.visible_text


async def test_a_photo_after_its_album_was_answered_gets_its_own_answer(bot: RunningBot) -> None:
    messages = album(bot, ["coral_snake", "coral_snake", "coral_snake"], "album-late")
    for message in messages[:2]:
        await bot.send(message)
    await bot.telegram.replies_to(messages[0]["message_id"])
    late = await bot.reply_to(messages[2])
    assert late.visible_text.startswith("Likely a venomous coral snake")
    assert "This photo came after I had answered its album, so I answer it alone." in late.visible_text
    await bot.send(messages[2])  # and sent again: no third reply
    replies = await replies_after_the_album(bot, messages[0]["message_id"], PRIVATE_CHAT["id"])
    assert len(replies) == 2


async def test_a_video_in_an_album_is_a_line_of_its_reply(bot: RunningBot) -> None:
    photo = album(bot, ["coral_snake"], "album-video")[0]
    video = {"file_id": "v1", "file_unique_id": "v1", "width": 640, "height": 480, "duration": 3}
    clip = bot.telegram.message(PRIVATE_CHAT, video=video, media_group_id="album-video")
    for message in (photo, clip):
        await bot.send(message)
    [text] = await replies_after_the_album(bot, photo["message_id"], PRIVATE_CHAT["id"])
    assert text.startswith("Likely a venomous coral snake")
    assert "Photo 2: Send me a photo of the snake" in text
