"""The model card's table of measured variants (training/card.py), one row per variant, as ablations.

The first row is the shipped model, read from its metrics.json and latency.json like the rest of the card;
the others are the figures measured when each variant was tried, kept here as data. Every figure pairs
grouped validation with the held-out sources; "n/a" where a figure was not measured.
"""

from typing import NamedTuple

from training.evaluate import percent
from training.sources import trained_on_scenes

NOT_MEASURED = "n/a"
UNMEASURED = (NOT_MEASURED, NOT_MEASURED)
# metrics.json keeps no date: the shipped network, its second look and its detector date from then.
SHIPPED_ON = "2026-12-06"
# The held-out coral-vs-mimic figure was reported for these three rows together, as a range.
LESS_FINE_TUNING_HELD_OUT = '38-62% (range over the three "less fine-tuning" rows)'


class Variant(NamedTuple):
    """One measured variant: what changed, and its figures as (grouped validation, held-out sources)."""

    change: str
    date: str = NOT_MEASURED
    four_classes: tuple[str, str] = UNMEASURED
    coral_vs_mimic: tuple[str, str] = UNMEASURED
    no_snake: tuple[str, str] = UNMEASURED
    other: str = NOT_MEASURED
    shipped: str = "no"
    why: str = ""


HEADER = (
    "variant (what changed)",
    "date",
    "four classes (grouped / held-out)",
    "coral vs mimic (grouped / held-out)",
    'no-snake photos called "no snake" (grouped / held-out)',
    "other figures",
    "shipped?",
    "why",
)

INTRO = (
    "Every variant measured, one row each, the shipped model first (its row from "
    "`metrics.json` and `latency.json`, the others as measured when they were tried, on the same kept-back "
    'photos unless said). Figures: grouped validation / held-out sources; "n/a": not measured; '
    "leave-one-source-out misses: dangerous misses with thresholds chosen on the other sources; "
    "pasted-snake misses: dangerous misses among the kept-back snake photos shrunk to 40% of the side of a "
    'no-snake photo (training/scenes.py). Below the row of the model shipped before this one, "this network" '
    "means that model's network (trained on `../shared/data/snakes` alone), as measured when it shipped. "
    "Earlier shipped models' cards are in this file's git history."
)

