"""The served classifier gives the learner's own answers: same input, same logits, same probabilities.

Served from the compiled model (model/compiled.py) by default, from the learner in-process otherwise.
"""

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from fastai.learner import Learner, load_learner
from fastai.vision.core import PILImage
from torch import nn

from model import CLASSES, DEFAULT_MODEL_PATH, compiled, load_classifier
from model.compile import compile_learner_file
from model.compiled import compiled_path_for
from model.decoding import decode_image
from model.engine import OnnxEngine
from model.learner import export_onnx
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
        ours, theirs = torch.from_numpy(transform(image)), fastai_batch(learner, image)
        assert ours.shape == theirs.shape == (1, 3, 64, 64)
        assert torch.allclose(ours, theirs, atol=1e-4)  # fastai's identity warp rounds at ~1e-5
        again = ValidationTransform.from_dict(transform.as_dict())
        assert (again(image) == transform(image)).all()  # what the compiled model carries


def test_engine_returns_the_networks_whole_output_whatever_its_width() -> None:
    """A head wider than the four classes (as a concatenated extra head makes it) comes back whole."""
    network = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 7)).eval()
    engine = OnnxEngine(export_onnx(network, 32), threads=2)
    batch = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        expected = network(batch)
    assert engine(batch.numpy()).shape == (1, 7)
    assert torch.allclose(torch.from_numpy(engine(batch.numpy())), expected, atol=1e-5)
    assert torch.allclose(torch.from_numpy(engine.with_threads(1)(batch.numpy())), expected, atol=1e-5)


def probabilities_agree(model_path: Path, photos: list[bytes], use_compiled: bool = True) -> None:
    """The engine's whole output equals the learner's network's, and so do the class probabilities."""
    classifier = load_classifier(model_path, use_compiled=use_compiled)
    learner = own_learner(model_path)
    assert isinstance(classifier.network, OnnxEngine)
    classes = len(CLASSES)
    for photo in photos:
        image = decode_image(photo, min_side=classifier.input_size)
        batch = fastai_batch(learner, image)
        with torch.inference_mode():
            expected = learner.model(batch)
        logits = torch.from_numpy(classifier.network(batch.numpy()))
        assert logits.shape == expected.shape
        assert torch.allclose(logits, expected, atol=1e-4)
        own = torch.softmax(expected[0, :classes].double(), dim=0)
        assert torch.allclose(torch.from_numpy(classifier.scores(image).probabilities), own, atol=1e-4)


@pytest.mark.parametrize("use_compiled", [True, False], ids=["compiled", "learner in-process"])
def test_tiny_learner_answers_as_its_own_model(tiny_model_path: Path, use_compiled: bool) -> None:
    probabilities_agree(tiny_model_path, [photo_bytes(label, seed=70) for label in CLASSES], use_compiled)


def test_shipped_model_answers_as_its_own_model() -> None:
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("no shipped model")
    photos = [photo_bytes(label, seed=71) for label in CLASSES]
    probabilities_agree(DEFAULT_MODEL_PATH, photos)


def test_the_compiled_model_is_written_once_and_follows_its_learner(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    model = tmp_path / "snakes.pkl"
    shutil.copy(tiny_model_path, model)
    first = load_classifier(model)
    compiled = compiled_path_for(model)
    written = compiled.stat().st_mtime_ns
    assert load_classifier(model).version == first.version
    assert compiled.stat().st_mtime_ns == written  # current: not compiled again

    model.write_bytes(model.read_bytes() + b"\0")  # another learner file (pickles ignore trailing bytes)
    changed = load_classifier(model)
    assert changed.version != first.version
    assert compiled.stat().st_mtime_ns != written  # compiled again, from the new file
    compiled.write_bytes(b"not a graph")
    assert load_classifier(model).version == changed.version


def test_a_compile_that_cannot_write_its_file_leaves_nothing_behind(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "tiny.onnx"
    (target / "in the way").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(OSError):
        compile_learner_file(tiny_model_path, target)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tiny.onnx"]


def test_a_learner_in_a_read_only_folder_is_compiled_elsewhere(
    tiny_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "snakes.pkl"
    shutil.copy(tiny_model_path, model)
    # As for a model mounted read-only into a container (root could write here, so the check is told).
    monkeypatch.setattr(compiled.os, "access", lambda path, mode: Path(path) != tmp_path)
    classifier = load_classifier(model)
    assert isinstance(classifier.network, OnnxEngine)
    assert not compiled_path_for(model).exists()  # compiled in a temporary folder, read, removed


def test_a_learner_that_cannot_be_compiled_is_served_in_process(
    tiny_model_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = tmp_path / "snakes.pkl"
    shutil.copy(tiny_model_path, model)
    compiled_path_for(model).mkdir()  # where the compiled file would go: it cannot be written
    with caplog.at_level("WARNING"):
        classifier = load_classifier(model)
    assert "could not compile" in caplog.text and "in this process" in caplog.text
    verdict = classifier.classify(photo_bytes("coral_snake", seed=4))
    assert abs(sum(verdict.probabilities.values()) - 1) < 1e-6


SERVE = """
import sys
from model import load_classifier
verdict = load_classifier(sys.argv[1]).classify(open(sys.argv[2], "rb").read())
heavy = sorted({"torch", "fastai", "pandas", "timm"} & {name.partition(".")[0] for name in sys.modules})
print(verdict.label, heavy)
"""


def test_serving_a_compiled_model_imports_neither_pytorch_nor_fastai(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    load_classifier(tiny_model_path)  # compiled beside it
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_bytes("kingsnake", seed=9))
    command = [sys.executable, "-c", SERVE, str(tiny_model_path), str(photo)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[1].strip() == "[]"
