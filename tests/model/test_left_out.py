"""Serving the learner in-process leaves out pandas, SciPy, scikit-learn and matplotlib; same answers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model import CLASSES, DEFAULT_MODEL_PATH, Classifier, load_classifier
from model.left_out import leave_out_unused_libraries
from tests.conftest import DATA_DIR
from tests.tiny_model import draw_photo

DEMO = "left_out_demo_library"  # a library nobody has, so these tests touch no real one


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch):
    """`DEMO` left out in this test only."""
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    leave_out_unused_libraries((DEMO,))
    import left_out_demo_library

    return left_out_demo_library


def test_submodules_import_and_hold_empty_classes(demo) -> None:
    from left_out_demo_library.api.types import CategoricalDtype

    assert isinstance(CategoricalDtype, type)
    assert not isinstance("text", CategoricalDtype)
    assert demo.api.types.CategoricalDtype is CategoricalDtype
    assert demo.DataFrame.Series is demo.DataFrame.Series


def test_a_call_at_module_level_does_nothing(demo) -> None:
    namespace: dict[str, object] = {}
    exec(compile(f"import {DEMO} as pd\nresult = pd.set_option('x', 1)", "configures.py", "exec"), namespace)
    assert namespace["result"] is None
    demo.options.display.max_colwidth = 600  # fastai configures pandas this way too


def test_any_other_call_fails_loudly(demo) -> None:
    with pytest.raises(ModuleNotFoundError, match=f"{DEMO} is left out of this process"):
        demo.DataFrame({"a": [1]})


def test_too_late_once_the_real_library_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    with pytest.raises(RuntimeError, match="too late to leave out \\['json'\\]"):
        leave_out_unused_libraries(("json",))


# Run in a fresh process: this one has the real libraries (training uses them).
LEAN_CLASSIFY = """
import json, sys
from model.left_out import UNUSED_BY_CLASSIFYING, is_stand_in, leave_out_unused_libraries
leave_out_unused_libraries()
from model import load_classifier
photos = [open(path, "rb").read() for path in sys.argv[2:]]
classifier = load_classifier(sys.argv[1], use_compiled=False)  # the learner in-process
left_out = {name: is_stand_in(module) for name, module in sys.modules.items()
            if name.partition(".")[0] in UNUSED_BY_CLASSIFYING}
print(json.dumps({
    "stand_ins": sorted(name for name, stand_in in left_out.items() if stand_in),
    "real": sorted(name for name, stand_in in left_out.items() if not stand_in),
    "probabilities": [classifier.classify(p).probabilities for p in photos],
}))
"""


def classify_lean(model_path: Path, photos: list[Path]) -> dict:
    command = [sys.executable, "-c", LEAN_CLASSIFY, str(model_path), *map(str, photos)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def some_photos(directory: Path) -> list[Path]:
    """A real photo of every class where the data set is at hand, else drawn ones."""
    if DATA_DIR.is_dir():
        return [sorted((DATA_DIR / label).glob("*.jpg"))[7] for label in CLASSES]
    photos = []
    for label in CLASSES:
        photos.append(directory / f"{label}.jpg")
        draw_photo(label, seed=11).save(photos[-1])
    return photos


@pytest.mark.parametrize("which", ["tiny", "shipped"])
def test_same_probabilities_without_the_libraries(
    which: str, tiny_classifier: Classifier, tiny_model_path: Path, tmp_path: Path
) -> None:
    model_path, classifier = (
        (tiny_model_path, tiny_classifier) if which == "tiny" else (DEFAULT_MODEL_PATH, load_classifier())
    )
    photos = some_photos(tmp_path)
    lean = classify_lean(model_path, photos)
    assert "pandas" in lean["stand_ins"]  # fastai imported it, and got the stand-in
    assert lean["real"] == []
    # Equal up to float rounding: other tests in this process may have changed torch's thread count.
    expected = [classifier.classify(photo.read_bytes()).probabilities for photo in photos]
    assert lean["probabilities"] == [pytest.approx(each, abs=1e-6) for each in expected]
