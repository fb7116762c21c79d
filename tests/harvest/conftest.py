"""The fake services, started on 127.0.0.1 for each test and stocked with a small snake world."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from tests.harvest.fake_services import FakeFlickrPhoto, FakeObservation, FakePhoto, FakeServices
from tests.harvest.pictures import picture_jpeg, reencoded_copy
from training.harvest import HarvestSettings

SERPENTES, MICRURUS, MICRURUS_TENER, LAMPROPELTIS, SCARLET_KINGSNAKE, PANTHEROPHIS = (
    1,
    100,
    101,
    200,
    201,
    300,
)
CORAL_LINEAGE = (SERPENTES, MICRURUS, MICRURUS_TENER)

CLASSES_CSV = """class,taxa,exclude,limit
coral_snake,Micrurus tener,Lampropeltis elapsoides,50
other_snake,Serpentes,Micrurus;Lampropeltis,50
"""


def _coral_observations() -> list[FakeObservation]:
    """Nine coral snake observations: four good photos and one of every kind of trouble."""
    photos = [
        (FakePhoto(11, "cc-by", picture_jpeg(1)),),
        (FakePhoto(12, "cc0", picture_jpeg(2)),),
        (FakePhoto(13, "cc-by-nd", picture_jpeg(3)), FakePhoto(14, "cc-by-nc", picture_jpeg(4))),
        (FakePhoto(15, None, picture_jpeg(5)),),  # all rights reserved: never fetched
        (FakePhoto(16, "cc-by", b"<html>not a photo</html>"),),
        (FakePhoto(17, "cc-by", picture_jpeg(7, size=(160, 120))),),
        (FakePhoto(18, "cc-by", picture_jpeg(1)),),  # the same bytes as photo 11
        (FakePhoto(19, "cc-by", reencoded_copy(2)),),  # photo 12, smaller and recompressed
        (FakePhoto(20, "cc-by", picture_jpeg(9)), FakePhoto(21, "cc-by", picture_jpeg(10))),
    ]
    return [
        FakeObservation(
            id=number, lineage=CORAL_LINEAGE, login=f"observer{number}", photos=observation_photos
        )
        for number, observation_photos in enumerate(photos, start=1)
    ]


def _flickr_photo(photo_id: str, licence_id: str, title: str, tags: str, seed: int) -> FakeFlickrPhoto:
    return FakeFlickrPhoto(photo_id, "Micrurus tener", licence_id, title, tags, picture_jpeg(seed))


def snake_world() -> FakeServices:
    rat_snake = FakeObservation(
        30, (SERPENTES, PANTHEROPHIS), "ratsnaker", (FakePhoto(30, "cc0", picture_jpeg(30)),)
    )
    scarlet_kingsnake = FakeObservation(
        31, (SERPENTES, LAMPROPELTIS, SCARLET_KINGSNAKE), "kinger", (FakePhoto(31, "cc0", picture_jpeg(31)),)
    )
    flickr_photos = [
        _flickr_photo("901", "4", "Texas coral snake", "micrurustener snake", 40),
        _flickr_photo("902", "0", "All rights reserved", "micrurustener", 41),
        _flickr_photo("903", "9", "Coral or king?", "lampropeltiselapsoides", 42),  # an excluded taxon
        _flickr_photo("904", "10", "Old plate of Micrurus tener", "", 43),
    ]
    return FakeServices(
        taxa={
            "Serpentes": SERPENTES,
            "Micrurus": MICRURUS,
            "Micrurus tener": MICRURUS_TENER,
            "Lampropeltis": LAMPROPELTIS,
            "Lampropeltis elapsoides": SCARLET_KINGSNAKE,
        },
        observations=[*_coral_observations(), rat_snake, scarlet_kingsnake],
        flickr_photos=flickr_photos,
    )


@pytest.fixture
async def fake_services() -> AsyncIterator[FakeServices]:
    services = snake_world()
    server = TestServer(services.app(), host="127.0.0.1")
    await server.start_server()
    services.base_url = str(server.make_url("")).rstrip("/")
    yield services
    await server.close()


@pytest.fixture
def settings(fake_services: FakeServices, tmp_path: Path) -> HarvestSettings:
    """Settings for a harvest from the fake services: small pages, no pacing, no Flickr key."""
    classes_csv = tmp_path / "classes.csv"
    classes_csv.write_text(CLASSES_CSV)
    return HarvestSettings(
        classes_csv=classes_csv,
        out_dir=tmp_path / "harvest",
        requests_per_second=0,
        timeout_s=5,
        page_size=3,
        inaturalist_url=f"{fake_services.base_url}/v1",
        flickr_url=f"{fake_services.base_url}/services/rest/",
    )
