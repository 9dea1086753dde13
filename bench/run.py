"""Run every benchmark on a synthetic corpus and print one table of ratios.

    python bench/run.py            # full sizes (several minutes)
    python bench/run.py --smoke    # tiny sizes, under a minute: CI may call it; always exits 0

Each measure is a ratio of two timings (or sizes) taken in the same run, on the same
machine, so the numbers travel between machines better than seconds do. These are
benchmarks, never timed unit tests: a missed target is reported, not failed.
See bench/README.md for what each measure means and the latest results.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

FULL = {"corpus": 100, "single_sample": 20, "single_repeats": 3, "packet": 100, "separate": 100,
        "rebuild": 100, "memory": 500, "start_repeats": 5}
SMOKE = {"corpus": 4, "single_sample": 2, "single_repeats": 1, "packet": 4, "separate": 4,
         "rebuild": 4, "memory": 6, "start_repeats": 1}
GIB = 1024 ** 3
IMPORT_WEASYPRINT = [sys.executable, "-c", "import weasyprint"]
# The copy of the code under test (see snapshot): set by main() before handouts is imported.
CODE = REPO


@dataclass
class Row:
    label: str
    top: str  # numerator, as printed
    bottom: str  # denominator, as printed
    ratio: float
    target: str  # "<= 1.25" or ">= 4"

    @property
    def met(self) -> bool:
        op, value = self.target.split()
        return self.ratio <= float(value) if op == "<=" else self.ratio >= float(value)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def snapshot(folder: Path) -> Path:
    """Copy the code under test (package, templates, styles, message catalogues) so that edits made to the work tree
    while the benchmark runs cannot change it half-way (the build fingerprint covers the code)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.rmtree(folder, ignore_errors=True)
    for name in ("handouts", "templates", "styles", "locale"):
        shutil.copytree(REPO / name, folder / name, ignore=ignore)
    return folder


def revision() -> str:
    return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                          text=True).stdout.strip() or "unknown"


def python_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE), env.get("PYTHONPATH")]))
    return env


def handouts_command(*args: str) -> list[str]:
    # sys.executable, not the `handouts` script: a pyenv shim would add its own start-up time.
    return [sys.executable, "-m", "handouts", *args]


def run_command(command: list[str], ok_codes=(0, 1)) -> float:
    """Seconds a command takes; exit 1 (some drug failed) is a result, anything else an error."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=CODE, env=python_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed


def peak_rss(command: list[str]) -> tuple[int, float]:
    """Peak resident memory (bytes) of a command run as a child process, and its seconds.

    os.wait4 gives the child's own rusage (ru_maxrss, KiB on Linux), whatever else this
    process has run before.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=CODE, env=python_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
    return usage.ru_maxrss * 1024, elapsed


