"""Crops around the snake: extra training views of the photos whose data folder gives boxes.

A snake on a road or a lawn fills a tenth of its photo or less, and squished to the network's input its
bands are a few pixels wide. Training on the whole scene teaches "a scene like this can hold a snake";
a square crop around each box, at a few scales (`CONTEXTS`), shows the same snake closer, with its
ground around it, so the network learns what the small snake looks like too. The crops are written as
JPEGs (`crop_views`) and join the training photos with their photo's label and source; photos kept back
for validation give none, so nothing of a kept-back photo is trained on.

Deterministic with the seed: each crop's centre is moved by a seeded random share of its box.
"""

import random
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from training.boxes import Box, boxes_of

CONTEXTS = (1.5, 3.0)
"""The crop's side as a multiple of its box's longer side: the snake close up, and in its surroundings."""
JITTER = 0.2
"""How far, as a share of the box's longer side, the crop's centre may move off the box's centre."""
QUALITY = 95


def crop_square(box: Box, width: int, height: int, context: float, shift: tuple[float, float]) -> Box:
    """The pixel square of side `context` times `box`'s longer side around its centre moved by `shift`
    (shares of that side), moved inside the photo, and no larger than the photo's shorter side."""
    x0, y0, x1, y1 = box[0] * width, box[1] * height, box[2] * width, box[3] * height
    longer = max(x1 - x0, y1 - y0, 1.0)
    side = min(context * longer, width, height)
    centre_x = (x0 + x1) / 2 + shift[0] * longer
    centre_y = (y0 + y1) / 2 + shift[1] * longer
    left = min(max(centre_x - side / 2, 0.0), width - side)
    top = min(max(centre_y - side / 2, 0.0), height - side)
    return (round(left), round(top), round(left + side), round(top + side))


def crops_of(photo: Path, seed: int, contexts: Iterable[float] = CONTEXTS) -> list[Image.Image]:
    """One crop per box of `photo` and per context; none where its folder gives no boxes."""
    boxes = boxes_of(photo)
    if not boxes:
        return []
    rng = random.Random(f"{seed}/{photo.name}")
    with Image.open(photo) as opened:
        image = opened.convert("RGB")
    crops = []
    for box in boxes:
        for context in contexts:
            shift = (rng.uniform(-JITTER, JITTER), rng.uniform(-JITTER, JITTER))
            crops.append(image.crop(crop_square(box, image.width, image.height, context, shift)))
    return crops


def crop_views(
    photos: Iterable[Path], folder: Path, seed: int, contexts: Iterable[float] = CONTEXTS
) -> list[Path]:
    """Write the crops of every boxed photo in `photos` under `folder`/class/ and return their paths.

    A crop's name starts with its photo's name, so it keeps the photo's source (training/sources.py).
    """
    contexts = tuple(contexts)
    written = []
    for photo in photos:
        for index, crop in enumerate(crops_of(photo, seed, contexts)):
            path = folder / photo.parent.name / f"{photo.stem}-crop{index}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            crop.save(path, quality=QUALITY)
            written.append(path)
    return sorted(written)
