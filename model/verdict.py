"""What the classifier says about one photo."""

from dataclasses import dataclass, field

CLASSES = ("coral_snake", "kingsnake", "other_snake", "no_snake")
"""The four classes the network scores; their probabilities sum to 1."""

UNCERTAIN = "uncertain"
LABELS = (*CLASSES, UNCERTAIN)
"""Every label a verdict can carry: a class, or `uncertain` when the safety policy will not commit."""

DANGEROUS_MISS_LABELS = frozenset({"kingsnake", "no_snake"})
"""Final labels that would tell a person a possibly venomous snake is harmless or absent."""


@dataclass(frozen=True)
class Verdict:
    """The policy's final label for a photo, with the network's probabilities behind it.

    `confidence` is the probability of `best_guess`, the class the network ranks first; for an
    `uncertain` verdict it is how sure the network was of the guess the policy refused to make.
    """

    label: str
    best_guess: str
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    snake_evidence: float | None = None
    """The kept ImageNet head's probability of a snake (model/imagenet.py); None where there is none."""
    detector_no_snake: float | None = None
    """The snake detector's probability of no snake (model/imagenet.py); None where there is none."""

    @property
    def sureness(self) -> float:
        """What the policy holds against the best guess's threshold (model/policy.py): its probability,
        or for "no snake" the detector's probability of no snake where the network has a detector."""
        if self.best_guess == "no_snake" and self.detector_no_snake is not None:
            return self.detector_no_snake
        return self.confidence

    def ranked_probabilities(self) -> list[tuple[str, float]]:
        """Every class with its probability, highest first."""
        return sorted(self.probabilities.items(), key=lambda item: item[1], reverse=True)

    def to_json(self) -> dict[str, object]:
        """The verdict as plain JSON types, probabilities sorted highest first."""
        return {
            "label": self.label,
            "best_guess": self.best_guess,
            "confidence": round(self.confidence, 4),
            "probabilities": {name: round(value, 4) for name, value in self.ranked_probabilities()},
        }
