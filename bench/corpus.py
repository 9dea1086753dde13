"""A synthetic corpus: N fictional drugs as YAML records, shaped like the real ones.

    python bench/corpus.py DIR [-n 100] [--seed 1] [--long-share 0.2]

writes DIR/sources/benchamab-001.yaml ... (a workspace: `handouts build -w DIR` builds it).
Each drug is "Benchamab 001", "Benchamab 002", ...; every text is made-up words and says it
is fictional. The shape comes from bench/distribution.json (see bench/derive.py):

* each section of a drug copies that section of a real merged record drawn at random (a
  "donor"; urgent signs, warnings, side effects and reminders from the records that make
  a handout, uses, pronunciation and how-it-works from all records, since cancer.gov pages
  supply those for most drugs): its items' count, and for each item whether it has a
  title and how long, its text length and its frequency, each give or take 20% (urgent
  signs and serious warnings only ever lose up to 20%: the longest real urgent block only
  just fits, and a bigger one fails the drug) - so a 55-symptom drugs.com page stays 55
  short signs in frequency groups;
* a share (--long-share) are made long on purpose: every section but the urgent signs
  copies the real record with the most text there, 0-30% longer, so the fitter has to
  shrink type and leave content out. The real records already include such a drug (the
  shipped blinatumomab record leaves content out), so more than this share needs fitting.

Texts are random made-up words, so no two drugs share a sign ("fever" would be shared by
many real drugs): a packet's combined urgent page is the worst case. The same arguments
always write the same files, and the first N drugs of a bigger corpus are the N-drug corpus.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DISTRIBUTION = HERE / "distribution.json"
LISTS = ("uses", "serious_warnings", "urgent_signs", "side_effects", "reminders")
SINGLES = ("pronunciation", "description", "how_it_works")
URGENT = ("serious_warnings", "urgent_signs")
# Counts and lengths vary around the donor's; urgent content never grows past it, since the
# longest real urgent block only just fits (a bigger one fails the drug, as it must).
JITTER = (0.8, 1.2)
URGENT_JITTER = (0.8, 1.0)
FREQUENCY_ORDER = ("More common", "Less common", "Rare", "Incidence not known")

# Made-up words of ordinary length, so lines break as they do in real text.
WORDS = (
    "blorvy zint wobble quarn fizzle snork plimsy dravel tunk murbly glent frobish vask "
    "yemmer trock blint cozzle pellish wunder skib trove gloam nubbin sprocket zephin "
    "marl quibble tarn flox hobble drumly skeel pronk varish nib glimmer rusk obbly "
    "feen crumple tizzy brask mump yarrow slink jot"
).split()
LINKS = "and or with in the of a your on after when".split()


def load_distribution(path: Path = DISTRIBUTION) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def fictional_text(rng: random.Random, length: int, lead: str = "") -> str:
    """About ``length`` characters of obviously made-up words (at least one word)."""
    words = [lead] if lead else []
    size = len(lead)
    while size < length or not words:
        word = rng.choice(LINKS) if words and rng.random() < 0.25 else rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)


class Shape:
    """What the real records tell: per section, the items of each real record that has one."""

    def __init__(self, dist: dict):
        records = dist["records"]
        buildable = [r for r in records if r["buildable"]]
        self.donors: dict[str, list[list]] = {}
        for name in (*LISTS, *SINGLES):
            # Uses and the one-off fields come mostly from cancer.gov pages, which most drugs
            # have: draw them from every record. The rest from records that make a handout;
            # urgent signs only from those that have some (a handout needs one).
            pool = records if name in ("uses", *SINGLES) else buildable
            self.donors[name] = [r["items"].get(name, []) for r in pool]
            if name == "urgent_signs":
                self.donors[name] = [d for d in self.donors[name] if d]
        self.brands = [r["counts"]["brands"] for r in buildable]

    def items(self, rng: random.Random, name: str, long: bool) -> list[list]:
        """[title length, text length, frequency] for each item of one section of one drug."""
        donors = self.donors[name]
        if long and name != "urgent_signs":
            # The most text any real record has here, a little longer still.
            donor, stretch = max(donors, key=lambda d: sum(t + x for t, x, _ in d)), (1.0, 1.3)
        else:
            donor, stretch = rng.choice(donors), URGENT_JITTER if name in URGENT else JITTER
        items = [list(it) for it in donor]
        if items and not long:
            # A few more or fewer items than the donor, so the corpus is not seven records repeated.
            count = max(1, round(len(items) * rng.uniform(*stretch)))
            while len(items) < count:
                items.insert(rng.randrange(len(items) + 1), list(rng.choice(donor)))
            while len(items) > count:
                items.pop(rng.randrange(len(items)))
            items.sort(key=lambda it: _rank(it[2]))
        for it in items:
            it[0] = round(it[0] * rng.uniform(*stretch)) if it[0] else 0
            it[1] = max(3, round(it[1] * rng.uniform(*stretch)))
        return items


def _rank(frequency: str | None) -> int:
    if frequency is None:
        return -1
    return FREQUENCY_ORDER.index(frequency) if frequency in FREQUENCY_ORDER else len(FREQUENCY_ORDER)


def record(rng: random.Random, shape: Shape, number: int, long: bool) -> dict:
    name = f"Benchamab {number:03d}"
    out: dict = {"generic_name": name}
    brands = rng.choice(shape.brands) or 1
    out["brands"] = [f"Benchabrand {number:03d}{chr(64 + b) if b > 1 else ''}" for b in range(1, brands + 1)]
    if shape.items(rng, "pronunciation", long):
        out["pronunciation"] = f"BENCH-uh-mab {number:03d}"
    out["description"] = f"{name} is a fictional medicine made up for benchmarks; it treats nothing real."
    for _, length, _ in shape.items(rng, "how_it_works", long):
        out["how_it_works"] = fictional_text(rng, length, "Fictional:")
    for section in LISTS:
        items = [_item(rng, *shape_) for shape_ in shape.items(rng, section, long)]
        if items:
            out[section] = items
    out["sources"] = [{
        "id": "bench",
        "publisher": "Benchmark Fictional Press",
        "title": f"{name} (fictional)",
        "url": f"https://example.org/fictional/benchamab-{number:03d}",
        "license": "public_domain",
        "language": "en",
        "last_reviewed": "2025-12-01",
        "review_frequency": "quarterly",
    }]
    return out


def _item(rng: random.Random, title: int, length: int, frequency: str | None):
    text = fictional_text(rng, length)
    if not title and not frequency:
        return text
    item = {"title": fictional_text(rng, title).capitalize()} if title else {}
    item["text"] = text
    if frequency:
        item["frequency"] = frequency
    return item


def generate(folder: Path, n: int, seed: int = 1, long_share: float = 0.2) -> list[Path]:
    """Write N fictional drug records into folder/sources/; returns their paths."""
    shape = Shape(load_distribution())
    rng = random.Random(seed)
    sources = folder / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    paths = []
    long_every = round(1 / long_share) if long_share else 0
    for number in range(1, n + 1):
        long = bool(long_every) and number % long_every == 0
        path = sources / f"benchamab-{number:03d}.yaml"
        text = f"# A fictional drug for benchmarks (bench/corpus.py, seed {seed}); not medical information.\n"
        text += yaml.safe_dump(record(rng, shape, number, long), sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-share", type=float, default=0.2)
    args = parser.parse_args()
    paths = generate(args.folder, args.n, args.seed, args.long_share)
    print(f"wrote {len(paths)} fictional drug records to {args.folder / 'sources'}")


if __name__ == "__main__":
    main()
