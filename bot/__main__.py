"""`python -m bot`: settings, then the model, then the bot in polling or webhook mode."""

import asyncio
import sys

from bot.logs import configure_logging
from bot.server import serve_until_stopped
from bot.settings import ConfigError, load_settings
from model import ModelNotFound, load_classifier


def main() -> int:
    try:
        settings = load_settings()
        configure_logging(settings.telegram_bot_token)
        classifier = load_classifier(settings.model_path)
    except (ConfigError, ModelNotFound) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    asyncio.run(serve_until_stopped(settings, classifier))
    return 0


if __name__ == "__main__":
    sys.exit(main())
