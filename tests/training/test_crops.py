"""Crops around boxed snakes as extra training views, and the second data folder read beside the first."""

from pathlib import Path

import pytest
from PIL import Image

from tests.training.conftest import write_scenes_folder
from training.boxes import boxes_of
from training.crops import CONTEXTS, crop_square, crop_views, crops_of
from training.data import class_photos, snake_dataloaders, split_of


def test_a_crop_is_a_square_around_its_box_and_inside_the_photo() -> None:
    left, top, right, bottom = crop_square((0.4, 0.4, 0.5, 0.6), 200, 100, 1.5, (0.0, 0.0))
    assert right - left == bottom - top == 30  # 1.5 x the box's longer side (20 px)
    assert (left + right) / 2 == 90 and (top + bottom) / 2 == 50  # centred on the box
    for box in ((0.0, 0.0, 0.05, 0.05), (0.9, 0.9, 1.0, 1.0), (0.0, 0.0, 1.0, 1.0)):
        for shift in ((-0.2, -0.2), (0.2, 0.2)):
            left, top, right, bottom = crop_square(box, 200, 100, 3.0, shift)
            assert 0 <= left < right <= 200 and 0 <= top < bottom <= 100
            assert right - left == bottom - top  # still square, at most the shorter side


def test_crops_show_the_boxed_region(tmp_path: Path) -> None:
    """A red snake-box on a grey photo: every crop is mostly red close up, and has ground around it."""
    folder = tmp_path / "scenes"
    (folder / "other_snake").mkdir(parents=True)
    photo = Image.new("RGB", (400, 300), (128, 128, 128))
    photo.paste((255, 0, 0), (200, 150, 240, 190))
    photo.save(folder / "other_snake" / "scene_red.png")
    (folder / "SOURCES.csv").write_text(
        'file,class,origin,boxes\nother_snake/scene_red.png,other_snake,x,"[[0.5, 0.5, 0.6, 0.6333]]"\n'
    )
    close, wide = crops_of(folder / "other_snake" / "scene_red.png", seed=0)
    red_share = [
        sum(pixel == (255, 0, 0) for pixel in crop.getdata()) / crop.width**2 for crop in (close, wide)
    ]
    assert red_share[0] > 0.3 and 0.05 < red_share[1] < red_share[0]


def test_crops_are_the_same_with_the_same_seed_and_move_with_another(tmp_path: Path) -> None:
    scenes = write_scenes_folder(tmp_path / "scenes")
    photos = class_photos([scenes])
    first = crop_views(photos, tmp_path / "first", seed=0)
    again = crop_views(photos, tmp_path / "again", seed=0)
    other = crop_views(photos, tmp_path / "other", seed=1)
    boxed = [photo for photo in photos if boxes_of(photo)]
    assert len(first) == len(boxed) * len(CONTEXTS)
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    assert [path.read_bytes() for path in first] != [path.read_bytes() for path in other]
    assert all(path.name.startswith("scene_") and path.parent.name == "other_snake" for path in first)


def test_the_second_folder_is_read_beside_the_first(photo_folder: Path, tmp_path: Path) -> None:
    scenes = write_scenes_folder(tmp_path / "scenes")
    photos = class_photos([photo_folder, scenes])
    assert len(photos) == len(class_photos([photo_folder])) + 12
    assert boxes_of(scenes / "other_snake" / "scene_0.jpg") == [(0.1, 0.2, 0.3, 0.4)]
    held_out = split_of([photo_folder, scenes], "sources").held_out
    assert {photo.name.split("_")[0] for photo in held_out} == {"scene", "cable"}  # a quarter of each


def test_a_missing_folder_is_skipped_with_a_warning(photo_folder: Path, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="no data folder"):
        photos = class_photos([photo_folder, tmp_path / "no-scenes-here"])
    assert photos == class_photos([photo_folder])


def test_crops_join_training_only(photo_folder: Path, tmp_path: Path) -> None:
    scenes = write_scenes_folder(tmp_path / "scenes")
    plain = snake_dataloaders([photo_folder, scenes], size=32, batch_size=4)
    cropped = snake_dataloaders([photo_folder, scenes], size=32, batch_size=4, box_crops=CONTEXTS)
    trained_scenes = [p for p in split_of([photo_folder, scenes]).training if p.name.startswith("scene_")]
    assert len(cropped.train_ds) == len(plain.train_ds) + len(CONTEXTS) * len(trained_scenes)
    assert list(cropped.valid_ds.items) == list(plain.valid_ds.items)
