"""A synthetic corpus: N fictional drugs as YAML records, shaped like the real ones.

    python bench/corpus.py DIR [-n 100] [--seed 1] [--long-share 0.2]

writes DIR/sources/benchamab-001.yaml ... (a workspace: `handouts build -w DIR` builds it).
Each drug is "Benchamab 001", "Benchamab 002", ...; every text is made-up words and says it
is fictional. The shape comes from bench/distribution.json (see bench/derive.py):

* how many items each list has is drawn, section by section, from the counts of the real
  merged records that can make a handout (uses and the one-off fields from all records,
  since cancer.gov pages supply those for most drugs);
* each item's text length (and title length, and whether it has a title or a frequency)
  is drawn from the real items of that section;
* a share (--long-share) are made long on purpose - every list at the longest count seen
  and texts from the upper half of the lengths - so the fitter has to shrink type or
  leave content out; the real records already include some (the shipped blinatumomab
  record leaves content out), so the share that needs fitting is higher than this.

The same arguments always write the same files.
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
    """What the real records tell: counts per section and item lengths per section."""

    def __init__(self, dist: dict):
        records = dist["records"]
        buildable = [r for r in records if r["buildable"]]
        self.sections = dist["sections"]
        self.counts = {
            name: [r["counts"][name] for r in (records if name == "uses" else buildable)] for name in LISTS
        }
        self.has = {
            name: sum(r["counts"][name] for r in records) / len(records)
            for name in ("pronunciation", "description", "how_it_works")
        }
        self.brands = [r["counts"]["brands"] for r in buildable]
        self.with_frequencies = {
            name: self.sections[name]["records_with_frequencies"] / max(1, sum(c > 0 for c in self.counts[name]))
            for name in LISTS
        }

    def title_share(self, name: str) -> float:
        s = self.sections[name]
        titled, plain = len(s["titled_text_lengths"]), len(s["plain_text_lengths"])
        return titled / (titled + plain) if titled + plain else 0.0

    def length(self, rng: random.Random, name: str, key: str, long: bool) -> int:
        values = self.sections[name][key] or self.sections[name]["plain_text_lengths"] or [20]
        if long:
            values = values[len(values) // 2:]
        return rng.choice(values)


def record(rng: random.Random, shape: Shape, number: int, long: bool) -> dict:
    name = f"Benchamab {number:03d}"
    out: dict = {"generic_name": name}
    out["brands"] = [f"Benchabrand {number:03d}{chr(65 + b) if b else ''}" for b in range(rng.choice(shape.brands) or 1)]
    if long or rng.random() < shape.has["pronunciation"]:
        out["pronunciation"] = f"BENCH-uh-mab {number:03d}"
    out["description"] = f"{name} is a fictional medicine made up for benchmarks; it treats nothing real."
    if long or rng.random() < shape.has["how_it_works"]:
        out["how_it_works"] = fictional_text(rng, shape.length(rng, "how_it_works", "plain_text_lengths", long),
                                             "Fictional:")
    for section in LISTS:
        count = max(shape.counts[section]) if long and section != "urgent_signs" else rng.choice(shape.counts[section])
        if section == "urgent_signs":
            count = max(count, 1)  # a handout needs one
        items = [_item(rng, shape, section, long) for _ in range(count)]
        if items and rng.random() < shape.with_frequencies[section]:
            _frequencies(rng, shape, section, items)
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


def _item(rng: random.Random, shape: Shape, section: str, long: bool):
    if rng.random() < shape.title_share(section):
        title = fictional_text(rng, shape.length(rng, section, "title_lengths", long)).capitalize()
        return {"title": title, "text": fictional_text(rng, shape.length(rng, section, "titled_text_lengths", long))}
    return fictional_text(rng, shape.length(rng, section, "plain_text_lengths", long))


def _frequencies(rng: random.Random, shape: Shape, section: str, items: list) -> None:
    """Frequency words as the real items of this section have them, in the order sources give them."""
    seen = shape.sections[section]["frequencies"]
    labels = [label for label, n in seen.items() for _ in range(n)]
    chosen = sorted((rng.choice(labels) for _ in items),
                    key=lambda f: FREQUENCY_ORDER.index(f) if f in FREQUENCY_ORDER else len(FREQUENCY_ORDER))
    for index, frequency in enumerate(chosen):
        item = items[index] if isinstance(items[index], dict) else {"text": items[index]}
        item["frequency"] = frequency
        items[index] = item


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
