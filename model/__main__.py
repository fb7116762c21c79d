"""`python -m model [--json] [--model PATH] IMAGE...`: classify photos from the command line.

One line per image: `file: label (confidence)`, or with `--json` one JSON object per line with the keys
`file`, `label`, `confidence` and `probabilities` (the four classes, summing to 1).
"""

import argparse
import json
import sys
from pathlib import Path

from model.decoding import UnreadableImage
from model.left_out import leave_out_unused_libraries

leave_out_unused_libraries()  # classifying needs none of them: a faster start

from model.classifier import DEFAULT_MODEL_PATH, ModelNotFound, load_classifier  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    # A literal, not __doc__: the container runs with PYTHONOPTIMIZE=2, which drops docstrings.
    parser = argparse.ArgumentParser(prog="python -m model", description="Classify photos of snakes.")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH, help="exported learner (.pkl)")
    arguments = parser.parse_args(argv)
    try:
        classifier = load_classifier(arguments.model)
    except ModelNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failures = 0
    for path in arguments.images:
        try:
            verdict = classifier.classify(path.read_bytes())
        except (OSError, UnreadableImage) as error:
            print(f"{path}: error: {error}", file=sys.stderr)
            failures += 1
            continue
        if arguments.json:
            result = verdict.to_json()
            print(
                json.dumps(
                    {
                        "file": str(path),
                        **{key: result[key] for key in ("label", "confidence", "probabilities")},
                    }
                )
            )
        else:
            print(f"{path}: {verdict.label} ({verdict.sureness:.0%})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
