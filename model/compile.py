"""`python -m model.compile [MODEL [OUTPUT]]`: write the learner's serving file (model/compiled.py).

OUTPUT defaults to beside the learner (`<model>.onnx`).

Fails (exit code 1, one line) where the learner's network cannot be exported to ONNX or its validation
transform is not one model/transforms.py reproduces; the classifier then serves the learner itself.
"""

import hashlib
import os
import sys
from pathlib import Path

import onnx

from model.compiled import compiled_path_for, facts
from model.left_out import leave_out_unused_libraries


def compile_learner_file(model_path: Path, target: Path | None = None) -> Path:
    """Compile the learner at `model_path` into `target` (default: beside it); returns where it went."""
    from model.learner import export_onnx, input_size, load_learner_file, vocabulary
    from model.transforms import ValidationTransform

    learner = load_learner_file(model_path)
    transform = ValidationTransform.from_dataloader(learner.dls.valid)
    graph = onnx.load_from_string(export_onnx(learner.model, input_size(learner)))
    source = hashlib.sha256(model_path.read_bytes()).hexdigest()
    for key, value in facts(vocabulary(learner), transform, source).items():
        graph.metadata_props.add(key=key, value=value)
    target = target or compiled_path_for(model_path)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    try:
        partial.write_bytes(graph.SerializeToString())
        partial.replace(target)  # never a half-written file where a server looks
    finally:
        partial.unlink(missing_ok=True)  # a full disk leaves nothing behind
    return target


def main(argv: list[str] | None = None) -> int:
    from model.classifier import DEFAULT_MODEL_PATH

    arguments = sys.argv[1:] if argv is None else argv
    model_path = Path(arguments[0]) if arguments else DEFAULT_MODEL_PATH
    target = Path(arguments[1]) if len(arguments) > 1 else None
    try:
        print(compile_learner_file(model_path, target))
    except Exception as error:  # one line for the parent's log, whatever went wrong
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    leave_out_unused_libraries()  # a faster child: fastai's tabular and plotting libraries stay out
    sys.exit(main())
