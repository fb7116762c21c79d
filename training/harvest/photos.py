"""Downloaded bytes to a photo fit for the data set: verified, shrunk with its shape kept, fingerprinted.

Photos are never padded to a square: the original FastClass data showed white padding hurts training.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from model.decoding import UnreadableImage, decode_image
from training.fingerprints import are_near_duplicates, content_hash, perceptual_hash
from training.harvest.summary import Outcome

JPEG_QUALITY = 90
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"})
FINGERPRINT_SIDE = 64
"""Known photos are decoded at reduced scale, at least this big, to fingerprint a large folder quickly."""

logger = logging.getLogger(__name__)


class RejectedPhoto(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome


@dataclass(frozen=True)
class PreparedPhoto:
    jpeg: bytes
    content_hash: str
    """Of the downloaded bytes, so the same file offered twice is caught before any decoding doubt."""
    perceptual_hash: int


def prepare_photo(data: bytes, *, min_side: int, long_side: int) -> PreparedPhoto:
    """Verify `data` is a photo whose short side reaches `min_side`, and shrink it to `long_side`.

    Raises RejectedPhoto with BROKEN or TOO_SMALL.
    """
    try:
        image = decode_image(data, min_side=long_side)
    except UnreadableImage as error:
        raise RejectedPhoto(Outcome.BROKEN) from error
    if min(image.size) < min_side:
        raise RejectedPhoto(Outcome.TOO_SMALL)
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=JPEG_QUALITY)
    return PreparedPhoto(output.getvalue(), content_hash(data), perceptual_hash(image))


class DuplicateIndex:
    """Fingerprints of the photos we already have: exact by content hash, near by perceptual hash."""

    def __init__(self) -> None:
        self._content_hashes: set[str] = set()
        self._perceptual_hashes: list[int] = []

    def __len__(self) -> int:
        return len(self._perceptual_hashes)

    def is_duplicate(self, photo: PreparedPhoto) -> bool:
        return photo.content_hash in self._content_hashes or any(
            are_near_duplicates(photo.perceptual_hash, known) for known in self._perceptual_hashes
        )

    def add(self, photo: PreparedPhoto) -> None:
        self._content_hashes.add(photo.content_hash)
        self._perceptual_hashes.append(photo.perceptual_hash)

    def add_file(self, path: Path) -> None:
        data = path.read_bytes()
        try:
            image = decode_image(data, min_side=FINGERPRINT_SIDE)
        except UnreadableImage as error:
            logger.warning("not comparing against %s: %s", path, error)
            return
        self._content_hashes.add(content_hash(data))
        self._perceptual_hashes.append(perceptual_hash(image))

    def add_folder(self, folder: Path) -> None:
        """Every image under `folder`, at any depth."""
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in IMAGE_SUFFIXES:
                self.add_file(path)
