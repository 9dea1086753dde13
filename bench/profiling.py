"""Profile the parts behind the benchmarks that miss their targets (cProfile, standard library).

    python bench/profiling.py layout [-n 10]    # fitting N corpus handouts: where a layout pass goes
    python bench/profiling.py packet [-n 30]    # handouts.packet.make: per phase, seconds and RSS
    python bench/profiling.py start  [-n 100]   # `handouts build DRUG` in a fresh process, workspace of N
    python bench/profiling.py memory [-n 10]    # what one kept handout Document holds (tracemalloc)

Writes a corpus to a temporary folder (bench/corpus.py) and prints the top of the profile.
`pip install pyinstrument` and `python -m pyinstrument -m handouts build ...` gives a call tree too.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402


def _context(root: Path):
    from handouts.builder import runner
    from handouts.builder.options import BuildOptions

    options = BuildOptions(output=root / "out")
    return runner.context(root, options, runner.chosen_brand(root, options))


def layout(root: Path, n: int) -> None:
    from handouts.builder import runner
    from handouts.errors import BuildError
    from handouts.workspace import catalogue

    drugs = catalogue.load(root).drugs
    ctx = _context(root)
    runner.fitted(drugs[0], ctx)  # warm
    profile = cProfile.Profile()
    profile.enable()
    for drug in drugs[:n]:
        try:
            runner.fitted(drug, ctx)
        except BuildError:
            pass
    profile.disable()
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(r"weasyprint/(layout|css|text|document|__init__)|handouts", 30)


def _rss() -> str:
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return f"RSS {int(status['VmRSS'].split()[0]) // 1024} MiB (peak {int(status['VmHWM'].split()[0]) // 1024} MiB)"


def packet(root: Path, n: int) -> None:
    from handouts.builder import packet
    from handouts.builder.options import BuildOptions
    from handouts.builder.packet import PacketSpec
    from handouts.builder.packet import make as make_packet
    from handouts.pdf import render
    from handouts.workspace import catalogue

    catalog = catalogue.load(root)
    spent: dict[str, float] = {}

    def timed(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
                if name != "fitted":
                    print(f"  after {name}: {_rss()}", flush=True)

        setattr(module, name, wrapper)

    for module, name in ((packet, "fitted"), (packet, "_combined_page"), (render, "pdf_bytes")):
        timed(module, name)
    spec = PacketSpec(drugs=tuple(d.name for d in catalog.drugs[:n]))
    start = time.perf_counter()
    result = make_packet(root, catalog, spec, BuildOptions(output=root / "out"))
    total = time.perf_counter() - start
    print(f"packet of {n}: {total:.1f} s, {result.pages} pages, {_rss()}")
    for name, seconds in spent.items():
        print(f"  {name:<16} {seconds:6.1f} s  {seconds / total:4.0%}")


def start(root: Path, n: int) -> None:
    out = root / "profile.out"
    drug = "Benchamab 001"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "handouts", "build", "-w", str(root),
                    "-o", str(root / "out"), "--force", drug], cwd=HERE.parent, stdout=subprocess.DEVNULL)
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(r"handouts/|weasyprint/__init__|yaml/__init__|<module>", 25)
    imports = subprocess.run([sys.executable, "-X", "importtime", "-m", "handouts", "build", "-w", str(root),
                              "-o", str(root / "out"), "--force", drug], cwd=HERE.parent,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr.splitlines()
    rows = [line.split("|") for line in imports if line.startswith("import time:") and "|" in line]
    rows = [(int(r[1]), r[2].rstrip()) for r in rows if r[1].strip().isdigit()]
    print("slowest imports (cumulative microseconds):")
    for micros, name in sorted(rows, reverse=True)[:12]:
        print(f"  {micros:>8}  {name}")


def memory(root: Path, n: int) -> None:
    from handouts.builder import runner
    from handouts.workspace import catalogue

    drugs = catalogue.load(root).drugs
    ctx = _context(root)
    for drug in drugs[:2]:
        runner.fitted(drug, ctx)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = [runner.fitted(drug, ctx).document for drug in drugs[2 : 2 + n]]
    gc.collect()
    diff = tracemalloc.take_snapshot().compare_to(before, "filename")
    print(f"{sum(d.size_diff for d in diff) / len(kept) / 2**20:.2f} MiB per kept handout Document; by module:")
    for d in diff[:8]:
        print(f"  {d.size_diff / len(kept) / 2**10:8.0f} KiB  {d.traceback[0].filename}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("layout", "packet", "start", "memory"))
    parser.add_argument("-n", type=int)
    args = parser.parse_args()
    n = args.n or {"layout": 10, "packet": 30, "start": 100, "memory": 10}[args.what]
    with tempfile.TemporaryDirectory(prefix="handouts-profile-") as folder:
        root = Path(folder)
        corpus.generate(root, max(n + 2, 3))
        globals()[args.what](root, n)


if __name__ == "__main__":
    main()