def workspace_of(folder: Path, sources: list[Path]) -> Path:
    """A workspace holding copies of some generated records (and nothing left from an earlier run)."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "sources").mkdir(parents=True)
    for path in sources:
        shutil.copyfile(path, folder / "sources" / path.name)
    return folder


# --- the measures ------------------------------------------------------------------------


def single_handout(work: Path, records: list[Path], sample: int, repeats: int):
    """1. One handout from its record, in process, through the API (load the workspace, build),
    against WeasyPrint's own one-shot render + write of the same final HTML with the same
    stylesheets. Both parse the stylesheets and set up fonts, as each call does."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from handouts import BuildOptions, build, load
    from handouts.builder import runner
    from handouts.errors import BuildError

    step = max(1, len(records) // sample)
    chosen = records[::step][:sample]
    per_drug = []
    for path in chosen:
        root = workspace_of(work / "single" / path.stem, [path])
        out = root / "out"
        options = BuildOptions(force=True, jobs=1, output=out)
        drug = load(root).drugs[0]
        ctx = runner.context(root, options, runner.chosen_brand(root, options))
        try:
            final = runner.fitted(drug, ctx, options.date)
        except BuildError:
            continue  # the urgent signs alone do not fit: no handout to compare
        stylesheets = [str(p) for p in ctx.renderer.stylesheets]

        def ours():
            results = build(root, load(root), [], options)
            assert results[0].status == "built", results[0]

        def weasyprint_alone():
            fonts = FontConfiguration()
            css = [CSS(filename=p, font_config=fonts) for p in stylesheets]
            HTML(string=final.html, base_url=str(root)).write_pdf(
                out / "weasyprint.pdf", stylesheets=css, font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True)

        if not per_drug:  # the first layout in a process loads fonts and fills caches: not timed
            ours()
            weasyprint_alone()
        ours_t, base_t = [], []
        for _ in range(repeats):  # interleaved, so drift hits both alike
            ours_t.append(timed(ours))
            base_t.append(timed(weasyprint_alone))
        per_drug.append((final.passes, min(ours_t), min(base_t)))
    return per_drug


def packet_vs_naive(work: Path, records: list[Path]):
    """2. A packet of N handouts against the naive way, in this process, one core each (a packet
    is made in one process). 2a after a build: ours (packet.make into the build's folder, whose
    manifest holds each handout's fit) / the naive merge of the already-built PDFs with pypdf,
    which only copies pages. 2b from nothing: ours (packet.make into an empty folder) / the naive
    way from nothing (build each PDF, then merge them)."""
    from pypdf import PdfWriter

    from handouts import BuildOptions, build, load
    from handouts.builder import packet

    root = workspace_of(work / "packet", records)
    catalog = load(root)
    spec = packet.PacketSpec(drugs=tuple(d.name for d in catalog.drugs))
    built = root / "built"
    results = []

    def build_each():
        results.extend(build(root, catalog, [], BuildOptions(force=True, jobs=1, output=built)))

    def merge():
        writer = PdfWriter()
        for result in results:
            if result.status == "built":
                writer.append(str(result.path))
        with open(built / "naive.pdf", "wb") as target:
            writer.write(target)

    def ours_after_build():
        packet.make(root, catalog, spec, BuildOptions(output=built))

    def ours_from_nothing():
        packet.make(root, catalog, spec, BuildOptions(output=root / "cold"))

    build_t, merge_t = timed(build_each), timed(merge)
    after_t, cold_t = timed(ours_after_build), timed(ours_from_nothing)
    return {"build": build_t, "merge": merge_t, "after": after_t, "cold": cold_t}, results, (root, catalog)


def fitting_left_out(root: Path, catalog, results) -> list[str]:
    """Of the handouts given, those where an item left out would fit in the room left, told by
    real layouts (runner.left_out_room, as `handouts check` does): "<drug>: <items>"."""
    from handouts import BuildOptions
    from handouts.builder import runner

    options = BuildOptions(jobs=1, output=root / "built")
    ctx = runner.context(root, options, runner.chosen_brand(root, options))
    drugs = {d.name: d for d in catalog.drugs}
    found = []
    for result in results:
        fits = [t.item for t in runner.left_out_room(drugs[result.drug], ctx, result) if t.fits]
        if fits:
            found.append(f"{result.drug}: {', '.join(fits)}")
    return found


def regimen_packet(work: Path, records: list[Path], repeats: int):
    """8. `handouts packet` of 4 drugs in a fresh process into an empty folder, as a clinic makes
    one for a patient (the median of a few runs), in seconds."""
    root = workspace_of(work / "regimen", records[:4])
    names = [p.stem.replace("-", " ") for p in records[:4]]
    times = []
    for run in range(repeats):
        out = root / f"out{run}"
        times.append(run_command(handouts_command("packet", "-w", str(root), "-o", str(out / "regimen.pdf"), *names)))
    return statistics.median(times)


def separate_pdfs(work: Path, records: list[Path]):
    """3. N separate PDFs from the command line: --jobs 1 against --jobs 2 (both --force)."""
    root = workspace_of(work / "separate", records)
    one = run_command(handouts_command("build", "-w", str(root), "-o", str(root / "j1"), "--jobs", "1", "--force"))
    two = run_command(handouts_command("build", "-w", str(root), "-o", str(root / "j2"), "--jobs", "2", "--force"))
    return one, two


def rebuild(work: Path, records: list[Path], repeats: int):
    """4. `handouts build` of N drugs into an empty folder, then the same command again with
    nothing changed (the median of a few runs): both as a user runs them, in a fresh process."""
    root = workspace_of(work / "rebuild", records)
    command = handouts_command("build", "-w", str(root), "-o", str(root / "out"))
    cold = run_command(command)
    unchanged = statistics.median(run_command(command) for _ in range(repeats))
    return cold, unchanged


def packet_memory(work: Path, records: list[Path]):
    """5. Peak RSS of `handouts packet` of N drugs, in a child process."""
    root = workspace_of(work / "memory", records)
    spec = root / "packet.toml"
    spec.write_text("title = \"Benchmark packet\"\ndrugs = [\n"
                    + "".join(f'  "{p.stem.replace("-", " ")}",\n' for p in records) + "]\n", encoding="utf-8")
    return peak_rss(handouts_command("packet", "-w", str(root), "-o", str(root / "out"), "--file", str(spec)))


def against_import(commands: list[list[str]], repeats: int) -> tuple[list[float], float]:
    """The median seconds of each command and of `python -c "import weasyprint"`, each a fresh
    process, interleaved so drift hits all alike."""
    run_command(IMPORT_WEASYPRINT)  # once, so neither side pays for a cold disk cache
    times: list[list[float]] = [[] for _ in commands]
    base = []
    for _ in range(repeats):
        for taken, command in zip(times, commands):
            taken.append(run_command(command))
        base.append(run_command(IMPORT_WEASYPRINT))
    return [statistics.median(t) for t in times], statistics.median(base)


def cold_start(work: Path, records: list[Path], drug: str, repeats: int):
    """6. `handouts build DRUG` in a fresh process, in a workspace of N drugs, against
    `python -c "import weasyprint"` (medians)."""
    root = workspace_of(work / "start", records)
    build_cmd = handouts_command("build", "-w", str(root), "-o", str(root / "out"), "--force", drug)
    (ours,), base = against_import([build_cmd], repeats)
    return ours, base


def start_up(work: Path, records: list[Path], repeats: int):
    """9. Commands that render nothing, in fresh processes: `handouts --help` and `handouts list`
    of a few drugs, against `python -c "import weasyprint"` (medians): they must not pay for it.
    `python -c pass` is timed beside them, for the interpreter's own share."""
    root = workspace_of(work / "list", records)
    commands = [handouts_command("--help"), handouts_command("list", "-w", str(root)), [sys.executable, "-c", "pass"]]
    (help_t, list_t, bare), base = against_import(commands, repeats)
    return {"help": help_t, "list": list_t, "python": bare, "import": base}


# --- the run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (< 60 s), for CI")
    parser.add_argument("--keep", type=Path, help="keep the generated workspaces in this folder")
    parser.add_argument("--only", help="comma-separated measures to run (1-6, 8, 9) [default: all]")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    only = {int(x) for x in args.only.split(",")} if args.only else set(range(1, 7)) | {8, 9}
    work = args.keep or Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    global CODE
    CODE = snapshot(work / "code")
    sys.path.insert(0, str(CODE))
    notes_head = [f"code under test: a copy of the work tree at {revision()}"]
    try:
        import handouts

        assert Path(handouts.__file__).is_relative_to(CODE), handouts.__file__
        rows, notes = run(work, sizes, only)
        notes = notes_head + notes
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    notes.append(f"load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after: other processes "
                 "on the machine skew the timings")
    print_report(rows, notes, sizes, args.smoke, time.perf_counter() - started)


def run(work: Path, sizes: dict, only: set[int]) -> tuple[list[Row], list[str]]:
    largest = max(sizes["corpus"], sizes["memory"] if 5 in only else 0)
    records = corpus.generate(work / "corpus", largest)
    hundred = records[: sizes["corpus"]]
    rows: list[Row] = []
    notes: list[str] = []
    typical = hundred[0].stem.replace("-", " ")

    def progress(text: str) -> None:
        print(f"... {text}", file=sys.stderr, flush=True)

    if 1 in only:
        progress(f"1: single handouts ({sizes['single_sample']} drugs x {sizes['single_repeats']})")
        per_drug = single_handout(work, hundred, sizes["single_sample"], sizes["single_repeats"])
        for tag, label, keep in (("1a", "fits first time", lambda p: p == 1),
                                 ("1b", "needs fitting", lambda p: p > 1)):
            group = [p for p in per_drug if keep(p[0])]
            if group:
                ours, base = sum(g[1] for g in group), sum(g[2] for g in group)
                rows.append(Row(f"{tag} one handout, in process: {label} (sum of {len(group)})", seconds(ours),
                                seconds(base), ours / base, "<= 1.25"))
                notes.append(f"{tag}: mean passes {statistics.mean(g[0] for g in group):.2f}; per drug, ours / "
                             f"WeasyPrint alone: {', '.join(f'{g[1] / g[2]:.2f}' for g in group)}")
    if 2 in only:
        progress(f"2: packet of {sizes['packet']} vs separate PDFs merged with pypdf")
        t, results, (root, catalog) = packet_vs_naive(work, hundred[: sizes["packet"]])
        rows.append(Row(f"2a packet of {sizes['packet']} after a build / naive merge of the built PDFs",
                        seconds(t["after"]), seconds(t["merge"]), t["after"] / t["merge"], "<= 1.3"))
        naive = t["build"] + t["merge"]
        rows.append(Row(f"2b packet of {sizes['packet']} from nothing / naive (build each + pypdf merge)",
                        seconds(t["cold"]), seconds(naive), t["cold"] / naive, "<= 1"))
        built = [r for r in results if r.status == "built"]
        passes = statistics.mean(r.passes for r in built)
        rows.append(Row(f"1c layout passes per handout, mean over {len(built)} built", f"{passes:.2f}", "1 pass",
                        passes, "<= 1.6"))
        shrunk = sum(r.scale < 1 for r in built)
        cut = sum(bool(r.dropped) for r in built)
        failed = [r.drug for r in results if r.status == "failed"]
        histogram = {n: sum(r.passes == n for r in built) for n in sorted({r.passes for r in built})}
        notes.append(f"corpus of {len(results)}: {shrunk} shrunk, {cut} of them also left content out, "
                     f"{len(failed)} failed (urgent signs alone overflow: {', '.join(failed) or 'none'}); "
                     f"passes: {', '.join(f'{n} pass(es) x{c}' for n, c in histogram.items())}")
        # Issue 14: when content is left out, less than one body line may stay empty above the footer.
        roomy = [r for r in built if r.dropped and r.empty_pt >= 12.0 * r.scale * 1.25]
        if any(hasattr(r, "empty_pt") for r in built):
            # ...unless nothing left out fits in it: each roomy page's items laid out given back.
            fitting = fitting_left_out(root, catalog, roomy)
            notes.append(f"empty space: {len(roomy)} of {cut} handouts that left content out have a body line or more "
                         f"empty above the footer" + (f" ({', '.join(f'{r.drug} {r.empty_pt:.0f} pt' for r in roomy[:5])})"
                                                      if roomy else "")
                         + f"; in {len(fitting)} of them an item left out would fit"
                         + (f" ({'; '.join(fitting[:5])})" if fitting else ""))
        typical = next((r.drug for r in built if r.passes == 1), typical)
    if 3 in only:
        progress(f"3: {sizes['separate']} PDFs, --jobs 1 then --jobs 2")
        one, two = separate_pdfs(work, hundred[: sizes["separate"]])
        rows.append(Row(f"3  {sizes['separate']} PDFs: --jobs 1 / --jobs 2 ({os.cpu_count()} cores)",
                        seconds(one), seconds(two), one / two, ">= 1.7"))
    if 4 in only:
        progress(f"4: cold build of {sizes['rebuild']}, then unchanged rebuilds")
        cold, unchanged = rebuild(work, hundred[: sizes["rebuild"]], 3)
        rows.append(Row(f"4  unchanged rebuild / cold build of {sizes['rebuild']} (CLI)",
                        seconds(unchanged), seconds(cold), unchanged / cold, "<= 0.05"))
    if 5 in only:
        progress(f"5: peak RSS of a {sizes['memory']}-handout packet")
        rss, elapsed = packet_memory(work, records[: sizes["memory"]])
        rows.append(Row(f"5  peak RSS, packet of {sizes['memory']} / 1 GiB", f"{rss / 2**20:.0f} MiB", "1024 MiB",
                        rss / GIB, "<= 1"))
        notes.append(f"5: the {sizes['memory']}-handout packet took {seconds(elapsed)}")
    if 6 in only:
        progress(f"6: cold start, build of {typical!r} vs import weasyprint")
        ours, base = cold_start(work, hundred, typical, sizes["start_repeats"])
        rows.append(Row(f"6  cold start: `build` 1 drug (of {len(hundred)}) / import weasyprint",
                        seconds(ours), seconds(base), ours / base, "<= 2"))
    if 8 in only:
        progress("8: a 4-drug regimen packet, cold CLI")
        elapsed = regimen_packet(work, hundred, sizes["start_repeats"])
        rows.append(Row("8  a 4-drug regimen packet, cold CLI / 3 s", seconds(elapsed), "3.00 s", elapsed / 3, "<= 1"))
    if 9 in only:
        progress("9: start-up of --help and list vs import weasyprint")
        few = hundred[:4]
        t = start_up(work, few, sizes["start_repeats"] * 2)
        rows.append(Row("9a start-up: `--help` / import weasyprint", seconds(t["help"]), seconds(t["import"]),
                        t["help"] / t["import"], "<= 0.5"))
        rows.append(Row(f"9b start-up: `list` of {len(few)} drugs / import weasyprint", seconds(t["list"]),
                        seconds(t["import"]), t["list"] / t["import"], "<= 0.5"))
        notes.append(f"9: `python -c pass` {seconds(t['python'])}: the interpreter's own start-up in 9a and 9b")
    return sorted(rows, key=lambda r: r.label), notes


def print_report(rows: list[Row], notes: list[str], sizes: dict, smoke: bool, elapsed: float) -> None:
    import weasyprint

    width = max(len(r.label) for r in rows) if rows else 10
    header = f"{'measure':<{width}}  {'numerator':>10}  {'denominator':>11}  {'ratio':>6}  {'target':>7}  met"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r.label:<{width}}  {r.top:>10}  {r.bottom:>11}  {r.ratio:>6.2f}  {r.target:>7}  "
              f"{'yes' if r.met else 'NO'}")
    print()
    for note in notes:
        print(f"- {note}")
    print(f"- {'smoke' if smoke else 'full'} run in {seconds(elapsed)}; Python {platform.python_version()}, "
          f"WeasyPrint {weasyprint.__version__}, {os.cpu_count()} cores, {platform.machine()}")


if __name__ == "__main__":
    main()
