"""POST /api/v1/classify for a snake seen somewhere: a region, a position, or the photo's own GPS."""

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from PIL import ExifTags, Image
from sqlalchemy import text

from bot.web.where import BAD_LOCATION, BAD_REGION
from feedback import open_engine
from model import Classifier
from model.places import RHYME_HOLDS
from model.policy import Policy, Thresholds
from tests.bot.web.conftest import ApiClientFactory
from tests.bot.web.test_api import CLASSIFY, error_of, upload
from tests.fakes.image_host import image_app, serving
from tests.tiny_model import draw_photo, photo_bytes

TEXAS = {"latitude": "30.27", "longitude": "-97.74"}  # Austin
AT_SEA = {"latitude": "0", "longitude": "-140"}  # the Pacific, far from any town
NO_PLACE = {"place": None, "rule": "strict"}


def gps_photo() -> bytes:
    """A drawn coral snake whose EXIF says it was taken in El Paso, Texas."""
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 13.0)}
    buffer = io.BytesIO()
    draw_photo("coral_snake", seed=23).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload_with(data: bytes, **fields: str) -> aiohttp.FormData:
    """The photo as `file`, after the place fields (a form may put them anywhere)."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", data, filename="snake.jpg", content_type="image/jpeg")
    return form


@pytest.fixture
async def client(make_client: ApiClientFactory, tiny_classifier: Classifier) -> TestClient:
    """The app with a policy like the shipped one: places where the rhyme holds have their own threshold."""
    policy = Policy(groups={RHYME_HOLDS: Thresholds(kingsnake=0.6)})
    return await make_client(replace(tiny_classifier, policy=policy))


@pytest.fixture
async def image_host() -> AsyncIterator[str]:
    pictures = {"/coral.jpg": photo_bytes("coral_snake", seed=21), "/gps.jpg": gps_photo()}
    async with serving(image_app(pictures)) as base:
        yield base


async def place_of(response: aiohttp.ClientResponse) -> dict[str, object]:
    assert response.status == 200, await response.text()
    body = await response.json()
    assert list(body)[-2:] == ["place", "rule"]
    return {"place": body["place"], "rule": body["rule"]}


def placed(code: str, name: str, rule: str) -> dict[str, object]:
    return {"place": {"code": code, "name": name}, "rule": rule}


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("US-TX", placed("US-TX", "United States", "rhyme_holds")),
        ("us-tx", placed("US-TX", "United States", "rhyme_holds")),
        ("MX-SON", placed("MX-SON", "Sonora", "rhyme_holds")),
        ("MX", placed("MX", "Mexico", "strict")),
        ("BR", placed("BR", "Brazil", "strict")),
        ("qs", placed("QS", "Central or South America", "strict")),
        ("DE", placed("DE", "DE", "strict")),  # a country the range table lacks: strict, named by its code
        ("", NO_PLACE),  # not said
    ],
)
async def test_a_region_in_the_form_picks_the_place_and_rule(
    client: TestClient, region: str, expected: dict[str, object]
) -> None:
    response = await client.post(
        CLASSIFY, data=upload_with(photo_bytes("coral_snake", seed=20), region=region)
    )
    assert await place_of(response) == expected


async def test_no_place_is_strict(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=20)))
    assert await place_of(response) == NO_PLACE


async def test_the_place_is_named_in_the_answers_language(client: TestClient) -> None:
    photo = photo_bytes("kingsnake", seed=20)
    response = await client.post(f"{CLASSIFY}?lang=es", data=upload_with(photo, region="BR"))
    assert await place_of(response) == placed("BR", "Brasil", "strict")
    response = await client.post(
        CLASSIFY, data=upload_with(photo, region="US"), headers={"Accept-Language": "es"}
    )
    assert await place_of(response) == placed("US", "Estados Unidos", "rhyme_holds")


async def test_a_region_after_the_file_counts_too(client: TestClient) -> None:
    form = upload(photo_bytes("coral_snake", seed=20))
    form.add_field("region", "US-TX")
    assert await place_of(await client.post(CLASSIFY, data=form)) == placed(
        "US-TX", "United States", "rhyme_holds"
    )


async def test_a_region_beside_a_link(client: TestClient, image_host: str) -> None:
    response = await client.post(CLASSIFY, json={"url": f"{image_host}/coral.jpg", "region": "mx-chh"})
    assert await place_of(response) == placed("MX-CHH", "Chihuahua", "rhyme_holds")
    response = await client.post(CLASSIFY, json={"url": f"{image_host}/coral.jpg", "region": None})
    assert await place_of(response) == NO_PLACE


async def test_a_region_in_the_query_and_the_body_wins(client: TestClient) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    response = await client.post(CLASSIFY, params={"region": "US-TX"}, data=upload(photo))
    assert await place_of(response) == placed("US-TX", "United States", "rhyme_holds")
    response = await client.post(CLASSIFY, params={"region": "US"}, data=upload_with(photo, region="BR"))
    assert await place_of(response) == placed("BR", "Brazil", "strict")


async def test_a_position_becomes_its_place(client: TestClient, image_host: str) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    texas = placed("US-TX", "United States", "rhyme_holds")
    assert await place_of(await client.post(CLASSIFY, data=upload_with(photo, **TEXAS))) == texas
    assert await place_of(await client.post(CLASSIFY, params=TEXAS, data=upload(photo))) == texas
    link = {"url": f"{image_host}/coral.jpg", "latitude": 30.27, "longitude": -97.74}
    assert await place_of(await client.post(CLASSIFY, json=link)) == texas
    assert await place_of(await client.post(CLASSIFY, data=upload_with(photo, **AT_SEA))) == NO_PLACE


async def test_a_region_wins_over_a_position_and_a_position_over_the_photos_gps(
    client: TestClient, image_host: str
) -> None:
    response = await client.post(CLASSIFY, data=upload_with(photo_bytes("coral_snake"), region="BR", **TEXAS))
    assert await place_of(response) == placed("BR", "Brazil", "strict")
    response = await client.post(CLASSIFY, data=upload_with(gps_photo(), **AT_SEA))
    assert await place_of(response) == NO_PLACE
    response = await client.post(CLASSIFY, json={"url": f"{image_host}/gps.jpg", "region": "BR"})
    assert await place_of(response) == placed("BR", "Brazil", "strict")


async def test_without_a_place_the_photos_own_gps_counts(client: TestClient, image_host: str) -> None:
    texas = placed("US-TX", "United States", "rhyme_holds")
    assert await place_of(await client.post(CLASSIFY, data=upload(gps_photo()))) == texas
    assert await place_of(await client.post(CLASSIFY, json={"url": f"{image_host}/gps.jpg"})) == texas


@pytest.mark.parametrize(
    "region",
    ["Texas", "U", "USA-TX", "US-", "US-TEXS", "12", "ÜS", "ß", " US", "US\n", "US_TX", "x" * 100],
)
async def test_a_region_that_is_no_iso_code_is_400(client: TestClient, region: str) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    for response in (
        await client.post(CLASSIFY, data=upload_with(photo, region=region)),
        await client.post(CLASSIFY, params={"region": region}, data=upload(photo)),
    ):
        assert await error_of(response, 400) == "bad_region"
        assert (await response.json())["error"]["message"] == BAD_REGION


async def test_a_bad_region_beside_a_link_is_400_but_a_bad_link_comes_first(client: TestClient) -> None:
    for region in (5, ["US"], "Texas", True):
        response = await client.post(CLASSIFY, json={"url": "http://127.0.0.1:9/x.jpg", "region": region})
        assert await error_of(response, 400) == "bad_region"
    response = await client.post(CLASSIFY, json={"url": "", "region": "Texas"})
    assert await error_of(response, 422) == "bad_url"


async def test_a_region_given_twice_is_400(client: TestClient) -> None:
    form = upload_with(photo_bytes("coral_snake"), region="US")
    form.add_field("region", "US")
    assert await error_of(await client.post(CLASSIFY, data=form), 400) == "bad_region"
    response = await client.post(f"{CLASSIFY}?region=US&region=MX", data=upload(photo_bytes("coral_snake")))
    assert await error_of(response, 400) == "bad_region"


@pytest.mark.parametrize(
    "fields",
    [
        {"latitude": "nan", "longitude": "0"},
        {"latitude": "NaN", "longitude": "0"},
        {"latitude": "inf", "longitude": "0"},
        {"latitude": "1e999", "longitude": "0"},
        {"latitude": "90.5", "longitude": "0"},
        {"latitude": "0", "longitude": "-180.01"},
        {"latitude": "thirty", "longitude": "0"},
        {"latitude": "", "longitude": ""},
        {"latitude": " 30", "longitude": "-97"},
        {"latitude": "\uff13\uff10", "longitude": "-97"},  # full-width digits: float() would take them
        {"latitude": "30.27"},
        {"longitude": "-97.74"},
    ],
)
async def test_a_position_that_is_no_position_is_400(client: TestClient, fields: dict[str, str]) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    for response in (
        await client.post(CLASSIFY, data=upload_with(photo, **fields)),
        await client.post(CLASSIFY, params=fields, data=upload(photo)),
    ):
        assert await error_of(response, 400) == "bad_location"
        assert (await response.json())["error"]["message"] == BAD_LOCATION


@pytest.mark.parametrize(
    "position",
    [
        '"latitude": "30.27", "longitude": -97.74',
        '"latitude": true, "longitude": 0',
        '"latitude": NaN, "longitude": 0',
        '"latitude": Infinity, "longitude": 0',
        '"latitude": 1' + "0" * 400 + ', "longitude": 0',
        '"latitude": 30.27',
        '"latitude": 30.27, "longitude": null',
        '"latitude": [30.27], "longitude": -97.74',
    ],
)
async def test_a_bad_position_beside_a_link_is_400(client: TestClient, position: str) -> None:
    body = '{"url": "http://127.0.0.1:9/x.jpg", ' + position + "}"
    response = await client.post(CLASSIFY, data=body, headers={"Content-Type": "application/json"})
    assert await error_of(response, 400) == "bad_location"


async def test_a_position_is_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    photo = photo_bytes("coral_snake", seed=20)
    await place_of(await client.post(CLASSIFY, params=TEXAS, data=upload(photo)))
    await place_of(await client.post(CLASSIFY, data=upload_with(photo, **TEXAS)))
    await client.post(CLASSIFY, params={"latitude": "30.27", "longitude": "-999.5"}, data=upload(photo))
    await asyncio.sleep(0.2)  # the access log is written once the answer is sent
    assert any(record.name == "aiohttp.access" for record in caplog.records)
    logged = caplog.text + json.dumps([vars(record) for record in caplog.records], default=str)
    assert "30.27" not in logged and "97.74" not in logged and "999.5" not in logged


async def test_the_verdict_kept_for_feedback_names_its_place_never_the_position(
    client: TestClient, tmp_path: Path
) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    await place_of(await client.post(CLASSIFY, data=upload_with(photo, region="us-tx")))
    await place_of(await client.post(CLASSIFY, data=upload_with(photo, **TEXAS)))
    await place_of(await client.post(CLASSIFY, data=upload(photo)))
    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}")
    with engine.connect() as connection:
        places = connection.execute(text("SELECT place FROM classifications")).scalars().all()
    engine.dispose()
    assert sorted(places, key=str) == sorted(["US-TX", "US-TX", None], key=str)
