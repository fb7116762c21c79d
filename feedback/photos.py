"""The copy of a photo we keep: a small JPEG with nothing but pixels in it."""

import io

import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()  # iPhones send HEIC

LONG_SIDE = 500
JPEG_QUALITY = 85


def reencode_photo(data: bytes) -> bytes:
    """The photo turned upright, shrunk to a long side of at most 500 px, saved as a JPEG without metadata.

    Saving a fresh RGB image drops EXIF (GPS, camera), ICC profiles and comments: PIL writes only what is
    passed to `save`.
    """
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    pixels_only = Image.frombytes("RGB", upright.size, upright.tobytes())
    output = io.BytesIO()
    pixels_only.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()
