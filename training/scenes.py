"""Small snakes in wide scenes: photos shrunk into photos without a snake.

Most training snakes fill their photo, so a network learns that a snake is what a photo is of, and a user
told to keep a safe distance sends a snake that fills a fraction of it. So the evaluation also asks about
every kept-back photo shrunk to 40% of the side of a kept-back no-snake photo (`shrunk_into`): is the
snake still found? And training may paste a share of each batch, shrunk, into the batch's no-snake photos,
keeping their label (`PasteIntoScenes`): a snake in a scene is a snake. No-snake photos are pasted too,
so a pasted square is no sign of a snake.
"""

import io
import random
from pathlib import Path

import torch
import torch.nn.functional as F

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

from fastai.vision.all import ItemTransform  # noqa: E402
from PIL import Image  # noqa: E402

SCALES = (0.25, 0.6)
"""The pasted photo's side as a share of the scene's: from a far-off snake to one that fills half of it."""
SCENE_SCALE = 0.4
"""The evaluation's share: the snake's photo covers a sixth of the scene or less."""
SCENE_SIDE = 512
"""The scene's side in pixels, twice the network's input, as a phone photo is larger than the input."""


def shrunk_into(photo: Path, scene: Path, rng: random.Random, scale: float = SCENE_SCALE) -> bytes:
    """A JPEG of `scene` with `photo` shrunk to `scale` of its side (aspect kept) at a random place."""
    background = Image.open(scene).convert("RGB").resize((SCENE_SIDE, SCENE_SIDE))
    pasted = Image.open(photo).convert("RGB")
    pasted.thumbnail((round(SCENE_SIDE * scale),) * 2)
    corner = (rng.randrange(SCENE_SIDE - pasted.width + 1), rng.randrange(SCENE_SIDE - pasted.height + 1))
    background.paste(pasted, corner)
    encoded = io.BytesIO()
    background.save(encoded, "JPEG", quality=90)
    return encoded.getvalue()


class PasteIntoScenes(ItemTransform):
    """A batch transform (training only) pasting a share of the photos into the batch's no-snake photos."""

    split_idx = 0
    order = 50  # after the flips, rotations and lighting, before normalisation

    def __init__(self, share: float, scales: tuple[float, float] = SCALES) -> None:
        super().__init__()
        self.share, self.scales = share, scales
        self.no_snake: int | None = None
        """The no-snake class's index, from the DataLoader's vocabulary (`setups`)."""

    def setups(self, dl) -> None:
        self.no_snake = list(dl.vocab).index("no_snake")

    def encodes(self, batch):  # no annotation: fastai dispatches on it, and the batch arrives as a list
        images, labels = batch
        scenes = torch.nonzero(labels == self.no_snake).flatten()
        if not len(scenes):
            return batch
        pasted = images.clone()
        for index in torch.nonzero(torch.rand(len(images)) < self.share).flatten():
            scene = scenes[torch.randint(len(scenes), (1,))].item()
            if scene != index:
                pasted[index] = self.paste(images[index], images[scene])
        return pasted, labels

    def paste(self, photo: torch.Tensor, scene: torch.Tensor) -> torch.Tensor:
        """`photo` shrunk to a random share of `scene`'s side, at a random place in a copy of `scene`."""
        side = scene.shape[-1]
        low, high = self.scales
        small_side = int(side * (low + (high - low) * torch.rand(1).item()))
        small = F.interpolate(photo[None], size=(small_side, small_side), mode="bilinear", antialias=True)[0]
        top, left = torch.randint(side - small_side + 1, (2,)).tolist()
        result = scene.clone()
        result[:, top : top + small_side, left : left + small_side] = small
        return result
