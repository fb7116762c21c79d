"""Batch norms folded into convolutions: fewer layers, the same answers, and never a changed network."""

import torch
from timm.layers import BatchNormAct2d
from torch import nn

from model import DEFAULT_MODEL_PATH, load_classifier
from model.folding import fold_batch_norms
from model.learner import load_learner_file
from tests.tiny_model import photo_bytes


def trained_norms(network: nn.Module) -> nn.Module:
    """`network` after a few training-mode passes, so its batch norms hold non-trivial running statistics."""
    network.train()
    with torch.no_grad():
        for seed in range(3):
            network(torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(seed)) * 3 + 1)
    return network.eval()


def batch_norms(network: nn.Module) -> int:
    return sum(isinstance(module, nn.BatchNorm2d) for module in network.modules())


def outputs(network: nn.Module) -> torch.Tensor:
    with torch.inference_mode():
        return network(torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(9)))


def test_folds_plain_and_timm_norms_keeping_the_activation() -> None:
    network = trained_norms(
        nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), BatchNormAct2d(8, act_layer=nn.ReLU6)),
        )
    )
    before = outputs(network)

    assert batch_norms(network) == 2
    assert fold_batch_norms(network)
    assert batch_norms(network) == 0
    assert torch.allclose(outputs(network), before, atol=1e-5)
    assert any(isinstance(module, nn.ReLU6) for module in network.modules())


class NormBesideTheConvolution(nn.Module):
    """A convolution registered next to a batch norm that does not follow it: folding would be wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.norm = nn.BatchNorm2d(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x) + self.norm(x)


def test_puts_the_network_back_where_folding_would_change_the_answers() -> None:
    network = trained_norms(NormBesideTheConvolution())
    before = outputs(network)

    assert not fold_batch_norms(network)
    assert isinstance(network.conv, nn.Conv2d) and isinstance(network.norm, nn.BatchNorm2d)
    assert torch.equal(outputs(network), before)


def test_the_shipped_model_is_served_with_every_batch_norm_folded() -> None:
    assert batch_norms(load_learner_file(DEFAULT_MODEL_PATH).model) == 0
    classifier = load_classifier(DEFAULT_MODEL_PATH, use_compiled=False)
    verdict = classifier.classify(photo_bytes("coral_snake", seed=5))
    assert abs(sum(verdict.probabilities.values()) - 1) < 1e-4
