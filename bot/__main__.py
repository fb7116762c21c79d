"""`python -m bot`: settings, then the model, then the bot in polling or webhook mode.

`python -m bot migrate` only brings the feedback database's schema up to date (the bot also does it at
start-up; a Heroku release phase or an operator can do it beforehand).
"""

import asyncio
import sys

from model.left_out import leave_out_unused_libraries

leave_out_unused_libraries()  # before anything imports fastai: ~110 MB less memory, ~1.8 s faster start

from bot.logs import configure_logging  # noqa: E402
from bot.server import serve_until_stopped  # noqa: E402
from bot.settings import ConfigError, load_database_url, load_settings  # noqa: E402
from bot.telegram.startup import TokenRejected  # noqa: E402
from feedback import migrate, open_engine  # noqa: E402
from model import ModelNotFound, load_classifier  # noqa: E402


def main() -> int:
    if sys.argv[1:] == ["migrate"]:
        return migrate_database()
    try:
        settings = load_settings()
        configure_logging(settings.telegram_bot_token)
        classifier = load_classifier(settings.model_path)
    except (ConfigError, ModelNotFound) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve_until_stopped(settings, classifier))
    except TokenRejected as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def migrate_database() -> int:
    """Create or upgrade the feedback tables; exit code 1 when the database cannot be reached, 2 when
    DATABASE_URL or DATA_DIR is wrong."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = open_engine(load_database_url())
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        print(f"error: could not migrate {engine.url!r}: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"feedback database {engine.url!r} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
