"""The learner's validation transforms (resize, scale to 0-1, normalise) in plain PIL and numpy.

fastai runs them through its typed pipelines, which cost several milliseconds a photo in dispatch
alone. `ValidationTransform.from_dataloader` reads the sizes and statistics from the learner's own
validation pipeline and refuses any pipeline it would not reproduce exactly, so the caller can keep
fastai's there; tests/model/test_engine.py checks the arrays are the same as fastai's tensors.
The numbers travel with the compiled model (model/compiled.py) as `as_dict`, so serving needs no fastai.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

PIPELINE = ("Resize", "ToTensor", "IntToFloatTensor", "Normalize")
"""The validation steps reproduced here, in fastai's order."""


class UnknownPipeline(ValueError):
    """The validation pipeline holds a step this module does not reproduce."""


@dataclass(frozen=True)
class ValidationTransform:
    size: tuple[int, int]
    """(width, height) the network sees."""
    method: str
    """fastai's resize method: "squish" (stretch the whole photo) or "crop" (centre crop, then resize)."""
    resample: Image.Resampling
    divisor: float
    mean: np.ndarray
    std: np.ndarray
    """Per channel, shaped (3, 1, 1)."""

    @classmethod
    def from_dataloader(cls, dataloader) -> "ValidationTransform":
        steps = [step for step in [*dataloader.after_item.fs, *dataloader.after_batch.fs] if changes(step)]
        if tuple(type(step).__name__ for step in steps) != PIPELINE:
            raise UnknownPipeline(f"validation pipeline {[type(step).__name__ for step in steps]}")
        resize, _, to_float, normalize = steps
        if resize.method not in ("squish", "crop"):
            raise UnknownPipeline(f"resize method {resize.method}")
        return cls(
            size=tuple(resize.size),
            method=resize.method,
            resample=resize.mode,
            divisor=float(to_float.div),
            mean=normalize.mean.reshape(3, 1, 1).numpy().astype(np.float32),
            std=normalize.std.reshape(3, 1, 1).numpy().astype(np.float32),
        )

    def as_dict(self) -> dict[str, Any]:
        """The transform as plain JSON values."""
        return {
            "size": [int(side) for side in self.size],
            "method": self.method,
            "resample": int(self.resample),
            "divisor": self.divisor,
            "mean": self.mean.ravel().tolist(),
            "std": self.std.ravel().tolist(),
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "ValidationTransform":
        def per_channel(name: str) -> np.ndarray:
            return np.asarray(values[name], dtype=np.float32).reshape(3, 1, 1)

        return cls(
            size=tuple(values["size"]),
            method=values["method"],
            resample=Image.Resampling(values["resample"]),
            divisor=float(values["divisor"]),
            mean=per_channel("mean"),
            std=per_channel("std"),
        )

    def __call__(self, image: Image.Image) -> np.ndarray:
        """A batch of one, (1, 3, height, width) float32, from an RGB image.

        `(pixels / divisor - mean) / std` as one multiply and one add, in place, in the network's layout.
        """
        scale = 1 / (np.float32(self.divisor) * self.std)
        pixels = np.empty((1, 3, self.size[1], self.size[0]), dtype=np.float32)
        np.multiply(np.asarray(self._resized(image)).transpose(2, 0, 1), scale, out=pixels[0])
        pixels[0] -= self.mean / self.std
        return pixels

    def _resized(self, image: Image.Image) -> Image.Image:
        if self.method == "crop":
            image = image.crop(self._centre_crop(image.size))
        return image.resize(self.size, self.resample)

    def _centre_crop(self, image_size: tuple[int, int]) -> tuple[int, int, int, int]:
        """The box fastai's validation `Resize(method="crop")` keeps: the centre, in the target's shape."""
        width, height = image_size
        scale = min(width / self.size[0], height / self.size[1])
        crop_width, crop_height = int(scale * self.size[0]), int(scale * self.size[1])
        left, top = int(0.5 * (width - crop_width)), int(0.5 * (height - crop_height))
        return left, top, left + crop_width, top + crop_height


def changes(step) -> bool:
    """Whether a pipeline step changes a validation image.

    Train-only augmentations (`split_idx` 0) never run; fastai's flips, rotations and zooms (an
    `AffineCoordTfm` that doesn't resize) warp a validation image by the identity, which only adds
    rounding in the last bit.
    """
    warp = any(kind.__name__ == "AffineCoordTfm" for kind in type(step).__mro__)
    identity_warp = warp and getattr(step, "size", None) is None
    return step.split_idx != 0 and not identity_warp
