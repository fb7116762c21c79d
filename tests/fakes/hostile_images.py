"""A corpus of awkward and hostile image files, generated on the spot, each with the outcome it must have.

`None` as the outcome means "a verdict" (the picture is odd but fine); a string is a fragment of the
message the user must read instead. Nothing here is downloaded, and every file is small: the bombs are
headers that promise far more pixels than the bytes hold.
"""

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from tests.tiny_model import draw_photo, photo_bytes

NOT_READABLE = "not a picture I can read"
TOO_LARGE = "too large to read"
TOO_SMALL = "too small to show a snake"


@dataclass(frozen=True)
class HostileImage:
    name: str
    make: Callable[[], bytes]
    outcome: str | None
    """None: a verdict; otherwise a fragment of the message the user reads."""

    def __repr__(self) -> str:
        return self.name


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header promises width x height RGB pixels, with one tiny compressed row behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + 3 * min(width, 4096)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG with its frame header rewritten to promise width x height pixels."""
    data = bytearray(photo_bytes("coral_snake", seed=1))
    frame = data.index(b"\xff\xc0")  # baseline start-of-frame: length(2) precision(1) height(2) width(2)
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def rotated_phone_photo() -> bytes:
    """A landscape-stored JPEG whose EXIF says 'rotate 90° clockwise to view', as phones write them."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(draw_photo("coral_snake", seed=2, size=(320, 160)), "JPEG", exif=exif)


def animated_gif() -> bytes:
    frames = [draw_photo("coral_snake", seed=seed) for seed in range(3)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def cmyk_jpeg() -> bytes:
    return encode(draw_photo("coral_snake", seed=3).convert("CMYK"), "JPEG")


def sixteen_bit_png() -> bytes:
    grey = draw_photo("coral_snake", seed=4).convert("L").point(lambda value: value * 256)
    return encode(grey.convert("I").convert("I;16"), "PNG")


def transparent_png() -> bytes:
    return encode(draw_photo("coral_snake", seed=5).convert("RGBA"), "PNG")


def palette_gif_with_transparency() -> bytes:
    return encode(draw_photo("coral_snake", seed=6).convert("P"), "GIF", transparency=0)


def panorama_jpeg() -> bytes:
    return encode(draw_photo("coral_snake", seed=7, size=(6000, 500)), "JPEG", quality=70)


def truncated_jpeg() -> bytes:
    data = photo_bytes("coral_snake", seed=8)
    return data[: len(data) // 2]


CORPUS = [
    HostileImage("empty file", lambda: b"", NOT_READABLE),
    HostileImage("random bytes", lambda: bytes(range(256)) * 40, NOT_READABLE),
    HostileImage("a PDF named .jpg", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", NOT_READABLE),
    HostileImage("an SVG", lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="9e9"/>', NOT_READABLE),
    HostileImage("a PPM (not parsed)", lambda: encode(Image.new("RGB", (64, 64)), "PPM"), NOT_READABLE),
    HostileImage("corrupt JPEG", lambda: b"\xff\xd8\xff\xe0 broken" * 20, NOT_READABLE),
    HostileImage("truncated JPEG", truncated_jpeg, NOT_READABLE),
    HostileImage("PNG bomb 100000x100000", lambda: png_claiming(100_000, 100_000), TOO_LARGE),
    HostileImage("PNG bomb 8000x8000 (under Pillow's guard)", lambda: png_claiming(8000, 8000), TOO_LARGE),
    HostileImage("JPEG claiming 60000x60000", lambda: jpeg_claiming(60_000, 60_000), TOO_LARGE),
    HostileImage("8x8 icon", lambda: encode(Image.new("RGB", (8, 8), "red"), "PNG"), TOO_SMALL),
    HostileImage("animated GIF", animated_gif, None),
    HostileImage("CMYK JPEG", cmyk_jpeg, None),
    HostileImage("16-bit greyscale PNG", sixteen_bit_png, None),
    HostileImage("transparent PNG", transparent_png, None),
    HostileImage("palette GIF with transparency", palette_gif_with_transparency, None),
    HostileImage("EXIF-rotated phone photo", rotated_phone_photo, None),
    HostileImage("6000x500 panorama", panorama_jpeg, None),
    HostileImage("WebP", lambda: photo_bytes("coral_snake", seed=9, image_format="WEBP"), None),
    HostileImage("TIFF", lambda: photo_bytes("coral_snake", seed=10, image_format="TIFF"), None),
]
