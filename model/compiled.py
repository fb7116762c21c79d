"""The learner compiled for serving: `<model>.onnx` beside `<model>.pkl`, loaded without PyTorch or fastai.

The file is the learner's network as an ONNX graph (batch norms folded) with, in the graph's metadata,
the vocabulary, the validation transform's numbers (model/transforms.py) and the SHA-256 of the learner
file it was compiled from. A process that finds it current runs ONNX Runtime alone: hundreds of MB and
seconds of start-up less than loading the learner. It is derived, never edited, and not committed:
`python -m model.compile` writes it (training and the Dockerfile run it), and `load_classifier` runs
that in a child process when the file is missing or was compiled from another learner (into a temporary
folder where the learner's folder is read-only, as a model mounted into a container may be).
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from model.engine import OnnxEngine
from model.transforms import ValidationTransform

logger = logging.getLogger(__name__)

METADATA_KEY = "snake_classifier"
FORMAT = 1
"""Raised whenever what model/compile.py writes changes, so that older compiled files are compiled again."""
COMPILE_TIMEOUT_SECONDS = 600
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
"""The folder that holds the `model` package: the child process imports it from there."""


@dataclass(frozen=True)
class CompiledModel:
    engine: OnnxEngine
    vocab: list[str]
    transform: ValidationTransform


def compiled_path_for(model_path: Path) -> Path:
    return model_path.with_suffix(".onnx")


def compile_for_serving(model_path: Path, source_sha256: str) -> CompiledModel | None:
    """Compile the learner in a child process and load the result; None where that fails."""
    writable = os.access(model_path.parent, os.W_OK)
    with (
        nullcontext(model_path.parent) if writable else tempfile.TemporaryDirectory(prefix="snake-") as folder
    ):
        target = Path(folder) / compiled_path_for(model_path).name
        return read_compiled(target, source_sha256) if compile_in_child(model_path, target) else None


def facts(vocab: list[str], transform: ValidationTransform, source_sha256: str) -> dict[str, str]:
    """The metadata that makes a graph a compiled model (written by model/compile.py)."""
    values = {
        "format": FORMAT,
        "vocab": vocab,
        "transform": transform.as_dict(),
        "source_sha256": source_sha256,
    }
    return {METADATA_KEY: json.dumps(values)}


def read_compiled(path: Path, source_sha256: str) -> CompiledModel | None:
    """The compiled model at `path` if it was compiled from the learner with this SHA-256, else None."""
    if not path.is_file():
        return None
    try:
        engine = OnnxEngine(path.read_bytes())
        values = json.loads(engine.metadata()[METADATA_KEY])
    except Exception as error:  # a truncated or foreign file is compiled again, not fatal
        logger.warning("ignoring %s (%s)", path, error)
        return None
    if values.get("format") != FORMAT or values["source_sha256"] != source_sha256:
        return None
    transform = ValidationTransform.from_dict(values["transform"])
    return CompiledModel(engine, list(values["vocab"]), transform)


def compile_in_child(model_path: Path, target: Path) -> bool:
    """Run `python -m model.compile MODEL TARGET` in a child process, so this one never imports PyTorch."""
    logger.info("compiling %s for serving into %s", model_path, target)
    search_path = os.pathsep.join([str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")])
    environment = {**os.environ, "PYTHONPATH": search_path}
    try:
        child = subprocess.run(
            [sys.executable, "-m", "model.compile", str(model_path), str(target)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=COMPILE_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        logger.warning("compiling %s took over %d s", model_path, COMPILE_TIMEOUT_SECONDS)
        return False
    if child.returncode != 0:
        reason = (child.stderr.strip().splitlines() or [f"exit code {child.returncode}"])[-1]
        logger.warning("could not compile %s: %s", model_path, reason)
    return child.returncode == 0
