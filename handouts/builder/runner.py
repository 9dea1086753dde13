"""Build handouts: record -> fitted HTML -> one-page PDF on disk, one result per drug.

One drug failing never stops the others: each result says what happened to its drug.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .. import assets, i18n
from ..atomic import write_atomically
from ..errors import BuildError, InputError
from ..page import templating
from ..page.content import Cuts, effects, link, plan
from ..record import review, translation
from ..rules import cuts as cut_rules
from ..workspace import asset_refs, config
from ..workspace.brand import DEFAULT, Brand, require_faces
from ..workspace.brand import load as load_brand
from ..workspace.catalogue import Catalog, Drug
from . import cache
from .options import PAPERS, BuildOptions, made_date, output_file

# pdf.fit and pdf.render bring WeasyPrint (most of a second to import): the functions that lay out
# import them, so an unchanged rebuild, which lays nothing out, never loads it.
if TYPE_CHECKING:
    from ..pdf import fit, render


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
    digest: str = ""  # SHA-256 of the PDF written
    fit: dict | None = None  # the fit that made it, as the manifest stores it (see stored_fit)
    # A failure the inputs cause (bad record, overflow) comes back with the same inputs; a full
    # disk or a folder where the PDF goes does not, so it is never remembered as the drug's.
    from_inputs: bool = True

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class Context:
    """Everything shared by the handouts of one build: parsed once, used for every drug."""

    root: Path
    options: BuildOptions
    brand: Brand
    renderer: render.Renderer
    env: object
    language: i18n.Language | None = None  # the page's words; None: English
    fits: RememberedFits | None = None  # an earlier build's fits, for layouts outside a build

    @property
    def paper(self) -> str:
        return self.options.paper or self.brand.paper

    @property
    def output(self) -> Path:
        return self.options.output or self.root / "out"


def context(root: Path, options: BuildOptions, brand: Brand = DEFAULT, fits_from: Path | None = None) -> Context:
    """What every handout of one build shares. ``fits_from``: an output folder whose manifest's
    fits a packet or a check may reuse for handouts whose inputs are the same."""
    paper = options.paper or brand.paper
    if paper not in PAPERS:
        # It goes into the page's CSS: only a known size may, never arbitrary text.
        raise InputError(None, f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    from ..pdf import render

    stylesheets = [assets.styles_dir() / "handout.css"]
    if brand.css:
        stylesheets.append(brand.css)
    renderer = render.Renderer(
        stylesheets=stylesheets, roots=[root, assets.styles_dir(), assets.templates_dir()], strict=options.strict
    )
    language = config.chosen_language(root, options.lang)
    fits = RememberedFits(root, brand, options, fits_from) if fits_from is not None else None
    return Context(root=root, options=options, brand=brand, renderer=renderer,
                   env=templating.environment(root, brand, language), language=language, fits=fits)


def in_language(root: Path, catalog: Catalog, options: BuildOptions) -> Catalog:
    """The catalogue in the build's language: each drug's record in it, or a drug that fails saying so."""
    return translation.localised(catalog, config.chosen_language(root, options.lang))


class RememberedFits:
    """The fits an earlier build stored in its manifest, each under the fingerprint of its inputs:
    a handout whose inputs are the very same lays out once with them, without fitting again."""

    def __init__(self, root: Path, brand: Brand, options: BuildOptions, folder: Path):
        self.root, self.brand, self.options = root, brand, options
        self.entries = cache.read_manifest(folder)
        self._shared: str | None = None

    def fit_of(self, drug: Drug) -> dict | None:
        entry = self.entries.get(drug.filename)
        if entry is None or entry.fit is None:
            return None
        if self._shared is None:
            self._shared = cache.shared_fingerprint(self.root, self.brand, self.options)
        if entry.inputs != cache.fingerprint(self._shared, drug.digests or cache.digests(self.root, drug.files)):
            return None
        return entry.fit


# Fitted's own fields: the layout itself, and what a remembered fit sets anew.
_LAYOUT_FIELDS = ("document", "html", "cuts", "passes")


def stored_fit(fitted: fit.Fitted) -> dict:
    """A fit as plain data for the manifest: the Cuts' fields (sets as sorted lists) and the scale,
    and any figures the fitter measured beside them (plain numbers), nothing of how it fitted."""
    measured = {f.name: getattr(fitted, f.name) for f in dataclasses.fields(fitted) if f.name not in _LAYOUT_FIELDS}
    return {"cuts": {k: _plain(v) for k, v in dataclasses.asdict(fitted.cuts).items()}, "scale": fitted.cuts.scale,
            "measured": {k: v for k, v in measured.items() if isinstance(v, (int, float, str, bool, type(None)))}}


def _plain(value):
    return sorted(value) if isinstance(value, (set, frozenset)) else list(value) if isinstance(value, tuple) else value


def _stored_cuts(fit_data: dict | None) -> Cuts | None:
    """The Cuts a stored fit describes, or None when it cannot be read back (a Cuts of another shape)."""
    if not isinstance(fit_data, dict) or not isinstance(fit_data.get("cuts"), dict):
        return None
    try:
        values = dict(fit_data["cuts"])
        for f in dataclasses.fields(Cuts):  # a set or tuple comes back as the type the field holds
            if f.name in values and isinstance(f.default, (set, frozenset, tuple)):
                values[f.name] = type(f.default)(values[f.name])
        return replace(Cuts(**values), scale=float(fit_data["scale"]))
    except (TypeError, ValueError, KeyError):
        return None


def select(catalog: Catalog, names: tuple[str, ...] | list[str]) -> list[Drug]:
    """The drugs named (generic or brand, any case), each once, or every drug when none is named."""
    if not names:
        return list(catalog.drugs)
    found: dict[int, Drug] = {}
    for name in names:
        drug = catalog.find(name)
        found.setdefault(id(drug), drug)  # "Blincyto blinatumomab" is one handout, made once
    return list(found.values())


def fitted(drug: Drug, ctx: Context, made: dt.date | None = None, known: dict | None = None,
           layout: PageLayout | None = None) -> fit.Fitted:
    """The drug's handout laid out on exactly one page (or a BuildError). ``known``, or else the
    context's remembered fit for these very inputs, is laid out once; the fitter runs only when
    there is none, it cannot be read back, or it no longer gives one page. ``layout``: the
    drug's ``layout_of``, when the caller has it already."""
    from ..pdf import fit

    layout = layout or layout_of(drug, ctx, made)
    if known is None and ctx.fits is not None:
        known = ctx.fits.fit_of(drug)
    cuts = _stored_cuts(known)
    # A stored fit is checked like a fresh one: a hand-edited manifest once set the type to 15%
    # and cut the must-keep reminders (a 1.8 pt page, "built").
    if cuts is not None and layout.policy.broken_by(cuts, templating.MIN_SCALE, stored=True) is None:
        try:
            document, page = layout(cuts)
            if len(document.pages) == 1:
                return fit.Fitted(document=document, html=page, cuts=cuts, passes=1, **_measured(known))
        except (TypeError, ValueError, AttributeError):
            pass  # fields a changed Cuts or Fitted no longer means: fit afresh
    try:
        fresh = fit.fit(layout, layout.policy)
    except BuildError as error:
        raise BuildError(_overflow_step(drug, str(error))) from None
    problem = layout.policy.broken_by(fresh.cuts, templating.MIN_SCALE, stored=False)
    if problem:
        raise BuildError(f"the fitter broke its own rules ({problem}): a bug in handouts")
    return fresh


