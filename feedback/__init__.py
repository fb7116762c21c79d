"""Users' answers to the bot's verdicts, with their photos: one database shared by the bot and training.

The bot writes through `FeedbackStore`; training reads through it to export photos as training data.
This package imports neither of them. Every store call is blocking (SQLAlchemy, PIL): callers on an
event loop run them in a thread.
"""

from feedback.answers import ANSWERS, CORRECTIONS, Answer
from feedback.database import database_url, database_url_from, open_engine
from feedback.identity import user_hash
from feedback.migrations import migrate
from feedback.store import (
    AnswerOutcome,
    AnswerResult,
    FeedbackStats,
    FeedbackStore,
    Forgotten,
    Preferences,
    StoredVerdict,
)

__all__ = [
    "ANSWERS",
    "CORRECTIONS",
    "Answer",
    "AnswerOutcome",
    "AnswerResult",
    "FeedbackStats",
    "FeedbackStore",
    "Forgotten",
    "Preferences",
    "StoredVerdict",
    "database_url",
    "database_url_from",
    "migrate",
    "open_engine",
    "user_hash",
]
