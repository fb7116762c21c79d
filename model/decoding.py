"""Photo bytes to an upright RGB picture, safely: unknown formats and bombs refused, odd modes fixed.

Memory is bounded before any pixel is allocated: the header's size is checked first, JPEGs (nearly all
photos) are decoded at reduced scale by the decoder itself (draft mode: a 50-megapixel photo becomes
about 1 megapixel), and other formats, which decode only at full size, have a much lower limit and are
shrunk straight after decoding, before any copy is made.

Decoding at the smallest scale that still covers the network's input is also the cheap way: Telegram's
800 px photo decodes at half scale (400 x 300) in half the time, and is resized to the input in under
half the time. The network trained on photos whose shorter side is mostly 128-511 px (data v2), so the
half-scale photo is nearer what it learnt from than the full one.
"""

import io

import pillow_heif
from PIL import Image, UnidentifiedImageError

from model.words import N_

pillow_heif.register_heif_opener()  # iPhones send HEIC

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF")
"""What Pillow may try to parse (the JPEG reader also opens MPO, two-picture JPEGs); nothing exotic."""
DRAFT_FORMATS = frozenset({"JPEG", "MPO"})
"""Formats whose decoder scales down while decoding, so their size costs little memory."""
MAX_PIXELS = 89_000_000
"""Larger pictures are refused before decoding (just under Pillow's own bomb warning); phones take
at most about 50 megapixels, and a JPEG this size decodes at 1/8 scale."""
MAX_FULL_DECODE_PIXELS = 40_000_000
"""PNG, WebP, TIFF, HEIC... decode at full size (4 bytes a pixel): larger ones are refused."""
ORIENTATION_TAG = 0x0112
TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""EXIF orientation -> the transposition that makes the picture upright (as ImageOps.exif_transpose)."""
REDUCIBLE_MODES = frozenset({"RGB", "RGBA", "RGBX", "L", "LA", "CMYK", "I", "F"})
NOT_A_PICTURE = N_("This file is not a picture I can read.")


class UnreadableImage(ValueError):
    """The bytes are not a photo we can read; the message (marked with N_) is fit to show a user."""


def decode_image(data: bytes, *, min_side: int = 224) -> Image.Image:
    """Decode `data` into an RGB image, rotated as the camera meant it.

    The result keeps its shorter side at least `min_side` (when the photo has that many pixels) and, for
    all but the largest JPEGs, under twice that: JPEGs are decoded at reduced scale (draft mode: 1/2,
    1/4 or 1/8), other formats are shrunk right after decoding.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        _check_acceptable(image)
        orientation = _orientation(image)
        image.draft("RGB", (min_side, min_side))  # only JPEG honours it
        image.load()
        image = _shrink(image, min_side)
    except UnreadableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnreadableImage(N_("This picture is too large to read.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise UnreadableImage(NOT_A_PICTURE) from error
    return _to_rgb(_upright(image, orientation))


def _check_acceptable(image: Image.Image) -> None:
    width, height = image.size
    limit = MAX_PIXELS if image.format in DRAFT_FORMATS else MAX_FULL_DECODE_PIXELS
    if width * height > limit:
        raise UnreadableImage(N_("This picture is too large to read."))
    if min(width, height) < 16:
        raise UnreadableImage(N_("This picture is too small to show a snake."))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ORIENTATION_TAG, 1))
    except (ValueError, TypeError, OSError, SyntaxError):
        return 1  # a broken EXIF block: keep the picture as stored


def _shrink(image: Image.Image, min_side: int) -> Image.Image:
    """Box-reduce by a whole factor while the shorter side stays at least `min_side`."""
    factor = min(image.size) // min_side
    if factor < 2 or image.mode not in REDUCIBLE_MODES:
        return image
    return image.reduce(factor)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    transposition = TRANSPOSITIONS.get(orientation)
    return image if transposition is None else image.transpose(transposition)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode == "I":
        image = image.point(lambda value: value / 256).convert("L")  # 16-bit greyscale
    return image.convert("RGB")
