"""The held-out-sources split: whole sources and whole groups within a source stay on one side."""

import csv
from pathlib import Path

from tests.training.conftest import random_picture
from training.sources import group_within_source, source_of
from training.split import held_out_photos, split_photos

SPECIES = ["Lampropeltis_triangulum", "Cemophora_coccinea", "Naja_atra", "Crotalus_tigris"]


def write_sourced_data_set(root: Path) -> Path:
    """Photos of four sources in two classes, with the SOURCES.csv that names each one's origin."""
    rows = []

    def add(label: str, name: str, origin: str, seed: int) -> None:
        (root / label).mkdir(parents=True, exist_ok=True)
        random_picture(seed).save(root / label / name)
        rows.append({"file": f"{label}/{name}", "label": label, "origin": origin, "url": ""})

    for index in range(10):
        add("coral_snake", f"seed_coral_{index:03d}.jpg", f"github:a/b@1:coral/{index}.jpg", index)
        add("coral_snake", f"br1_{index:03d}.jpg", f"github:c/d@2:micrurus ({index}).jpeg", 100 + index)
    for index, species in enumerate(SPECIES * 3):
        origin = f"github:e/f@3:holdout/Venomous/{index}_{species}_holdout_{index:03d}.jpg"
        add("other_snake", f"inat_{index:03d}.jpg", origin, 200 + index)
    with (root / "SOURCES.csv").open("w", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=["file", "label", "origin", "url"])
        writer.writeheader()
        writer.writerows(rows)
    return root


def photos_in(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.jpg"))


def test_sources_and_species_are_read_from_names_and_origins(tmp_path: Path) -> None:
    root = write_sourced_data_set(tmp_path / "data")
    inat = sorted((root / "other_snake").glob("inat_*.jpg"))
    assert source_of(inat[0]) == "inat"
    assert {group_within_source(photo) for photo in inat} == {f"inat/{species}" for species in SPECIES}


def test_whole_sources_and_whole_species_are_held_out(tmp_path: Path) -> None:
    root = write_sourced_data_set(tmp_path / "data")
    held_out = held_out_photos(photos_in(root))
    assert {photo.name for photo in held_out if photo.name.startswith("br1_")} == {
        f"br1_{index:03d}.jpg" for index in range(10)
    }
    assert not any(photo.name.startswith("seed_") for photo in held_out)
    held_species = {group_within_source(photo) for photo in held_out if source_of(photo) == "inat"}
    assert len(held_species) == 2  # half the species, each with all three of its photos
    for photo in photos_in(root):
        if source_of(photo) == "inat":
            assert (photo in held_out) == (group_within_source(photo) in held_species)


def test_no_photo_on_two_sides_and_the_same_split_every_time(tmp_path: Path) -> None:
    root = write_sourced_data_set(tmp_path / "data")
    split = split_photos(photos_in(root), "sources")
    sides = [set(split.training), set(split.validation), set(split.held_out)]
    assert sum(len(side) for side in sides) == len(photos_in(root)) == len(set().union(*sides))
    assert split_photos(list(reversed(photos_in(root))), "sources") == split
    assert split_photos(photos_in(root), "grouped").held_out == []
