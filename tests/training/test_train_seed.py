"""The same seed trains the same network; another seed, another one."""

from pathlib import Path

import torch

from training.train import parse_arguments, train

SHORT_RUN = [
    "--size",
    "64",
    "--frozen-epochs",
    "0",
    "--epochs",
    "1",
    "--batch-size",
    "8",
    "--unfrozen-lr",
    "1e-3",
]


def trained_weights(photo_folder: Path, reports: Path, seed: int) -> dict[str, torch.Tensor]:
    arguments = [str(photo_folder), *SHORT_RUN, "--seed", str(seed), "--reports", str(reports)]
    learner, recipe = train(parse_arguments(arguments))
    assert recipe["seed"] == seed
    return learner.model.state_dict()


def test_the_same_seed_trains_the_same_network(photo_folder: Path, tmp_path: Path) -> None:
    first = trained_weights(photo_folder, tmp_path / "first", seed=3)
    again = trained_weights(photo_folder, tmp_path / "again", seed=3)
    other = trained_weights(photo_folder, tmp_path / "other", seed=4)

    assert first.keys() == again.keys()
    assert all(torch.equal(first[name], again[name]) for name in first)
    assert not all(torch.equal(first[name], other[name]) for name in first)
