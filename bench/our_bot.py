"""`python -m bot` for the benchmark, with Telegram's overall message limit optionally lifted.

    BENCH_OVERALL_RATE=1000 python bench/our_bot.py   (run by bench/load.py)

The shipped bot keeps to Telegram's 30 messages a second; lifting it shows what the pipeline itself
(download, decode, inference, reply) can do, and compares fairly with the naive bot, which has no limiter.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # run as a script from anywhere

import bot.__main__  # first: it leaves out the libraries the bot doesn't use before fastai loads
from bot.telegram import application

if __name__ == "__main__":
    application.OVERALL_MESSAGES_PER_SECOND = float(os.environ.get("BENCH_OVERALL_RATE", "30"))
    sys.exit(bot.__main__.main())