VARIANTS = (
    Variant(
        "this network with the gate candidates before (0.02, 0.05, 0.1, ...: no half points)",
        date="2026-12-06",
        four_classes=("94.9%", "91.7%"),
        coral_vs_mimic=("92.3%", "51.7%"),
        no_snake=("29.9%", "24.6%"),
        other="gate 0.02, `no_snake` threshold 0.711; leave-one-source-out misses 3 (`br1`, `field`, `inat`)",
        why="one snake photo at 0.041 ImageNet snake evidence ruled out the 0.05 gate",
    ),
    Variant(
        "the snake scenes without the crops around their boxes (`--box-crops` with no scales; seed 0, "
        "same recipe)",
        date="2026-12-06",
        four_classes=("93.8%", "92.3%"),
        coral_vs_mimic=("90.8%", "48.3%"),
        no_snake=("58.9%", "59.9%"),
        other="snake photos uncertain 7.5% / 6.5%; dangerous misses 0 / 0; kept-back scene snakes all "
        "answered as snakes; leave-one-source-out misses 3 (`br1`, 2 in `field`); pasted-snake misses 93 / "
        "210; US mimics called harmless for the US 53.3% (`rhyme_holds` threshold 0.825); 41.0 minutes",
        why="grouped four classes and coral vs mimic below their targets, fewer US mimics called harmless "
        "(one seed each: part of the gap may be the seed's)",
    ),
    Variant(
        "the model shipped before this one: the same recipe on `../shared/data/snakes` alone (no scenes, "
        "no crops), thresholds re-chosen on this split, the scenes' kept-back photos included",
        date="2026-12-06",
        four_classes=("94.0%", "91.4%"),
        coral_vs_mimic=("92.3%", "58.6%"),
        no_snake=("55.6%", "56.4%"),
        other="snake photos uncertain 9.9% / 6.0%; leave-one-source-out misses 3 (`br1`, `field`, `scene`: "
        'a scene snake called "no snake" by thresholds chosen without the scenes); on its own split, '
        "before the scenes: 94.2% / 91.7%, no-snake 59.2% / 60.3%, leave-one-source-out misses 1; on all "
        '233 scene snakes under its own thresholds: 3 called "no snake" (5-10% boxes); median 18.4 ms '
        "(this one 18.3 in the same run), 31 ms CPU a photo under load (this one 32)",
        shipped="2026-12-01 to 2026-12-06",
        why="misses a kept-back scene snake when the scenes are left out; fewer no-snake photos called "
        '"no snake"',
    ),
    Variant(
        "the model shipped before 2026-12-01: EfficientNet-Lite0 at 256 px trained on version 1 of the data "
        "set (`baseline_v1.pkl`)",
        date="2026-11-21",
        four_classes=("74.0%", "64.5%"),
        other="no-snake recall 61.0% (grouped, most of its photos from sources it never saw); held-out snake "
        "photos uncertain 29.4%; median 19.8 ms a photo (the next one 17.5 in the same run)",
        shipped="until 2026-12-01",
        why="replaced: ranks far fewer photos from unseen sources right",
    ),
    Variant(
        "earlier models on version 1 of the data set: EfficientNet-Lite0 at 176, 256 and 320 px, Lite1, "
        "sampling variants, seeds, test-time augmentation, int8",
        other="on version 1's own validation photos: four classes 94-98%, coral vs kingsnake 89-94%",
        shipped="earlier (cards in git history)",
        why="validated on their own sources, which flatters a model",
    ),
    Variant(
        "this network on the whole photo only (before the second look and the snake detector)",
        date="2026-12-01",
        no_snake=("about 15%", "15.1%"),
        other="held-out snake photos uncertain 8.4%; leave-one-source-out misses 3 (`br1`, `field`, `inat`)",
        shipped="until the second look",
        why='the second look called more no-snake photos "no snake"',
    ),
    Variant(
        "this network with the second look (its centre two thirds), no snake detector",
        date="2026-12-01",
        no_snake=("40.8%", "40.3%"),
        other="held-out snake photos uncertain 5.4%; dangerous misses 0; leave-one-source-out misses 3 "
        "(1 in `br1`, 2 in `inat`); snake photos' figures as with the detector",
        shipped="until the detector",
        why='the snake detector called more no-snake photos "no snake"',
    ),
    Variant(
        "second look at the centre and the four corners, no snake detector",
        no_snake=("43-48%", "43-48%"),
        other="a third more CPU a photo under the load benchmark's mix",
        why="CPU cost",
    ),
    Variant(
        'centre and four corners looked at before "no snake" instead of the centre alone, with the detector',
        date="2026-12-02",
        no_snake=(NOT_MEASURED, "44.7%"),
        other="pasted-snake misses n/a / 90",
        why='fewer real no-snake photos called "no snake"',
    ),
    Variant(
        "longer training: 10 unfrozen epochs instead of 7 (seed 0, second look included)",
        date="2026-12-01",
        four_classes=("94.9%", NOT_MEASURED),
        coral_vs_mimic=(NOT_MEASURED, "44.8%"),
        no_snake=(NOT_MEASURED, "27.3% (before the detector)"),
        other="held-out snake photos uncertain 6.9%; 61 minutes",
        why="fitted the seen sources better and the others worse",
    ),
    Variant(
        "this network continued four more epochs (`--start-from`, learning rate 5e-4)",
        four_classes=("94.6%", NOT_MEASURED),
        no_snake=(NOT_MEASURED, "28.1%"),
        other="leave-one-source-out misses 2; 33 minutes",
        why='fewer no-snake photos called "no snake", more misses',
    ),
    Variant(
        "less fine-tuning: three times the distillation weight from the start (`--distillation 3`, "
        "`lr_find`'s 6.3e-4 after unfreezing)",
        four_classes=("91.3%", "88.7%"),
        coral_vs_mimic=("93.8%", LESS_FINE_TUNING_HELD_OUT),
        no_snake=("47%", "47%"),
        other="`kingsnake` threshold at its floor of 0.9; leave-one-source-out misses 0; 60.5 minutes",
        why='fewer photos ranked right and fewer no-snake photos called "no snake"',
    ),
    Variant(
        "less fine-tuning: none, linear heads fitted on the untouched ImageNet body's features (the same "
        "network shape)",
        four_classes=("94.6%", "94.5%"),
        coral_vs_mimic=("87.7%", LESS_FINE_TUNING_HELD_OUT),
        no_snake=(NOT_MEASURED, "at most 55% (its detector)"),
        other="leave-one-source-out misses 1",
        why="tells coral snakes from mimics worse",
    ),
    Variant(
        "less fine-tuning: only the untouched body's last two stages (on its cached activations, 5 and 8 "
        "epochs)",
        four_classes=("94.3-95.4%", "93.3-93.9%"),
        coral_vs_mimic=("89-91%", LESS_FINE_TUNING_HELD_OUT),
        no_snake=("15-17% (its detector)", "15-17% (its detector)"),
        other="9-11 minutes",
        why='tells coral snakes from mimics worse; few no-snake photos called "no snake"',
    ),
    Variant(
        "gate on the untouched ImageNet network instead of the kept ImageNet head",
        no_snake=("none", "none"),
        other="it sees a snake in 21% of the held-out no-snake photos (the kept head 39%) but misses five "
        "kept-back snake photos the detector is at least 96% sure show no snake (in a jar, far off, a man "
        "holding a long snake), so the detector's threshold would rise to 1.0",
        why='nothing could be called "no snake"',
    ),
    Variant(
        "snake detector also fitted on the kept-back photos of other sources (cross-fitted)",
        no_snake=(NOT_MEASURED, "55.8%"),
        other="leave-one-source-out misses 1",
        why='fewer no-snake photos called "no snake"',
    ),
    Variant(
        "snake detector on the pooled features of earlier layers (the last two blocks)",
        no_snake=("29-60%", "29-60%"),
        other="let misses through (count not recorded)",
        why="no better, and misses",
    ),
    Variant(
        "snake detector threshold anywhere from 0.3 to 0.83 (this network, its gate)",
        no_snake=(NOT_MEASURED, "60-61%"),
        why="the detector's threshold is not what limits",
    ),
    Variant(
        "any other gate and threshold on this network's scores, at any margin (`no_snake_ceiling`)",
        no_snake=("at most 62.7%", "at most 63.4%"),
        shipped="n/a (a bound)",
        why="past 60%, only a network that ranks the odd snake photos differently helps",
    ),
    Variant(
        "this network without the six kept-back snake photos that look most snake-free (in a plastic jar, "
        "on a shaded pavement, a black mamba on a hook, under water, carried by a fox, on tree bark): no "
        "gate, `no_snake` threshold 0.88",
        no_snake=("86.7%", "84.7%"),
        other="the detector is 96-99.9% sure those six show no snake and the ImageNet head puts 5-10% on "
        "its snake classes, so the gate must stay at 0.05",
        shipped="n/a (what if)",
        why="those photos are real snakes: they set the no-snake figure",
    ),
    Variant(
        "looking where in the photo: the head applied to each of the 8x8 cells of the last feature map, "
        "the most snake-like cell as one more condition",
        no_snake=(NOT_MEASURED, "at most 60.3% (as shipped)"),
        why="found nothing more over the odd snake photos than over hoses and cables",
    ),
    Variant(
        "a mirrored second copy of each photo, probabilities averaged (whole photo only)",
        date="2026-12-05",
        four_classes=("93.9% (whole photo alone 93.4%)", "90.7% (90.4%)"),
        coral_vs_mimic=("92.3% (92.3%)", "62.1% (58.6%)"),
        other="a second forward pass",
        why="small gain for a second forward pass",
    ),
    Variant(
        "half of the 22 held-out Brazilian coral snakes moved into the seen sources (6 trained on, 5 to "
        "grouped validation): the shipped recipe retrained, 8 training photos added to its 2803 (those 6 "
        "and 2 from grouped validation)",
        date="2026-12-02",
        coral_vs_mimic=(NOT_MEASURED, "61.1% on the 18 photos left (as this network scores them)"),
        no_snake=("27.0%", "22.6%"),
        other="5 of the other 11 Brazilian coral snakes ranked coral over mimic; 54.7 minutes",
        why='did not teach the other 11; "no snake" moves with a few photos',
    ),
    Variant(
        "the shipped recipe with `--seed 1` instead of 0",
        four_classes=("92.7%", "91.9%"),
        coral_vs_mimic=("92.3%", "55.2%"),
        no_snake=("49.4%", "53.0%"),
        other="`kingsnake` threshold 0.9; leave-one-source-out misses 1 (`inat`); 51.2 minutes",
        why="between two seeds these figures move by up to 10 points",
    ),
    Variant(
        "retrained with 30% of each batch pasted into its no-snake photos (`--scenes 0.3`, seed 0)",
        date="2026-12-02",
        four_classes=("92.6%", NOT_MEASURED),
        coral_vs_mimic=("93.8%", "48.3%"),
        no_snake=(NOT_MEASURED, "27.8%"),
        other="pasted-snake misses n/a / 65; leave-one-source-out misses 3; 57 minutes",
        why='fewer real no-snake photos called "no snake"',
    ),
    Variant(
        "snake detector refitted with pasted training photos beside the real ones",
        date="2026-12-02",
        no_snake=(NOT_MEASURED, "15.1%"),
        other="pasted-snake misses n/a / 17",
        why='fewer real no-snake photos called "no snake"',
    ),
    Variant(
        "thresholds chosen with the pasted snakes among the photos to protect",
        date="2026-12-02",
        no_snake=(NOT_MEASURED, "0%"),
        other="pasted-snake misses n/a / 0",
        why='nothing called "no snake"',
    ),
    Variant(
        "this network fed 288x288 pixels instead of 256x256, without retraining (detector refitted at that "
        "size, thresholds re-chosen)",
        date="2026-12-03",
        four_classes=("94.6%", "92.5%"),
        coral_vs_mimic=("95.4%", "65.5%"),
        no_snake=("15.0%", "11.4%"),
        other="`kingsnake` threshold at its floor of 0.9; its forward pass computes 27% more",
        why='few no-snake photos called "no snake"',
    ),
    Variant(
        "this network fed 320x320 pixels, without retraining",
        date="2026-12-03",
        coral_vs_mimic=("92.3%", "62.1%"),
        why="coral vs mimic below 288 px",
    ),
    Variant(
        "a bigger body: EfficientNet-Lite1 at 240 px (`--arch lite1 --size 240`, seed 0)",
        date="2026-12-03",
        four_classes=("95.0%", "93.7%"),
        coral_vs_mimic=("92.3%", "51.7%"),
        no_snake=("25.3%", "30.6%"),
        other="snake photos uncertain 6.8% / 4.1%; `kingsnake` threshold 0.961; leave-one-source-out misses "
        "1; 22.2 MB; about a fifth more arithmetic a photo; 105 minutes on a shared machine, about 75 alone",
        why='tells coral snakes from mimics no better; fewer no-snake photos called "no snake"',
    ),
    Variant(
        "trained at 288x288 pixels (`--size 288`, seed 0; the snake detector fitted with it)",
        date="2026-12-03",
        four_classes=("95.0%", "90.6%"),
        coral_vs_mimic=("95.4%", "65.5%"),
        no_snake=("17.2%", "11.4%"),
        other="`kingsnake` threshold 0.94; pasted-snake misses 7 / 14; leave-one-source-out misses 2 "
        "(`br1`, `seed`); 77 minutes, over the hour",
        why="the network that sees more snakes sees them in hoses too",
    ),
)