def _overflow_step(drug: Drug, message: str) -> str:
    """An urgent block too long for the page, with what it holds and the next step: a YAML record
    whose urgent parts a pharmacist shortens (a real label may list a dozen serious conditions)."""
    if "urgent warnings alone do not fit" not in message:
        return message
    record = drug.record
    signs = sum(len(w.signs) for w in record.serious_warnings)
    held = (f"{len(record.serious_warnings)} serious warnings with {signs} signs, {len(record.urgent_signs)} urgent "
            f"signs, {len(record.emergency_signs)} emergency signs")
    records = [f for f in drug.files if f.endswith((".yaml", ".yml"))]
    step = (f"shorten serious_warnings and urgent_signs in {records[0]}" if records else
            f"handouts extract {drug.files[0]} --save, then shorten serious_warnings and urgent_signs in "
            f"{Path(drug.files[0]).with_suffix('.yaml')}")
    return f"{message} ({held}); next: {step}"


def _measured(known: dict) -> dict:
    """The figures a stored fit measured, as Fitted's own fields take them: numbers only (one of
    another type or name makes the Fitted raise TypeError, and the handout is fitted afresh)."""
    measured = known.get("measured", {})
    if not isinstance(measured, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in measured.values()):
        raise TypeError("measured figures that are not numbers")
    return measured


