"""Logging set up once, so that the bot token never reaches a log line and no one can forge one."""

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


class OneLineArguments(logging.Filter):
    """Escapes line breaks in a log line's string arguments, where what users send (a link, a file name,
    an error quoting them) lands: none can start a line that looks like the bot's own. A record that
    carries a traceback on purpose says so with `extra={"multiline": True}`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and not getattr(record, "multiline", False):
            record.args = tuple(_one_line(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def configure_logging(token: str, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(OneLineArguments())
        handler.addFilter(RedactToken(token))
