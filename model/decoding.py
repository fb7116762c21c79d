"""Photo bytes to an upright RGB picture, safely: unknown formats and bombs refused, odd modes fixed."""

import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()  # iPhones send HEIC

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF", "MPO"})
MAX_PIXELS = 100_000_000
"""Larger pictures are refused before decoding; phones take at most about 50 megapixels."""


class UnreadableImage(ValueError):
    """The bytes are not a photo we can read; the message is fit to show a user."""


def decode_image(data: bytes, *, min_side: int = 224) -> Image.Image:
    """Decode `data` into an RGB image, rotated as the camera meant it.

    JPEGs are decoded at reduced scale (draft mode) when they are much larger than `min_side`,
    so a 50-megapixel photo costs about what a small one does.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_acceptable(image)
            image.draft("RGB", (min_side * 2, min_side * 2))  # only JPEG honours it
            image.load()
    except UnreadableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnreadableImage("This picture is too large to read.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnreadableImage("This file is not a picture I can read.") from error
    return _to_upright_rgb(image)


def _check_acceptable(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise UnreadableImage(f"{image.format or 'This'} files are not supported; send a photo.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadableImage("This picture is too large to read.")
    if min(width, height) < 16:
        raise UnreadableImage("This picture is too small to show a snake.")


def _to_upright_rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")  # 16-bit greyscale
    return image.convert("RGB")
