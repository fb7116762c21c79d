"""A whole harvest against the fake services: what is kept, credited, refused, and never fetched."""

import csv
import dataclasses
import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from tests.harvest.fake_services import FakeServices
from tests.harvest.pictures import reencoded_copy
from training.harvest import HarvestSettings, harvest, plan_harvest
from training.harvest.errors import HarvestError
from training.harvest.summary import Outcome

CORAL_KEPT = {f"coral_snake/inaturalist_{photo_id}.jpg" for photo_id in (11, 12, 14, 20)}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def recording_sleep(sleeps: list[float]):
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return sleep


def with_limit(settings: HarvestSettings, coral_limit: int) -> HarvestSettings:
    """The settings, their coral_snake row asking for `coral_limit` photos."""
    text = re.sub(
        r"^(coral_snake,.*,)\d+$", rf"\g<1>{coral_limit}", settings.classes_csv.read_text(), flags=re.M
    )
    settings.classes_csv.write_text(text)
    return settings


async def test_keeps_good_licensed_photos_and_credits_each(settings: HarvestSettings) -> None:
    tallies = await harvest(settings)

    assert tallies["coral_snake"] == Counter(
        {Outcome.DOWNLOADED: 4, Outcome.DUPLICATE: 2, Outcome.BROKEN: 1, Outcome.TOO_SMALL: 1}
    )
    assert tallies["other_snake"] == Counter({Outcome.DOWNLOADED: 1})
    credits = {row["file"]: row for row in rows(settings.out_dir / "ATTRIBUTION.csv")}
    assert set(credits) == CORAL_KEPT | {"other_snake/inaturalist_30.jpg"}
    assert credits["coral_snake/inaturalist_14.jpg"] == {
        "file": "coral_snake/inaturalist_14.jpg",
        "class": "coral_snake",
        "source": "inaturalist",
        "photo_url": credits["coral_snake/inaturalist_14.jpg"]["photo_url"],
        "observer": "observer3",
        "licence": "cc-by-nc",
        "observation_url": "https://www.inaturalist.org/observations/3",
    }
    assert credits["coral_snake/inaturalist_14.jpg"]["photo_url"].endswith("/photos/14/medium.jpg")
    assert sorted(path.name for path in (settings.out_dir / "coral_snake").iterdir()) == sorted(
        Path(file).name for file in CORAL_KEPT
    )


async def test_photos_are_shrunk_to_the_long_side_unpadded(settings: HarvestSettings) -> None:
    await harvest(settings)

    with Image.open(settings.out_dir / "coral_snake" / "inaturalist_11.jpg") as photo:
        assert (photo.format, photo.size) == ("JPEG", (500, 375))


async def test_refusals_are_remembered_with_their_reason(settings: HarvestSettings) -> None:
    await harvest(settings)

    reasons = {
        Path(row["photo_url"]).parent.name: row["reason"] for row in rows(settings.out_dir / "REJECTED.csv")
    }
    assert reasons == {"16": "broken", "17": "too small", "18": "duplicate", "19": "duplicate"}


async def test_photos_under_other_licences_or_excluded_taxa_are_never_fetched(
    settings: HarvestSettings, fake_services: FakeServices
) -> None:
    await harvest(settings)

    fetched = {Path(path).parent.name for path in fake_services.photo_requests()}
    assert fetched == {"11", "12", "14", "16", "17", "18", "19", "20", "30"}
    other_snake_query = fake_services.api_requests("/v1/observations")[-1]
    assert other_snake_query["without_taxon_id"] == "100,200"


async def test_pages_through_observations_and_waits_as_a_429_asks(
    settings: HarvestSettings, fake_services: FakeServices
) -> None:
    fake_services.busy_answers_left = 1
    sleeps: list[float] = []

    await harvest(settings, sleep=recording_sleep(sleeps))

    coral_pages = [
        query for query in fake_services.api_requests("/v1/observations") if query["taxon_id"] == "101"
    ]
    assert [query["id_above"] for query in coral_pages] == ["0", "3", "3", "6", "9"]
    assert sleeps == [1.0]
    first = coral_pages[0]
    assert (first["quality_grade"], first["photos"], first["order_by"]) == ("research", "true", "id")
    assert first["photo_license"] == "cc-by,cc-by-nc,cc0"
    assert first["without_taxon_id"] == "201"


