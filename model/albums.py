"""Several photos of one animal (a Telegram album) combined into one verdict under the safety policy.

The photos are views of the same snake, so their evidence adds up: the combined probabilities are the
normalised mean of the photos' log-probabilities (a geometric mean, which a single confident photo
cannot swamp the way it swamps an arithmetic mean). When photos are each sure of different classes
(one a coral snake, another no snake at all) the album is answered on the safe side: a coral snake if
the combination says so, otherwise `uncertain` ("treat it as venomous").
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from model.policy import Thresholds, decide
from model.verdict import CLASSES, UNCERTAIN, Verdict

PROBABILITY_FLOOR = 1e-9
"""Keeps a zero probability from making a logarithm of minus infinity."""
SAFEST = "coral_snake"


@dataclass(frozen=True)
class AlbumVerdict:
    combined: Verdict
    disagreement: bool
    """Two photos were each sure of a different class."""


def combine(verdicts: Sequence[Verdict], thresholds: Thresholds) -> AlbumVerdict:
    """One verdict for photos of one animal; `verdicts` holds at least one."""
    if not verdicts:
        raise ValueError("an album needs at least one verdict")
    mean_logs = {
        name: sum(math.log(max(v.probabilities[name], PROBABILITY_FLOOR)) for v in verdicts) / len(verdicts)
        for name in CLASSES
    }
    highest = max(mean_logs.values())
    weights = {name: math.exp(value - highest) for name, value in mean_logs.items()}
    total = sum(weights.values())
    # If any photo shows the ImageNet head or the detector a snake, the album does not get "no snake".
    evidence = [v.snake_evidence for v in verdicts if v.snake_evidence is not None]
    detector = [v.detector_no_snake for v in verdicts if v.detector_no_snake is not None]
    combined = decide(
        {name: weight / total for name, weight in weights.items()},
        thresholds,
        max(evidence, default=None),
        min(detector, default=None),
    )
    disagreement = len({verdict.label for verdict in verdicts} - {UNCERTAIN}) > 1
    if disagreement and combined.label != SAFEST:
        combined = replace(combined, label=UNCERTAIN)
    return AlbumVerdict(combined, disagreement)
