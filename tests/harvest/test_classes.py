"""The classes CSV: the shipped example, and the messages a broken file earns."""

from pathlib import Path

import pytest

from training.harvest.classes import HarvestClass, read_classes
from training.harvest.errors import HarvestError

EXAMPLE = Path(__file__).resolve().parents[2] / "training" / "harvest_classes.csv"


def test_the_example_names_our_four_classes() -> None:
    classes = {harvest_class.name: harvest_class for harvest_class in read_classes(EXAMPLE)}

    assert list(classes) == ["coral_snake", "kingsnake", "other_snake", "no_snake"]
    assert classes["coral_snake"].taxa == ("Micrurus tener",)
    assert classes["kingsnake"].taxa == ("Lampropeltis elapsoides",)
    assert {"Micrurus", "Lampropeltis"} <= set(classes["other_snake"].exclusions)


def test_reads_several_taxa_ids_and_exclusions(tmp_path: Path) -> None:
    path = tmp_path / "classes.csv"
    path.write_text(
        "class,taxa,exclude,limit\nmilk_snake, Lampropeltis triangulum ;30420 ,Lampropeltis elapsoides,80\n"
    )

    assert read_classes(path) == [
        HarvestClass("milk_snake", ("Lampropeltis triangulum", "30420"), ("Lampropeltis elapsoides",), 80)
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("class,taxa,limit\nx,Serpentes,5\n", "missing column"),
        ("class,taxa,exclude,limit\nx,Serpentes,,many\n", r"classes.csv:2: limit 'many'"),
        ("class,taxa,exclude,limit\nx,,,5\n", "names no taxa"),
        ("class,taxa,exclude,limit\n../x,Serpentes,,5\n", "must be a folder name"),
        ("class,taxa,exclude,limit\nx,Serpentes,,5\nx,Boidae,,5\n", "listed twice: x"),
        ("class,taxa,exclude,limit\n", "no classes"),
    ],
)
def test_a_broken_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "classes.csv"
    path.write_text(text)

    with pytest.raises(HarvestError, match=message):
        read_classes(path)
