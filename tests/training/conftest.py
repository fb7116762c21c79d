"""Generated photo folders for the training tests: distinct random pictures, one folder per class."""

import random
from pathlib import Path

import pytest
from PIL import Image

from model import CLASSES

CLASS_TINTS = {
    "coral_snake": (255, 80, 80),
    "kingsnake": (80, 80, 80),
    "other_snake": (80, 160, 80),
    "no_snake": (120, 170, 255),
}


def random_picture(
    seed: int, tint: tuple[int, int, int] = (255, 255, 255), size: tuple[int, int] = (96, 72)
) -> Image.Image:
    """Random 8x6 blocks blown up to `size`: pictures whose perceptual hashes are far apart."""
    rng = random.Random(seed)
    blocks = Image.new("RGB", (8, 6))
    blocks.putdata([tuple(int(channel * rng.random()) for channel in tint) for _ in range(48)])
    return blocks.resize(size, Image.Resampling.NEAREST)


def write_photo_folder(root: Path, photos_per_class: int) -> Path:
    """A data set laid out like the real one (a folder per class) of distinct generated JPEGs."""
    for class_index, name in enumerate(CLASSES):
        (root / name).mkdir(parents=True, exist_ok=True)
        for index in range(photos_per_class):
            picture = random_picture(1000 * class_index + index, CLASS_TINTS[name])
            picture.save(root / name / f"{name}_{index:03d}.jpg", quality=95)
    return root


def write_scenes_folder(root: Path) -> Path:
    """A second data folder like ../shared/data/snake-scenes: boxed snakes in scenes, and cables."""
    rows = ["file,class,origin,boxes"]
    for index in range(6):
        for name, prefix, boxes in (
            ("other_snake", "scene", '"[[0.1, 0.2, 0.3, 0.4]]"'),
            ("no_snake", "cable", ""),
        ):
            (root / name).mkdir(parents=True, exist_ok=True)
            file = f"{name}/{prefix}_{index}.jpg"
            random_picture(5000 + 10 * index + len(name), size=(120, 90)).save(root / file, quality=95)
            rows.append(f"{file},{name},generated,{boxes}")
    (root / "SOURCES.csv").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    return write_photo_folder(tmp_path / "photos", photos_per_class=10)
