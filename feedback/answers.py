"""What a user can answer about a verdict: it was right, or what the photo really showed."""

from typing import Literal

Answer = Literal["right", "coral_snake", "kingsnake", "other_snake", "no_snake", "not_sure"]
CORRECTIONS: tuple[Answer, ...] = ("coral_snake", "kingsnake", "other_snake", "no_snake", "not_sure")
"""The answers after "Wrong": the four classes the model knows ("kingsnake" is the harmless mimic),
and "not sure"."""
ANSWERS: tuple[Answer, ...] = ("right", *CORRECTIONS)
