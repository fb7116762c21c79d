"""Settings come only from the environment and are checked once, with messages that say what to fix."""

import ipaddress
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import ConfigError, Settings, load_database_url, load_settings
from model import DEFAULT_MODEL_PATH

TOKEN = {"TELEGRAM_BOT_TOKEN": "1:abc"}


def test_defaults_are_polling_against_telegram() -> None:
    settings = load_settings(TOKEN)
    assert settings.bot_mode == "polling"
    assert settings.port == 8080
    assert settings.model_path == DEFAULT_MODEL_PATH
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_base_url == "https://api.telegram.org/file/bot"
    assert settings.fetch_allowed_networks == ()


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            **TOKEN,
            "BOT_MODE": "Webhook",
            "WEBHOOK_URL": "https://snakes.example.com/telegram",
            "WEBHOOK_SECRET": "s3cret",
            "PORT": "5000",
            "MODEL_PATH": "/models/other.pkl",
            "TELEGRAM_API_BASE_URL": "http://localhost:8081/bot",
            "TELEGRAM_FILE_BASE_URL": "http://localhost:8081/file/bot",
            "FETCH_ALLOWED_NETWORKS": "10.0.0.0/8, 127.0.0.1",
        }
    )
    assert (settings.bot_mode, settings.port, settings.webhook_path) == ("webhook", 5000, "/telegram")
    assert settings.model_path == Path("/models/other.pkl")
    assert settings.telegram_api_base_url == "http://localhost:8081/bot"
    assert settings.fetch_allowed_networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
    )


def test_token_is_not_in_the_settings_repr() -> None:
    assert "abc" not in repr(load_settings({**TOKEN, "WEBHOOK_SECRET": "xyz"}))


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({**TOKEN, "BOT_MODE": "push"}, "BOT_MODE must be 'polling' or 'webhook'"),
        ({**TOKEN, "BOT_MODE": "webhook", "WEBHOOK_SECRET": "s"}, "needs WEBHOOK_URL"),
        ({**TOKEN, "BOT_MODE": "webhook", "WEBHOOK_URL": "https://x.example/hook"}, "needs WEBHOOK_SECRET"),
        (
            {
                **TOKEN,
                "BOT_MODE": "webhook",
                "WEBHOOK_URL": "https://x.example/h",
                "WEBHOOK_SECRET": "no spaces",
            },
            "needs WEBHOOK_SECRET",
        ),
        ({**TOKEN, "PORT": "http"}, "PORT must be a whole number"),
        ({**TOKEN, "PORT": "70000"}, "PORT must be between"),
        ({**TOKEN, "FETCH_ALLOWED_NETWORKS": "localhost"}, "FETCH_ALLOWED_NETWORKS"),
        ({**TOKEN, "FEEDBACK_MAX_MB": "0"}, "FEEDBACK_MAX_MB must be at least 1"),
        ({**TOKEN, "ADMIN_CHAT_IDS": "me"}, "ADMIN_CHAT_IDS must be comma-separated chat ids"),
    ],
)
def test_bad_settings_say_what_to_fix(environment: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environment)


def test_feedback_settings() -> None:
    settings = load_settings(
        {
            **TOKEN,
            "DATABASE_URL": "postgres://bot:pw@db.example:5432/feedback",
            "FEEDBACK_SECRET": "keyed",
            "FEEDBACK_MAX_MB": "50",
            "ADMIN_CHAT_IDS": "4242, -100777",
        }
    )
    assert settings.database_url == "postgresql+psycopg://bot:pw@db.example:5432/feedback"
    assert (settings.feedback_secret, settings.feedback_max_mb) == ("keyed", 50)
    assert settings.admin_chat_ids == {4242, -100777}
    assert "pw@" not in repr(settings) and "keyed" not in repr(settings)


