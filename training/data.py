"""The photos as fastai sees them: a DataBlock over class folders with the grouped validation split.

Every photo is squished to one square size first, so the network cannot tell the small square
`other_snake` crops from the larger coral and kingsnake photos by their shape. Augmentation flips,
rotates, zooms, warps and changes brightness and contrast; it never shifts hue, because the colour of the
bands is what tells a coral snake from a kingsnake.
"""

from collections import Counter
from pathlib import Path

from model.compat import ensure_torchvision_importable
from training.split import validation_photos

ensure_torchvision_importable()

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
IMAGE_SIZE = 256
"""The shipped model's input: at 176 px a small snake in a wide scene loses its bands (model/MODEL.md)."""
NORMALISATION = ([0.5] * 3, [0.5] * 3)
"""EfficientNet-Lite's ImageNet weights expect pixels scaled to [-1, 1]."""


def snake_datablock(
    valid: set[Path], size: int = IMAGE_SIZE, normalisation: tuple = NORMALISATION, augment: bool = True
) -> DataBlock:
    """Photos labelled by their folder, validated on `valid`, squished to `size`, augmented if `augment`."""
    augmentations = aug_transforms(
        flip_vert=True, max_rotate=30, max_zoom=1.3, max_lighting=0.3, max_warp=0.1, p_affine=0.8
    )
    return DataBlock(
        blocks=(ImageBlock, CategoryBlock),
        get_items=get_image_files,
        get_y=parent_label,
        splitter=FuncSplitter(valid.__contains__),
        item_tfms=Resize(size, method="squish"),
        batch_tfms=[*(augmentations if augment else []), Normalize.from_stats(*normalisation)],
    )


def snake_dataloaders(
    data_dir: Path,
    size: int = IMAGE_SIZE,
    batch_size: int = 32,
    normalisation: tuple = NORMALISATION,
    augment: bool = True,
    balance: float = 0.0,
) -> DataLoaders:
    """DataLoaders over `data_dir` (one folder per class) with the grouped, stratified validation split.

    `augment=False` gives the DataLoaders to export: model/classifier.py runs their transforms outside
    fastai's loop, where random augmentations cannot tell they are validating and would run.
    `balance` > 0 draws training photos with weights `class size ** -balance` (see `sampling_weights`).
    """
    photos = get_image_files(data_dir)
    block = snake_datablock(validation_photos(photos), size, normalisation, augment)
    if not balance:
        return block.dataloaders(data_dir, bs=batch_size, num_workers=0)
    weights = sampling_weights([parent_label(photo) for photo in photos], balance)
    return block.weighted_dataloaders(data_dir, weights, bs=batch_size, num_workers=0)


def sampling_weights(labels: list[str], balance: float) -> list[float]:
    """A weight per photo, `class size ** -balance`: 0 samples as the data lie, 1 draws every class equally.

    Between the two, rare classes (coral and kingsnake photos) come up more often without the epoch
    being spent on a few hundred photos repeated over and over.
    """
    counts = Counter(labels)
    return [counts[label] ** -balance for label in labels]
