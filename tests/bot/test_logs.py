"""The log: no token in any line, and no line forged by what users send."""

import io
import logging

from bot.logs import OneLineArguments, RedactToken

TOKEN = "123456:SECRET-token"


def logged(*arguments: object, **extra: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLineArguments())
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    try:
        logger.warning(*arguments, extra=extra)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_what_users_send_cannot_start_a_line_of_its_own() -> None:
    text = logged("could not fetch %s", "https://x.example/a.jpg\nERROR bot.server: forged")
    assert text.count("\n") == 1 and "a.jpg\\nERROR" in text


def test_a_traceback_logged_on_purpose_keeps_its_lines_and_loses_the_token() -> None:
    text = logged("update %s failed: %s", 7, f"Traceback\n  at {TOKEN}\nError", multiline=True)
    assert text.count("\n") == 3 and TOKEN not in text and "<token>" in text
