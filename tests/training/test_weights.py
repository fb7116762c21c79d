"""The offline ImageNet weights: mapped onto timm's EfficientNet-Lite0 they must still see snakes."""

from pathlib import Path

import torch
from PIL import Image
from torchvision.transforms.functional import pil_to_tensor

from training.weights import imagenet_network, imagenet_state_dict, snake_network

IMAGENET_SNAKE_CLASSES = range(52, 69)


def test_every_packaged_tensor_is_mapped() -> None:
    state = imagenet_state_dict("lite0")
    assert len(state) == 296
    assert state["classifier.weight"].shape == (1000, 1280)


def test_imagenet_snakes_are_seen_as_snakes(data_dir: Path) -> None:
    photos = sorted((data_dir / "other_snake").glob("inet_*"))[:6]
    batch = torch.stack(
        [pil_to_tensor(Image.open(photo).convert("RGB").resize((224, 224))) for photo in photos]
    )
    network = imagenet_network("lite0").eval()
    with torch.inference_mode():
        classes = network((batch / 255 - 0.5) / 0.5).argmax(dim=1).tolist()
    assert sum(index in IMAGENET_SNAKE_CLASSES for index in classes) >= 5, classes


def test_snake_network_is_body_then_head() -> None:
    network = snake_network("lite0", keep_imagenet=False).eval()
    body, head = network
    assert body.num_features == head[-1].in_features
    with torch.inference_mode():
        assert network(torch.zeros(2, 3, 64, 64)).shape == (2, 4)


def test_the_kept_imagenet_head_starts_as_the_original_classifier() -> None:
    network, original = snake_network("lite0").eval(), imagenet_network("lite0").eval()
    images = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.inference_mode():
        outputs = network(images)
        assert outputs.shape == (2, 4 + 1000)
        assert torch.allclose(outputs[:, 4:], original(images), atol=1e-4)
