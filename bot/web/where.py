"""Where the snake was seen, as a classify request says it: a `region`, or a `latitude` and `longitude`.

Both can come as query parameters, or in the body (multipart form fields beside `file`, JSON fields
beside `url`); the body's value wins over the query's, and every value given is checked. A region is an
ISO 3166-1 or 3166-2 code (`US`, `us-tx`, `MX-SON`; empty: not said). A position is only ever turned
into the code of its place (bot/places.py): it is never stored, logged (the access log's request line
loses a query string that names one), or put in an error message.
Which place answers: the region, else the position's place, else the photo's own EXIF GPS, else none.
"""

import asyncio
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import BodyPartReader, web

from bot.places import place_at, place_of_photo
from model.places import normalised

REGION, LATITUDE, LONGITUDE = "region", "latitude", "longitude"
PLACE_FIELDS = (REGION, LATITUDE, LONGITUDE)
LIMITS = {LATITUDE: 90.0, LONGITUDE: 180.0}
REGION_PATTERN = r"^(?:[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?)?$"
"""An ISO 3166-1 code, or a 3166-2 one (country, hyphen, subdivision), in either case; or empty."""
_REGION = re.compile(REGION_PATTERN.removeprefix("^").removesuffix("$"))
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
"""A number as text, written as JSON writes one: no spaces, `+`, `nan`, `inf` or non-ASCII digits."""
MAX_FIELD_BYTES = 64
BAD_REGION = "region must be one ISO 3166 country or state code, such as US, US-TX, MX-SON or BR."
BAD_LOCATION = (
    "Send latitude and longitude together, once each, as numbers in degrees: latitude from -90 to 90, "
    "longitude from -180 to 180."
)


ACCESS_LOG = "aiohttp.access"
_QUERY = re.compile(r"\?[^\s\"]*")


class HidePositions(logging.Filter):
    """Blanks the query string of an access-log line that could carry a latitude or longitude."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = _QUERY.sub(_hidden, message)
        if hidden != message:
            record.msg, record.args = hidden, None
        line = getattr(record, "first_request_line", None)
        if isinstance(line, str):
            record.first_request_line = _QUERY.sub(_hidden, line)
        return True


def _hidden(query: re.Match[str]) -> str:
    words = unquote_plus(unquote_plus(query.group())).lower()
    return "?…" if LATITUDE in words or LONGITUDE in words else query.group()


def hide_positions_from_access_log() -> None:
    """Keep positions sent as query parameters out of aiohttp's access log (once per process)."""
    logger = logging.getLogger(ACCESS_LOG)
    if not any(isinstance(existing, HidePositions) for existing in logger.filters):
        logger.addFilter(HidePositions())


class BadPlace(Exception):
    """A place the request gives that is no place: `code` is `bad_region` or `bad_location`."""

    def __init__(self, field: str) -> None:
        self.code, self.message = (
            ("bad_region", BAD_REGION) if field == REGION else ("bad_location", BAD_LOCATION)
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class Asked:
    """What one part of a request says of where the snake was seen, checked."""

    region: str | None = None
    """An ISO 3166 code as the range table spells it (`US-TX`)."""
    position: tuple[float, float] | None = None
    """Latitude and longitude in degrees; only ever turned into a place code."""

    def over(self, other: "Asked") -> "Asked":
        """These values, and `other`'s where these have none."""
        return Asked(self.region or other.region, self.position or other.position)


def asked_in_text(fields: Mapping[str, Sequence[str]]) -> Asked:
    """The place in query parameters or form fields, each given at most once."""

    def once(name: str) -> str | None:
        values = fields.get(name, ())
        if len(values) > 1:
            raise BadPlace(name)
        return values[0] if values else None

    region = _region(once(REGION))
    coordinates = {name: once(name) for name in LIMITS}
    return Asked(region, _position({name: _text_number(name, value) for name, value in coordinates.items()}))


def asked_in_json(payload: Mapping[str, Any]) -> Asked:
    """The place in a JSON body: `region` a string, `latitude` and `longitude` numbers; null is not given."""
    region = payload.get(REGION)
    if region is not None and not isinstance(region, str):
        raise BadPlace(REGION)
    return Asked(_region(region), _position({name: _json_number(name, payload.get(name)) for name in LIMITS}))


def asked_in_query(request: web.Request) -> Asked:
    return asked_in_text({name: request.query.getall(name, []) for name in PLACE_FIELDS})


async def read_field(part: BodyPartReader) -> str:
    """A small text form field (one of PLACE_FIELDS), read no further than MAX_FIELD_BYTES."""
    data = b""
    while chunk := await part.read_chunk(MAX_FIELD_BYTES + 1):
        data += chunk
        if len(data) > MAX_FIELD_BYTES:
            raise BadPlace(str(part.name))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadPlace(str(part.name)) from error


async def place_code(asked: Asked, data: bytes) -> str | None:
    """The code of the place that answers: the region, the position's, the photo's GPS one, or None."""
    if asked.region is not None:
        return asked.region
    if asked.position is not None:
        return await asyncio.to_thread(place_at, *asked.position)
    return await asyncio.to_thread(place_of_photo, data)


def _region(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not _REGION.fullmatch(value):
        raise BadPlace(REGION)
    return normalised(value)


def _text_number(name: str, value: str | None) -> float | None:
    if value is None:
        return None
    if not _NUMBER.fullmatch(value):
        raise BadPlace(name)
    return _in_range(name, float(value))


def _json_number(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadPlace(name)
    return _in_range(name, value)


def _in_range(name: str, value: float) -> float:
    """`value` as a float when it lies within the coordinate's limits (a huge int is compared, not cast)."""
    limit = LIMITS[name]
    if not -limit <= value <= limit:  # NaN and infinities fail here too
        raise BadPlace(name)
    number = float(value)
    if not math.isfinite(number):
        raise BadPlace(name)
    return number


def _position(coordinates: Mapping[str, float | None]) -> tuple[float, float] | None:
    latitude, longitude = coordinates[LATITUDE], coordinates[LONGITUDE]
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise BadPlace(LATITUDE)
    return latitude, longitude
