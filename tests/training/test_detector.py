"""The snake detector: fitted on labelled photos, appended to the network, read by the served classifier."""

from pathlib import Path

import numpy as np
import pytest

from model import CLASSES, load_classifier
from model.compat import ensure_torchvision_importable
from tests.tiny_model import draw_photo
from training.detector import add_snake_detector, last_linear

ensure_torchvision_importable()

from fastai.learner import load_learner  # noqa: E402


def labelled_photos(folder: Path, seeds: range) -> list[Path]:
    photos = []
    for label in CLASSES:
        (folder / label).mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            draw_photo(label, seed).save(folder / label / f"{seed}.png")
            photos.append(folder / label / f"{seed}.png")
    return photos


@pytest.fixture(scope="module")
def detector_model(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny learner with a detector fitted on drawings it never trained on, exported."""
    folder = tmp_path_factory.mktemp("detector")
    learner = load_learner(tiny_model_path, cpu=True)
    add_snake_detector(learner, labelled_photos(folder / "photos", range(100, 112)))
    learner.export(folder / "with_detector.pkl")
    return folder / "with_detector.pkl"


def test_the_detector_is_one_more_output_and_a_second_fit_replaces_it(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    learner = load_learner(tiny_model_path, cpu=True)
    photos = labelled_photos(tmp_path, range(200, 204))
    add_snake_detector(learner, photos)
    assert last_linear(learner.model).out_features == len(CLASSES) + 1
    add_snake_detector(learner, photos)
    assert last_linear(learner.model).out_features == len(CLASSES) + 1


def test_the_served_classifier_reads_the_detector_and_it_tells_snakes_from_none(detector_model: Path) -> None:
    classifier = load_classifier(detector_model)

    def no_snake(label: str, seed: int) -> float:
        return classifier.scores(draw_photo(label, seed)).detector_no_snake

    doubt = {label: np.mean([no_snake(label, seed) for seed in range(300, 306)]) for label in CLASSES}
    assert all(doubt["no_snake"] > doubt[snake] for snake in CLASSES if snake != "no_snake")


def test_the_compiled_and_the_learners_own_detector_agree(detector_model: Path) -> None:
    photo = draw_photo("no_snake", 400)
    compiled = load_classifier(detector_model).scores(photo).detector_no_snake
    in_process = load_classifier(detector_model, use_compiled=False).scores(photo).detector_no_snake
    assert compiled == pytest.approx(in_process, abs=1e-4)
