"""The classifier as the bot and the API use it: photo bytes in, a deterministic verdict out."""

import threading

from model import CLASSES, Classifier
from tests.tiny_model import photo_bytes


def test_the_same_photo_always_gets_the_same_probabilities(tiny_classifier: Classifier) -> None:
    """The tiny learner trains with flips, rotation and lighting; none of them may run at inference."""
    photo = photo_bytes("coral_snake", seed=50)
    verdicts = [tiny_classifier.classify(photo) for _ in range(5)]
    assert all(verdict == verdicts[0] for verdict in verdicts)


def test_concurrent_calls_from_threads_agree(tiny_classifier: Classifier) -> None:
    photos = [photo_bytes(label, seed=60) for label in CLASSES]
    expected = [tiny_classifier.classify(photo) for photo in photos]
    results: dict[int, list] = {}

    def worker(index: int) -> None:
        results[index] = [tiny_classifier.classify(photo) for photo in photos]

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [results[index] for index in range(4)] == [expected] * 4


def test_model_identity(tiny_classifier: Classifier) -> None:
    assert tiny_classifier.name == "tiny"
    assert len(tiny_classifier.version) == 12
    assert tiny_classifier.input_size == 64


def test_a_verdict_comes_with_the_picture_it_was_made_from(tiny_classifier: Classifier) -> None:
    photo = photo_bytes("coral_snake", seed=3)
    classified = tiny_classifier.classified(photo)
    assert classified.verdict == tiny_classifier.classify(photo)
    assert classified.verdict == tiny_classifier.classify_image(classified.picture)
    assert classified.picture.mode == "RGB"
