"""Small snakes in wide scenes: the pasting for training and the photos shrunk into scenes for evaluation."""

import io
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from model import Classifier
from training.data import snake_dataloaders
from training.evaluate import scene_predictions, scene_summary, snakes_called_no_snake
from training.scenes import SCENE_SIDE, PasteIntoScenes, shrunk_into

NO_SNAKE, SNAKE = 2, 0


def batch(labels: list[int], side: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """One flat grey level per photo, so a pasted square shows which photo it came from."""
    images = torch.stack([torch.full((3, side, side), (index + 1) / 10) for index in range(len(labels))])
    return images, torch.tensor(labels)


def pasting(share: float) -> PasteIntoScenes:
    transform = PasteIntoScenes(share)
    transform.no_snake = NO_SNAKE
    return transform


def test_pasted_photos_keep_their_label_and_sit_small_in_a_no_snake_photo() -> None:
    torch.manual_seed(0)
    images, labels = batch([SNAKE, NO_SNAKE, SNAKE])
    pasted, pasted_labels = pasting(share=1.0).encodes([images, labels])
    assert torch.equal(pasted_labels, labels)
    for index in (0, 2):  # each snake photo: mostly the scene's grey, its own grey in a smaller square
        greys = (pasted[index, 0] * 10).round().int()
        assert set(greys.unique().tolist()) == {index + 1, 2}
        assert int(0.25 * 32) ** 2 <= (greys == index + 1).sum() <= int(0.6 * 32) ** 2
    assert torch.equal(pasted[1], images[1])  # the only no-snake photo has no other scene to go into


def test_a_batch_without_a_no_snake_photo_is_left_alone() -> None:
    images, labels = batch([SNAKE, SNAKE])
    pasted, _ = pasting(share=1.0).encodes([images, labels])
    assert torch.equal(pasted, images)


def test_training_batches_are_pasted_and_validation_batches_are_not(photo_folder: Path) -> None:
    dls = snake_dataloaders([photo_folder], size=32, batch_size=16, split="grouped", scenes=1.0)
    transform = next(t for t in dls.train.after_batch.fs if isinstance(t, PasteIntoScenes))
    assert transform.no_snake == list(dls.vocab).index("no_snake")
    plain = snake_dataloaders([photo_folder], size=32, batch_size=16, split="grouped")
    assert not any(isinstance(t, PasteIntoScenes) for t in plain.train.after_batch.fs)
    assert torch.equal(dls.valid.one_batch()[0], plain.valid.one_batch()[0])


def test_a_photo_shrunk_into_a_scene_is_a_jpeg_of_the_scene_with_the_photo_in_it(tmp_path: Path) -> None:
    Image.new("RGB", (300, 100), (255, 0, 0)).save(tmp_path / "snake.png")
    Image.new("RGB", (640, 480), (0, 0, 255)).save(tmp_path / "scene.png")
    data = shrunk_into(tmp_path / "snake.png", tmp_path / "scene.png", random.Random(0), scale=0.4)
    picture = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    assert picture.shape == (SCENE_SIDE, SCENE_SIDE, 3)
    red = (picture[..., 0] > 200) & (picture[..., 2] < 60)
    assert red.sum() == pytest.approx(0.4 * SCENE_SIDE * 0.4 * SCENE_SIDE / 3, rel=0.05)  # aspect kept


def test_every_photo_goes_into_another_no_snake_photo_and_keeps_its_truth(
    photo_folder: Path, tiny_classifier: Classifier
) -> None:
    photos = sorted(photo_folder.glob("*/*.jpg"))
    predictions = scene_predictions(tiny_classifier, photos, seed=0)
    assert [p.photo for p in predictions] == photos
    assert [p.truth for p in predictions] == [photo.parent.name for photo in photos]
    again = scene_predictions(tiny_classifier, photos, seed=0)
    assert [p.verdict for p in again] == [p.verdict for p in predictions]
    summary = scene_summary(predictions)
    assert summary["scale"] == 0.4
    assert sum(summary["photos_per_class"].values()) == len(photos)
    assert 0.0 <= snakes_called_no_snake(summary) <= 1.0


def test_no_scenes_without_two_no_snake_photos(photo_folder: Path, tiny_classifier: Classifier) -> None:
    snakes = sorted(photo_folder.glob("coral_snake/*.jpg"))
    assert scene_predictions(tiny_classifier, snakes) == []
