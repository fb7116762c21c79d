"""Choose the safety thresholds from validation probabilities and save them beside the model.

    python -m training.thresholds DATA_DIR [--model PATH] [--margin 0.02]

A guarded class (see model/policy.py) may be said only above its threshold. Each threshold is set just
above the most confident wrong call it must prevent on the validation photos: `kingsnake` above every
coral or other snake photo the network ranks kingsnake first, `no_snake` above every snake photo it ranks
no_snake first. Every such validation photo then becomes `uncertain` instead of a dangerous miss; the price
is the true kingsnake and no-snake photos below the threshold, which become `uncertain` too. Each
threshold also has a floor (`FLOORS`), since validation photos are few and from the training's sources.
"""

import argparse
from collections.abc import Iterable
from pathlib import Path

from model import DEFAULT_MODEL_PATH, Thresholds, load_classifier
from model.classifier import thresholds_path_for
from training.evaluate import SNAKES, VENOMOUS_OR_UNKNOWN, Prediction, classify_photos, labelled_photos

MARGIN = 0.02
FLOORS = {"kingsnake": 0.9, "no_snake": 0.5}
"""Never below these, even where validation shows no wrong call to prevent. Calling a snake harmless
needs 90%: validation photos come from the same web sources as the training photos, users' photos do
not, and one coral snake from elsewhere called a kingsnake at 60% is the miss this product exists to
prevent. `no_snake` needs only to be likely; its threshold comes from the data in practice."""


def lowest_safe_threshold(
    predictions: Iterable[Prediction], guarded: str, must_not_become: Iterable[str], margin: float = MARGIN
) -> float:
    """Just above the top `guarded` probability of any `must_not_become` photo ranked `guarded` first."""
    truths = set(must_not_become)
    wrong_calls = [
        p.verdict.confidence for p in predictions if p.truth in truths and p.verdict.best_guess == guarded
    ]
    return min(1.0, max([FLOORS[guarded], *(confidence + margin for confidence in wrong_calls)]))


def choose_thresholds(predictions: list[Prediction], margin: float = MARGIN) -> Thresholds:
    """The thresholds under which no validation photo becomes a dangerous miss."""
    return Thresholds(
        kingsnake=lowest_safe_threshold(predictions, "kingsnake", VENOMOUS_OR_UNKNOWN, margin),
        no_snake=lowest_safe_threshold(predictions, "no_snake", SNAKES, margin),
    )


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, help="the training data; its validation split is used")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--margin", type=float, default=MARGIN, help="added above the worst wrong call")
    return parser.parse_args(argv)


def save_thresholds_for(model_path: Path, data_dir: Path, margin: float = MARGIN) -> Thresholds:
    """Choose thresholds on the validation split of `data_dir` and save them where the model loads them."""
    classifier = load_classifier(model_path)
    predictions = classify_photos(classifier, labelled_photos(data_dir, validation_only=True))
    thresholds = choose_thresholds(predictions, margin)
    thresholds.save(thresholds_path_for(model_path))
    print(f"{thresholds} saved to {thresholds_path_for(model_path)}")
    return thresholds


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    save_thresholds_for(args.model, args.data_dir, args.margin)


if __name__ == "__main__":
    main()
