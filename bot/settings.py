"""Every setting the bot reads from the environment (and `.env`), typed and checked once at start-up."""

import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from feedback import database_url
from model import DEFAULT_MODEL_PATH

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_BASE_URL = "https://api.telegram.org/file/bot"
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a secret_token


class ConfigError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str = field(repr=False)
    bot_mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    port: int = 8080
    model_path: Path = DEFAULT_MODEL_PATH
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL
    telegram_file_base_url: str = TELEGRAM_FILE_BASE_URL
    inference_workers: int = 1
    inference_queue_size: int = 256
    """Photos admitted (queued or running) before users are told "busy": about 8 s of work at 30/s."""
    fetch_allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Addresses a link may point to besides public ones: only for tests and private deployments."""
    api_enabled: bool = True
    api_key: str = field(default="", repr=False)
    """When set, the API asks for `Authorization: Bearer <key>`."""
    api_rate_limit: int = 30
    """API requests per minute per client."""
    api_trust_proxy: bool = False
    """Take the client's address from X-Forwarded-For (set by Heroku's router); never without a proxy."""
    database_url: str = field(default="sqlite:///data/feedback.sqlite3", repr=False)
    """SQLAlchemy URL of the feedback database: DATABASE_URL, else a SQLite file in DATA_DIR."""
    feedback_secret: str = field(default="", repr=False)
    """Key of the HMAC that stands in for Telegram user ids in the database."""
    feedback_max_mb: int = 500
    """Cap on all stored feedback photos together; the oldest "Right" photos go first."""
    admin_chat_ids: frozenset[int] = frozenset()
    """Chats where /stats answers."""

    @property
    def webhook_path(self) -> str:
        """The path of `webhook_url`, which our web server answers."""
        return urlsplit(self.webhook_url).path or "/"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from `environ` (default: the process environment after loading `.env`)."""
    if environ is None:
        from dotenv import load_dotenv

        load_dotenv()
        environ = os.environ
    settings = Settings(
        telegram_bot_token=environ.get("TELEGRAM_BOT_TOKEN", "").strip(),
        bot_mode=environ.get("BOT_MODE", "polling").strip().lower(),
        webhook_url=environ.get("WEBHOOK_URL", "").strip(),
        webhook_secret=environ.get("WEBHOOK_SECRET", "").strip(),
        port=_integer(environ, "PORT", 8080),
        model_path=Path(environ.get("MODEL_PATH") or DEFAULT_MODEL_PATH),
        telegram_api_base_url=environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API_BASE_URL,
        telegram_file_base_url=environ.get("TELEGRAM_FILE_BASE_URL") or TELEGRAM_FILE_BASE_URL,
        inference_workers=_integer(environ, "INFERENCE_WORKERS", 1),
        inference_queue_size=_integer(environ, "INFERENCE_QUEUE_SIZE", 256),
        fetch_allowed_networks=_networks(environ.get("FETCH_ALLOWED_NETWORKS", "")),
        api_enabled=_boolean(environ, "API_ENABLED", True),
        api_key=environ.get("API_KEY", "").strip(),
        api_rate_limit=_integer(environ, "API_RATE_LIMIT", 30),
        api_trust_proxy=_boolean(environ, "API_TRUST_PROXY", False),
        database_url=load_database_url(environ),
        feedback_secret=environ.get("FEEDBACK_SECRET", "").strip() or _secret_from_token(environ),
        feedback_max_mb=_integer(environ, "FEEDBACK_MAX_MB", 500),
        admin_chat_ids=_chat_ids(environ.get("ADMIN_CHAT_IDS", "")),
    )
    _validate(settings)
    return settings


def load_database_url(environ: Mapping[str, str] | None = None) -> str:
    """The feedback database's SQLAlchemy URL from DATABASE_URL, else a SQLite file in DATA_DIR (./data).

    Read on its own too, for `python -m bot migrate`, which needs no token.
    """
    if environ is None:
        from dotenv import load_dotenv

        load_dotenv()
        environ = os.environ
    return database_url(environ.get("DATABASE_URL", ""), Path(environ.get("DATA_DIR", "").strip() or "data"))


def _validate(settings: Settings) -> None:
    if not settings.telegram_bot_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather and put it in .env")
    if settings.bot_mode not in ("polling", "webhook"):
        raise ConfigError(f"BOT_MODE must be 'polling' or 'webhook', not {settings.bot_mode!r}")
    if settings.bot_mode == "webhook":
        if urlsplit(settings.webhook_url).scheme not in ("http", "https"):
            raise ConfigError("BOT_MODE=webhook needs WEBHOOK_URL, the public https URL of this server")
        if not _SECRET_PATTERN.fullmatch(settings.webhook_secret):
            raise ConfigError("BOT_MODE=webhook needs WEBHOOK_SECRET: 1-256 of A-Z, a-z, 0-9, _ and -")
    if not 0 < settings.port < 65536:
        raise ConfigError(f"PORT must be between 1 and 65535, not {settings.port}")
    if min(settings.inference_workers, settings.inference_queue_size, settings.api_rate_limit) < 1:
        raise ConfigError("INFERENCE_WORKERS, INFERENCE_QUEUE_SIZE and API_RATE_LIMIT must be at least 1")
    if settings.feedback_max_mb < 1:
        raise ConfigError("FEEDBACK_MAX_MB must be at least 1")


def _integer(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def _boolean(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise ConfigError(f"FETCH_ALLOWED_NETWORKS: {error}") from None


def _secret_from_token(environ: Mapping[str, str]) -> str:
    """Without FEEDBACK_SECRET, a key derived from the bot token: stable across dynos, secret as the token."""
    token = environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    return hmac.new(token.encode(), b"feedback user ids", hashlib.sha256).hexdigest()


def _chat_ids(value: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"ADMIN_CHAT_IDS must be comma-separated chat ids, not {value!r}") from None