@dataclass
class PageLayout:
    """The drug's page laid out with given cuts: what the fitter calls, once per pass. What does
    not change from pass to pass is worked out once, when it is made: the side effects the page
    lists (overlap) and the cut policy, which the fitter takes as plain data."""

    drug: Drug
    ctx: Context
    made: dt.date | None
    shown: list
    policy: cut_rules.Priorities

    def __call__(self, cuts: Cuts):
        brand = self.ctx.brand
        handout = plan(self.drug.record, cuts, self.made, brand.more_info_url, brand.clinic, self.shown)
        page = templating.render(self.ctx.env, handout, brand, cuts, self.ctx.paper)
        return self.ctx.renderer.layout(page, self.ctx.root), page


def layout_of(drug: Drug, ctx: Context, made: dt.date | None = None) -> PageLayout:
    """The drug's page, to lay out with any cuts (a BuildError for a drug that cannot be made)."""
    problems = drug.problems
    if problems:
        raise BuildError(problems[0])
    record, brand = drug.record, ctx.brand
    shown = effects(record)
    opens = link(record, brand.more_info_url, brand.clinic)
    # The note in the page's language, ending as the page ends it: what the fitter counts.
    policy = cut_rules.priorities(record, shown, cut_rules.footer_lines(brand), (ctx.language or i18n.language()).gettext,
                                  bool(opens and opens.full_list))
    return PageLayout(drug, ctx, made or made_date(ctx.options), shown, policy)


def left_out_room(drug: Drug, ctx: Context, result: Result) -> list[fit.Trial]:
    """Each item the built page left out, laid out given back at the page's type (see
    ``fit.left_out_trials``): what `check` measures when a page with content left out has room."""
    from ..pdf import fit

    cuts = _stored_cuts(result.fit)
    if cuts is None or not cuts.omitted:
        return []
    layout = layout_of(drug, ctx, ctx.options.date)
    return fit.left_out_trials(layout, layout.policy, cuts)


