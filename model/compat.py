"""Let torchvision (and so fastai and timm) import where its compiled ops cannot load.

The only torchvision that matches ``torch==2.13.0`` here is a CUDA build: its ``_C`` extension does
not load next to CPU-only torch, and ``import torchvision`` then fails with
``operator torchvision::nms does not exist`` because it registers fake kernels for ops it expects the
extension to have defined. Declaring those op schemas first is enough for everything we use
(image models and transforms never call the detection ops). Where the extension loads, this does nothing.
"""

import importlib.machinery
import importlib.util
from pathlib import Path

import torch

# Ops that torchvision/_meta_registrations.py registers unconditionally with `register_fake`.
_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_declared: list[torch.library.Library] = []  # kept alive: a dropped Library unregisters its ops


def _extension_loads() -> bool:
    spec = importlib.util.find_spec("torchvision")
    if spec is None or spec.origin is None:
        return True  # no torchvision at all: nothing to guard
    finder = importlib.machinery.FileFinder(
        str(Path(spec.origin).parent),
        (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
    )
    extension = finder.find_spec("_C")
    if extension is None or extension.origin is None:
        return False
    try:
        torch.ops.load_library(extension.origin)
    except OSError:
        return False
    return True


def ensure_torchvision_importable() -> None:
    """Declare torchvision's op schemas if its compiled extension cannot load; idempotent."""
    if _declared or hasattr(torch.ops.torchvision, "nms") or _extension_loads():
        return
    library = torch.library.Library("torchvision", "DEF")
    for schema in _SCHEMAS:
        library.define(schema)
    _declared.append(library)
