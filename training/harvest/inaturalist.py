"""Research-grade, openly licensed photos from the iNaturalist API v1.

Taxon names are resolved to ids with `GET /taxa?q=`; observations are paged in id order with
`id_above`, which stays correct while new observations arrive and lets a re-run start over cheaply.
"""

from collections.abc import AsyncIterator, Iterable
from typing import Any

from training.harvest.candidates import PhotoCandidate
from training.harvest.classes import HarvestClass
from training.harvest.errors import HarvestError
from training.harvest.http import PoliteClient

INATURALIST_API_URL = "https://api.inaturalist.org/v1"
OBSERVATION_PAGE_URL = "https://www.inaturalist.org/observations/"
PHOTO_SIZES = (("medium", 500), ("large", 1024), ("original", 2048))
"""iNaturalist's photo sizes and their long side in pixels; the API's `url` is the 75 px `square`."""


class INaturalistSource:
    name = "inaturalist"

    def __init__(
        self,
        client: PoliteClient,
        *,
        api_url: str,
        licences: frozenset[str],
        long_side: int,
        page_size: int,
        photos_per_observation: int,
    ) -> None:
        self._client = client
        self._api_url = api_url.rstrip("/")
        self._licences = licences
        self._photo_size = photo_size_for(long_side)
        self._page_size = page_size
        self._photos_per_observation = photos_per_observation
        self._taxon_ids: dict[str, int] = {}

    async def candidates(self, harvest_class: HarvestClass) -> AsyncIterator[PhotoCandidate]:
        query = await self._observation_query(harvest_class)
        last_id = 0
        while True:
            page = await self._client.get_json(
                f"{self._api_url}/observations", {**query, "id_above": str(last_id)}
            )
            observations = page.get("results") or []
            for observation in observations:
                for candidate in self._candidates_in(observation):
                    yield candidate
            if len(observations) < self._page_size:
                return
            last_id = observations[-1]["id"]

    async def _observation_query(self, harvest_class: HarvestClass) -> dict[str, str]:
        query = {
            "taxon_id": await self._taxon_id_list(harvest_class.taxa),
            "quality_grade": "research",
            "photos": "true",
            "photo_license": ",".join(sorted(self._licences)),
            "order_by": "id",
            "order": "asc",
            "per_page": str(self._page_size),
        }
        if harvest_class.exclusions:
            query["without_taxon_id"] = await self._taxon_id_list(harvest_class.exclusions)
        return query

    async def _taxon_id_list(self, taxa: Iterable[str]) -> str:
        return ",".join([str(await self._taxon_id(taxon)) for taxon in taxa])

    async def _taxon_id(self, taxon: str) -> int:
        if taxon.isdigit():
            return int(taxon)
        if taxon not in self._taxon_ids:
            self._taxon_ids[taxon] = await self._resolve_taxon(taxon)
        return self._taxon_ids[taxon]

    async def _resolve_taxon(self, name: str) -> int:
        """The id of the taxon whose scientific or common name is exactly `name`, in any case."""
        found = await self._client.get_json(f"{self._api_url}/taxa", {"q": name, "per_page": "10"})
        results = found.get("results") or []
        wanted = name.casefold()
        for taxon in results:
            if wanted in {str(taxon.get("name")).casefold(), str(taxon.get("matched_term")).casefold()}:
                return int(taxon["id"])
        suggestions = ", ".join(str(taxon.get("name")) for taxon in results[:5])
        hint = f"; did you mean one of: {suggestions}?" if suggestions else ""
        raise HarvestError(f"iNaturalist knows no taxon named {name!r}{hint}")

    def _candidates_in(self, observation: dict[str, Any]) -> list[PhotoCandidate]:
        # Several photos of one observation show the same animal: more than one would let a
        # train/validation split put the same snake on both sides.
        licensed = [
            photo for photo in observation.get("photos") or [] if photo.get("license_code") in self._licences
        ]
        return [self._candidate(observation, photo) for photo in licensed[: self._photos_per_observation]]

    def _candidate(self, observation: dict[str, Any], photo: dict[str, Any]) -> PhotoCandidate:
        return PhotoCandidate(
            source=self.name,
            photo_id=str(photo["id"]),
            photo_url=photo["url"].replace("/square.", f"/{self._photo_size}."),
            observer=(observation.get("user") or {}).get("login", ""),
            licence=photo["license_code"],
            observation_url=observation.get("uri") or f"{OBSERVATION_PAGE_URL}{observation['id']}",
        )


def photo_size_for(long_side: int) -> str:
    """The smallest iNaturalist photo size whose long side reaches `long_side`."""
    return next((size for size, side in PHOTO_SIZES if side >= long_side), PHOTO_SIZES[-1][0])