def build_drug(drug: Drug, ctx: Context, known: dict | None = None) -> Result:
    from ..pdf import render

    target = ctx.output / drug.filename
    ctx.renderer.reset_warnings()
    try:
        layout = layout_of(drug, ctx, ctx.options.date)
        result = fitted(drug, ctx, ctx.options.date, known, layout)
        data = render.pdf_bytes(result.document, result.html)
        write_atomically(data, target)
    except (BuildError, InputError) as error:
        return Result(drug.name, "failed", message=str(error))
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if getattr(error, "filename", None) else ""
        return Result(drug.name, "failed", message=f"template error: {where}{error}")
    except OSError as error:
        return Result(drug.name, "failed", message=f"cannot write {target}: {error.strerror or error}", from_inputs=False)
    except RecursionError:
        return Result(drug.name, "failed", message="nested too deeply to lay out", from_inputs=False)
    return Result(
        drug.name, "built", target, passes=result.passes,
        dropped=cut_rules.dropped(result.cuts, layout.policy), scale=result.cuts.scale, empty_pt=result.empty_pt,
        overdue=_overdue(drug, dt.date.today()), warnings=sorted(set(ctx.renderer.warnings)),
        digest=hashlib.sha256(data).hexdigest(),
        fit=stored_fit(result),
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
        asset_refs.check_folder(overrides, [root, assets.styles_dir(), assets.templates_dir()])
    brand = load_brand(root, options.brand or config.load(root).brand)
    if options.strict:  # a weight the templates use with no face: bold text would print as regular
        require_faces(brand)
    return brand.in_language(config.chosen_language(root, options.lang).code)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a build: the handouts finished before it (their manifest entries are saved)
    and the drugs left unmade. A KeyboardInterrupt still, for callers that only know that."""

    def __init__(self, results: list[Result], not_made: list[str], problem: str = ""):
        super().__init__()
        self.results, self.not_made, self.problem = results, not_made, problem


class UnsavedManifest(InputError):
    """The handouts were made (see ``results``), but what they were made from could not be recorded."""

    def __init__(self, path: Path, problem: str, results: list[Result]):
        super().__init__(path, f"cannot record what was built ({problem}): the next build makes these handouts again")
        self.results = results


def build(
    root: Path, catalog: Catalog, names, options: BuildOptions, brand: Brand | None = None,
    on_result: Callable[[Result], None] | None = None, on_wait: Callable[[str], None] | None = None,
) -> list[Result]:
    """Build the named drugs (all when none is named), skipping those whose inputs are unchanged.

    Bad names or a bad brand raise InputError before anything is built; a drug that
    cannot be made is a failed Result, never an exception, and never stops the others.
    ``on_result`` hears of each result as it comes, for progress reports; ``on_wait`` hears
    that another build holds the output folder. Ctrl-C raises Interrupted, and a manifest
    that cannot be written UnsavedManifest, each after the handouts already made are recorded.
    """
    drugs = select(in_language(root, catalog, options), names)
    brand = brand or chosen_brand(root, options)
    drugs, options = _one_file(drugs, options)
    output = options.output or root / "out"
    with cache.held(output, on_wait):
        return _build_locked(root, drugs, options, brand, output, on_result)


def _one_file(drugs: list[Drug], options: BuildOptions) -> tuple[list[Drug], BuildOptions]:
    """``-o FILE.pdf``: one drug, written to that file (its folder holds the manifest), or an error."""
    file = output_file(options)
    if file is None:
        return drugs, options
    if len(drugs) != 1:
        raise InputError(file, f"names one PDF, but {len(drugs)} handouts were asked for: give -o a folder")
    return [replace(drugs[0], stem=file.stem)], replace(options, output=file.parent)


def _build_locked(root, drugs, options, brand, output, on_result) -> list[Result]:
    _remove_stale_temporaries(output)
    manifest = cache.read_manifest(output)
    recorded = dict(manifest)
    shared = cache.shared_fingerprint(root, brand, options)
    # A Drug made by hand (through the API, not workspace.load) has no digests: read its files now.
    prints = [cache.fingerprint(shared, d.digests or cache.digests(root, d.files)) for d in drugs]
    todo, results, fits = [], {}, {}
    for index, drug in enumerate(drugs):
        known = None if options.force else _known_result(drug, manifest, prints[index], output)
        if known is None:
            todo.append(index)
            entry = manifest.get(drug.filename)
            if entry is not None and entry.inputs == prints[index]:
                fits[index] = entry.fit  # --force, or a damaged PDF: the same inputs need no fitting
        else:
            results[index] = known
            _tell(on_result, known)
    if todo:
        ctx = context(root, options, brand)  # only now: an unchanged rebuild needs no fonts or stylesheets
        finished = _run(ctx, [(i, drugs[i], fits.get(i)) for i in todo])
        try:
            for index, result in finished:
                with _ctrl_c_waits():  # so every handout told is recorded, and every one recorded told
                    results[index] = result
                    _remember(manifest, drugs[index], prints[index], result)
                    _tell(on_result, result)
        except KeyboardInterrupt:
            finished.close()  # stop the workers before anything else
            problem = _save(output, manifest)
            done = [results[i] for i in sorted(results)]
            raise Interrupted(done, [d.name for i, d in enumerate(drugs) if i not in results], problem) from None
        finally:
            finished.close()
    listed = [results[i] for i in range(len(drugs))]
    problem = _save(output, manifest) if manifest != recorded else ""
    if problem:
        raise UnsavedManifest(output / cache.MANIFEST, problem, listed)
    return listed


@contextlib.contextmanager
def _ctrl_c_waits():
    """Hold Ctrl-C back for a moment: it is delivered (as KeyboardInterrupt) when the block ends.

    A signal mask is not enough: SIGINT may land on another thread (the pool's manager), and
    Python then raises KeyboardInterrupt in the main thread all the same. So for the block the
    handler only notes the Ctrl-C. Outside the main thread no handler can be set: no deferral."""
    pressed = []
    try:
        before = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if pressed:
        raise KeyboardInterrupt


def _remember(manifest: dict[str, cache.Entry], drug: Drug, fingerprint: str, result: Result) -> None:
    if drug.filename == ".pdf":
        return  # a name with no letter or digit: no file, nothing to record under
    if result.status == "built":
        manifest[drug.filename] = cache.Entry(fingerprint, pdf=result.digest, fit=result.fit)
    elif result.from_inputs and not result.warnings:
        # The same inputs fail the same way: remember it, so an unchanged rebuild needs no layout.
        manifest[drug.filename] = cache.Entry(fingerprint, failed=result.message)


def _save(output: Path, manifest: dict[str, cache.Entry]) -> str:
    """Write the manifest; the problem in a few words if it cannot be written."""
    try:
        cache.write_manifest(output, manifest)
    except OSError as error:
        return error.strerror or str(error)
    return ""


def _known_result(drug: Drug, manifest: dict[str, cache.Entry], fingerprint: str, output: Path) -> Result | None:
    """What an earlier build made of these very inputs, if anything is still true of it.

    A PDF is "unchanged" only while its bytes are the ones written: one truncated, edited or
    replaced in the output folder, or rewritten by a build stopped midway, is made again."""
    entry = manifest.get(drug.filename)
    if entry is None or entry.inputs != fingerprint:
        return None
    if entry.failed is not None:
        return Result(drug.name, "failed", message=entry.failed)
    if cache.file_digest(output / drug.filename, follow=False) == entry.pdf:  # a link there is made again
        return Result(drug.name, "unchanged", output / drug.filename, overdue=_overdue(drug, dt.date.today()))
    return None


def _tell(on_result, result: Result) -> None:
    if on_result is not None:
        on_result(result)


def _run(ctx: Context, drugs: list[tuple[int, Drug, dict | None]]):
    """(index, result) pairs as they finish: in this process, or in worker processes; each drug
    comes with the fit remembered for its inputs, if any.

    Closing the generator (Ctrl-C in the caller) cancels the drugs not started and stops the
    workers at once: they ignore Ctrl-C themselves, so the build process alone decides."""
    root, options, brand = ctx.root, ctx.options, ctx.brand
    jobs = min(options.jobs or os.cpu_count() or 1, len(drugs))
    if jobs <= 1:
        for index, drug, known in drugs:
            yield index, build_drug(drug, ctx, known)
        return
    # Spawned workers start clean (no forked WeasyPrint or font state); each builds its
    # context once (see _worker_context) and then many handouts.
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker, initargs=(os.getpid(),),
    )
    futures = {}
    try:
        futures = {pool.submit(_worker_build, root, options, brand, drug, known): (index, drug)
                   for index, drug, known in drugs}
        for future in as_completed(futures):
            index, drug = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                result = Result(drug.name, "failed", message="its worker process died (out of memory, or killed)",
                                from_inputs=False)
            yield index, result
    except BaseException:  # Ctrl-C here, or GeneratorExit when the caller stops listening
        for future in futures:
            future.cancel()
        with _quiet_manager_thread(pool):
            _stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now: shutting the pool down alone lets them finish the queue."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


@contextlib.contextmanager
def _quiet_manager_thread(pool: ProcessPoolExecutor):
    """The pool's manager thread may trip over the workers we are stopping (a closed queue, a
    half-read result) and print a thread traceback after "interrupted": they were stopped on
    purpose, so what that one thread raises meanwhile is no news."""
    manager = getattr(pool, "_executor_manager_thread", None)
    previous = threading.excepthook

    def hook(args):
        if args.thread is not manager:
            previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous


def _start_worker(parent: int) -> None:
    # Ctrl-C at a terminal reaches every process of the group: the build process stops the
    # workers itself, after recording what they finished.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """A worker whose build process was killed (SIGKILL gives it no chance to shut the pool
    down) went on building the tasks already queued and then waited forever on the task queue,
    whose write end it holds itself. Now it exits once orphaned."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="handouts-parent-watch", daemon=True).start()


@functools.lru_cache(maxsize=2)
def _worker_context(root: Path, options: BuildOptions, brand: Brand) -> Context:
    return context(root, options, brand)


def _worker_build(root: Path, options: BuildOptions, brand: Brand, drug: Drug, known: dict | None) -> Result:
    return build_drug(drug, _worker_context(root, options, brand), known)


def _remove_stale_temporaries(output: Path) -> None:
    """Temporary files a killed build left behind (never a PDF under its real name)."""
    if output.is_dir():
        # The manifest is written the same way; a build killed while writing it left
        # "..handouts-manifest.json.XXXX.tmp" behind for good.
        for pattern in (".*.pdf.*.tmp", f".{cache.MANIFEST}.*.tmp"):
            for temp in output.glob(pattern):
                with contextlib.suppress(OSError):  # a folder so named is not ours to remove
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


def not_made(names: list[str]) -> str:
    """The drugs a stopped build did not get to, in a line (the first few named)."""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{len(names)} not made ({shown}); run the build again to make them" if names else "nothing left to make"


def summary(results: list[Result]) -> str:
    """"2 built, 0 unchanged, 27 failed", then one line per reason: "26 drugs: no urgent warning
    signs: ..." (the most common first, then by reason), so a batch of identical failures reads at a
    glance and two runs print the same lines. Each drug's own next step is on its FAILED line."""
    counts = {status: sum(r.status == status for r in results) for status in ("built", "unchanged", "failed")}
    text = f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['failed']} failed"
    groups: dict[str, list[str]] = {}
    for r in results:
        if not r.ok:
            groups.setdefault(r.message.split("; next: ")[0], []).append(r.drug)
    lines = [text + (":" if groups else "")]
    for reason, drugs in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        names = sorted(drugs, key=str.casefold)
        if len(names) == 1:
            lines.append(f"  {names[0]}: {reason}")
        else:
            lines.append(f"  {len(names)} drugs: {reason} ({', '.join(names)})")
    return "\n".join(lines)
