"""A tiny learner trained in seconds on generated pictures: tests need neither network nor real model.

Each class gets its own drawing: coral snakes are red-yellow-black bands, kingsnakes red-black-yellow-black,
other snakes green-brown stripes, and no-snake pictures are blank skies. The learner is exported exactly as
training exports the real one (train-only augmentations included), so the classifier loads it by the
same code path.
"""

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

from fastai.vision.all import (  # noqa: E402
    CategoryBlock,
    CrossEntropyLossFlat,
    DataBlock,
    ImageBlock,
    Learner,
    Normalize,
    RandomSplitter,
    Resize,
    aug_transforms,
    get_image_files,
    parent_label,
)
from torch import nn  # noqa: E402

BAND_COLOURS = {
    "coral_snake": ["red", "yellow", "black", "yellow"],
    "kingsnake": ["red", "black", "yellow", "black"],
    "other_snake": ["darkgreen", "saddlebrown"],
}


def draw_photo(label: str, seed: int = 0, size: tuple[int, int] = (160, 120)) -> Image.Image:
    """A picture of class `label`: banded diagonals for snakes, a plain sky for `no_snake`."""
    rng = random.Random(seed)
    if label == "no_snake":
        return Image.new("RGB", size, (rng.randint(80, 140), rng.randint(150, 200), 255))
    image = Image.new("RGB", size, "grey")
    draw = ImageDraw.Draw(image)
    colours = BAND_COLOURS[label]
    band = rng.randint(8, 14)
    offset = rng.randint(0, band * len(colours))
    for index, start in enumerate(range(-size[1] - offset, size[0] + size[1], band)):
        polygon = [
            (start, 0),
            (start + band, 0),
            (start + band - size[1], size[1]),
            (start - size[1], size[1]),
        ]
        draw.polygon(polygon, fill=colours[index % len(colours)])
    return image


def photo_bytes(label: str, seed: int = 0, image_format: str = "JPEG", **options) -> bytes:
    """`draw_photo` encoded as a file, as a user would send it."""
    buffer = io.BytesIO()
    draw_photo(label, seed).save(buffer, image_format, **options)
    return buffer.getvalue()


def tiny_network() -> nn.Module:
    """Two convolutions and a linear head: enough to tell the drawings apart."""
    body = nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1),
        nn.ReLU(),
    )
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 4))
    return nn.Sequential(body, head)


def train_tiny_learner(folder: Path, photos_per_class: int = 16) -> Path:
    """Draw a data set under `folder`, train on it for a few seconds and export; returns the .pkl path."""
    for label in ("coral_snake", "kingsnake", "other_snake", "no_snake"):
        (folder / "data" / label).mkdir(parents=True, exist_ok=True)
        for seed in range(photos_per_class):
            draw_photo(label, seed).save(folder / "data" / label / f"{seed}.png")
    block = DataBlock(
        blocks=(ImageBlock, CategoryBlock),
        get_items=get_image_files,
        get_y=parent_label,
        splitter=RandomSplitter(valid_pct=0.25, seed=0),
        item_tfms=Resize(64, method="squish"),
        batch_tfms=[*aug_transforms(max_lighting=0.1), Normalize.from_stats([0.5] * 3, [0.5] * 3)],
    )
    dataloaders = block.dataloaders(folder / "data", bs=16, num_workers=0)
    learner = Learner(dataloaders, tiny_network(), loss_func=CrossEntropyLossFlat())
    with learner.no_bar(), learner.no_logging():
        learner.fit_one_cycle(12, 1e-2)
    model_path = folder / "tiny.pkl"
    learner.export(model_path)
    return model_path
