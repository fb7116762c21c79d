"""Where a snake was seen, as a place code, worked out offline from a position.

A position (a Telegram location, a browser's geolocation, a photo's EXIF GPS) becomes the code of the
nearest city's place: ISO 3166-2 for the United States and Mexico (`US-TX`, `MX-SON`), where which side
of a border matters, and the ISO 3166-1 country code elsewhere (`BR`). Only the code is meant to be
kept, never the position. Nothing is fetched: the cities are a table shipped with the bot,
bot/cities.csv.gz (written by scripts/make-cities from GeoNames data: GeoNames, geonames.org, CC BY
4.0), every town of 1000 people or more in the Americas and every city of 15000 or more elsewhere.
"""

import functools
import gzip
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image

from model.decoding import ACCEPTED_FORMATS

CITIES_PATH = Path(__file__).with_name("cities.csv.gz")
CITIES_HEADER = "latitude,longitude,code"
ROW = np.dtype([("latitude", np.float64), ("longitude", np.float64), ("code", "U6")])
EARTH_RADIUS_KM = 6371.0088
MAX_DISTANCE_KM = 100.0
"""Farther than this from any city (at sea, or somewhere we know too little of) is no place at all."""

GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
GPS_STATUS = 9
"""'A' when the receiver had a fix, 'V' (void) when the position is not a measurement."""


@dataclass(frozen=True)
class Cities:
    """The city table: each city's position as a unit vector, and its place code."""

    vectors: np.ndarray
    """(n, 3) float64: x, y, z on the unit sphere."""
    code_index: np.ndarray
    """(n,) int16: each city's index in `codes`."""
    codes: tuple[str, ...]


def unit_vectors(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, (n, 3), for latitudes and longitudes in degrees."""
    phi, lam = np.radians(latitude), np.radians(longitude)
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def read_cities(path: Path = CITIES_PATH) -> Cities:
    """Read the table written by scripts/make-cities: `#` comment lines, a header, then one city a line."""
    with gzip.open(path, "rt", encoding="ascii", newline="") as file:
        line = file.readline()
        while line.startswith("#"):
            line = file.readline()
        if line.strip() != CITIES_HEADER:
            raise ValueError(f"{path}: not a city table (header {CITIES_HEADER!r} wanted)")
        rows = np.loadtxt(file, delimiter=",", dtype=ROW, ndmin=1)
    codes, code_index = np.unique(rows["code"], return_inverse=True)
    vectors = unit_vectors(rows["latitude"], rows["longitude"])
    return Cities(vectors, code_index.astype(np.int16), tuple(str(code) for code in codes))


@functools.cache
def cities() -> Cities:
    """The shipped table, read on first use (about 70 000 cities, ~2 MB in memory)."""
    return read_cities()


def place_at(latitude: float, longitude: float) -> str | None:
    """The place code of the city nearest (by great-circle distance) to a position in degrees.

    None for a position that is no number, off the globe, or farther than MAX_DISTANCE_KM from any city.
    """
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    table = cities()
    if not len(table.codes):
        return None
    point = unit_vectors(np.array(latitude), np.array(longitude))
    # The largest dot product is the smallest angle: the haversine's ordering, in one matrix product.
    nearest = int(np.argmax(table.vectors @ point))
    chord = float(np.linalg.norm(table.vectors[nearest] - point))
    distance_km = 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, chord / 2.0))  # haversine, from the chord
    if distance_km > MAX_DISTANCE_KM:
        return None
    return table.codes[table.code_index[nearest]]


def gps_of(data: bytes) -> tuple[float, float] | None:
    """The GPS position (latitude, longitude in signed degrees) in a photo's EXIF, or None.

    Only the header is read, never the pixels; bytes that are no picture, or a GPS block that is
    missing, void or broken, give None rather than an error.
    """
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            # Image.getexif itself, not a plugin's own: PNG's would decode the whole picture to find EXIF
            # stored after the pixels.
            gps = Image.Image.getexif(image).get_ifd(ExifTags.IFD.GPSInfo)
        if _text(gps.get(GPS_STATUS)) == "V":
            return None
        latitude = _signed_degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), "N", "S")
        longitude = _signed_degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), "E", "W")
    except Exception:  # hostile bytes can break Pillow's parsers in many ways; none of them is ours to report
        return None
    if latitude is None or longitude is None or abs(latitude) > 90.0 or abs(longitude) > 180.0:
        return None
    return latitude, longitude


def place_of_photo(data: bytes) -> str | None:
    """The place code of where a photo was taken, when its EXIF carries a GPS position."""
    position = gps_of(data)
    return place_at(*position) if position is not None else None


def _text(value: Any) -> str | None:
    """An EXIF ASCII value ('N', b'N\\x00'...) as clean upper-case text."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value.strip("\x00 ").upper() if isinstance(value, str) else None


def _signed_degrees(value: Any, ref: Any, positive: str, negative: str) -> float | None:
    """Degrees, minutes, seconds (or fewer parts) and a hemisphere letter as signed decimal degrees."""
    parts = tuple(value) if isinstance(value, tuple | list) else (value,)
    hemisphere = _text(ref)
    if value is None or not 1 <= len(parts) <= 3 or hemisphere not in (positive, negative):
        return None
    degrees = sum(float(part) / 60.0**i for i, part in enumerate(parts))
    if not math.isfinite(degrees):
        return None
    return -abs(degrees) if hemisphere == negative else abs(degrees)
