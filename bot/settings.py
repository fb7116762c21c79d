"""Every setting the bot reads from the environment (and `.env`), typed and checked once at start-up.

Each field is read from the variable of the same name in capitals: `port` from PORT, and so on.
"""

import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar
from urllib.parse import urlsplit

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from feedback import database_url
from model import DEFAULT_MODEL_PATH

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_BASE_URL = "https://api.telegram.org/file/bot"
_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a secret_token

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _required_token(value: str) -> str:
    if not value:
        raise ValueError("is not set: get one from @BotFather and put it in .env")
    return value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _flag(value: Any) -> Any:
    """1/true/yes/on or 0/false/no/off, in any case."""
    if not isinstance(value, str):
        return value
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"must be true or false, not {value.lower()!r}")


def _networks(value: Any) -> Any:
    """Comma-separated networks or addresses, such as `10.0.0.0/8, 127.0.0.1`."""
    if not isinstance(value, str):
        return value
    try:
        return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise ValueError(f"must be comma-separated networks: {error}") from None


def _chat_ids(value: Any) -> Any:
    """Comma-separated chat ids, such as `4242, -100777`."""
    if not isinstance(value, str):
        return value
    try:
        return frozenset(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"must be comma-separated chat ids, not {value!r}") from None


Flag = Annotated[bool, BeforeValidator(_flag)]


class DatabaseSettings(BaseSettings):
    """Where the feedback database is: all that `python -m bot migrate` reads, no token needed."""

    model_config = SettingsConfigDict(
        env_file=".env",
        case_sensitive=False,  # Heroku and compose set upper case; a lower-case name is read too
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
        use_attribute_docstrings=True,
    )

    data_dir: Path = Path("data")
    """Folder of the SQLite feedback database, used when DATABASE_URL is unset."""
    database_url: str = Field("", repr=False, validate_default=True)
    """SQLAlchemy URL of the feedback database: DATABASE_URL, else a SQLite file in DATA_DIR."""

    @model_validator(mode="before")
    @classmethod
    def _blank_means_default(cls, values: Any) -> Any:
        """Values are stripped, and an empty one counts as unset."""
        if not isinstance(values, dict):
            return values
        stripped = {name: v.strip() if isinstance(v, str) else v for name, v in values.items()}
        return {name: value for name, value in stripped.items() if value != ""}

    @field_validator("database_url")
    @classmethod
    def _resolve_database_url(cls, value: str, info: ValidationInfo) -> str:
        """A URL SQLAlchemy can open with a driver we ship."""
        if "data_dir" not in info.data:  # DATA_DIR itself was wrong: that error says so
            return value
        url = database_url(value, info.data["data_dir"])
        try:
            backend = make_url(url).get_backend_name()
        except ArgumentError:
            backend = None
        if backend not in ("sqlite", "postgresql"):
            # Never the URL itself in the message: it may hold a password.
            raise ValueError("must be a postgres:// or postgresql:// URL, or unset for SQLite in DATA_DIR")
        return url

    @model_validator(mode="after")
    def _sqlite_folder_is_writable(self) -> Self:
        """DATA_DIR made if need be: a file in its way or a read-only parent is a setting to fix."""
        if self.database_url.startswith("sqlite:///"):
            folder = Path(self.database_url.removeprefix("sqlite:///")).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                reason = "a file is in the way" if folder.is_file() else error.strerror
                raise ValueError(f"DATA_DIR {folder} cannot hold the feedback database: {reason}") from None
            if not os.access(folder, os.W_OK | os.X_OK):
                raise ValueError(f"DATA_DIR {folder} cannot hold the feedback database: not writable")
        return self


