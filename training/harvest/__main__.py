"""`python -m training.harvest CLASSES_CSV OUT_DIR [options]`; the package docstring tells the whole story."""

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from training.harvest.candidates import LICENCES
from training.harvest.errors import HarvestError
from training.harvest.flickr import FLICKR_API_URL
from training.harvest.harvester import harvest, plan_harvest
from training.harvest.inaturalist import INATURALIST_API_URL
from training.harvest.settings import HarvestSettings
from training.harvest.summary import format_plan, format_summary

logger = logging.getLogger("training.harvest")


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training.harvest",
        description="Harvest openly licensed photos for each class of CLASSES_CSV into OUT_DIR/<class>/, "
        "credited in OUT_DIR/ATTRIBUTION.csv. Set FLICKR_API_KEY to search Flickr too.",
    )
    parser.add_argument("classes_csv", type=Path, help="columns: class, taxa, exclude, limit")
    parser.add_argument("out_dir", type=Path, help="where the class folders and ATTRIBUTION.csv go")
    parser.add_argument(
        "--existing",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a data set folder whose photos are not fetched again (repeatable)",
    )
    parser.add_argument("--min-side", type=int, default=224, help="refuse photos whose short side is smaller")
    parser.add_argument(
        "--long-side", type=int, default=500, help="shrink photos to this long side, unpadded"
    )
    parser.add_argument(
        "--licences",
        type=_licences,
        default=LICENCES,
        help=f"comma-separated, from {','.join(sorted(LICENCES))} (default: all)",
    )
    parser.add_argument(
        "--photos-per-observation",
        type=int,
        default=1,
        help="iNaturalist photos kept per observation (more show the same animal)",
    )
    parser.add_argument("--requests-per-second", type=float, default=1.0, help="per host; 0 for no pacing")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--inaturalist-url", default=environ.get("INATURALIST_API_URL", INATURALIST_API_URL))
    parser.add_argument("--flickr-url", default=environ.get("FLICKR_API_URL", FLICKR_API_URL))
    parser.add_argument("--dry-run", action="store_true", help="report what would be fetched; write nothing")
    return parser


def _licences(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = chosen - LICENCES
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(sorted(LICENCES))}")
    return chosen


def settings_from_arguments(arguments: argparse.Namespace, environ: Mapping[str, str]) -> HarvestSettings:
    return HarvestSettings(
        classes_csv=arguments.classes_csv,
        out_dir=arguments.out_dir,
        existing=tuple(arguments.existing),
        min_side=arguments.min_side,
        long_side=arguments.long_side,
        licences=arguments.licences,
        photos_per_observation=arguments.photos_per_observation,
        requests_per_second=arguments.requests_per_second,
        timeout_s=arguments.timeout,
        inaturalist_url=arguments.inaturalist_url,
        flickr_url=arguments.flickr_url,
        flickr_api_key=environ.get("FLICKR_API_KEY") or None,
    )


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = build_parser(environ)
    arguments = parser.parse_args(argv)
    if not 0 < arguments.min_side <= arguments.long_side:
        parser.error("--min-side must be positive and at most --long-side")
    if arguments.photos_per_observation < 1:
        parser.error("--photos-per-observation must be at least 1")
    settings = settings_from_arguments(arguments, environ)
    try:
        if arguments.dry_run:
            print(format_plan(asyncio.run(plan_harvest(settings))))
        else:
            print(format_summary(asyncio.run(harvest(settings))))
    except HarvestError as error:
        logger.error("harvest stopped: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
