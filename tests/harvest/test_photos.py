"""Photo checks: verified, shrunk with the shape kept, and recognised when nearly the same."""

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.harvest.pictures import picture_jpeg, reencoded_copy
from training.harvest.photos import DuplicateIndex, RejectedPhoto, prepare_photo
from training.harvest.summary import Outcome


def prepared_size(data: bytes, *, long_side: int = 500) -> tuple[int, int]:
    with Image.open(io.BytesIO(prepare_photo(data, min_side=100, long_side=long_side).jpeg)) as image:
        return image.size


def test_a_wide_photo_keeps_its_shape_without_padding() -> None:
    assert prepared_size(picture_jpeg(1, size=(1000, 400))) == (500, 200)


def test_a_photo_already_small_enough_is_not_enlarged() -> None:
    assert prepared_size(picture_jpeg(1, size=(300, 400))) == (300, 400)


@pytest.mark.parametrize(
    ("data", "outcome"),
    [(b"GIF89a but no picture", Outcome.BROKEN), (picture_jpeg(1, size=(400, 90)), Outcome.TOO_SMALL)],
)
def test_refuses_broken_and_too_small_photos(data: bytes, outcome: Outcome) -> None:
    with pytest.raises(RejectedPhoto) as refusal:
        prepare_photo(data, min_side=100, long_side=500)

    assert refusal.value.outcome is outcome


def test_a_recompressed_smaller_copy_is_a_duplicate_and_another_picture_is_not() -> None:
    index = DuplicateIndex()
    index.add(prepare_photo(picture_jpeg(2), min_side=100, long_side=500))

    assert index.is_duplicate(prepare_photo(reencoded_copy(2), min_side=100, long_side=500))
    assert not index.is_duplicate(prepare_photo(picture_jpeg(3), min_side=100, long_side=500))


def test_an_existing_folder_is_fingerprinted_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "kingsnake").mkdir()
    (tmp_path / "kingsnake" / "old.jpg").write_bytes(reencoded_copy(4))
    (tmp_path / "README.md").write_text("not a photo")
    index = DuplicateIndex()

    index.add_folder(tmp_path)

    assert len(index) == 1
    assert index.is_duplicate(prepare_photo(picture_jpeg(4), min_side=100, long_side=500))
