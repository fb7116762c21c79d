"""The validation splits: deterministic, stratified, and grouped so near-duplicates stay together.

Two questions, two splits. The *grouped* split holds back about a fifth of each class from the sources
training sees: it measures how well the network learnt those sources. The *held-out sources* split
(`HELD_OUT_SOURCES`) also holds back whole sources and whole groups within sources (training/sources.py)
that training never sees: it measures what users get, whose photos come from elsewhere.

Photos harvested from the web often appear twice (resized, re-encoded, cropped a little). If one copy
trains and the other validates, validation measures memory, not skill. So near-duplicate photos form a
group (union-find over pairs whose perceptual hashes are close) and a whole group goes to one side,
chosen by a stable hash of the group's key: adding photos later moves few old ones across.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from PIL import Image

from training.fingerprints import are_near_duplicates, perceptual_hash
from training.sources import group_within_source, source_of

VALID_FRACTION = 0.2
HELD_OUT_SOURCES = {
    "br1": 1.0,
    "moz": 1.0,
    "inat": 0.5,
    "neg": 0.25,
    "inet": 0.2,
    "scene": 0.25,
    "cable": 0.25,
}
"""The share of each source (per class) that the held-out-sources split never trains on: a whole
Brazilian collection (its Micrurus frontalis coral snakes and ~60 other species), all the Mozambican
photos, half of the iNaturalist species (snakes and mimics worldwide), a quarter of the hard-negative
collections (hoses, cables, rocks), a fifth of the ImageNet classes, and a quarter of the snake scenes
(snakes that are not the subject) and of the coloured cables of the second data folder. Whole groups
only: a species or a collection is on one side."""
SCHEMES = ("sources", "grouped")


@dataclass(frozen=True)
class Split:
    """Every photo on exactly one side: trained on, validated (seen sources), or held out (unseen sources)."""

    training: list[Path]
    validation: list[Path]
    held_out: list[Path]


def split_photos(photos: Sequence[Path], scheme: str = "sources") -> Split:
    """Split `photos`: `grouped` validates on a fifth of each class; `sources` also holds sources back."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown split {scheme!r}: choose one of {SCHEMES}")
    held_out = held_out_photos(photos) if scheme == "sources" else set()
    seen = [photo for photo in photos if photo not in held_out]
    validation = validation_photos(seen)
    return Split(
        training=sorted(photo for photo in seen if photo not in validation),
        validation=sorted(validation),
        held_out=sorted(held_out),
    )


def held_out_photos(photos: Sequence[Path], shares: dict[str, float] = HELD_OUT_SOURCES) -> set[Path]:
    """The photos of whole sources, or of whole groups within a source, that training must never see."""
    strata: dict[tuple[str, str], list[list[Path]]] = defaultdict(list)
    groups: dict[str, list[Path]] = defaultdict(list)
    for photo in photos:
        if source_of(photo) in shares:
            groups[f"{photo.parent.name}/{group_within_source(photo)}"].append(photo)
    for group in groups.values():
        strata[group[0].parent.name, source_of(group[0])].append(sorted(group))
    chosen: set[Path] = set()
    for (_, source), stratum in strata.items():
        chosen.update(_take_share(stratum, shares[source], key=lambda group: group_within_source(group[0])))
    return chosen


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
        chosen.update(_take_share(groups, fraction, key=lambda group: group[0].name))
    return chosen


def _take_share(groups: list[list[Path]], share: float, key: Callable[[list[Path]], str]) -> list[Path]:
    """Whole groups, in a stable pseudo-random order, until they hold `share` of the photos."""
    wanted = share * sum(len(group) for group in groups)
    taken: list[Path] = []
    for group in sorted(groups, key=lambda group: _stable_rank(group[0].parent.name, key(group))):
        if len(taken) >= wanted:
            break
        taken.extend(group)
    return taken


def _hash_photo(photo: Path) -> int:
    with Image.open(photo) as image:
        return perceptual_hash(image)


def _stable_rank(class_name: str, key: str) -> str:
    """The same order on every machine and run: a hash of the group's key within its class."""
    return hashlib.sha256(f"{class_name}/{key}".encode()).hexdigest()
