"""The tables. Migrations (feedback/migrations) create them; this module says how the code sees them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Classification(Base):
    """A verdict shown with feedback buttons, and later the user's answer to it.

    Written when the buttons are shown, so any process can answer a button press. Until the user answers,
    the photo is kept only for a short while (`PENDING_HOURS` in store.py), then the row is deleted.
    """

    __tablename__ = "classifications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16))
    """telegram or web."""
    user_hash: Mapped[str | None] = mapped_column(String(64))
    """HMAC of the Telegram user's id; None for the web page."""
    client_hash: Mapped[str | None] = mapped_column(String(64))
    """HMAC of the web client's address (None for Telegram): its share of photos awaiting an answer."""
    label: Mapped[str] = mapped_column(String(32))
    """The model's verdict, "uncertain" included."""
    best_guess: Mapped[str] = mapped_column(String(32))
    probabilities: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(64))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The re-encoded JPEG (feedback/photos.py); None once dropped to keep under the size cap."""
    photo_size: Mapped[int] = mapped_column(Integer, default=0)
    """Bytes in `photo`, so the cap is kept without reading the photos."""
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snake_evidence: Mapped[float | None] = mapped_column(Float)
    """The ImageNet head's snake probability behind the verdict; None where the network has none."""
    detector_no_snake: Mapped[float | None] = mapped_column(Float)
    """The snake detector's probability of no snake; None where the network has none."""
    place: Mapped[str | None] = mapped_column(String(8))
    """The place code (model/places.py) the verdict was last answered for; None for none (strict)."""

    __table_args__ = (
        Index("ix_classifications_user_hash", "user_hash"),
        Index("ix_classifications_answered_at", "answered_at"),
        Index("ix_classifications_created_at", "created_at"),
        Index("ix_classifications_photo_size", "photo_size"),  # summed at every save
        Index("ix_classifications_client_hash", "client_hash"),
    )


class Preference(Base):
    """What one Telegram user chose, kept across restarts and shared by every process."""

    __tablename__ = "preferences"

    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    """HMAC of the Telegram user's id, as in `Classification.user_hash`."""
    place: Mapped[str | None] = mapped_column(String(8))
    """Where the user's snakes are seen (a code from model/places.py); None: not said."""
    language: Mapped[str | None] = mapped_column(String(8))
    """The language the user picked; None: Telegram's language for the user."""
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedbackKey(Base):
    """A key users' ids were hashed with (`key_id`: a fingerprint of it, not the key), from when."""

    __tablename__ = "feedback_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
