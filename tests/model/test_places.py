"""The range table: every row has its sources, and a place it lacks, or one where a coral snake breaks
"red touches yellow", is strict."""

import pytest

from model.places import (
    CORAL_SNAKES,
    PLACE_CODE,
    RHYME_HOLDS,
    STRICT,
    group_of,
    normalised,
    place_for,
    range_table,
)


def test_every_row_is_well_formed_and_names_its_sources() -> None:
    table = range_table()
    assert len(table) > 40
    for code, place in table.items():
        assert PLACE_CODE.fullmatch(code) and place.coral_snakes in CORAL_SNAKES
        assert place.sources, f"{code} cites no source"
        assert place.names["en"] and place.names["es"]
        if place.coral_snakes in ("rhyme_holds", "rhyme_breaks"):
            assert place.species, f"{code} has coral snakes but names none"


def test_every_state_row_belongs_to_a_country_row() -> None:
    table = range_table()
    assert all(code.split("-")[0] in table for code in table)


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("US", RHYME_HOLDS),
        ("US-TX", RHYME_HOLDS),  # the country's row answers for a state it doesn't list
        ("US-FL", RHYME_HOLDS),
        ("MX", STRICT),  # many Mexican coral snakes break the rhyme
        ("MX-TAM", STRICT),
        ("BR", STRICT),  # Micrurus frontalis: red touching black
        ("PA", STRICT),
        ("QS", STRICT),
        ("ZZ", STRICT),
        ("DE", STRICT),  # not in the table
        (None, STRICT),
    ],
)
def test_places_fall_in_their_group(code: str | None, group: str) -> None:
    assert group_of(code) == group


def test_a_state_row_overrides_its_country() -> None:
    assert place_for("MX-SON").code == "MX-SON"
    assert place_for("MX-OAX").code == "MX"
    assert place_for("XX") is None


def test_codes_are_normalised_or_refused() -> None:
    assert normalised(" us-tx ") == "US-TX"
    assert normalised("BR") == "BR"
    for bad in ("", "USA", "U", "US-", "US-TEXAS", "12", "US TX", "us-tx\n-x"):
        assert normalised(bad) is None


def test_names_come_in_both_languages() -> None:
    united_states = place_for("US")
    assert united_states.name("en") == "United States" and united_states.name("es") == "Estados Unidos"
    assert united_states.name("pt") == "United States"
