"""Fine-tune an ImageNet network on the snake photos and export it for `model.load_classifier`.

    python -m training.train ../shared/data/snakes    (the shipped model's recipe)

Writes the learner, its safety thresholds (training/thresholds.py) and, in the reports folder, the
lr_find plots, training curves, confusion matrix, top losses and `metrics.json` of the validation split.

The recipe: train the new head on the frozen body for a little, then unfreeze and train everything with
discriminative learning rates (the body learns ten times slower than the head); each stage's learning rate
comes from `lr_find` unless given. Label smoothing keeps the network from memorising the photos;
drawing the rare classes more often and weighting the loss keep it from ignoring them; keeping the
ImageNet classifier's answers (training/distill.py) keeps it from forgetting what a snake looks like.
Whole sources are held out of training (training/split.py) so the evaluation asks about photos from
elsewhere; each epoch draws a weighted sample of the training photos, so an epoch costs the same however
large the data set grows.
"""

import argparse
import time
from collections import Counter
from pathlib import Path

import torch

from model.classifier import DEFAULT_MODEL_PATH
from model.compat import ensure_torchvision_importable
from model.compile import compile_learner_file
from training.crops import CONTEXTS
from training.data import (
    DEFAULT_DATA_DIR,
    IMAGE_SIZE,
    SCENES_DATA_DIR,
    present,
    snake_dataloaders,
    split_of,
)
from training.detector import add_snake_detector, remove_detector
from training.distill import KeepImageNetKnowledge
from training.reports import (
    DEFAULT_REPORTS_DIR,
    save_interpretation,
    save_json,
    save_lr_find_plot,
    save_training_curves,
)
from training.split import SCHEMES
from training.thresholds import choose_and_measure
from training.weights import ARCHITECTURES, imagenet_network, snake_network

ensure_torchvision_importable()

from fastai.callback.progress import CSVLogger  # noqa: E402
from fastai.losses import LabelSmoothingCrossEntropyFlat  # noqa: E402
from fastai.torch_core import set_seed  # noqa: E402
from fastai.vision.all import DataLoaders, Learner, accuracy, default_split, load_learner, parent_label  # noqa: E402

LR_FIND_STEPS = 40
"""Fewer than fastai's 100: on two CPU cores each step costs seconds, and 40 show the valley well enough."""
RECIPE_ARGUMENTS = (
    "arch",
    "size",
    "frozen_epochs",
    "epochs",
    "batch_size",
    "label_smoothing",
    "balance",
    "seed",
    "split",
    "epoch_photos",
    "distillation",
    "scenes",
    "box_crops",
)
"""The command-line choices recorded in metrics.json (and so in the model card) as they were given."""
HEAD_CEILING, UNFROZEN_CEILING = 1e-2, 1e-3
"""Upper bounds on `lr_find`'s suggestions, should a short search point somewhere wild."""


def dataloaders_for(args: argparse.Namespace, augment: bool = True) -> DataLoaders:
    """The data at the size, batch size and normalisation that `args` and its architecture ask for."""
    arch = ARCHITECTURES[args.arch]
    normalisation = (list(arch.mean), list(arch.std))
    sampling = (
        {
            "balance": args.balance,
            "epoch_photos": args.epoch_photos,
            "scenes": args.scenes,
            "box_crops": args.box_crops,
            "seed": args.seed,
        }
        if augment
        else {}
    )
    return snake_dataloaders(
        args.data_dirs, args.size, args.batch_size, normalisation, augment, split=args.split, **sampling
    )


