"""Decoding refuses what could hurt (bombs, junk) with a clear message and bounds the memory of the rest."""

import io
import time

import pytest
from PIL import Image

from model import UnreadableImage
from model.decoding import decode_image
from tests.fakes.hostile_images import CORPUS, HostileImage, encode, png_claiming, rotated_phone_photo


@pytest.mark.parametrize("case", CORPUS, ids=repr)
def test_each_hostile_image_has_its_outcome(case: HostileImage) -> None:
    data = case.make()
    if case.outcome is None:
        image = decode_image(data, min_side=64)
        assert image.mode == "RGB"
        assert min(image.size) >= 64
    else:
        with pytest.raises(UnreadableImage, match=case.outcome):
            decode_image(data, min_side=64)


def test_bombs_are_refused_before_any_pixel_is_allocated() -> None:
    started = time.perf_counter()
    for _ in range(20):
        with pytest.raises(UnreadableImage, match="too large"):
            decode_image(png_claiming(8000, 8000))
    assert time.perf_counter() - started < 1  # decoding 64 megapixels even once would take longer


def test_a_50_megapixel_jpeg_decodes_to_about_one_megapixel() -> None:
    data = encode(Image.new("L", (8660, 5774), 128), "JPEG", quality=50)
    image = decode_image(data, min_side=224)
    assert image.width * image.height <= 1_100_000  # 1/8 scale, the decoder's smallest
    assert min(image.size) >= 224


def test_a_big_png_is_shrunk_straight_after_decoding() -> None:
    data = encode(Image.new("RGB", (4000, 3000), "red"), "PNG")
    image = decode_image(data, min_side=224)
    assert 224 <= min(image.size) < 2 * 224


def test_exif_rotation_is_applied() -> None:
    image = decode_image(rotated_phone_photo(), min_side=160)
    assert image.size == (160, 320)  # stored 320x160, shown upright


def test_sixteen_bit_greys_keep_their_tones() -> None:
    grey16 = Image.new("I;16", (64, 64), 40000)
    image = decode_image(encode(grey16, "PNG"), min_side=16)
    assert image.getpixel((0, 0)) == (156, 156, 156)


def test_transparency_becomes_white_not_black() -> None:
    clear = Image.new("RGBA", (64, 64), (255, 0, 0, 0))
    image = decode_image(encode(clear, "PNG"), min_side=16)
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_only_the_first_frame_of_an_animation_is_decoded() -> None:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert decode_image(buffer.getvalue(), min_side=16).getpixel((0, 0)) == (255, 0, 0)


def test_telegrams_800_px_photo_is_decoded_at_half_scale() -> None:
    image = decode_image(encode(Image.new("RGB", (800, 600), "green"), "JPEG"), min_side=256)
    assert image.size == (400, 300)  # the smallest scale that still covers the network's 256 px
