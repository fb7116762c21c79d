"""Harvest openly licensed training photos from iNaturalist (and Flickr), the successor of FastClass.

FastClass scraped image search pages: its photos carry no licence and it broke whenever the pages
changed. This harvester asks documented APIs for photos under CC0, CC BY or CC BY-NC, and credits
each one in OUT_DIR/ATTRIBUTION.csv (file, class, source, photo_url, observer, licence, observation_url).

    python -m training.harvest training/harvest_classes.csv ../harvest --existing ../shared/data/snakes

The classes CSV has the columns `class` (the folder name), `taxa` (scientific or common names, or
iNaturalist taxon ids, `;`-separated), `exclude` (taxa to leave out, same form) and `limit` (photos
wanted). `training/harvest_classes.csv` covers our four classes:

- coral_snake is *Micrurus tener* and kingsnake *Lampropeltis elapsoides*;
- other_snake is every snake except the coral snake genera and all of *Lampropeltis*, so that no
  look-alike (milk snakes, other coral snakes) is filed as "other";
- no_snake is sourced from animals that look like snakes but are not (glass and alligator lizards,
  worm lizards, caecilians, earthworms): hard negatives the everyday ImageNet scenes of the existing
  no_snake folder lack. Such a photo may rarely show a snake too (a meal, a neighbour): look
  through the folder before training on it.

New look-alike pairs are new rows, e.g. `milk_snake,Lampropeltis triangulum,,800` or
`central_american_coral,Micrurus nigrocinctus;Micrurus diastema,,800`.

Every photo is checked (it opens, its short side reaches --min-side), shrunk to --long-side keeping its
shape (never padded), and refused when it duplicates, exactly or nearly, a photo already kept or one in
an --existing folder. iNaturalist research-grade observations come first and Flickr, whose labels are
its owners' words, fills what they leave of the limit; without FLICKR_API_KEY Flickr is skipped.

Runs are resumable: photos in ATTRIBUTION.csv or REJECTED.csv (broken, too small, duplicates) are never
fetched again, and a class that has reached its limit asks nothing. `--dry-run` asks the APIs what they
offer and writes nothing.
"""

from training.harvest.harvester import harvest, plan_harvest
from training.harvest.settings import HarvestSettings

__all__ = ["HarvestSettings", "harvest", "plan_harvest"]
