"""The model card is rendered from the reports a training run writes."""

import json
from pathlib import Path

from training.boxes import SIZES
from training.card import render_card
from training.evaluate import percent

REPORTS = Path(__file__).parents[2] / "model" / "reports"


def shipped_metrics() -> dict:
    return json.loads((REPORTS / "metrics.json").read_text())


def test_the_card_reports_every_target_of_the_shipped_model() -> None:
    card = render_card(shipped_metrics(), json.loads((REPORTS / "latency.json").read_text()), [])
    for section in (
        "## Recipe",
        "## Validation metrics",
        "## Safety thresholds",
        "## Targets",
        "## Known limits",
    ):
        assert section in card
    for target in (
        "held-out: dangerous misses",
        "held-out: coral vs mimic",
        "grouped: coral vs mimic",
        "model file",
        "median latency against the model before",
    ):
        assert f"| {target} |" in card


def test_the_card_shows_both_splits_side_by_side_and_per_source() -> None:
    card = render_card(shipped_metrics(), None, [])
    assert "| | grouped validation (seen sources) | held-out sources |" in card
    for source in ("br1", "moz", "inat", "neg"):
        assert f"| `{source}` |" in card


def test_the_recipe_says_how_the_classes_were_balanced() -> None:
    metrics = shipped_metrics()
    metrics["training"] = {**metrics["training"], "balance": 0.5}
    assert "drawn with weights (class size)^-0.5" in render_card(metrics, None, [])
    metrics["training"]["balance"] = 0.0
    assert "weighted inversely to class size" in render_card(metrics, None, [])


def test_the_recipe_says_whether_a_rerun_repeats_it() -> None:
    metrics = shipped_metrics()
    metrics["training"] = {**metrics["training"], "seed": 7}
    assert "seed 7 (`--seed`): the same command on the same machine trains the same network" in render_card(
        metrics, None, []
    )
    del metrics["training"]["seed"]
    assert "no fixed seed" in render_card(metrics, None, [])


def test_the_card_says_whether_no_snake_is_held_to_the_snake_detector() -> None:
    metrics = shipped_metrics()
    assert metrics["snake_detector"]
    card = render_card(metrics, None, [])
    assert "- Snake detector, fitted after training" in card
    assert "needs the snake detector's probability of no snake" in card
    metrics["snake_detector"] = False
    card = render_card(metrics, None, [])
    assert "Snake detector" not in card
    assert "needs the network's top probability" in card


def test_the_recipe_says_whether_photos_were_pasted_into_scenes() -> None:
    metrics = shipped_metrics()
    metrics["training"] = {**metrics["training"], "scenes": 0.3}
    assert "30.0% of each batch shrunk to 25.0%-60.0% of the side and pasted" in render_card(
        metrics, None, []
    )
    metrics["training"]["scenes"] = 0.0
    assert "pasted" not in render_card(metrics, None, []).split("## Recipe")[1].split("##")[0]


def test_the_card_shows_the_photos_shrunk_into_scenes_where_measured() -> None:
    metrics = shipped_metrics()
    for side in ("validation", "held_out"):
        metrics[side] = {**metrics[side], "scenes": {**_scenes(), "dangerous_misses": 3}}
    card = render_card(metrics, None, [])
    assert "| snake photos shrunk to 40.0% of a no-snake photo's side: dangerous misses | 3 | 3 |" in card
    assert (
        "| snake photos shrunk to 40.0% of a no-snake photo's side: labelled no_snake | 50.0% | 50.0% |"
        in card
    )


def _scenes() -> dict:
    """Two snake photos, one labelled no_snake; two no-snake photos, one kept."""
    labels = {
        name: {label: 0 for label in ("coral_snake", "kingsnake", "other_snake", "no_snake", "uncertain")}
        for name in ("coral_snake", "kingsnake", "other_snake", "no_snake")
    }
    labels["other_snake"]["no_snake"], labels["other_snake"]["uncertain"] = 1, 1
    labels["no_snake"]["no_snake"], labels["no_snake"]["uncertain"] = 1, 1
    counts = {"coral_snake": 0, "kingsnake": 0, "other_snake": 2, "no_snake": 2}
    return {"scale": 0.4, "photos_per_class": counts, "final_labels": labels, "no_snake_kept": 0.5}


