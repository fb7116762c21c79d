"""The validation split: deterministic, stratified per class, and grouped so near-duplicates stay together.

Photos harvested from the web often appear twice (resized, re-encoded, cropped a little). If one copy
trains and the other validates, validation measures memory, not skill. So near-duplicate photos form a
group (union-find over pairs whose perceptual hashes are close) and a whole group goes to one side,
chosen by a stable hash of the group's key: adding photos later moves few old ones across.
"""

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from PIL import Image

from training.fingerprints import are_near_duplicates, perceptual_hash

VALID_FRACTION = 0.2


def group_near_duplicates(photos: Sequence[Path]) -> list[list[Path]]:
    """Partition `photos` into groups of near-duplicates (most groups hold one photo)."""
    hashes = [_hash_photo(photo) for photo in photos]
    parent = list(range(len(photos)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, second in combinations(range(len(photos)), 2):
        if are_near_duplicates(hashes[first], hashes[second]):
            parent[root(first)] = root(second)
    groups: dict[int, list[Path]] = defaultdict(list)
    for index, photo in enumerate(photos):
        groups[root(index)].append(photo)
    return [sorted(group) for group in groups.values()]


def validation_photos(photos: Sequence[Path], fraction: float = VALID_FRACTION) -> set[Path]:
    """The photos to validate on: about `fraction` of each class (its parent folder), whole groups only."""
    by_class: dict[str, list[list[Path]]] = defaultdict(list)
    for group in group_near_duplicates(photos):
        by_class[group[0].parent.name].append(group)
    chosen: set[Path] = set()
    for groups in by_class.values():
        wanted = fraction * sum(len(group) for group in groups)
        taken: list[Path] = []
        for group in sorted(groups, key=_stable_rank):
            if len(taken) >= wanted:
                break
            taken.extend(group)
        chosen.update(taken)
    return chosen


def _hash_photo(photo: Path) -> int:
    with Image.open(photo) as image:
        return perceptual_hash(image)


def _stable_rank(group: list[Path]) -> str:
    """The same order on every machine and run: a hash of the group's first file name within its class."""
    key = f"{group[0].parent.name}/{group[0].name}"
    return hashlib.sha256(key.encode()).hexdigest()
