"""Batch norms folded into convolutions: fewer layers, the same answers, and never a changed network."""

import torch
from timm.layers import BatchNormAct2d
from torch import nn

from model import DEFAULT_MODEL_PATH, load_classifier
from model.folding import folded_for_inference


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
    folded = folded_for_inference(network, input_size=32)

    assert batch_norms(network) == 2 and batch_norms(folded) == 0
    assert torch.allclose(outputs(folded), outputs(network), atol=1e-5)
    assert any(isinstance(module, nn.ReLU6) for module in folded.modules())


class NormBesideTheConvolution(nn.Module):
    """A convolution registered next to a batch norm that does not follow it: folding would be wrong."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.norm = nn.BatchNorm2d(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x) + self.norm(x)


def test_keeps_the_original_where_folding_would_change_the_answers() -> None:
    network = trained_norms(NormBesideTheConvolution())
    assert folded_for_inference(network, input_size=32) is network


def test_the_shipped_model_runs_with_every_batch_norm_folded() -> None:
    assert batch_norms(load_classifier(DEFAULT_MODEL_PATH).learner.model) == 0
