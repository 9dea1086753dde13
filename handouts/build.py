"""Build handouts: record -> fitted HTML -> one-page PDF on disk, one result per drug.

One drug failing never stops the others: each result says what happened to its drug.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from . import assets, config, fit, html, inputs, pdf, references, review
from . import brand as brand_module
from .brand import DEFAULT, Brand
from .atomic import write_atomically
from .errors import BuildError, InputError
from .handout import Cuts, footer_lines, plan
from .options import PAPERS, BuildOptions, made_date
from .workspace import Catalog, Drug


@dataclass
class Result:
    drug: str
    status: str  # "built", "unchanged" or "failed"
    path: Path | None = None
    message: str = ""
    passes: int = 0
    dropped: list[str] = field(default_factory=list)
    scale: float = 1.0
    empty_pt: float = 0.0  # room left above the footer
    overdue: dt.date | None = None  # the sources' next review was due before the day it was made
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's, when not --strict

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Context:
    """Everything shared by the handouts of one build: parsed once, used for every drug."""

    root: Path
    options: BuildOptions
    brand: Brand
    renderer: pdf.Renderer
    env: object

    @property
    def paper(self) -> str:
        return self.options.paper or self.brand.paper

    @property
    def output(self) -> Path:
        return self.options.output or self.root / "out"


def context(root: Path, options: BuildOptions, brand: Brand = DEFAULT) -> Context:
    paper = options.paper or brand.paper
    if paper not in PAPERS:
        # It goes into the page's CSS: only a known size may, never arbitrary text.
        raise InputError(None, f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    stylesheets = [assets.styles_dir() / "handout.css"]
    if brand.css:
        stylesheets.append(brand.css)
    renderer = pdf.Renderer(
        stylesheets=stylesheets, roots=[root, assets.styles_dir(), assets.templates_dir()], strict=options.strict
    )
    return Context(root=root, options=options, brand=brand, renderer=renderer, env=html.environment(root, brand))


def select(catalog: Catalog, names: tuple[str, ...] | list[str]) -> list[Drug]:
    """The drugs named (generic or brand, any case), or every drug when none is named."""
    if not names:
        return list(catalog.drugs)
    return [catalog.find(name) for name in names]


def fitted(drug: Drug, ctx: Context, made: dt.date | None = None) -> fit.Fitted:
    """The drug's handout laid out on exactly one page (or a BuildError)."""
    problems = drug.problems
    if problems:
        raise BuildError(problems[0])

    made = made or made_date(ctx.options)

    def layout(cuts: Cuts):
        handout = plan(drug.record, cuts, made, ctx.brand.more_info_url, ctx.brand.clinic)
        page = html.render(ctx.env, handout, ctx.brand, cuts, ctx.paper)
        return ctx.renderer.layout(page, ctx.root), page

    return fit.fit(drug.record, layout, footer_lines(ctx.brand))


def build_drug(drug: Drug, ctx: Context) -> Result:
    target = ctx.output / drug.filename
    ctx.renderer.reset_warnings()
    try:
        result = fitted(drug, ctx, ctx.options.date)
        write_atomically(pdf.pdf_bytes(result.document, result.html), target)
    except (BuildError, InputError) as error:
        return Result(drug.name, "failed", message=str(error))
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if getattr(error, "filename", None) else ""
        return Result(drug.name, "failed", message=f"template error: {where}{error}")
    except OSError as error:
        return Result(drug.name, "failed", message=f"cannot write {target}: {error.strerror or error}")
    return Result(
        drug.name, "built", target, passes=result.passes,
        dropped=result.cuts.dropped(drug.record), scale=result.cuts.scale, empty_pt=result.empty_pt,
        overdue=_overdue(drug, dt.date.today()), warnings=sorted(set(ctx.renderer.warnings)),
    )


def _overdue(drug: Drug, day: dt.date) -> dt.date | None:
    due = review.next_due(drug.record.sources)
    return due if due is not None and due < day else None


def chosen_brand(root: Path, options: BuildOptions) -> Brand:
    """The brand named in the options, else the workspace's, else the neutral default.

    Every build, packet and check starts here, so the workspace's own template overrides are
    checked here too, like a brand folder's: a reference to the network or to a file outside the
    workspace is a one-line error naming the file and line before anything is written."""
    overrides = root / "templates"
    if overrides.is_dir():
        references.check_folder(overrides, [root, assets.styles_dir(), assets.templates_dir()])
    return brand_module.load(root, options.brand or config.load(root).brand)


