"""Positions and photos to place codes, offline: both sides of a border, the sea, and hostile bytes."""

import gzip
import io
import math
import random
import re
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageFile
from PIL.TiffImagePlugin import IFDRational

from bot import places
from bot.places import gps_of, place_at, place_of_photo

CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
EL_PASO_GPS = {1: "N", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 13.0)}
"""31.76 N, 106.487 W: downtown El Paso, as a camera writes it (degrees, minutes, seconds)."""


def jpeg(gps: dict | None = None, image_format: str = "JPEG") -> bytes:
    """A small picture, with a GPS block in its EXIF when `gps` is given."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    if gps is not None:
        exif[ExifTags.IFD.GPSInfo] = gps
    Image.new("RGB", (64, 48), (200, 40, 30)).save(buffer, image_format, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        (31.7587, -106.4869, "US-TX"),  # El Paso
        (31.6904, -106.4245, "MX-CHH"),  # Ciudad Juárez, across the Rio Grande
        (32.7157, -117.1611, "US-CA"),  # San Diego
        (32.5149, -117.0382, "MX-BCN"),  # Tijuana
        (31.3450, -110.9400, "US-AZ"),  # Nogales, Arizona
        (31.2900, -110.9500, "MX-SON"),  # Nogales, Sonora
        (29.0729, -110.9559, "MX-SON"),  # Hermosillo
        (19.4326, -99.1332, "MX-CMX"),  # Mexico City
        (29.7604, -95.3698, "US-TX"),  # Houston
        (25.7617, -80.1918, "US-FL"),  # Miami
        (-15.7939, -47.8828, "BR"),  # Brasília
        (-3.1190, -60.0217, "BR"),  # Manaus
        (9.9281, -84.0907, "CR"),  # San José, Costa Rica
        (48.8566, 2.3522, "FR"),  # Paris: cities of 15000 people or more outside the Americas
    ],
)
def test_a_position_is_the_place_of_the_nearest_city(latitude: float, longitude: float, code: str) -> None:
    assert place_at(latitude, longitude) == code


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (25.0, -90.0),  # the middle of the Gulf of Mexico
        (30.0, -40.0),  # the mid-Atlantic
        (0.0, 0.0),  # "null island", where a GPS without a fix says it is
        (-60.0, -150.0),  # the Southern Ocean
    ],
)
def test_far_from_every_city_is_no_place(latitude: float, longitude: float) -> None:
    assert place_at(latitude, longitude) is None


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (math.nan, -100.0),
        (30.0, math.nan),
        (math.inf, 0.0),
        (30.0, -math.inf),
        (90.5, 0.0),
        (-91.0, 0.0),
        (30.0, 180.5),
        (30.0, -181.0),
        (None, -100.0),
        ("north", "west"),
    ],
)
def test_invalid_coordinates_are_no_place(latitude: Any, longitude: Any) -> None:
    assert place_at(latitude, longitude) is None


def test_the_edges_of_the_map_are_valid_coordinates() -> None:
    assert place_at(90.0, 180.0) is None  # the North Pole: valid, but no city near it
    assert place_at(-90.0, -180.0) is None
    assert place_at(64.84, -147.72) == "US-AK"  # Fairbanks
    assert place_at(-17.53, -149.57) == "PF"  # Papeete, near the antimeridian side of the Pacific


def test_the_shipped_table_is_sound() -> None:
    with gzip.open(places.CITIES_PATH, "rt", encoding="ascii") as file:
        first = file.readline()
    assert first.startswith("#") and "GeoNames" in first and "CC BY 4.0" in first
    table = places.cities()
    assert 50_000 < len(table.code_index) < 100_000
    assert table.vectors.shape == (len(table.code_index), 3)
    assert all(CODE.match(code) for code in table.codes)
    assert {"US-TX", "MX-SON", "MX-CMX", "BR", "CO", "FR"} <= set(table.codes)
    assert sum(code.startswith("US-") for code in table.codes) == 51  # 50 states and DC
    assert sum(code.startswith("MX-") for code in table.codes) == 32
    assert table.code_index.min() >= 0 and table.code_index.max() < len(table.codes)


def test_a_table_without_its_header_is_refused(tmp_path) -> None:
    path = tmp_path / "cities.csv.gz"
    path.write_bytes(gzip.compress(b"31.7,-106.4,US-TX\n"))
    with pytest.raises(ValueError, match="header"):
        places.read_cities(path)


def test_a_photo_carries_its_gps_position_and_place() -> None:
    data = jpeg(EL_PASO_GPS)
    stored = Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert stored[1] == "N" and tuple(map(float, stored[4])) == (106.0, 29.0, 13.0)  # round-trips
    position = gps_of(data)
    assert position is not None
    latitude, longitude = position
    assert latitude == pytest.approx(31.76)
    assert longitude == pytest.approx(-(106 + 29 / 60 + 13 / 3600))
    assert place_of_photo(data) == "US-TX"


def test_southern_and_western_hemispheres_are_negative() -> None:
    brasilia = {1: "S", 2: (15.0, 47.0, 38.0), 3: "W", 4: (47.0, 52.0, 58.0)}
    position = gps_of(jpeg(brasilia))
    assert position is not None and position[0] < 0 and position[1] < 0
    assert place_of_photo(jpeg(brasilia)) == "BR"


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_other_formats_carry_gps_too(image_format: str) -> None:
    assert place_of_photo(jpeg(EL_PASO_GPS, image_format)) == "US-TX"


def test_reading_the_position_never_decodes_the_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    assert gps_of(jpeg(EL_PASO_GPS)) is not None
    assert gps_of(jpeg(image_format="PNG")) is None  # PNG's own getexif would decode the picture


def test_a_photo_without_exif_or_gps_is_no_place() -> None:
    assert gps_of(jpeg()) is None
    assert place_of_photo(jpeg()) is None
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG")  # no exif argument at all
    assert place_of_photo(buffer.getvalue()) is None


@pytest.mark.parametrize(
    "gps",
    [
        {2: (31.0, 45.0, 36.0), 4: (106.0, 29.0, 13.0)},  # no hemispheres
        {1: "X", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 13.0)},
        {1: "N", 2: (31.0, 45.0, 36.0), 3: "W"},  # no longitude
        {1: "N", 2: (95.0, 0.0, 0.0), 3: "W", 4: (106.0, 29.0, 13.0)},  # off the globe
        {1: "N", 2: (IFDRational(31, 0), 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 13.0)},  # 31/0
        {1: "N", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 13.0), 9: "V"},  # void: no fix
    ],
)
def test_a_missing_or_broken_gps_block_is_no_position(gps: dict) -> None:
    assert gps_of(jpeg(gps)) is None


def test_garbage_is_no_position() -> None:
    assert gps_of(b"") is None
    assert gps_of(b"not a picture at all") is None
    assert gps_of(jpeg(EL_PASO_GPS)[:300]) is None  # cut off inside the EXIF block
    assert place_of_photo(b"\xff\xd8\xff\xe1\xff\xffExif\x00\x00MM\x00*" + b"\xff" * 64) is None


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns of every corrupt EXIF block it meets
def test_damaged_photos_never_raise() -> None:
    original = jpeg(EL_PASO_GPS)
    generator = random.Random(33)
    for _ in range(300):
        damaged = bytearray(original)
        for _ in range(generator.randint(1, 8)):
            damaged[generator.randrange(min(len(damaged), 400))] = generator.randrange(256)
        position = gps_of(bytes(damaged))
        assert position is None or (abs(position[0]) <= 90 and abs(position[1]) <= 180)
