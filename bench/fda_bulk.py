"""Reading a zipped openFDA bulk part: labels per second, and peak memory at two part sizes.

    python bench/fda_bulk.py                 # parts of 1,000 and 4,000 labels (the larger about a real part's 140 MB)
    python bench/fda_bulk.py -n 5000         # 5,000 and 20,000 labels (these full labels are 4x the average size)
    python bench/fda_bulk.py --smoke         # 200 and 800 labels, for CI

The part is made from the recorded openFDA replies in ../shared/corpus/fda/openfda (the test
fixtures where that folder is absent), their labels repeated, each copy under its own set id, into
drug-label-0001-of-0001.json.zip. Each label is streamed (ijson), mapped into a record as `list`
would (Medication Guide split, tiers settled), and let go. Memory is the reading process's peak resident
size (interpreter included); "flat" means the larger part peaks no higher than 1.5 times the
smaller one although it holds four times as many labels.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from handouts.readers import openfda  # noqa: E402
from handouts.rules.urgency import settle  # noqa: E402

SHARED = REPO.parent / "shared" / "corpus" / "fda" / "openfda"
FIXTURES = REPO / "tests" / "fixtures" / "fda"


def recorded_labels() -> list[dict]:
    folder = SHARED if SHARED.is_dir() else FIXTURES
    labels = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            labels.extend(r for r in data["results"] if isinstance(r, dict) and "set_id" in r)
    return labels


def make_part(path: Path, labels: list[dict], count: int) -> None:
    """A bulk part of ``count`` labels, written label by label so making it needs little memory too."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("drug-label-0001-of-0001.json", "w") as out:
            out.write(b'{"meta": {"results": {"total": %d}}, "results": [' % count)
            for n in range(count):
                label = dict(labels[n % len(labels)])
                label["set_id"] = f"{n:08x}-0000-4000-8000-000000000000"
                out.write((b"," if n else b"") + json.dumps(label).encode("utf-8"))
            out.write(b"]}")


def read_part(path: Path) -> int:
    count = 0
    for n, data in enumerate(openfda.iter_bulk(path)):
        settle(openfda.record_of(data, path.name, "", n))
        count += 1
    return count


def measure(path: Path) -> tuple[int, float, int]:
    """(labels, seconds, peak RSS bytes) of reading the part in a fresh process, so the peak is the
    reading's own, not the making's, and no tracer slows the count."""
    script = ("import json, resource, sys, time; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
              "from bench.fda_bulk import read_part; t = time.perf_counter(); n = read_part(Path(sys.argv[2])); "
              "s = time.perf_counter() - t; "
              "print(json.dumps([n, s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024]))")
    out = subprocess.run([sys.executable, "-c", script, str(REPO), str(path)], check=True,
                         capture_output=True, text=True).stdout
    count, seconds, peak = json.loads(out)
    return count, seconds, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="labels in the smaller part (the larger has 4x)")
    parser.add_argument("--smoke", action="store_true", help="tiny parts (200 and 800 labels)")
    args = parser.parse_args(argv)
    small = 200 if args.smoke else args.n
    labels = recorded_labels()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (small, small * 4):
            part = Path(tmp) / f"part-{count}.json.zip"
            make_part(part, labels, count)
            read, seconds, peak = measure(part)
            assert read == count, (read, count)
            rows.append((count, part.stat().st_size, seconds, peak))
    print(f"labels from {len(labels)} recorded replies' results")
    print(f"{'labels':>8} {'zip MB':>7} {'seconds':>8} {'labels/s':>9} {'peak RSS MiB':>12}")
    for count, size, seconds, peak in rows:
        print(f"{count:>8} {size / 1e6:>7.1f} {seconds:>8.2f} {count / seconds:>9.0f} {peak / 2**20:>12.1f}")
    ratio = rows[1][3] / rows[0][3]
    print(f"peak memory, 4x the labels: x{ratio:.2f} ({'flat' if ratio <= 1.5 else 'NO: grows with the part'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
