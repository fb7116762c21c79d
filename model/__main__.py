"""`python -m model [--json] [--model PATH] [--region CODE] IMAGE...`: classify photos from the command line.

One line per image: `file: label (confidence)`, or with `--json` one JSON object per line with the keys
`file`, `label`, `confidence`, `probabilities` (the four classes, summing to 1), `region` and `rule` (the
thresholds the place picked: model/places.py). `--region` is where the snakes were seen, an ISO 3166 code
such as `US`, `US-TX` or `MX-SON`; without it the strict thresholds answer.
"""

import argparse
import json
import sys
from pathlib import Path

from model.decoding import UnreadableImage
from model.left_out import leave_out_unused_libraries

leave_out_unused_libraries()  # classifying needs none of them: a faster start

from model.classifier import DEFAULT_MODEL_PATH, ModelNotFound, load_classifier  # noqa: E402
from model.places import normalised  # noqa: E402


def region_code(text: str) -> str:
    """argparse's type for `--region`: an ISO 3166 code, spelt as the range table spells it."""
    code = normalised(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"not an ISO 3166 code such as US, US-TX or MX-SON: {text!r}")
    return code


def main(argv: list[str] | None = None) -> int:
    # A literal, not __doc__: the container runs with PYTHONOPTIMIZE=2, which drops docstrings.
    parser = argparse.ArgumentParser(prog="python -m model", description="Classify photos of snakes.")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH, help="exported learner (.pkl)")
    parser.add_argument("--region", type=region_code, help="where seen: US, US-TX, MX-SON")
    arguments = parser.parse_args(argv)
    try:
        classifier = load_classifier(arguments.model)
    except ModelNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failures = 0
    for path in arguments.images:
        try:
            verdict = classifier.classify(path.read_bytes(), arguments.region)
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
                        "region": arguments.region,
                        "rule": classifier.policy.rule_for(arguments.region),
                    }
                )
            )
        else:
            print(f"{path}: {verdict.label} ({verdict.sureness:.0%})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
