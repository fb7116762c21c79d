"""Openly licensed photos from Flickr's `flickr.photos.search`, a second source after iNaturalist.

Flickr photos are labelled by their owners' words only, so each taxon name is searched as text and
photos whose title or tags mention an excluded taxon are dropped. Taxon ids mean nothing to Flickr
and are skipped.
"""

import logging
from collections.abc import AsyncIterator
from typing import Any

from training.harvest.candidates import PhotoCandidate
from training.harvest.classes import HarvestClass
from training.harvest.errors import HarvestError
from training.harvest.http import PoliteClient

FLICKR_API_URL = "https://api.flickr.com/services/rest/"
PHOTO_PAGE_URL = "https://www.flickr.com/photos/"
LICENCE_IDS = {"cc0": ("9", "10"), "cc-by": ("4",), "cc-by-nc": ("2",)}
"""Flickr's licence ids for each licence we keep; 10 is the Public Domain Mark, kept with CC0."""
LICENCE_NAMES = {"9": "cc0", "10": "pdm", "4": "cc-by", "2": "cc-by-nc"}
MEDIUM_SIDE = 500
"""Flickr's `url_m` has a 500 px long side, `url_l` 1024 px."""

logger = logging.getLogger(__name__)


class FlickrSource:
    name = "flickr"

    def __init__(
        self,
        client: PoliteClient,
        *,
        api_url: str,
        api_key: str,
        licences: frozenset[str],
        long_side: int,
        page_size: int,
    ) -> None:
        self._client = client
        self._api_url = api_url
        self._api_key = api_key
        self._licence_ids = sorted(id_ for licence in licences for id_ in LICENCE_IDS[licence])
        self._url_fields = ("url_m", "url_l") if long_side <= MEDIUM_SIDE else ("url_l", "url_m")
        self._page_size = page_size

    async def candidates(self, harvest_class: HarvestClass) -> AsyncIterator[PhotoCandidate]:
        for taxon in harvest_class.taxa:
            if taxon.isdigit():
                logger.info(
                    "Flickr: skipping taxon id %s of %s; Flickr searches names", taxon, harvest_class.name
                )
                continue
            async for photo in self._search(taxon):
                candidate = self._candidate(photo)
                if candidate and not _mentions_any(photo, harvest_class.exclusions):
                    yield candidate

    async def _search(self, text: str) -> AsyncIterator[dict[str, Any]]:
        page = 1
        while True:
            found = await self._client.get_json(self._api_url, self._search_params(text, page))
            if found.get("stat") != "ok":
                raise HarvestError(f"Flickr refused the search: {found.get('message', found)}")
            for photo in found["photos"]["photo"]:
                yield photo
            if page >= int(found["photos"]["pages"]):
                return
            page += 1

    def _search_params(self, text: str, page: int) -> dict[str, str]:
        return {
            "method": "flickr.photos.search",
            "api_key": self._api_key,
            "text": text,
            "license": ",".join(self._licence_ids),
            "content_type": "1",
            "media": "photos",
            "sort": "relevance",
            "extras": "license,owner_name,tags,url_l,url_m",
            "per_page": str(self._page_size),
            "page": str(page),
            "format": "json",
            "nojsoncallback": "1",
        }

    def _candidate(self, photo: dict[str, Any]) -> PhotoCandidate | None:
        """The photo as a candidate; None where its licence is not ours to keep or it has no usable size."""
        licence_id = str(photo.get("license"))
        photo_url = next((photo[field] for field in self._url_fields if photo.get(field)), None)
        if licence_id not in self._licence_ids or photo_url is None:
            return None
        return PhotoCandidate(
            source=self.name,
            photo_id=str(photo["id"]),
            photo_url=photo_url,
            observer=photo.get("ownername") or photo["owner"],
            licence=LICENCE_NAMES[licence_id],
            observation_url=f"{PHOTO_PAGE_URL}{photo['owner']}/{photo['id']}",
        )


def _mentions_any(photo: dict[str, Any], taxa: tuple[str, ...]) -> bool:
    """Whether the title or tags name one of `taxa`; Flickr joins a tag's words ("micrurustener")."""
    words = _squashed(f"{photo.get('title', '')} {photo.get('tags', '')}")
    return any(_squashed(taxon) in words for taxon in taxa)


def _squashed(text: str) -> str:
    return "".join(text.casefold().split())
