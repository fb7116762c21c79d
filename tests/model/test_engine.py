"""The fast path gives the learner's own answers: same input tensor, same logits, same probabilities."""

import warnings
from pathlib import Path

import pytest
import torch
from fastai.learner import Learner, load_learner
from fastai.vision.core import PILImage
from torch import nn

from model import CLASSES, DEFAULT_MODEL_PATH, load_classifier
from model.decoding import decode_image
from model.engine import OnnxEngine, export_onnx
from model.transforms import ValidationTransform
from tests.tiny_model import draw_photo, photo_bytes


def own_learner(path: Path) -> Learner:
    """The learner as fastai loads it: nothing folded, nothing exported, the validation split pinned."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learner = load_learner(path, cpu=True)
    validation = learner.dls.valid
    validation.after_item.split_idx = validation.after_batch.split_idx = 1
    learner.model.eval()
    return learner


def fastai_batch(learner: Learner, image) -> torch.Tensor:
    validation = learner.dls.valid
    return validation.after_batch(validation.after_item(PILImage(image))[None])


@pytest.mark.parametrize("method", ["squish", "crop"])
def test_validation_transform_gives_fastais_tensor(tiny_model_path: Path, method: str) -> None:
    learner = own_learner(tiny_model_path)
    learner.dls.valid.after_item.fs[0].method = method
    transform = ValidationTransform.from_dataloader(learner.dls.valid)
    for size in [(160, 120), (97, 203), (64, 64)]:
        image = draw_photo("kingsnake", seed=3, size=size)
        ours, theirs = transform(image), fastai_batch(learner, image)
        assert ours.shape == theirs.shape == (1, 3, 64, 64)
        assert torch.allclose(ours, theirs, atol=1e-4)  # fastai's identity warp rounds at ~1e-5


def test_engine_returns_the_networks_whole_output_whatever_its_width() -> None:
    """A head wider than the four classes (as a concatenated extra head makes it) comes back whole."""
    network = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 7)).eval()
    engine = OnnxEngine(export_onnx(network, 32), threads=2)
    batch = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        expected = network(batch)
    assert engine(batch).shape == (3, 7)
    assert torch.allclose(engine(batch), expected, atol=1e-5)
    assert torch.allclose(engine.with_threads(1)(batch), expected, atol=1e-5)


def probabilities_agree(model_path: Path, photos: list[bytes]) -> None:
    """The engine's whole output equals the learner's network's, and so do the class probabilities."""
    classifier = load_classifier(model_path)
    learner = own_learner(model_path)
    assert isinstance(classifier.forward, OnnxEngine)
    classes = len(CLASSES)
    for photo in photos:
        image = decode_image(photo, min_side=classifier.input_size)
        batch = fastai_batch(learner, image)
        with torch.inference_mode():
            expected = learner.model(batch)
            logits = classifier.forward(batch)
        assert logits.shape == expected.shape
        assert torch.allclose(logits, expected, atol=1e-4)
        own = torch.softmax(expected[0, :classes], dim=0)
        assert torch.allclose(classifier.probabilities(image), own, atol=1e-4)


def test_tiny_learner_answers_as_its_own_model(tiny_model_path: Path) -> None:
    probabilities_agree(tiny_model_path, [photo_bytes(label, seed=70) for label in CLASSES])


def test_shipped_model_answers_as_its_own_model() -> None:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("no shipped model")
    photos = [photo_bytes(label, seed=71) for label in CLASSES]
    probabilities_agree(DEFAULT_MODEL_PATH, photos)
