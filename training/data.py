"""The photos as fastai sees them: a DataBlock over class folders, split by training/split.py.

Every photo is squished to one square size first, so the network cannot tell the small square
`other_snake` crops from the larger coral and kingsnake photos by their shape. Augmentation flips,
rotates, zooms, warps and changes brightness and contrast; it never shifts hue, because the colour of the
bands is what tells a coral snake from a kingsnake.
"""

import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from model.compat import ensure_torchvision_importable
from model.verdict import CLASSES
from training.crops import crop_views
from training.scenes import PasteIntoScenes
from training.sources import SCENES_FOLDER
from training.split import Split, split_photos

ensure_torchvision_importable()

from fastai.callback.data import WeightedDL  # noqa: E402
from fastai.vision.all import (  # noqa: E402
    CategoryBlock,
    DataBlock,
    DataLoaders,
    FuncSplitter,
    ImageBlock,
    Normalize,
    Resize,
    aug_transforms,
    get_image_files,
    parent_label,
)

DEFAULT_DATA_DIR = Path("../shared/data/snakes")
SCENES_DATA_DIR = DEFAULT_DATA_DIR.parent / SCENES_FOLDER
"""The second data folder: snakes that are not the subject (with boxes), and coloured cables."""
CROPS_DIR = Path("build/box-crops")
"""Where the crops around the boxed snakes (training/crops.py) are written for training."""
IMAGE_SIZE = 256
"""The shipped model's input: at 176 px a small snake in a wide scene loses its bands (model/MODEL.md)."""
NORMALISATION = ([0.5] * 3, [0.5] * 3)
"""EfficientNet-Lite's ImageNet weights expect pixels scaled to [-1, 1]."""


def snake_datablock(
    valid: set[Path],
    size: int = IMAGE_SIZE,
    normalisation: tuple = NORMALISATION,
    augment: bool = True,
    scenes: float = 0.0,
) -> DataBlock:
    """Photos labelled by their folder, validated on `valid`, squished to `size`, augmented if `augment`;
    a `scenes` share of each training batch is pasted, shrunk, into its no-snake photos (training/scenes.py).
    """
    augmentations = aug_transforms(
        flip_vert=True, max_rotate=30, max_zoom=1.3, max_lighting=0.3, max_warp=0.1, p_affine=0.8
    )
    if scenes:
        augmentations.append(PasteIntoScenes(scenes))
    return DataBlock(
        blocks=(ImageBlock, CategoryBlock),
        get_y=parent_label,
        splitter=FuncSplitter(valid.__contains__),
        item_tfms=Resize(size, method="squish"),
        batch_tfms=[*(augmentations if augment else []), Normalize.from_stats(*normalisation)],
    )


def class_photos(data_dirs: Sequence[Path]) -> list[Path]:
    """Every photo in the class folders of `data_dirs` (the data set, the snake scenes, perhaps a feedback
    export); a folder that is not there is skipped with a warning, so the scenes stay optional."""
    return sorted(
        photo
        for data_dir in present(data_dirs)
        for photo in get_image_files(data_dir)
        if photo.parent.name in CLASSES
    )


def present(data_dirs: Sequence[Path]) -> list[Path]:
    """The folders of `data_dirs` that are there, with a warning for each one that is not."""
    missing = [data_dir for data_dir in data_dirs if not data_dir.is_dir()]
    for data_dir in missing:
        warnings.warn(f"no data folder at {data_dir}: skipped", stacklevel=3)
    return [data_dir for data_dir in data_dirs if data_dir not in missing]


def snake_dataloaders(
    data_dirs: Sequence[Path],
    size: int = IMAGE_SIZE,
    batch_size: int = 32,
    normalisation: tuple = NORMALISATION,
    augment: bool = True,
    balance: float = 0.0,
    split: str = "sources",
    epoch_photos: int | None = None,
    scenes: float = 0.0,
    box_crops: Sequence[float] = (),
    seed: int = 0,
) -> DataLoaders:
    """DataLoaders over the class folders of `data_dirs`, trained and validated as `split` says.

    Photos of held-out sources are in neither: they are for the evaluation after training
    (training/evaluate.py), and validating on them every epoch would cost minutes for nothing.

    `augment=False` gives the DataLoaders to export: model/classifier.py runs their transforms outside
    fastai's loop, where random augmentations cannot tell they are validating and would run.
    `balance` > 0 draws training photos with weights `class size ** -balance` (see `sampling_weights`);
    `epoch_photos` draws that many a epoch (with replacement) instead of as many as there are.
    `scenes` is the share of training photos pasted into a no-snake photo (training/scenes.py).
    `box_crops` are the scales of the crops around boxed training photos' snakes (training/crops.py),
    placed by `seed`; they train only.
    """
    sides = split_of(data_dirs, split)
    crops = crop_views(sides.training, CROPS_DIR / f"seed-{seed}", seed, box_crops) if box_crops else []
    photos = sorted([*sides.training, *crops, *sides.validation])
    block = snake_datablock(set(sides.validation), size, normalisation, augment, scenes)
    if not balance and not epoch_photos:
        return block.dataloaders(photos, bs=batch_size, num_workers=0)
    weights = sampling_weights([parent_label(photo) for photo in photos], balance)
    datasets = block.datasets(photos)
    training_weights = np.array(weights)[datasets.splits[0]]
    return datasets.dataloaders(
        bs=batch_size,
        num_workers=0,
        dl_type=SampledEpochDL,
        dl_kwargs=({"wgts": training_weights, "epoch_photos": epoch_photos}, {}),
        after_item=block.item_tfms,
        after_batch=block.batch_tfms,
    )


def split_of(data_dirs: Sequence[Path], split: str = "sources") -> Split:
    """The split `snake_dataloaders` trains and validates with, for evaluation and thresholds."""
    return split_photos(class_photos(data_dirs), split)


class SampledEpochDL(WeightedDL):
    """Draws `epoch_photos` training photos a epoch by weight: short epochs that still see every class."""

    def __init__(self, dataset=None, bs=None, wgts=None, epoch_photos: int | None = None, **kwargs):
        self.epoch_photos = epoch_photos
        super().__init__(dataset=dataset, bs=bs, wgts=wgts, **kwargs)

    def get_idxs(self) -> list[int]:
        if not self.shuffle or not self.epoch_photos:
            return super().get_idxs()
        return list(np.random.choice(self.n, self.epoch_photos, p=self.wgts))

    def __len__(self) -> int:
        if not self.shuffle or not self.epoch_photos:
            return super().__len__()
        return self.epoch_photos // self.bs if self.drop_last else -(-self.epoch_photos // self.bs)


def sampling_weights(labels: list[str], balance: float) -> list[float]:
    """A weight per photo, `class size ** -balance`: 0 samples as the data lie, 1 draws every class equally.

    Between the two, rare classes (coral and kingsnake photos) come up more often without the epoch
    being spent on a few hundred photos repeated over and over.
    """
    counts = Counter(labels)
    return [counts[label] ** -balance for label in labels]