def build_learner(
    dls: DataLoaders, arch: str, label_smoothing: float, balance: float = 0.0, distillation: float = 0.0
) -> Learner:
    """A learner whose every part is a fastai, timm or torch class, so its export loads anywhere.

    With `distillation` > 0 the network keeps the ImageNet head and a callback keeps its answers close to
    the original network's; it is removed before export (`export_for_inference`).
    """
    callbacks = (
        [KeepImageNetKnowledge(imagenet_network(arch), len(dls.vocab), distillation)] if distillation else []
    )
    return Learner(
        dls,
        snake_network(arch, classes=len(dls.vocab), keep_imagenet=bool(distillation)),
        cbs=callbacks,
        loss_func=LabelSmoothingCrossEntropyFlat(weight=class_weights(dls, balance), eps=label_smoothing),
        metrics=accuracy,
        splitter=default_split,
        train_bn=False,  # a frozen body stays wholly frozen: the head-only stage costs a forward pass
    )


def class_weights(dls: DataLoaders, balance: float = 0.0) -> torch.Tensor:
    """Loss weights `class size ** -(1 - balance)`, averaging 1.

    Together with sampling weights `class size ** -balance` (training/data.py) every class counts as
    much as the others, whatever share of the correction the sampling takes.
    """
    counts = Counter(parent_label(photo) for photo in dls.train_ds.items)
    sizes = torch.tensor([counts[name] for name in dls.vocab], dtype=torch.float).clamp(min=1)
    weights = sizes ** -(1 - balance)
    return weights * len(weights) / weights.sum()


def starting_weights(path: Path, classes: int) -> dict[str, torch.Tensor]:
    """An exported learner's weights without its snake detector: training fits a new one at the end."""
    network = load_learner(path, cpu=True).model
    remove_detector(network, classes)
    return network.state_dict()


def find_learning_rate(learner: Learner, plot_path: Path, title: str, ceiling: float, steps: int) -> float:
    """`lr_find`'s valley suggestion after `steps` steps, at most `ceiling`; the plot goes to `plot_path`."""
    suggestion = learner.lr_find(num_it=steps, show_plot=False)
    save_lr_find_plot(learner, plot_path, title)
    learning_rate = min(float(suggestion.valley), ceiling)
    print(f"{title}: lr_find valley {suggestion.valley:.2e}, using {learning_rate:.2e}", flush=True)
    return learning_rate


def fit_stage(learner: Learner, epochs: int, learning_rate, history: list[dict], log: Path) -> None:
    """One `fit_one_cycle` stage; its per-epoch losses and accuracy are appended to `history` and `log`."""
    learner.fit_one_cycle(epochs, learning_rate, cbs=CSVLogger(fname=str(log.resolve()), append=True))
    for train_loss, valid_loss, valid_accuracy in learner.recorder.values:
        history.append({"train_loss": train_loss, "valid_loss": valid_loss, "accuracy": valid_accuracy})


def train(args: argparse.Namespace) -> tuple[Learner, dict]:
    """Run the two-stage recipe and write the training reports; returns the learner and the recipe used."""
    reports = args.reports
    reports.mkdir(parents=True, exist_ok=True)
    set_seed(args.seed, reproducible=True)
    dls = dataloaders_for(args)
    print(f"{len(dls.train_ds)} training and {len(dls.valid_ds)} validation photos: {list(dls.vocab)}")
    learner = build_learner(dls, args.arch, args.label_smoothing, args.balance, args.distillation)
    if args.start_from:
        learner.model.load_state_dict(starting_weights(args.start_from, len(dls.vocab)))
    log = reports / "history.csv"
    log.unlink(missing_ok=True)
    history: list[dict[str, float]] = []
    head_rate = None
    if args.frozen_epochs:
        learner.freeze()
        head_rate = find_learning_rate(
            learner, reports / "lr_find_frozen.png", "frozen body", HEAD_CEILING, args.lr_find_steps
        )
        fit_stage(learner, args.frozen_epochs, head_rate, history, log)
    learner.unfreeze()
    rate = args.unfrozen_lr or find_learning_rate(
        learner, reports / "lr_find_unfrozen.png", "unfrozen", UNFROZEN_CEILING, args.lr_find_steps
    )
    fit_stage(learner, args.epochs, slice(rate / 10, rate), history, log)
    save_training_curves(history, reports / "training_curves.png")
    save_interpretation(learner, reports)
    recipe = {
        **{name: getattr(args, name) for name in RECIPE_ARGUMENTS},
        "data_folders": [data_dir.name for data_dir in present(args.data_dirs)],
        "start_from": str(args.start_from) if args.start_from else None,
        "training_photos": len(dls.train_ds),
        "validation_photos": len(dls.valid_ds),
        "head_learning_rate": head_rate,
        "unfrozen_learning_rates": [rate / 10, rate],
        "unfrozen_rate_from_lr_find": args.unfrozen_lr is None,
        "history": history,
    }
    return learner, recipe


