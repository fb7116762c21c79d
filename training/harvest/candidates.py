"""A photo a source offers, before it is downloaded: where to fetch it and whom to credit."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from training.harvest.classes import HarvestClass

LICENCES = frozenset({"cc0", "cc-by", "cc-by-nc"})
"""The licences a harvest may keep, in iNaturalist's spelling; Flickr's ids are mapped onto them."""


@dataclass(frozen=True)
class PhotoCandidate:
    source: str
    photo_id: str
    photo_url: str
    observer: str
    licence: str
    observation_url: str
    """The page that shows the photo in context: the iNaturalist observation or the Flickr photo page."""

    @property
    def file_name(self) -> str:
        return f"{self.source}_{self.photo_id}.jpg"


class PhotoSource(Protocol):
    name: str

    def candidates(self, harvest_class: HarvestClass) -> AsyncIterator[PhotoCandidate]:
        """Openly licensed photos of the class's taxa, leaving out its exclusions."""
        ...
