"""How long the shipped model takes to load and to classify one photo (decode, resize, forward).

    python bench/classify_latency.py [--data-dir ../shared/data/snakes] [--model PATH] [--baseline PATH]
                                     [--save FILE]

Run by hand on the machine that will serve the bot; the numbers go into model/MODEL.md. Photos come from
the data set when it is there; a 12-megapixel JPEG is generated on the fly either way. `--baseline` times
another model in the same run (the one shipped before, say), so the two compare on one machine and load.
"""

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).parents[1]))  # run as a script from anywhere

from model import DEFAULT_MODEL_PATH, Classifier, load_classifier

DEFAULT_DATA_DIR = Path(__file__).parents[2] / "shared" / "data" / "snakes"


def twelve_megapixel_jpeg() -> bytes:
    """A 4000x3000 JPEG with enough detail to cost what a phone photo costs to decode."""
    image = Image.effect_mandelbrot((4000, 3000), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    ImageDraw.Draw(image).rectangle((1000, 1000, 3000, 2000), outline="red", width=40)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def sample_photos(data_dir: Path, count: int) -> list[bytes]:
    """`count` photos spread evenly over the data set's sorted file list (empty when it is absent)."""
    photos = sorted(data_dir.glob("*/*.jpg"))
    step = max(1, len(photos) // count)
    return [photo.read_bytes() for photo in photos[::step][:count]]


def milliseconds(action: Callable[[], object], repeats: int = 1) -> list[float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(1000 * (time.perf_counter() - started))
    return timings


def latency_row(classifier: Classifier, photos: list[bytes], repeats: int) -> dict[str, float]:
    """Median and 90th percentile of one classification over `photos`, after a warm-up."""
    for photo in photos[:3]:
        classifier.classify(photo)
    timings = [
        t for photo in photos for t in milliseconds(lambda photo=photo: classifier.classify(photo), repeats)
    ]
    deciles = statistics.quantiles(timings, n=10) if len(timings) > 1 else timings * 9
    return {"photos": len(photos), "median_ms": statistics.median(timings), "p90_ms": deciles[-1]}


def cpu_model() -> str:
    """The processor's name as the kernel reports it: timings mean little without it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def measure(model: Path, photos: list[bytes], large_photo: bytes) -> dict:
    """Load `model`, then time it on the data set's photos and on the large photo."""
    load_classifier(model)  # compiled beside the learner once, as training and the Dockerfile do
    started = time.perf_counter()
    classifier = load_classifier(model)
    return {
        "model_file_mb": round(model.stat().st_size / 1e6, 1),
        "load_seconds": round(time.perf_counter() - started, 2),
        "data_set_photo": latency_row(classifier, photos, repeats=1),
        "12_megapixel_jpeg": latency_row(classifier, [large_photo], repeats=20),
    }


def print_results(title: str, results: dict) -> None:
    print(f"{title}: model file {results['model_file_mb']} MB, loaded in {results['load_seconds']} s")
    print(f"{'photos':<20}{'count':>6}{'median ms':>11}{'p90 ms':>9}")
    for name in ("data_set_photo", "12_megapixel_jpeg"):
        row = results[name]
        print(f"{name:<20}{row['photos']:>6}{row['median_ms']:>11.1f}{row['p90_ms']:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--baseline", type=Path, help="another model to time in the same run")
    parser.add_argument("--photos", type=int, default=60, help="data set photos to time")
    parser.add_argument("--save", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()

    photos, large_photo = sample_photos(args.data_dir, args.photos), twelve_megapixel_jpeg()
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores; the forward pass on one thread, as the bot runs it")
    results = {"cpu": cpu_model(), **measure(args.model, photos, large_photo)}
    print_results(args.model.name, results)
    if args.baseline:
        results["baseline"] = {"model": args.baseline.name, **measure(args.baseline, photos, large_photo)}
        print_results(f"baseline {args.baseline.name}", results["baseline"])
        ratio = results["data_set_photo"]["median_ms"] / results["baseline"]["data_set_photo"]["median_ms"]
        print(f"median per data-set photo: {ratio:.2f}x the baseline's")
    if args.save:
        args.save.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