def variants_section(metrics: dict, latency: dict | None) -> str:
    """The card's *Measured variants* section: one table, the shipped model first."""
    rows = [_row(HEADER), "|" + "---|" * len(HEADER)]
    rows += [_row(_cells(variant)) for variant in (shipped_variant(metrics, latency), *VARIANTS)]
    return "## Measured variants\n\n" + INTRO + "\n\n" + "\n".join(rows)


def shipped_variant(metrics: dict, latency: dict | None) -> Variant:
    """The shipped model's row, from its reports."""
    recipe = metrics["training"]
    sides = (metrics["validation"], metrics.get("held_out", {}))
    detector = ", snake detector" if metrics.get("snake_detector") else ""
    return Variant(
        f"this model (`{metrics['model']}`): EfficientNet-{recipe['arch'].capitalize()} at "
        f"{recipe['size']} px, {recipe['frozen_epochs']} + {recipe['epochs']} epochs, second look{detector}"
        + _scenes(recipe),
        date=SHIPPED_ON,
        four_classes=_pair(sides, "accuracy"),
        coral_vs_mimic=_pair(sides, "coral_vs_kingsnake_accuracy"),
        no_snake=_pair(sides, "no_snake_kept"),
        other=_shipped_figures(metrics, sides, latency),
        shipped="yes",
        why="no dangerous miss; the other variants each traded one missed target for another",
    )