def build(
    root: Path, catalog: Catalog, names, options: BuildOptions, brand: Brand | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Build the named drugs (all when none is named), skipping those whose inputs are unchanged.

    Bad names or a bad brand raise InputError before anything is built; a drug that
    cannot be made is a failed Result, never an exception, and never stops the others.
    ``on_result`` hears of each result as it comes, for progress reports.
    """
    drugs = select(catalog, names)
    brand = brand or chosen_brand(root, options)
    output = options.output or root / "out"
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(output, f"cannot make the output folder: {error.strerror or error}") from None
    _remove_stale_temporaries(output)
    manifest = inputs.read_manifest(output)
    shared = inputs.shared_fingerprint(root, brand, options)
    prints = {d.filename: inputs.fingerprint(shared, root, d.files) for d in drugs}
    todo, results = [], {}
    for drug in drugs:
        known = None if options.force else _known_result(drug, manifest, prints[drug.filename], output)
        if known is None:
            todo.append(drug)
        else:
            results[drug.filename] = known
            _tell(on_result, known)
    # Forget the old fingerprints of what is about to be rebuilt before any PDF is written.
    # Otherwise a build stopped midway (Ctrl-C, kill) leaves new PDFs listed under their old
    # inputs, and a later build with those inputs (say, back to letter after an --paper a4 run)
    # calls the new PDFs "unchanged".
    stale = [d.filename for d in todo if d.filename in manifest]
    if stale:
        for name in stale:
            del manifest[name]
        inputs.write_manifest(output, manifest)
    if not todo:
        return [results[d.filename] for d in drugs]
    ctx = context(root, options, brand)  # only now: an unchanged rebuild needs no fonts or stylesheets
    for drug, result in _run(ctx, todo):
        results[drug.filename] = result
        _tell(on_result, result)
        if result.status == "built":
            manifest[drug.filename] = prints[drug.filename]
        elif not result.warnings:
            # The same inputs fail the same way: remember it, so an unchanged rebuild needs no layout.
            manifest[drug.filename] = f"{FAILED}{prints[drug.filename]} {result.message}"
    inputs.write_manifest(output, manifest)
    return [results[d.filename] for d in drugs]


FAILED = "failed:"


def _known_result(drug: Drug, manifest: dict[str, str], fingerprint: str, output: Path) -> Result | None:
    """What an earlier build made of these very inputs, if anything is still true of it."""
    entry = manifest.get(drug.filename, "")
    if entry == fingerprint and (output / drug.filename).is_file():
        return Result(drug.name, "unchanged", output / drug.filename, overdue=_overdue(drug, dt.date.today()))
    if entry.startswith(f"{FAILED}{fingerprint} "):
        return Result(drug.name, "failed", message=entry.split(" ", 1)[1])
    return None


def _tell(on_result, result: Result) -> None:
    if on_result is not None:
        on_result(result)


def _run(ctx: Context, drugs: list[Drug]):
    """(drug, result) pairs as they finish: in this process, or in worker processes."""
    root, options, brand = ctx.root, ctx.options, ctx.brand
    jobs = min(options.jobs or os.cpu_count() or 1, len(drugs))
    if jobs <= 1:
        for drug in drugs:
            yield drug, build_drug(drug, ctx)
        return
    # Spawned workers start clean (no forked WeasyPrint or font state); each builds its
    # context once (see _worker_context) and then many handouts.
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent, initargs=(os.getpid(),),
    ) as pool:
        futures = {pool.submit(_worker_build, root, options, brand, drug): drug for drug in drugs}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: a worker whose build process was killed (SIGKILL gives it no
    chance to shut the pool down) went on building the tasks already queued and then waited
    forever on the task queue, whose write end it holds itself. Now it exits once orphaned."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="handouts-parent-watch", daemon=True).start()


@functools.lru_cache(maxsize=2)
def _worker_context(root: Path, options: BuildOptions, brand: Brand) -> Context:
    return context(root, options, brand)


def _worker_build(root: Path, options: BuildOptions, brand: Brand, drug: Drug) -> Result:
    return build_drug(drug, _worker_context(root, options, brand))


def _remove_stale_temporaries(output: Path) -> None:
    """Temporary files a killed build left behind (never a PDF under its real name)."""
    if output.is_dir():
        # The manifest is written the same way; a build killed while writing it left
        # "..handouts-manifest.json.XXXX.tmp" behind for good.
        for pattern in (".*.pdf.*.tmp", f".{inputs.MANIFEST}.*.tmp"):
            for temp in output.glob(pattern):
                temp.unlink(missing_ok=True)


def describe(result: Result) -> str:
    """One line for the user about one handout."""
    if not result.ok:
        return f"FAILED {result.drug}: {result.message}"
    where = os.path.relpath(result.path) if result.path.resolve().is_relative_to(Path.cwd()) else result.path
    if result.status == "unchanged":
        return f"unchanged {where}{_overdue_note(result)}"
    note = f" (left out: {'; '.join(result.dropped)})" if result.dropped else ""
    small = f" (type at {result.scale:.0%})" if result.scale < 1 else ""
    warned = "".join(f"\n    warning: {w}" for w in result.warnings)
    return f"built {where}{small}{note}{_overdue_note(result)}{warned}"


def _overdue_note(result: Result) -> str:
    return f" (sources overdue for review since {result.overdue:%B} {result.overdue.day}, {result.overdue.year})" if result.overdue else ""


def summary(results: list[Result]) -> str:
    counts = {status: sum(r.status == status for r in results) for status in ("built", "unchanged", "failed")}
    failed = [f"{r.drug} ({r.message})" for r in results if not r.ok]
    text = f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['failed']} failed"
    return text + (f": {'; '.join(failed)}" if failed else "")
