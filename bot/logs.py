"""Logging set up once, so that the bot token never reaches a log line."""

import logging


class RedactToken(logging.Filter):
    """Replaces the token wherever it appears in a formatted log message (URLs carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token and self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        return True


def configure_logging(token: str, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))
