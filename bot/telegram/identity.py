"""Who sent a message: a person, or a chat speaking as itself.

An anonymous group admin's messages all come from one Telegram account, GroupAnonymousBot, whatever the
group and whoever the admin; a channel's posts come from no user at all. Neither is a person: nothing is
remembered for them, their photos get no feedback buttons (no one could be told apart to answer them), and
/forget says why there is nothing to delete. Button presses always come from a person.
"""

from telegram import Message, User

ANONYMOUS_ADMIN = 1087968824
"""The id of GroupAnonymousBot, the sender of every anonymous group admin's messages."""


def person_of(message: Message | None, user: User | None) -> int | None:
    """The Telegram user id of the person who sent `message`; None where a chat speaks as itself."""
    if message is not None and message.sender_chat is not None:
        return None
    if user is None or user.is_bot or user.id == ANONYMOUS_ADMIN:
        return None
    return user.id