async def test_stops_at_the_class_limit(settings: HarvestSettings, fake_services: FakeServices) -> None:
    tallies = await harvest(with_limit(settings, 2))

    assert tallies["coral_snake"] == Counter({Outcome.DOWNLOADED: 2})
    assert [path for path in fake_services.photo_requests() if "/photos/1" in path] == [
        "/photos/11/medium.jpg",
        "/photos/12/medium.jpg",
    ]


async def test_a_rerun_resumes_and_then_fetches_nothing_new(
    settings: HarvestSettings, fake_services: FakeServices
) -> None:
    await harvest(with_limit(settings, 2))
    fake_services.requests.clear()

    second = await harvest(with_limit(settings, 50))
    fetched_by_second = fake_services.photo_requests()
    fake_services.requests.clear()
    third = await harvest(settings)

    assert second["coral_snake"][Outcome.DOWNLOADED] == 2
    assert "/photos/11/medium.jpg" not in fetched_by_second
    assert third == {"coral_snake": Counter(), "other_snake": Counter()}
    assert fake_services.photo_requests() == []
    assert {row["file"] for row in rows(settings.out_dir / "ATTRIBUTION.csv")} >= CORAL_KEPT
    assert len(rows(settings.out_dir / "ATTRIBUTION.csv")) == 5


async def test_refuses_near_copies_of_an_existing_data_set(settings: HarvestSettings, tmp_path: Path) -> None:
    existing = tmp_path / "existing" / "coral_snake"
    existing.mkdir(parents=True)
    (existing / "old.jpg").write_bytes(reencoded_copy(1))  # the picture of photos 11 and 18

    tallies = await harvest(dataclasses.replace(settings, existing=(tmp_path / "existing",)))

    assert tallies["coral_snake"][Outcome.DUPLICATE] == 3
    assert tallies["coral_snake"][Outcome.DOWNLOADED] == 3


async def test_dry_run_reports_what_it_would_fetch_and_writes_nothing(
    settings: HarvestSettings, fake_services: FakeServices
) -> None:
    plans = await plan_harvest(settings)

    assert plans["coral_snake"].new_per_source == Counter({"inaturalist": 8})
    assert plans["other_snake"].new_per_source == Counter({"inaturalist": 1})
    assert not settings.out_dir.exists()
    assert fake_services.photo_requests() == []


async def test_flickr_is_skipped_without_a_key(
    settings: HarvestSettings, fake_services: FakeServices, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        await harvest(settings)

    assert "Flickr skipped: set FLICKR_API_KEY" in caplog.text
    assert fake_services.api_requests("/services/rest/") == []


async def test_flickr_fills_in_with_a_key(settings: HarvestSettings, fake_services: FakeServices) -> None:
    tallies = await harvest(dataclasses.replace(settings, flickr_api_key=fake_services.flickr_api_key))

    assert tallies["coral_snake"][Outcome.DOWNLOADED] == 6
    searches = fake_services.api_requests("/services/rest/")
    assert [(query["text"], query["page"]) for query in searches] == [
        ("Micrurus tener", "1"),
        ("Micrurus tener", "2"),
        ("Serpentes", "1"),
    ]
    assert searches[0]["license"] == "10,2,4,9"
    credits = {row["file"]: row for row in rows(settings.out_dir / "ATTRIBUTION.csv")}
    assert credits["coral_snake/flickr_901.jpg"]["licence"] == "cc-by"
    assert credits["coral_snake/flickr_901.jpg"]["observer"] == "Flickr Photographer"
    assert (
        credits["coral_snake/flickr_901.jpg"]["observation_url"]
        == "https://www.flickr.com/photos/12345@N00/901"
    )
    assert credits["coral_snake/flickr_904.jpg"]["licence"] == "pdm"
    assert not {"/flickr/902_m.jpg", "/flickr/903_m.jpg"} & set(fake_services.photo_requests())


async def test_a_refused_flickr_key_stops_the_harvest_with_its_message(settings: HarvestSettings) -> None:
    with pytest.raises(HarvestError, match="Invalid API Key"):
        await harvest(dataclasses.replace(settings, flickr_api_key="wrong"))


async def test_an_unknown_taxon_stops_the_harvest_with_its_name(settings: HarvestSettings) -> None:
    settings.classes_csv.write_text("class,taxa,exclude,limit\nmystery,Micrurus imaginarius,,5\n")

    with pytest.raises(HarvestError, match="no taxon named 'Micrurus imaginarius'"):
        await harvest(settings)
