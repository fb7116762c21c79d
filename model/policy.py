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

The place where the snake was seen can loosen the `kingsnake` threshold, and nothing else: a `Policy`
holds the strict thresholds and those of each group of places (model/places.py) that has its own.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from model.places import STRICT, group_of
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
        """Read the strict thresholds from a policy file; missing keys keep their defaults."""
        return Policy.load(path).strict

    def updated(self, values: Mapping[str, Any]) -> "Thresholds":
        """These thresholds with those `values` names (others ignored) replaced."""
        return replace(self, **{name: float(values[name]) for name in asdict(self) if name in values})


@dataclass(frozen=True)
class Policy:
    """The strict thresholds, and the own thresholds of each group of places that has them.

    A group's thresholds differ from the strict ones in `kingsnake` alone: where a person saw the snake
    changes which coral snakes it can be, not whether there is a snake in the photo.
    """

    strict: Thresholds = field(default_factory=Thresholds)
    groups: Mapping[str, Thresholds] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, thresholds in self.groups.items():
            if replace(thresholds, kingsnake=self.strict.kingsnake) != self.strict:
                raise ValueError(f"the thresholds of {name!r} differ from the strict ones beyond kingsnake")

    def for_place(self, code: str | None) -> Thresholds:
        """The thresholds that answer for a snake seen at `code` (None: no place known)."""
        return self.groups.get(group_of(code), self.strict)

    def rule_for(self, code: str | None) -> str:
        """The name of the thresholds `for_place` picks: a group of places, or `strict`."""
        group = group_of(code)
        return group if group in self.groups else STRICT

    def place_matters(self, verdict: Verdict) -> bool:
        """Whether a snake's photo with this verdict (under the strict thresholds) would be answered
        differently in some group of places: asking where it was seen could change the answer."""
        return any(
            redecide(verdict, thresholds).label != verdict.label for thresholds in self.groups.values()
        )

    @classmethod
    def load(cls, path: Path) -> "Policy":
        """Read a policy file: the strict thresholds at the top, each group's under `places`."""
        values = json.loads(path.read_text())
        strict = Thresholds().updated(values)
        groups = {name: strict.updated(own) for name, own in values.get("places", {}).items()}
        return cls(strict, groups)

    def save(self, path: Path) -> None:
        groups = {name: {"kingsnake": thresholds.kingsnake} for name, thresholds in self.groups.items()}
        path.write_text(json.dumps({**asdict(self.strict), "places": groups}, indent=2) + "\n")


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


def redecide(verdict: Verdict, thresholds: Thresholds) -> Verdict:
    """The verdict the same scores get under `thresholds`."""
    return decide(verdict.probabilities, thresholds, verdict.snake_evidence, verdict.detector_no_snake)
