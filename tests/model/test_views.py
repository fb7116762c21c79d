"""The second look: tighter views of a photo the network calls snake-free, and the least sure one speaks."""

from PIL import Image

from model import Classifier
from model.views import SHARE, centre_view
from tests.tiny_model import draw_photo, photo_bytes


def test_the_second_look_is_the_centre_two_thirds() -> None:
    image = Image.new("RGB", (300, 210), "white")
    for corner in [(0, 0), (299, 0), (0, 209), (299, 209)]:
        image.putpixel(corner, (255, 0, 0))
    image.putpixel((150, 105), (0, 0, 255))
    view = centre_view(image)
    assert view.size == (round(300 * SHARE), round(210 * SHARE))
    colours = {colour for _, colour in view.getcolors()}
    assert (0, 0, 255) in colours and (255, 0, 0) not in colours  # the middle, none of the corners


def test_a_small_snake_in_a_wide_scene_is_found_by_the_second_look(tiny_classifier: Classifier) -> None:
    scene = draw_photo("no_snake", seed=1, size=(480, 320))
    scene.paste(draw_photo("coral_snake", seed=2, size=(216, 144)), (132, 88))
    whole = tiny_classifier.scores(scene).probabilities
    assert tiny_classifier.vocab[int(whole.argmax())] == "no_snake"  # squished, the snake is too small
    verdict = tiny_classifier.classify_image(scene)
    assert verdict.best_guess == "coral_snake" and verdict.label == "coral_snake"


def test_a_photo_without_a_snake_stays_no_snake_after_the_second_look(tiny_classifier: Classifier) -> None:
    verdict = tiny_classifier.classify(photo_bytes("no_snake", seed=8))
    assert verdict.label == "no_snake"


def test_a_snake_the_whole_photo_shows_gets_no_second_look(tiny_classifier: Classifier) -> None:
    image = draw_photo("kingsnake", seed=5)
    looked, whole = tiny_classifier.looked_over(image), tiny_classifier.scores(image)
    assert looked.probabilities.tolist() == whole.probabilities.tolist()
