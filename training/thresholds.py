"""Choose the safety thresholds on photos the network never trained on, and save them.

    python -m training.thresholds DATA_DIR... [--model PATH] [--split sources|grouped] [--margin 0.02]
        [--metrics FILE]

Re-choosing thresholds for a trained model (after a change to the policy or to how photos are looked at)
re-measures it too: `--metrics model/reports/metrics.json` updates the card's numbers, keeping the rest.

A guarded class (see model/policy.py) may be said only above its threshold. Each threshold is set `margin`
above the most confident wrong call it must prevent on every photo training kept back (training/split.py):
the held-out sources, which say how the network does on photos from elsewhere, and the grouped validation
photos, whose wrong calls are just as real (a threshold that prevents one set's misses but not the other's
would ship a known dangerous miss). `kingsnake` above every coral or other
snake photo the network ranks kingsnake first, `no_snake` above every snake photo it ranks no_snake first
that the ImageNet head's snake gate (`snake_evidence`) lets through (above the snake detector's probability
of "no snake" where the network has a detector: model/policy.py). The gate is chosen with it: of the
candidate gates, the one under which the most no-snake photos may still be called "no snake". Every such
photo then becomes `uncertain` instead of a dangerous miss; the price is the true kingsnake and no-snake
photos below the thresholds, which become `uncertain` too. Each threshold also has a floor (`FLOORS`).
"""

import argparse
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from model import DEFAULT_MODEL_PATH, Thresholds, load_classifier
from model.classifier import thresholds_path_for
from model.places import RHYME_HOLDS
from model.policy import Policy, redecide
from training.evaluate import classify_scenes, classify_sides, evaluation_sets, report_on
from training.places import answered_for_their_place, protected_in
from training.predictions import SNAKES, VENOMOUS_OR_UNKNOWN, Prediction, summarise
from training.reports import save_json
from training.sources import source_of
from training.split import SCHEMES

MARGIN = 0.02
SNAKE_GATES = (*(round(0.01 + 0.005 * step, 3) for step in range(19)), 0.2, 0.3, 0.5, 1.0)
"""Candidate gates on the ImageNet head's snake probability for saying "no snake" (1.0: no gate): every
half point up to 0.1, where the odd snake photos that look snake-free sit, so that one of them just
above a coarse step (0.02, 0.05) cannot wipe out "no snake" for everything between the steps."""
FLOORS = {"kingsnake": 0.9, "no_snake": 0.5}
"""Never below these, even where validation shows no wrong call to prevent. Calling a snake harmless
needs 90%: validation photos come from the same web sources as the training photos, users' photos do
not, and one coral snake from elsewhere called a kingsnake at 60% is the miss this product exists to
prevent. `no_snake` needs only to be likely; its threshold comes from the data in practice."""
GROUP_KINGSNAKE_FLOORS = {RHYME_HOLDS: 0.6}
"""The floor of `kingsnake` for a snake seen where every coral snake keeps "red touches yellow" (or none
lives): there the coral snake from elsewhere that the strict floor guards against can't be met, and the
network's kingsnake call rests on the band order that holds there. Still more likely than not, and the
threshold rises above every wrong call the group's photos show (training/places.py)."""


def lowest_safe_threshold(
    predictions: Iterable[Prediction],
    guarded: str,
    must_not_become: Iterable[str],
    margin: float = MARGIN,
    gate: float = 1.0,
    floor: float | None = None,
) -> float:
    """Just above the top `guarded` probability of any `must_not_become` photo ranked `guarded` first,
    and never below `floor` (default: the guarded class's in `FLOORS`).

    Photos whose ImageNet snake probability is at least `gate` are stopped by the gate, not the threshold.
    """
    truths = set(must_not_become)
    wrong_calls = [
        p.verdict.sureness
        for p in predictions
        if p.truth in truths and p.verdict.best_guess == guarded and _passes(p, gate)
    ]
    return min(
        1.0, max([floor if floor is not None else FLOORS[guarded], *(c + margin for c in wrong_calls)])
    )


def choose_thresholds(predictions: list[Prediction], margin: float = MARGIN) -> Thresholds:
    """The thresholds under which none of `predictions` becomes a dangerous miss."""
    kingsnake = lowest_safe_threshold(predictions, "kingsnake", VENOMOUS_OR_UNKNOWN, margin)
    has_gate = any(p.verdict.snake_evidence is not None for p in predictions)
    candidates = [
        Thresholds(kingsnake, lowest_safe_threshold(predictions, "no_snake", SNAKES, margin, gate), gate)
        for gate in (SNAKE_GATES if has_gate else (1.0,))
    ]
    return max(candidates, key=lambda thresholds: _no_snake_said(predictions, thresholds))


def choose_policy(predictions: list[Prediction], margin: float = MARGIN) -> Policy:
    """The strict thresholds, chosen on every photo, and each group of places' own `kingsnake` threshold,
    chosen on the snake photos a person there could meet (training/places.py)."""
    strict = choose_thresholds(predictions, margin)
    groups = {}
    for group, floor in GROUP_KINGSNAKE_FLOORS.items():
        protected = protected_in(predictions, group)
        kingsnake = lowest_safe_threshold(protected, "kingsnake", VENOMOUS_OR_UNKNOWN, margin, floor=floor)
        groups[group] = replace(strict, kingsnake=min(kingsnake, strict.kingsnake))
    return Policy(strict, groups)