class Settings(DatabaseSettings):
    """Every setting of the bot."""

    telegram_bot_token: Annotated[str, AfterValidator(_required_token)] = Field(
        "", repr=False, validate_default=True
    )
    """The bot's token, from @BotFather: the only setting without a default."""
    bot_mode: Annotated[Literal["polling", "webhook"], BeforeValidator(_lower)] = "polling"
    """polling (for running locally) or webhook (for a public server such as Heroku)."""
    webhook_url: str = ""
    """Webhook mode: the public https URL Telegram posts updates to; the bot serves its path."""
    webhook_secret: str = Field("", repr=False)
    """Webhook mode: the secret Telegram sends back with every update."""
    port: int = Field(8080, ge=1, le=65535)
    """Where the web server (health check, webhook, API) listens."""
    model_path: Path = DEFAULT_MODEL_PATH
    telegram_api_base_url: str = TELEGRAM_API_BASE_URL
    telegram_file_base_url: str = TELEGRAM_FILE_BASE_URL
    inference_workers: int = Field(1, ge=1)
    inference_queue_size: int = Field(256, ge=1)
    """Photos admitted (queued or running) before users are told "busy": about 8 s of work at 30/s."""
    fetch_allowed_networks: Annotated[tuple[Network, ...], NoDecode, BeforeValidator(_networks)] = ()
    """Addresses a link may point to besides public ones: only for tests and private deployments."""
    api_enabled: Flag = True
    api_key: str = Field("", repr=False)
    """When set, the API asks for `Authorization: Bearer <key>`."""
    api_rate_limit: int = Field(30, ge=1)
    """API requests per minute per client."""
    api_trust_proxy: Flag = False
    """Take the client's address from X-Forwarded-For (set by Heroku's router); never without a proxy."""
    feedback_secret: str = Field("", repr=False, validate_default=True)
    """Key of the HMAC that stands in for Telegram user ids in the database."""
    feedback_max_mb: int = Field(500, ge=1)
    """Cap on all stored feedback photos together; the oldest "Right" photos go first."""
    admin_chat_ids: Annotated[frozenset[int], NoDecode, BeforeValidator(_chat_ids)] = frozenset()
    """Chats where /stats answers."""

    @field_validator("feedback_secret")
    @classmethod
    def _secret_from_token(cls, value: str, info: ValidationInfo) -> str:
        """Unset: a key derived from the bot token, stable across dynos and as secret as the token."""
        if value:
            return value
        token = info.data.get("telegram_bot_token", "")
        return hmac.new(token.encode(), b"feedback user ids", hashlib.sha256).hexdigest()

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> Self:
        if self.bot_mode == "webhook":
            if urlsplit(self.webhook_url).scheme not in ("http", "https"):
                raise ValueError("BOT_MODE=webhook needs WEBHOOK_URL, the public https URL of this server")
            if not _SECRET_PATTERN.fullmatch(self.webhook_secret):
                raise ValueError("BOT_MODE=webhook needs WEBHOOK_SECRET: 1-256 of A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def webhook_path(self) -> str:
        """The path of `webhook_url`, which our web server answers."""
        return urlsplit(self.webhook_url).path or "/"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from `environ` alone (default: the process environment, then `.env`)."""
    return _load(Settings, environ)


def load_database_url(environ: Mapping[str, str] | None = None) -> str:
    """The feedback database's SQLAlchemy URL from DATABASE_URL, else a SQLite file in DATA_DIR (./data).

    Read on its own too, for `python -m bot migrate`, which needs no token.
    """
    return _load(DatabaseSettings, environ).database_url


_Loaded = TypeVar("_Loaded", bound=DatabaseSettings)


def _load(cls: type[_Loaded], environ: Mapping[str, str] | None) -> _Loaded:
    try:
        if environ is None:
            return cls()
        # Every field given, absent ones blank (the default): the process environment cannot fill in.
        return cls(_env_file=None, **{name: environ.get(name.upper(), "") for name in cls.model_fields})
    except ValidationError as error:
        raise ConfigError("; ".join(_message(details) for details in error.errors())) from None


def _message(error: ErrorDetails) -> str:
    """A validation error as one line that names the variable and says what it must be."""
    kind, value = error["type"], error.get("input")
    if kind == "value_error":  # our validators' own words
        text = str(error["ctx"]["error"])
    elif kind == "int_parsing":
        text = f"must be a whole number, not {value!r}"
    elif kind == "literal_error":
        text = f"must be {error['ctx']['expected']}, not {value!r}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        text = f"must be {_bounds(str(error['loc'][0]))}, not {value}"
    else:
        text = f"is wrong: {error['msg']}"
    return f"{str(error['loc'][0]).upper()} {text}" if error["loc"] else text


def _bounds(name: str) -> str:
    """'between 1 and 65535' or 'at least 1': the bounds declared on the field."""
    metadata = Settings.model_fields[name].metadata
    low = next(constraint.ge for constraint in metadata if isinstance(constraint, Ge))
    high = next((constraint.le for constraint in metadata if isinstance(constraint, Le)), None)
    return f"at least {low}" if high is None else f"between {low} and {high}"
