"""Everything a harvest is told, in one typed object; `__main__` builds it from the command line."""

from dataclasses import dataclass
from pathlib import Path

from training.harvest.candidates import LICENCES
from training.harvest.flickr import FLICKR_API_URL
from training.harvest.inaturalist import INATURALIST_API_URL


@dataclass(frozen=True)
class HarvestSettings:
    classes_csv: Path
    out_dir: Path
    existing: tuple[Path, ...] = ()
    """Data set folders whose photos, and near-copies of them, are not fetched again."""
    min_side: int = 224
    long_side: int = 500
    licences: frozenset[str] = LICENCES
    photos_per_observation: int = 1
    requests_per_second: float = 1.0
    """Per host; iNaturalist asks API users to stay near one request a second."""
    timeout_s: float = 30.0
    page_size: int = 200
    inaturalist_url: str = INATURALIST_API_URL
    flickr_url: str = FLICKR_API_URL
    flickr_api_key: str | None = None
