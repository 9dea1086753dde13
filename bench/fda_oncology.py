"""The real oncology labels: how many with a patient section make a one-page handout, and how fast.

    python bench/fda_oncology.py                  # all labels of ../shared/corpus/fda/oncology
    python bench/fda_oncology.py NDA207103 ...    # some of them (file names without .json)
    python bench/fda_oncology.py --time           # also the mean seconds to read, and to read + build

Each label is read (``handouts.readers.read_document``) and built alone in a temporary workspace
with the real command line (``handouts build -w TMP``, in this process). Each line says: built one
page, failed with the build's one line, or refused (no patient section: written for prescribers).
The last line is the figure the issue asks for: labels with a patient section that build / total.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from handouts.readers import fdalabel, read_document  # noqa: E402

SHARED = Path(os.environ.get("HANDOUTS_SHARED", REPO.parent / "shared"))
ONCOLOGY = SHARED / "corpus" / "fda" / "oncology"


def has_patient_section(path: Path) -> bool:
    data = json.loads(path.read_text(encoding="utf-8"))
    label = data["results"][0] if "results" in data else data
    return any(label.get(name) for name in fdalabel.PATIENT_CODES.values())


def build_one(path: Path, tmp: Path) -> tuple[str, str, float]:
    """(outcome, its line, seconds to read + build) of one label built alone."""
    import pypdf
    from click.testing import CliRunner

    from handouts.cli import cli

    root = tmp / path.stem
    (root / "sources").mkdir(parents=True)
    shutil.copy(path, root / "sources" / path.name)
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["build", "-w", str(root)], catch_exceptions=True)
    seconds = time.perf_counter() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "TRACEBACK", repr(result.exception), seconds
    pdfs = sorted((root / "out").glob("*.pdf")) if (root / "out").is_dir() else []
    lines = [line for line in result.output.splitlines() if "FAILED" in line or "error" in line.lower()]
    if result.exit_code == 0 and len(pdfs) == 1:
        pages = len(pypdf.PdfReader(pdfs[0]).pages)
        return ("built" if pages == 1 else f"built {pages} pages"), pdfs[0].name, seconds
    last = result.output.strip().splitlines()[-1:] or [""]
    return "failed", lines[0] if lines else last[0], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="label files (without .json) to try; all by default")
    parser.add_argument("--time", action="store_true", help="also time reading alone")
    args = parser.parse_args(argv)
    if not ONCOLOGY.is_dir():
        print(f"no oncology labels at {ONCOLOGY}")
        return 1
    paths = sorted(ONCOLOGY.glob("*.json"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names]
    built = patient = 0
    read_times, build_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            start = time.perf_counter()
            try:
                document = read_document(path)
            except Exception as exc:  # noqa: BLE001 - the bench reports any failure as its line
                patient += has_patient_section(path)
                print(f"{path.stem:<10} read error  {exc}")
                continue
            read_times.append(time.perf_counter() - start)
            if not has_patient_section(path):
                problems = document.problems() if hasattr(document, "problems") else ["not a drug"]
                print(f"{path.stem:<10} refused     {problems[0] if problems else 'NOT REFUSED'}")
                continue
            patient += 1
            outcome, line, seconds = build_one(path, Path(tmp))
            build_times.append(seconds)
            built += outcome == "built"
            print(f"{path.stem:<10} {outcome:<11} {line}")
    print(f"labels with a patient section that build one page: {built} / {patient}")
    if args.time and read_times:
        print(f"read: {sum(read_times) / len(read_times) * 1000:.0f} ms per label (mean of {len(read_times)})")
    if args.time and build_times:
        print(f"read + build: {sum(build_times) / len(build_times):.2f} s per label (mean of {len(build_times)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
