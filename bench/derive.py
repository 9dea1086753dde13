"""Derive the length distribution of real drug records, for the synthetic corpus (bench/corpus.py).

    python bench/derive.py            # rewrites bench/distribution.json

Reads every real document we have - the seed documents (../shared/seeds), the cancer.gov
pages (../shared/corpus/nci), the shipped YAML records (sources/*.yaml) and the drugs.com
fixtures (tests/fixtures/drugscom, which include a 55-symptom page) - with
handouts.readers.read_document, merges the records about one drug exactly as a workspace
does (handouts.workspace.load on a scratch workspace holding copies of them), and stores,
per merged record, how many items each section has and the shape of every item (title
length, text length, frequency), and per section the pooled lengths of every item's text
and title and how often items carry a title or a frequency.
Regimens and index pages are not drugs and are left out; unreadable files are listed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from handouts.workspace import catalogue  # noqa: E402

SHARED = REPO.parent / "shared"
INPUTS = [
    (SHARED / "seeds", "*"),
    (SHARED / "corpus" / "nci", "*.md"),
    (REPO / "sources", "*.yaml"),
    (REPO / "tests" / "fixtures" / "drugscom", "*.txt"),
]
LISTS = ("uses", "serious_warnings", "urgent_signs", "side_effects", "reminders")
SINGLES = ("pronunciation", "description", "how_it_works")
OUT = HERE / "distribution.json"


def input_files() -> list[Path]:
    files = []
    for folder, pattern in INPUTS:
        if folder.is_dir():
            files += sorted(p for p in folder.glob(pattern) if p.is_file())
    return files


def derive() -> dict:
    files = input_files()
    if not files:
        raise SystemExit("no real documents found: run from the repository with ../shared beside it")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        names = {}
        for index, path in enumerate(files):
            # A prefix keeps same-named files from different folders apart.
            copy = root / "sources" / f"{index:03d}_{path.name}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(path, copy)
            names[f"sources/{copy.name}"] = str(path.relative_to(REPO.parent))
        catalog = catalogue.load(root)
    records = []
    sections: dict[str, dict] = {}
    for drug in catalog.drugs:
        rec = drug.record
        counts = {name: len(getattr(rec, name)) for name in LISTS}
        counts["brands"] = len(rec.brand_names)
        counts.update({name: int(getattr(rec, name) is not None) for name in SINGLES})
        records.append({
            "name": rec.generic_name,
            "files": [names.get(f, f) for f in drug.files],
            "buildable": not drug.problems,
            "counts": counts,
            # Each item as [title length (0: none), text length, frequency or null], in order.
            "items": {
                name: [[len(it.title or ""), len(it.text), it.frequency] for it in getattr(rec, name)]
                for name in LISTS if getattr(rec, name)
            } | {
                name: [[0, len(getattr(rec, name).text), None]] for name in SINGLES if getattr(rec, name)
            },
        })
        for name in LISTS + SINGLES:
            items = getattr(rec, name)
            items = items if isinstance(items, list) else [items] if items is not None else []
            s = sections.setdefault(name, {"plain_text_lengths": [], "titled_text_lengths": [],
                                           "title_lengths": [], "frequencies": Counter(),
                                           "records_with_frequencies": 0})
            for item in items:
                if item.title:
                    s["titled_text_lengths"].append(len(item.text))
                    s["title_lengths"].append(len(item.title))
                else:
                    s["plain_text_lengths"].append(len(item.text))
                if item.frequency:
                    s["frequencies"][item.frequency] += 1
            s["records_with_frequencies"] += any(it.frequency for it in items)
    for s in sections.values():
        for key in ("plain_text_lengths", "titled_text_lengths", "title_lengths"):
            s[key].sort()
        s["frequencies"] = dict(sorted(s["frequencies"].items()))
    return {
        "how": __doc__.strip().splitlines()[0] + " See bench/derive.py for the method.",
        "command": "python bench/derive.py",
        "inputs": sorted(set(names.values())),
        "unreadable": [f"{names.get(str(e.path), e.path)}: {e}" for e in catalog.errors],
        "not_drugs": len(catalog.regimens) + len(catalog.skipped),
        "records": records,
        "sections": sections,
    }


def main() -> None:
    data = derive()
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    buildable = [r for r in data["records"] if r["buildable"]]
    print(f"{OUT.relative_to(REPO)}: {len(data['inputs'])} documents -> {len(data['records'])} merged records "
          f"({len(buildable)} with urgent signs), {data['not_drugs']} regimens/index pages left out")


if __name__ == "__main__":
    main()
