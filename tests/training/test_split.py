"""The grouped validation split: deterministic, stratified, and never separating near-duplicates."""

import io
from pathlib import Path

from PIL import Image

from model import CLASSES
from tests.training.conftest import random_picture, write_photo_folder
from training.data import snake_dataloaders
from training.split import group_near_duplicates, validation_photos


def near_duplicate(photo: Path, copy: Path, scale: float) -> None:
    """Save `photo` resized by `scale` and re-encoded as a lower-quality JPEG at `copy`."""
    with Image.open(photo) as image:
        resized = image.resize(
            (int(image.width * scale), int(image.height * scale)), Image.Resampling.BILINEAR
        )
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", quality=60)
    copy.write_bytes(buffer.getvalue())


def all_photos(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.jpg"))


def test_near_duplicates_form_one_group(tmp_path: Path) -> None:
    original = tmp_path / "original.jpg"
    random_picture(seed=7, size=(320, 240)).save(original)
    near_duplicate(original, tmp_path / "smaller.jpg", 0.5)
    near_duplicate(original, tmp_path / "larger.jpg", 1.5)
    random_picture(seed=8, size=(320, 240)).save(tmp_path / "other.jpg")
    groups = group_near_duplicates(sorted(tmp_path.glob("*.jpg")))
    assert sorted(len(group) for group in groups) == [1, 3]
    assert {photo.name for photo in max(groups, key=len)} == {"original.jpg", "smaller.jpg", "larger.jpg"}


def test_split_is_deterministic_and_stratified(photo_folder: Path) -> None:
    photos = all_photos(photo_folder)
    chosen = validation_photos(photos)
    assert validation_photos(list(reversed(photos))) == chosen
    for name in CLASSES:
        assert sum(photo.parent.name == name for photo in chosen) == 2  # 20% of 10


def test_near_duplicates_stay_on_one_side(tmp_path: Path) -> None:
    folder = write_photo_folder(tmp_path / "photos", photos_per_class=10)
    for photo in all_photos(folder):
        near_duplicate(photo, photo.with_name(f"copy_{photo.name}"), 0.7)
    chosen = validation_photos(all_photos(folder))
    assert len(chosen) == 16  # two groups of two per class
    for photo in all_photos(folder):
        if not photo.name.startswith("copy_"):
            assert (photo in chosen) == (photo.with_name(f"copy_{photo.name}") in chosen)


def test_dataloaders_read_the_folders(photo_folder: Path) -> None:
    dls = snake_dataloaders([photo_folder], size=32, batch_size=4)
    assert sorted(dls.vocab) == sorted(CLASSES)
    assert (len(dls.train_ds), len(dls.valid_ds)) == (32, 8)
    images, labels = dls.one_batch()
    assert images.shape == (4, 3, 32, 32)
    assert labels.shape == (4,)
    assert float(images.min()) >= -1.01 and float(images.max()) <= 1.01  # normalised to [-1, 1]
