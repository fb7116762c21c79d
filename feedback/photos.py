"""The copy of a photo we keep: a small JPEG with nothing but pixels in it."""

import io

from PIL import Image

LONG_SIDE = 400
JPEG_QUALITY = 85


def small_copy(picture: Image.Image) -> bytes:
    """`picture` (decoded and upright) shrunk to a long side of at most 400 px, as a JPEG without metadata.

    Saving a fresh RGB image drops EXIF (GPS, camera), ICC profiles and comments: PIL writes only what is
    passed to `save`. The picture is the one the classifier decoded at reduced scale (model/decoding.py),
    so nothing is decoded twice: Telegram's 800 px photo arrives here at 400 x 300, ready to save.
    """
    small = picture.convert("RGB")  # a copy: the caller's picture stays as it is
    small.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels_only = Image.frombytes("RGB", small.size, small.tobytes())
    output = io.BytesIO()
    pixels_only.save(output, "JPEG", quality=JPEG_QUALITY)
    return output.getvalue()
