"""The safety policy: the network's probabilities become a label only when it is safe to say.

Calling a snake harmless (`kingsnake`) or saying there is no snake (`no_snake`) is what can hurt
someone, so each needs the network to be at least as sure as a threshold chosen on validation data
(training/thresholds.py). Below it the verdict is `uncertain`, which the bot words as "treat it as
venomous". Calling a snake a coral snake, or an unknown snake, errs on the safe side and needs no threshold.
Where the network kept its ImageNet classifier (model/imagenet.py), "no snake" also needs that classifier
to put less than `snake_evidence` of its belief on its snake classes: it knows snakes from everywhere.
Where the network has a snake detector (training/detector.py), the `no_snake` threshold holds the
detector's probability of "no snake", not the class probability: on photos from sources training never
saw, it tells snakes from snake-free scenes much better (model/MODEL.md).
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from model.verdict import CLASSES, UNCERTAIN, Verdict


@dataclass(frozen=True)
class Thresholds:
    """The least probability at which each guarded class may be said."""

    kingsnake: float = 0.9
    no_snake: float = 0.9
    snake_evidence: float = 1.0
    """`no_snake` is said only while the ImageNet head's snake probability is below this."""

    def required_for(self, label: str) -> float:
        """The probability `label` needs before it is said; 0 for unguarded labels."""
        return getattr(self, label, 0.0)

    @classmethod
    def load(cls, path: Path) -> "Thresholds":
        """Read thresholds from JSON; missing keys keep their defaults."""
        values = json.loads(path.read_text())
        return cls(**{name: float(values[name]) for name in asdict(cls()) if name in values})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


def decide(
    probabilities: Mapping[str, float],
    thresholds: Thresholds,
    snake_evidence: float | None = None,
    detector_no_snake: float | None = None,
) -> Verdict:
    """Turn the network's class probabilities into a verdict under the safety thresholds.

    `snake_evidence` is the ImageNet head's snake probability, `detector_no_snake` the snake detector's
    probability of no snake, where the network has them.
    """
    missing = set(CLASSES) - set(probabilities)
    if missing:
        raise ValueError(f"probabilities lack classes {sorted(missing)}")
    best_guess = max(CLASSES, key=lambda name: probabilities[name])
    verdict = Verdict(
        label=UNCERTAIN,
        best_guess=best_guess,
        confidence=float(probabilities[best_guess]),
        probabilities={name: float(probabilities[name]) for name in CLASSES},
        snake_evidence=snake_evidence,
        detector_no_snake=detector_no_snake,
    )
    sure_enough = verdict.sureness >= thresholds.required_for(best_guess)
    if best_guess == "no_snake" and snake_evidence is not None:
        sure_enough = sure_enough and snake_evidence < thresholds.snake_evidence
    return replace(verdict, label=best_guess) if sure_enough else verdict