def _passes(prediction: Prediction, gate: float) -> bool:
    evidence = prediction.verdict.snake_evidence
    return evidence is None or evidence < gate


def _no_snake_said(predictions: list[Prediction], thresholds: Thresholds) -> int:
    """How many no-snake photos these thresholds let the bot call "no snake" (ties: the tighter gate)."""
    return sum(
        p.truth == "no_snake"
        and p.verdict.best_guess == "no_snake"
        and p.verdict.sureness >= thresholds.no_snake
        and _passes(p, thresholds.snake_evidence)
        for p in predictions
    )


def no_snake_ceiling(predictions: list[Prediction], protected: list[Prediction]) -> float | None:
    """The share of the no-snake photos in `predictions` that any safe rule could call "no snake".

    A rule that says "no snake" below a gate on the ImageNet snake evidence and above a threshold on the
    detector's sureness (or along any boundary that says it more readily as evidence falls and sureness
    rises) also says it of every snake photo in `protected` ranked no_snake first with no more evidence
    and no less sureness. A no-snake photo dominated by such a snake is out of every safe rule's reach, at
    any margin: what is left says whether better thresholds could meet a target, or only a better network.
    """
    snakes = [_signals(p) for p in protected if p.truth in SNAKES and p.verdict.best_guess == "no_snake"]

    def reachable(prediction: Prediction) -> bool:
        own_evidence, own_sureness = _signals(prediction)
        return prediction.verdict.best_guess == "no_snake" and not any(
            evidence <= own_evidence and sureness >= own_sureness for evidence, sureness in snakes
        )

    no_snake = [p for p in predictions if p.truth == "no_snake"]
    return sum(map(reachable, no_snake)) / len(no_snake) if no_snake else None


def _signals(prediction: Prediction) -> tuple[float, float]:
    """What the policy says "no snake" by: the ImageNet snake evidence (0 without that head), sureness."""
    evidence = prediction.verdict.snake_evidence
    return (0.0 if evidence is None else evidence), prediction.verdict.sureness


def leave_one_source_out(predictions: list[Prediction], margin: float = MARGIN) -> dict[str, dict]:
    """Per source: what thresholds chosen on the *other* sources' photos do on this one's.

    Thresholds chosen on photos cannot make a dangerous miss on those photos; this asks how they fare on
    a source they were not chosen on, as they will on users' photos.
    """
    check = {}
    for source in sorted({source_of(p.photo) for p in predictions}):
        policy = choose_policy([p for p in predictions if source_of(p.photo) != source], margin)
        own = [p for p in predictions if source_of(p.photo) == source]
        summary = summarise(redecided(own, policy.strict))
        check[source] = {
            "photos": summary["photos"],
            "dangerous_misses": summary["dangerous_misses"],
            "dangerous_misses_for_its_place": summarise(answered_for_their_place(own, policy))[
                "dangerous_misses"
            ],
            "uncertain_share_of_snake_photos": summary["uncertain_share_of_snake_photos"],
            "no_snake_kept": summary["no_snake_kept"],
        }
    return check


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dirs", type=Path, nargs="+", help="the training data folders")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument(
        "--split", choices=SCHEMES, default="sources", help="the split the model trained with"
    )
    parser.add_argument("--margin", type=float, default=MARGIN, help="added above the worst wrong call")
    parser.add_argument("--metrics", type=Path, help="update this JSON report (keeping its other keys)")
    return parser.parse_args(argv)


def choose_and_measure(
    model_path: Path, data_dirs: list[Path], split: str = "sources", margin: float = MARGIN
) -> dict:
    """Choose thresholds on every photo `split` kept out of training, save them beside the model, and
    report on those photos under them (training.evaluate's report, with the photos shrunk into scenes,
    plus the leave-one-source-out check and each side's ceiling on "no snake"). The scenes are measured,
    not chosen on.

    Each photo is classified once: the policy's decision is re-made from the network's stored scores.
    """
    classifier = load_classifier(model_path)
    photos = evaluation_sets(data_dirs, split)
    sides, scenes = classify_sides(classifier, photos), classify_scenes(classifier, photos)
    everything = [prediction for predictions in sides.values() for prediction in predictions]
    policy = choose_policy(everything, margin)
    policy.save(thresholds_path_for(model_path))
    print(f"{policy} saved to {thresholds_path_for(model_path)}")
    decided = {side: redecided(predictions, policy.strict) for side, predictions in sides.items()}
    scenes_decided = {side: redecided(predictions, policy.strict) for side, predictions in scenes.items()}
    report = report_on(model_path.name, policy, split, decided, scenes_decided)
    has_detector = any(p.verdict.detector_no_snake is not None for p in everything)
    return {
        **report,
        "snake_detector": has_detector,
        "thresholds_check": leave_one_source_out(everything, margin),
        "no_snake_ceiling": {
            side: no_snake_ceiling(predictions, everything) for side, predictions in sides.items()
        },
    }


def redecided(predictions: list[Prediction], thresholds: Thresholds) -> list[Prediction]:
    """The same photos and scores, decided under `thresholds`."""
    return [Prediction(p.photo, p.truth, redecide(p.verdict, thresholds)) for p in predictions]


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    report = choose_and_measure(args.model, args.data_dirs, args.split, args.margin)
    if args.metrics:
        kept = json.loads(args.metrics.read_text()) if args.metrics.is_file() else {}
        save_json({**kept, **report}, args.metrics)


if __name__ == "__main__":
    main()
