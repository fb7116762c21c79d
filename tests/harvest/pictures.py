"""Pictures made on the fly: smooth random colour fields whose perceptual hashes differ by seed."""

import io
import random

from PIL import Image


def picture(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A 9x8 grid of random colours blown up smoothly: a stable perceptual hash, unique to its seed."""
    generator = random.Random(seed)
    grid = Image.new("RGB", (9, 8))
    grid.putdata([tuple(generator.randrange(256) for _ in range(3)) for _ in range(9 * 8)])
    return grid.resize(size, Image.Resampling.BICUBIC)


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=quality)
    return output.getvalue()


def picture_jpeg(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    return jpeg_bytes(picture(seed, size))


def reencoded_copy(seed: int) -> bytes:
    """The same picture, smaller and more compressed: different bytes, a near-equal perceptual hash."""
    return jpeg_bytes(picture(seed).resize((560, 420), Image.Resampling.BILINEAR), quality=60)
