"""The snake detector: "is there a snake at all?", read linearly from the network's own features.

    python -m training.detector DATA_DIR... [--model PATH] [--split sources]

The snake head's `no_snake` probability judges photos from unseen sources badly: the head learnt its
training sources' scenes, so the safety thresholds that keep every kept-back snake from being called
"no snake" let through only about 40% of the kept-back no-snake photos. A logistic regression fitted on
the training photos' pooled features (the input of the network's last linear layer), snake against no
snake with the classes weighted evenly, separates photos of unseen sources better: measured on data v2's
held-out sources, with the same ImageNet gate and margin, 60% of no-snake photos called "no snake" and
no snake photo (leave-one-source-out: 0 misses, against 2). Its weights become one more row of that
linear layer, after the snake classes and the ImageNet logits (model/imagenet.py): the served network
still makes one forward pass, and the policy reads the row as the log-odds of "no snake".

Training runs this after fitting (training/train.py); run alone, it adds a detector to a trained learner
(replacing one it had) and compiles the learner for serving again. Re-choose the thresholds afterwards.
"""

import argparse
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

from model.classifier import DEFAULT_MODEL_PATH
from model.compat import ensure_torchvision_importable
from model.compile import compile_learner_file
from model.decoding import decode_image
from model.imagenet import has_detector
from model.transforms import ValidationTransform
from training.data import split_of
from training.split import SCHEMES

ensure_torchvision_importable()

from fastai.learner import Learner, load_learner  # noqa: E402

REGULARISATION = 0.1
"""scikit-learn's C: of 0.03, 0.1 and 0.3, the one that kept the most held-out no-snake photos."""
BATCH = 32


def add_snake_detector(learner: Learner, photos: list[Path]) -> None:
    """Fit the detector on `photos` (snakes and no-snake photos, labelled by folder) and append it."""
    features = pooled_features(learner, photos)
    has_no_snake = np.array([photo.parent.name == "no_snake" for photo in photos])
    regression = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000)
    regression.fit(features, has_no_snake)
    print(f"snake detector fitted on {len(photos)} photos ({has_no_snake.sum()} without a snake)")
    append_output(learner.model, regression.coef_[0], float(regression.intercept_[0]), len(learner.dls.vocab))


def pooled_features(learner: Learner, photos: list[Path]) -> np.ndarray:
    """The input of the network's last linear layer for each photo, seen as serving sees it."""
    transform = ValidationTransform.from_dataloader(learner.dls.valid)
    side = max(transform.size)
    network = learner.model.eval()

    def seen(photo: Path) -> np.ndarray:
        return transform(decode_image(photo.read_bytes(), min_side=side))

    captured: list[torch.Tensor] = []
    hook = last_linear(network).register_forward_hook(lambda _, inputs, __: captured.append(inputs[0]))
    try:
        with torch.no_grad():
            for start in range(0, len(photos), BATCH):
                network(torch.from_numpy(np.concatenate([seen(p) for p in photos[start : start + BATCH]])))
    finally:
        hook.remove()
    return torch.cat(captured).numpy()


def last_linear(network: nn.Module) -> nn.Linear:
    linears = [module for module in network.modules() if isinstance(module, nn.Linear)]
    if not linears:
        raise ValueError("the network has no linear layer to read the detector from")
    return linears[-1]


def append_output(network: nn.Module, weight: np.ndarray, bias: float, classes: int) -> None:
    """Give the network's last linear layer one more output; an output it had already is replaced."""
    remove_detector(network, classes)
    old = last_linear(network)
    new = _with_rows(old, old.out_features + 1)
    with torch.no_grad():
        new.weight[-1] = torch.as_tensor(weight, dtype=new.weight.dtype)
        new.bias[-1] = bias
    _replace(network, old, new)


def remove_detector(network: nn.Module, classes: int) -> None:
    """Drop the detector's output from the network's last linear layer, if it has one."""
    old = last_linear(network)
    if has_detector(old.out_features, classes):
        _replace(network, old, _with_rows(old, old.out_features - 1))


def _with_rows(linear: nn.Linear, rows: int) -> nn.Linear:
    """A linear layer with `rows` outputs whose first ones are `linear`'s (any new row is zeros)."""
    new = nn.Linear(linear.in_features, rows)
    kept = min(rows, linear.out_features)
    with torch.no_grad():
        new.weight.zero_()
        new.bias.zero_()
        new.weight[:kept] = linear.weight[:kept]
        new.bias[:kept] = linear.bias[:kept]
    return new


def _replace(network: nn.Module, old: nn.Module, new: nn.Module) -> None:
    for parent in network.modules():
        for name, child in parent.named_children():
            if child is old:
                setattr(parent, name, new)
                return


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dirs", type=Path, nargs="+", help="the training data folders")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--split", choices=SCHEMES, default="sources", help="the split it trained with")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    learner = load_learner(args.model, cpu=True)
    add_snake_detector(learner, split_of(args.data_dirs, args.split).training)
    learner.export(args.model.resolve())
    compile_learner_file(args.model.resolve())
    print(f"wrote {args.model}; now re-choose its thresholds: python -m training.thresholds")


if __name__ == "__main__":
    main()