def test_without_database_url_feedback_goes_to_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = load_settings({**TOKEN, "DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path}/feedback.sqlite3"
    other_token = load_settings({"TELEGRAM_BOT_TOKEN": "2:xyz"})
    assert settings.feedback_secret and settings.feedback_secret != other_token.feedback_secret


def test_booleans_and_blanks() -> None:
    settings = load_settings({**TOKEN, "API_ENABLED": " Off ", "API_TRUST_PROXY": "YES", "PORT": "  "})
    assert (settings.api_enabled, settings.api_trust_proxy, settings.port) == (False, True, 8080)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set: get one from @BotFather and put it in .env"),
        ({**TOKEN, "PORT": "70000"}, "PORT must be between 1 and 65535, not 70000"),
        ({**TOKEN, "BOT_MODE": "X"}, "BOT_MODE must be 'polling' or 'webhook', not 'x'"),
        ({**TOKEN, "API_RATE_LIMIT": " abc "}, "API_RATE_LIMIT must be a whole number, not 'abc'"),
        ({**TOKEN, "API_ENABLED": "maybe"}, "API_ENABLED must be true or false, not 'maybe'"),
        ({**TOKEN, "INFERENCE_WORKERS": "0"}, "INFERENCE_WORKERS must be at least 1, not 0"),
        (
            {**TOKEN, "PORT": "0", "INFERENCE_QUEUE_SIZE": "x"},
            "PORT must be between 1 and 65535, not 0; INFERENCE_QUEUE_SIZE must be a whole number, not 'x'",
        ),
    ],
)
def test_each_wrong_value_is_one_line(environment: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environment)
    assert str(raised.value) == message


def test_secrets_are_in_no_repr_str_or_error() -> None:
    environment = {
        "TELEGRAM_BOT_TOKEN": "1:tok3n",
        "BOT_MODE": "webhook",
        "WEBHOOK_URL": "https://x.example/hook",
        "WEBHOOK_SECRET": "hooks3cret",
        "API_KEY": "apik3y",
        "FEEDBACK_SECRET": "feedbacks3cret",
        "DATABASE_URL": "postgres://bot:dbpassw0rd@db.example/feedback",
    }
    secrets = ["tok3n", "hooks3cret", "apik3y", "feedbacks3cret", "dbpassw0rd"]
    settings = load_settings(environment)
    shown = repr(settings) + str(settings)
    assert not [secret for secret in secrets if secret in shown]
    with pytest.raises(ConfigError) as raised:
        load_settings({**environment, "WEBHOOK_SECRET": "hooks3cret!", "PORT": "x"})
    shown = str(raised.value) + repr(raised.value) + repr(raised.value.__context__)
    assert not [secret for secret in secrets if secret in shown]


def test_settings_are_frozen_and_copied_with_changes() -> None:
    settings = load_settings(TOKEN)
    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]
    assert settings.model_copy(update={"port": 5000}).port == 5000


def test_an_explicit_mapping_is_all_that_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("PORT=1234\nAPI_KEY=from-dotenv\n")
    monkeypatch.setenv("BOT_MODE", "webhook")
    monkeypatch.setenv("ADMIN_CHAT_IDS", "not ids")
    settings = load_settings(TOKEN)
    assert (settings.bot_mode, settings.port, settings.api_key, settings.admin_chat_ids) == (
        "polling",
        8080,
        "",
        frozenset(),
    )
    assert (
        load_database_url({"DATA_DIR": str(tmp_path / "db")}) == f"sqlite:///{tmp_path}/db/feedback.sqlite3"
    )


def test_by_default_the_environment_then_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=1:abc\nPORT=1234\nADMIN_CHAT_IDS=1,2\nDATA_DIR=elsewhere\nUNRELATED=x\n"
    )
    monkeypatch.setenv("PORT", "4321")
    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", "10.0.0.0/8")
    settings = load_settings()
    assert (settings.port, settings.admin_chat_ids) == (4321, {1, 2})
    assert settings.fetch_allowed_networks == (ipaddress.ip_network("10.0.0.0/8"),)
    assert load_database_url() == f"sqlite:///{tmp_path}/elsewhere/feedback.sqlite3"