def export_for_inference(learner: Learner, args: argparse.Namespace) -> None:
    """Export the learner with DataLoaders whose transforms are all deterministic (no augmentation), and
    the snake detector fitted on the training photos (training/detector.py).

    The compiled model for serving is written beside it.
    """
    learner.dls = dataloaders_for(args, augment=False)
    learner.remove_cbs([cb for cb in learner.cbs if isinstance(cb, KeepImageNetKnowledge)])
    add_snake_detector(learner, split_of(args.data_dirs, args.split).training)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    learner.export(args.output.resolve())
    compile_learner_file(args.output.resolve())  # what the bot serves (model/compiled.py)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dirs",
        type=Path,
        nargs="*",
        default=[DEFAULT_DATA_DIR, SCENES_DATA_DIR],
        help="folders with a folder per class: the data set, the snake scenes, perhaps exports of users' "
        "feedback",
    )
    parser.add_argument("--split", choices=SCHEMES, default="sources", help="what validation holds back")
    parser.add_argument(
        "--epoch-photos", type=int, default=1600, help="training photos drawn (by weight) each epoch"
    )
    parser.add_argument(
        "--distillation",
        type=float,
        default=1.0,
        help="weight of keeping the ImageNet head's answers (0: forget ImageNet, no ImageNet head)",
    )
    parser.add_argument(
        "--scenes",
        type=float,
        default=0.0,
        help="share of each training batch pasted, shrunk, into its no-snake photos (training/scenes.py)",
    )
    parser.add_argument(
        "--box-crops",
        type=float,
        nargs="*",
        default=list(CONTEXTS),
        help="sides, as multiples of the box, of the crops around boxed snakes trained on as extra views "
        "(training/crops.py); none: no crops",
    )
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="lite0")
    parser.add_argument("--size", type=int, default=IMAGE_SIZE, help="square input side in pixels")
    parser.add_argument("--frozen-epochs", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=7, help="epochs after unfreezing")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument(
        "--balance",
        type=float,
        default=0.5,
        help="0 to 1: how much of the class-imbalance correction comes from sampling the rare classes "
        "more often (the rest from loss weights)",
    )
    parser.add_argument("--lr-find-steps", type=int, default=LR_FIND_STEPS)
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seeds the head's initial weights, the sampling, the shuffles and the augmentations: "
        "the same command on the same machine trains the same network",
    )
    parser.add_argument("--start-from", type=Path, help="an exported learner whose weights to continue from")
    parser.add_argument(
        "--unfrozen-lr",
        type=float,
        help="the head's rate after unfreezing, instead of lr_find's (which runs "
        "low on an already trained network)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH, help="where the .pkl goes")
    parser.add_argument("--reports", type=Path, default=DEFAULT_REPORTS_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    started = time.monotonic()
    learner, recipe = train(args)
    export_for_inference(learner, args)
    minutes = (time.monotonic() - started) / 60
    print(f"exported {args.output} ({args.output.stat().st_size / 1e6:.1f} MB) after {minutes:.1f} min")
    summary = choose_and_measure(args.output, args.data_dirs, args.split)
    recipe["training_minutes"] = round(minutes, 1)
    save_json({**summary, "training": recipe}, args.reports / "metrics.json")


if __name__ == "__main__":
    main()