def _scenes(recipe: dict) -> str:
    if not trained_on_scenes(recipe):
        return ""
    return ", trained with the snake scenes" + (
        " and crops around their boxes" if recipe.get("box_crops") else ""
    )


def _pair(sides: tuple[dict, dict], key: str) -> tuple[str, str]:
    grouped, held_out = (percent(side.get(key)) for side in sides)
    return grouped, held_out


def _shipped_figures(metrics: dict, sides: tuple[dict, dict], latency: dict | None) -> str:
    uncertain = " / ".join(_pair(sides, "uncertain_share_of_snake_photos"))
    figures = [
        f"snake photos uncertain {uncertain}",
        "dangerous misses " + " / ".join(str(side.get("dangerous_misses", NOT_MEASURED)) for side in sides),
    ]
    if "thresholds_check" in metrics:
        figures.append(_leave_one_source_out(metrics["thresholds_check"]))
    if all("scenes" in side for side in sides):
        figures.append(
            "pasted-snake misses " + " / ".join(str(side["scenes"]["dangerous_misses"]) for side in sides)
        )
    figures.append(f"`kingsnake` threshold {metrics['thresholds']['kingsnake']:.3f}")
    if latency:
        figures.append(f"{latency['model_file_mb']} MB")
    figures.append(f"{metrics['training']['training_minutes']} minutes")
    return "; ".join(figures)


def _leave_one_source_out(check: dict[str, dict]) -> str:
    missed = [f"`{source}`" for source, row in check.items() if row["dangerous_misses"]]
    total = sum(row["dangerous_misses"] for row in check.values())
    return f"leave-one-source-out misses {total}" + (f" ({', '.join(missed)})" if missed else "")


def _cells(variant: Variant) -> tuple[str, ...]:
    figures = (variant.four_classes, variant.coral_vs_mimic, variant.no_snake)
    return (
        variant.change,
        variant.date,
        *(" / ".join(pair) for pair in figures),
        variant.other,
        variant.shipped,
        variant.why,
    )


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"
