"""Photo fingerprints: an exact content hash and a perceptual hash that survives resizing and re-encoding."""

import hashlib

from PIL import Image

HASH_SIDE = 8
NEAR_DUPLICATE_DISTANCE = 6
"""At most this many of the 64 perceptual-hash bits differ between near-duplicate photos."""


def content_hash(data: bytes) -> str:
    """SHA-256 of the file's bytes: equal only for identical files."""
    return hashlib.sha256(data).hexdigest()


def perceptual_hash(image: Image.Image) -> int:
    """A 64-bit difference hash (dHash): each bit says if a pixel is brighter than its right neighbour."""
    small = image.convert("L").resize((HASH_SIDE + 1, HASH_SIDE), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # one byte per pixel in mode "L"
    bits = 0
    for row in range(HASH_SIDE):
        for column in range(HASH_SIDE):
            left = pixels[row * (HASH_SIDE + 1) + column]
            right = pixels[row * (HASH_SIDE + 1) + column + 1]
            bits = (bits << 1) | (left > right)
    return bits


def hamming_distance(first: int, second: int) -> int:
    """How many bits differ between two perceptual hashes."""
    return (first ^ second).bit_count()


def are_near_duplicates(first: int, second: int) -> bool:
    return hamming_distance(first, second) <= NEAR_DUPLICATE_DISTANCE