def test_the_card_says_how_far_any_thresholds_could_take_no_snake_where_measured() -> None:
    metrics = shipped_metrics()
    metrics["no_snake_ceiling"] = {"validation": 0.5, "held_out": 0.25}
    card = render_card(metrics, None, [])
    assert "at most 50.0% (grouped validation (seen sources)) and 25.0% (held-out sources)" in card
    del metrics["no_snake_ceiling"]
    assert "How far any rule" not in render_card(metrics, None, [])


def test_the_card_keeps_every_measured_variant_in_one_table_the_shipped_model_first() -> None:
    metrics = shipped_metrics()
    card = render_card(metrics, json.loads((REPORTS / "latency.json").read_text()), [])
    table = card.split("## Measured variants")[1].split("\n## ")[0]
    lines = [line for line in table.splitlines() if line.startswith("|")]
    header, rule, shipped, *earlier = (_cells(line) for line in lines)
    assert header[:2] == ["variant (what changed)", "date"]
    assert set(rule) == {"---"}
    assert earlier
    assert all(len(row) == len(header) for row in (rule, shipped, *earlier))
    assert shipped[header.index("shipped?")] == "yes"
    assert all(row[header.index("shipped?")] != "yes" for row in earlier)
    validation, held_out = metrics["validation"], metrics["held_out"]
    assert shipped[2] == f"{percent(validation['accuracy'])} / {percent(held_out['accuracy'])}"
    assert shipped[3] == (
        f"{percent(validation['coral_vs_kingsnake_accuracy'])} / "
        f"{percent(held_out['coral_vs_kingsnake_accuracy'])}"
    )
    assert shipped[4] == f"{percent(validation['no_snake_kept'])} / {percent(held_out['no_snake_kept'])}"
    assert f"`kingsnake` threshold {metrics['thresholds']['kingsnake']:.3f}" in shipped[5]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_the_card_holds_the_kept_back_scene_snakes_to_being_answered_as_snakes() -> None:
    metrics = shipped_metrics()
    for side in ("validation", "held_out"):
        sources = metrics[side]["by_source"]
        scene = {
            **next(iter(sources.values())),
            "photos_per_class": {"other_snake": 30},
            "dangerous_misses": 1,
        }
        metrics[side] = {**metrics[side], "by_source": {**sources, "scene": scene}}
    card = render_card(metrics, None, [])
    assert "| kept-back scene snakes answered as a snake | all | 58 of 60 | **missed** |" in card
    for side in ("validation", "held_out"):
        del metrics[side]["by_source"]["scene"]
    assert "| kept-back scene snakes answered as a snake |" not in render_card(metrics, None, [])


def test_the_card_shows_how_small_a_snake_is_missed_where_photos_have_boxes() -> None:
    metrics = shipped_metrics()
    sizes = {name: {"photos": 10, "called_no_snake": 0, "share": 0.0} for name, _ in SIZES}
    sizes["under 5%"] = {"photos": 4, "called_no_snake": 1, "share": 0.25}
    metrics["held_out"] = {**metrics["held_out"], "box_sizes": sizes}
    metrics["validation"].pop("box_sizes", None)  # the held-out side alone
    section = render_card(metrics, None, []).split("## How small a snake it still finds")[1].split("\n## ")[0]
    assert "| share of the photo the snake covers | held-out sources |" in section
    assert "| under 5% | 1 of 4 |" in section and "| over 25% | 0 of 10 |" in section
    for side in ("validation", "held_out"):
        metrics[side].pop("box_sizes", None)
    assert "## How small a snake" not in render_card(metrics, None, [])
