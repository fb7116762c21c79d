"""The design most fastai bots use, for comparison: `learn.predict` inside the async handler.

    python bench/naive_bot.py   (the environment as for `python -m bot`; run by bench/load.py)

It downloads the largest photo size, calls `Learner.predict` on the event loop (blocking it while the
model runs) and replies; PTB's defaults otherwise (updates one at a time, no rate limiter).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # run as a script from anywhere

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

from fastai.learner import load_learner  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, MessageHandler, filters  # noqa: E402
from torch import nn  # noqa: E402


class FirstLogits(nn.Module):
    """Keeps a network's first `count` outputs: the snake classes of a network that also kept ImageNet's."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def forward(self, logits):
        return logits[:, : self.count]


def main() -> None:
    learn = load_learner(os.environ["MODEL_PATH"], cpu=True)
    learn.model = nn.Sequential(learn.model, FirstLogits(len(learn.dls.vocab)))

    async def classify_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        telegram_file = await update.message.photo[-1].get_file()
        data = await telegram_file.download_as_bytearray()
        label, _, probabilities = learn.predict(bytes(data))
        await update.message.reply_text(f"{label} ({probabilities.max():.0%})", do_quote=True)

    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_FILE_BASE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.PHOTO, classify_photo))
    application.run_polling(allowed_updates=["message"])


if __name__ == "__main__":
    main()
