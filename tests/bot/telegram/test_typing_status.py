"""One "typing" per chat while Telegram still shows the last one."""

from bot.telegram.typing_status import TYPING_SHOWN_SECONDS, ChatTyping


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_chat_is_shown_typing_again_only_once_the_last_one_has_faded() -> None:
    clock = Clock()
    typing = ChatTyping(clock)
    assert typing.claim(1)
    assert not typing.claim(1)  # a second photo in the same chat
    assert typing.claim(2)  # another chat
    clock.now += TYPING_SHOWN_SECONDS - 0.1
    assert not typing.claim(1)
    clock.now += 0.1
    assert typing.claim(1) and typing.claim(2)
