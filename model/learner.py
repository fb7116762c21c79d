"""What serving takes from a fastai learner: its network, ready to export, and its validation transform.

This is the only part of `model` that imports PyTorch and fastai. A serving process reaches it only to
compile a learner (model/compile.py, in a child process) or where no compiled model can be had; then it
serves the learner in-process: ONNX Runtime on a graph exported in memory where the exporter can, the
network itself where it cannot, and fastai's own transforms where model/transforms.py would differ.
"""

import io
import logging
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from model.compat import ensure_torchvision_importable
from model.engine import OnnxEngine
from model.folding import fold_batch_norms
from model.transforms import UnknownPipeline, ValidationTransform

ensure_torchvision_importable()

from fastai.learner import Learner, load_learner  # noqa: E402  (needs the guard above)
from fastai.vision.core import PILImage  # noqa: E402

logger = logging.getLogger(__name__)

INPUT, OUTPUT = OnnxEngine.INPUT, OnnxEngine.OUTPUT


def load_learner_file(path: Path) -> Learner:
    """The learner at `path`, on the CPU, its validation pipeline pinned and its batch norms folded."""
    with warnings.catch_warnings():
        # fastai warns that pickles can run code: MODEL_PATH is the operator's own file, never user input.
        warnings.filterwarnings("ignore", message=".*insecure pickle", category=UserWarning)
        learner = load_learner(path, cpu=True)
    validation = learner.dls.valid
    # Outside fastai's own loop the pipelines' split_idx is unset, and then the train-only
    # augmentations (flips, rotation, lighting) would run on every photo: pin the validation split.
    validation.after_item.split_idx = validation.after_batch.split_idx = 1
    fold_batch_norms(learner.model)
    return learner


def vocabulary(learner: Learner) -> list[str]:
    return [str(name) for name in learner.dls.vocab]


def input_size(learner: Learner) -> int:
    """The side of the square the network sees, from the validation pipeline's resize."""
    resize = next(step for step in learner.dls.valid.after_item.fs if hasattr(step, "size"))
    return max(resize.size)


def export_onnx(network: nn.Module, side: int) -> bytes:
    """The network (in eval mode) as an ONNX graph for a batch of one photo.

    Every shape fixed lets ONNX Runtime fold away the padding arithmetic of timm's TensorFlow-style
    convolutions and fuse the pads into the convolutions: ~30% less time per photo than a variable batch.
    """
    example = torch.zeros(1, 3, side, side)
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(
            network.eval(),
            (example,),
            buffer,
            dynamo=False,
            input_names=[INPUT],
            output_names=[OUTPUT],
            opset_version=17,
        )
    return buffer.getvalue()


class TorchNetwork:
    """The network run by PyTorch, for a layer the ONNX exporter doesn't know: arrays in, arrays out."""

    def __init__(self, network: nn.Module) -> None:
        # Channels-last is the layout oneDNN's CPU convolutions want: ~7% less time per photo.
        self._network = network.eval().to(memory_format=torch.channels_last)

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        images = torch.from_numpy(batch).contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            return self._network(images).numpy()

    def with_threads(self, threads: int) -> "TorchNetwork":
        torch.set_num_threads(threads)
        return self


def serving_network(learner: Learner) -> OnnxEngine | TorchNetwork:
    """ONNX Runtime running the learner's network, or the network itself where it cannot be exported."""
    try:
        return OnnxEngine(export_onnx(learner.model, input_size(learner)))
    except Exception as error:  # any exporter failure leaves the network usable as it is
        logger.warning("ONNX export failed (%s); running the network with PyTorch", error)
        return TorchNetwork(learner.model)


def serving_transform(learner: Learner) -> Callable:
    """The validation transform in plain numpy, or fastai's own pipeline where numpy wouldn't match it."""
    try:
        return ValidationTransform.from_dataloader(learner.dls.valid)
    except UnknownPipeline as unknown:
        logger.warning("%s: running fastai's own transforms", unknown)
        return FastaiTransform(learner)


class FastaiTransform:
    """The learner's validation pipeline run by fastai (its pipelines share state: one photo at a time)."""

    def __init__(self, learner: Learner) -> None:
        self._dataloader = learner.dls.valid
        self._lock = threading.Lock()

    def __call__(self, image) -> np.ndarray:
        item = self._dataloader.after_item(PILImage(image))
        with self._lock:
            return self._dataloader.after_batch(item[None]).numpy()
