"""The harvest itself: for each class, each source's photos fetched, checked, filed and credited.

iNaturalist comes first: its research-grade identifications are confirmed by other observers, while a
Flickr photo's label is only its owner's words, so Flickr fills what iNaturalist leaves of the limit.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager

import aiohttp
from tqdm import tqdm

from training.harvest.attribution import Ledger
from training.harvest.candidates import PhotoCandidate, PhotoSource
from training.harvest.classes import HarvestClass, read_classes
from training.harvest.flickr import FlickrSource
from training.harvest.http import USER_AGENT, HttpError, PoliteClient, Sleep
from training.harvest.inaturalist import INaturalistSource
from training.harvest.photos import DuplicateIndex, PreparedPhoto, RejectedPhoto, prepare_photo
from training.harvest.settings import HarvestSettings
from training.harvest.summary import ClassPlan, Outcome

logger = logging.getLogger(__name__)


async def harvest(settings: HarvestSettings, *, sleep: Sleep = asyncio.sleep) -> dict[str, Counter[Outcome]]:
    """Fetch photos for every class up to its limit; per class, what became of each photo tried."""
    classes = read_classes(settings.classes_csv)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    async with _open_harvester(settings, sleep) as harvester:
        harvester.index_known_photos()
        return {harvest_class.name: await harvester.harvest_class(harvest_class) for harvest_class in classes}


async def plan_harvest(settings: HarvestSettings, *, sleep: Sleep = asyncio.sleep) -> dict[str, ClassPlan]:
    """A dry run: ask the sources what they offer for each class, and write nothing."""
    classes = read_classes(settings.classes_csv)
    async with _open_harvester(settings, sleep) as harvester:
        return {harvest_class.name: await harvester.plan_class(harvest_class) for harvest_class in classes}


@asynccontextmanager
async def _open_harvester(settings: HarvestSettings, sleep: Sleep) -> AsyncIterator["Harvester"]:
    timeout = aiohttp.ClientTimeout(total=settings.timeout_s)
    async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}, timeout=timeout) as session:
        client = PoliteClient(session, requests_per_second=settings.requests_per_second, sleep=sleep)
        yield Harvester(settings, client, _sources(client, settings), Ledger(settings.out_dir))


def _sources(client: PoliteClient, settings: HarvestSettings) -> list[PhotoSource]:
    sources: list[PhotoSource] = [
        INaturalistSource(
            client,
            api_url=settings.inaturalist_url,
            licences=settings.licences,
            long_side=settings.long_side,
            page_size=settings.page_size,
            photos_per_observation=settings.photos_per_observation,
        )
    ]
    if settings.flickr_api_key:
        sources.append(
            FlickrSource(
                client,
                api_url=settings.flickr_url,
                api_key=settings.flickr_api_key,
                licences=settings.licences,
                long_side=settings.long_side,
                page_size=settings.page_size,
            )
        )
    else:
        logger.warning("Flickr skipped: set FLICKR_API_KEY to search Flickr as well as iNaturalist")
    return sources


class Harvester:
    def __init__(
        self, settings: HarvestSettings, client: PoliteClient, sources: list[PhotoSource], ledger: Ledger
    ) -> None:
        self._settings = settings
        self._client = client
        self._sources = sources
        self._ledger = ledger
        self._duplicates = DuplicateIndex()

    def index_known_photos(self) -> None:
        """Fingerprint the existing data sets and the photos earlier runs kept, to refuse copies of them."""
        for folder in self._settings.existing:
            self._duplicates.add_folder(folder)
        for file in self._ledger.kept_files():
            if file.exists():
                self._duplicates.add_file(file)
        logger.info("comparing new photos against %d known ones", len(self._duplicates))

    async def harvest_class(self, harvest_class: HarvestClass) -> Counter[Outcome]:
        tally: Counter[Outcome] = Counter()
        wanted = harvest_class.limit - self._ledger.kept_count(harvest_class.name)
        if wanted <= 0:
            return tally
        (self._settings.out_dir / harvest_class.name).mkdir(exist_ok=True)
        with tqdm(total=wanted, desc=harvest_class.name, unit="photo", disable=None) as progress:
            async with aclosing(self._new_candidates(harvest_class)) as candidates:
                async for candidate in candidates:
                    outcome = await self._take(candidate, harvest_class.name)
                    tally[outcome] += 1
                    progress.update(outcome is Outcome.DOWNLOADED)
                    progress.set_postfix(turned_away=tally.total() - tally[Outcome.DOWNLOADED])
                    if tally[Outcome.DOWNLOADED] >= wanted:
                        break
        return tally

    async def plan_class(self, harvest_class: HarvestClass) -> ClassPlan:
        kept = self._ledger.kept_count(harvest_class.name)
        plan = ClassPlan(already_kept=kept, wanted=max(0, harvest_class.limit - kept))
        if plan.wanted == 0:
            return plan
        async with aclosing(self._new_candidates(harvest_class)) as candidates:
            async for candidate in candidates:
                plan.new_per_source[candidate.source] += 1
                if plan.new_per_source.total() >= plan.wanted:
                    break
        return plan

    async def _new_candidates(self, harvest_class: HarvestClass) -> AsyncIterator[PhotoCandidate]:
        """Every source's candidates in turn, less those tried before or already offered in this run."""
        offered: set[str] = set()
        for source in self._sources:
            async with aclosing(source.candidates(harvest_class)) as candidates:
                async for candidate in candidates:
                    if candidate.photo_url not in offered and not self._ledger.has_seen(candidate):
                        offered.add(candidate.photo_url)
                        yield candidate

    async def _take(self, candidate: PhotoCandidate, class_name: str) -> Outcome:
        """Download, check and file one photo; what became of it."""
        try:
            data = await self._client.get_bytes(candidate.photo_url)
        except HttpError as error:
            logger.warning("could not fetch a photo: %s", error)
            return Outcome.FAILED
        try:
            photo = prepare_photo(data, min_side=self._settings.min_side, long_side=self._settings.long_side)
            if self._duplicates.is_duplicate(photo):
                raise RejectedPhoto(Outcome.DUPLICATE)
        except RejectedPhoto as rejection:
            self._ledger.record_rejected(candidate, class_name, rejection.outcome)
            return rejection.outcome
        self._file(photo, candidate, class_name)
        return Outcome.DOWNLOADED

    def _file(self, photo: PreparedPhoto, candidate: PhotoCandidate, class_name: str) -> None:
        # The row goes in after the file: a file without a row (a crash between the two) is fetched again.
        path = self._settings.out_dir / class_name / candidate.file_name
        path.write_bytes(photo.jpeg)
        self._duplicates.add(photo)
        self._ledger.record_kept(candidate, class_name, path)
