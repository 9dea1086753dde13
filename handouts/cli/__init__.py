"""The `handouts` command: parse options, call the library, print results. No logic lives here."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..builder.options import BuildOptions, option_table
from ..errors import BuildError, InputError
from ..workspace.brand import check_all as check_brands
from . import views
from .plain import echo, json_text, printable

# Each command imports the stages it runs, so `--version`, `--help` and shell completion import no
# reader, and only the commands that lay out pay for WeasyPrint (most of a second).
if TYPE_CHECKING:
    from ..workspace.catalogue import Catalog


def workspace_option(func):
    """--workspace DIR, shared by every command that reads a workspace."""

    @click.option(
        "-w", "--workspace", "root", type=click.Path(file_okay=False, path_type=Path), default=".",
        show_default=True, help="The workspace folder (holds sources/, styles/, templates/).",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def json_option(func):
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (shape in README).")(func)


def load_catalog(root: Path) -> Catalog:
    from ..workspace import catalogue

    try:
        return catalogue.load(root)
    except InputError as error:
        raise UsageExit(str(error)) from None


def print_errors(errors: list[InputError]) -> None:
    for error in errors:
        echo(f"error: {error}", err=True, lines=False)


def print_json(data) -> None:
    echo(json_text(json.dumps(data, indent=2, ensure_ascii=False)))


class UsageExit(click.ClickException):
    """A user error: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        return printable(self.message)


def examples(*lines: str) -> str:
    """The epilog every command's --help ends with: two or three commands to copy, kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


class Commands(click.Group):
    """The top-level list gives each command's whole first paragraph, wrapped, never cut off with '...'."""

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                first = (command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


DATE = "YYYY-MM-DD"


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=examples("handouts init my-clinic", "handouts list -w my-clinic",
                             "handouts build -w my-clinic"))
@click.version_option(__version__, prog_name="handouts")
def cli():
    """Make one-page patient drug handouts, urgent warning signs first.

    Put drug information documents in sources/, then run `handouts list` to see
    what they hold and `handouts build` to make the PDFs. `handouts COMMAND --help`
    tells more; exit codes and shell completion are in the README.
    """


@cli.command("list", epilog=examples("handouts list", "handouts list -w ~/clinic", "handouts list --json"))
@workspace_option
@json_option
def list_command(root: Path, as_json: bool):
    """List every drug in the workspace, with its sources and problems.

    Documents about one drug (by generic or brand name) are merged; index
    pages are listed as skipped, and unreadable files as errors (exit 2).
    """
    catalog = load_catalog(root)
    if as_json:
        print_json(views.catalog_data(catalog))
    else:
        for line in views.catalog_lines(catalog):
            echo(line, lines=False)
        print_errors(catalog.errors)
        print_warnings(catalog.warnings)
    if catalog.errors:
        raise SystemExit(2)


@cli.command(epilog=examples("handouts show blinatumomab", "handouts show Blincyto --json"))
@workspace_option
@json_option
@click.argument("drug")
def show(root: Path, as_json: bool, drug: str):
    """Show the merged record of DRUG (generic or brand name, any case).

    Each item is followed by the source it came from; merge decisions and
    problems are listed at the end.
    """
    catalog = load_catalog(root)
    print_errors(catalog.errors)
    try:
        found = catalog.find(drug)
    except InputError as error:
        raise UsageExit(error.message) from None
    if as_json:
        print_json(views.drug_data(found))
    else:
        for line in views.record_lines(found):
            echo(line, lines=False)


@cli.command(epilog=examples("handouts extract sources/apalutamide.md", "handouts extract sources/apalutamide.md --save",
                             "handouts extract --translate es apalutamide"))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--save", is_flag=True, help="Write each record beside its document as <name>.yaml instead of printing it.")
@click.option("--translate", "translate_to", metavar="LANG",
              help="Print a translation skeleton in LANG (e.g. es) for each drug named (FILES are drug names "
                   "in the workspace): the English of each item as a comment beside an empty slot.")
@click.option("-w", "--workspace", "root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The workspace whose brand names the clinic [default: the one FILE is in, else '.'].")
def extract(files: tuple[Path, ...], save: bool, translate_to: str | None, root: Path | None):
    """Print the record each raw document FILE yields, as an editable YAML record.

    Comments at its head give the document's kind, the number of items in each
    part of the handout, and every block of the document left out, with its line.
    Every section is written; an empty one is a slot to fill in, with a line
    saying what goes there. What you add without `source:` is credited to your
    clinic (the `kind: clinic` source, named after the brand's clinic): write
    your name in its `reviewed_by:`. Save it next to the document in sources/
    (or use --save) and edit it: a YAML record overrides the raw documents field
    by field. Several files print as several YAML documents separated by '---'.
    """
    if translate_to:
        from ..record import translation

        catalog = load_catalog(root or Path("."))
        for n, name in enumerate(files):
            try:
                text = translation.skeleton(catalog.find(str(name)).record, translate_to)
            except InputError as error:
                raise UsageExit(str(error)) from None
            echo(("---\n" if n else "") + text, nl=False)
        return
    from ..workspace.extract import clinic_name, record_yaml, save_beside, saved_summary, workspace_of

    failed = False
    printed = 0
    today = dt.date.today()
    for path in files:
        clinic = clinic_name(root or workspace_of(path))
        try:
            if save:
                target = save_beside(path, clinic, today)
                echo(f"saved {target}")
                for line in saved_summary(target):
                    echo(f"    {line}")
                continue
            text = record_yaml(path, clinic, today)
        except InputError as error:
            echo(f"error: {error}", err=True, lines=False)
            failed = True
            continue
        if printed:
            echo("---")
        echo(text, nl=False)
        printed += 1
    if failed:
        raise SystemExit(2)


def build_options(*leave_out: str):
    """The build options table (handouts.options) as click options, so CLI and API share one list;
    a command leaves out the options that mean nothing to it."""

    def decorate(func):
        for name, default, meta in reversed(option_table()):
            if name not in leave_out:
                func = click.option(*meta["flags"], name, **_click_kwargs(default, meta))(func)
        return func

    return decorate


def _click_kwargs(default, meta: dict) -> dict:
    kwargs = {"help": meta["help"], "default": None if meta.get("type") == "date" else default}
    if meta.get("is_flag"):
        kwargs["is_flag"] = True
    elif "choices" in meta:
        kwargs["type"] = click.Choice(meta["choices"], case_sensitive=False)
        kwargs["default"] = None
    elif meta.get("type") == "date":
        kwargs["type"] = click.DateTime(formats=["%Y-%m-%d"])
        kwargs["metavar"] = DATE
    elif meta.get("type") == "int":
        kwargs["type"] = click.IntRange(min=0)
        kwargs["default"] = None
    elif meta.get("type") == "path":  # a folder, or a file ending in .pdf: the command decides
        kwargs["type"] = click.Path(path_type=Path)
    return kwargs


def options_from(kwargs: dict) -> BuildOptions:
    values = {k: v for k, v in kwargs.items() if v is not None}
    if "date" in values:
        values["date"] = values["date"].date()
    return BuildOptions(**values)


def print_options(func):
    """--print, --printer and --copies, shared by build and packet."""
    func = click.option("--copies", type=click.IntRange(min=1), default=1, show_default=True,
                        help="Copies of each PDF to print.")(func)
    func = click.option("--printer", metavar="QUEUE", help="CUPS queue to print to [default: the system's].")(func)
    return click.option("--print", "send_to_printer", is_flag=True,
                        help="Send the PDFs to a printer through CUPS (lp); they stay on disk too.")(func)


def send_to_printer_paths(paths: list[Path], printer: str | None, copies: int) -> None:
    from ..builder import printing

    try:
        for line in printing.send(paths, printer, copies):
            echo(f"printing: {line}")
    except BuildError as error:
        raise click.ClickException(printable(str(error))) from None


@cli.command(epilog=examples("handouts build", "handouts build Blincyto --paper a4", "handouts build --brand northside --print"))
@workspace_option
@build_options()
@print_options
@click.argument("drugs", nargs=-1)
def build(root: Path, drugs: tuple[str, ...], send_to_printer: bool, printer: str | None, copies: int, **kwargs):
    """Make a one-page PDF handout for each DRUG (generic or brand name), or for every drug.

    Writes out/<drug>.pdf; prints one line per handout and a summary. Exits 1
    when any handout failed; the others are still made.
    """
    from ..builder import runner

    catalog = load_catalog(root)
    print_errors(catalog.errors)
    print_warnings(catalog.warnings)
    options = options_from(kwargs)
    try:
        total = len(runner.select(runner.in_language(root, catalog, options), drugs))
        with progress_reporter(total, runner.describe) as report:
            results = runner.build(root, catalog, drugs, options, on_result=report,
                                         on_wait=lambda line: echo(line, err=True))
    except runner.Interrupted as stop:
        echo(runner.summary(stop.results))
        echo(f"interrupted: {runner.not_made(stop.not_made)}", err=True)
        if stop.problem:
            echo(f"error: cannot record what was built: {stop.problem}", err=True, lines=False)
        raise SystemExit(130) from None
    except KeyboardInterrupt:  # before any handout was begun (reading, fingerprinting)
        echo("interrupted: nothing made", err=True)
        raise SystemExit(130) from None
    except runner.UnsavedManifest as error:
        echo(runner.summary(error.results))
        echo(f"error: {error}", err=True, lines=False)
        raise SystemExit(1) from None
    except InputError as error:
        raise UsageExit(str(error)) from None
    echo(runner.summary(results))
    if send_to_printer:
        send_to_printer_paths([r.path for r in results if r.ok], printer, copies)
    if any(not r.ok for r in results) or catalog.errors:
        raise SystemExit(1)


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        echo(f"warning: {warning}", err=True, lines=False)


@contextlib.contextmanager
def progress_reporter(total: int, describe):
    """A progress bar on stderr at a terminal; plain lines (describe(result)), one per handout, anywhere else."""
    lines: list[str] = []
    if not sys.stderr.isatty():
        yield lambda result: echo(describe(result))
        return
    try:
        with click.progressbar(length=total, label="Building", file=sys.stderr) as bar:
            def report(result):
                lines.append(describe(result))
                bar.update(1)

            yield report
    finally:  # after Ctrl-C too: what was finished is still told
        for line in lines:
            echo(line)


@cli.command(epilog=examples("handouts packet Blincyto Besponsa", "handouts packet --regimen FOLFIRI --duplex --print", "handouts packet --fhir orders/tomorrow/ --fhir-out filed/"))
@workspace_option
@build_options("force")
@print_options
@click.argument("drugs", nargs=-1)
@click.option("--fhir", "fhir_path", type=click.Path(exists=True, path_type=Path), metavar="FILE|DIR",
              help="A patient's FHIR R4 Bundle (Patient, MedicationRequests), or a folder of them: one "
                   "named packet per patient, with a treatment calendar, in out/patients/ (owner-only).")
@click.option("--partial", is_flag=True, help="With --fhir: make the packet without the drugs that have no handout "
                                              "(the cover says so).")
@click.option("--fhir-out", "fhir_out", type=click.Path(path_type=Path), metavar="FILE|DIR",
              help="With --fhir: write a US Core DocumentReference holding the packet (a folder: ORDER.json each).")
@click.option("--fhir-url", "fhir_url", metavar="URL", help="With --fhir: POST the DocumentReference to this FHIR server.")
@click.option("--file", "packet_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A packet file (TOML: title, drugs, regimen, duplex, paper, brand).")
@click.option("--regimen", help="Use the drugs of a combination page in sources/ (e.g. FOLFIRI).")
@click.option("--title", help="The packet's title [default: the regimen's, else 'Your medicines'].")
@click.option("--duplex", is_flag=True, default=None, help="Add blank pages so each handout starts on the front of a sheet.")
def packet(root: Path, drugs, packet_file, regimen, title, duplex, fhir_path, partial, fhir_out, fhir_url, **kwargs):
    """Make one PDF packet: a cover, one combined "When to call us right away" page, and
    each drug's one-page handout.

    Drugs come from the command line, a packet file, or a regimen. The cover
    has a line to write the patient's name by hand: handouts never stores it.
    """
    from ..builder.packet import PacketSpec, load_spec, with_overrides
    from ..builder.packet import describe as describe_packet
    from ..builder.packet import make as make_packet
    printer_args = {k: kwargs.pop(k) for k in ("send_to_printer", "printer", "copies")}
    if fhir_path is not None:
        if drugs or packet_file or regimen:
            raise UsageExit("--fhir makes the packet the order names: give no DRUGs, --file or --regimen with it")
        return patient_packets(root, fhir_path, options_from(kwargs), partial, fhir_out, fhir_url, printer_args)
    if partial or fhir_out or fhir_url:
        raise UsageExit("--partial, --fhir-out and --fhir-url go with --fhir")
    catalog = load_catalog(root)
    print_errors(catalog.errors)
    try:
        spec = load_spec(packet_file) if packet_file else PacketSpec()
        spec = with_overrides(spec, drugs=drugs, regimen=regimen, title=title, duplex=duplex)
        result = make_packet(root, catalog, spec, options_from(kwargs), on_wait=lambda line: echo(line, err=True))
    except InputError as error:
        raise UsageExit(str(error)) from None
    except BuildError as error:
        raise click.ClickException(printable(str(error))) from None
    for line in describe_packet(result):
        echo(line)
    if result.failed:
        # A packet missing a drug's warnings must not reach a patient by accident.
        if printer_args["send_to_printer"]:
            echo("not printed: the packet is missing the handouts that failed", err=True)
        raise SystemExit(1)
    if printer_args["send_to_printer"]:
        send_to_printer_paths([result.path], printer_args["printer"], printer_args["copies"])


def patient_packets(root: Path, fhir_path: Path, options, partial: bool, fhir_out, fhir_url, printer_args) -> None:
    """packet --fhir: one Bundle, or a folder of them built in parallel, one line each and a summary."""
    from ..builder import patient

    catalog = load_catalog(root)
    print_errors(catalog.errors)
    filing_to = patient.Filing(out=fhir_out, url=fhir_url)

    def report(result) -> None:
        for line in result.lines:
            echo(line, err=line.startswith("FAILED"))

    try:
        if fhir_path.is_dir():
            results = patient.make_many(root, patient.bundles_in(fhir_path), options, partial, filing_to, on_result=report)
            echo(patient.summary(results))
        else:
            results = [patient.make_one(root, catalog, fhir_path, options, partial, filing_to)]
            report(results[0])
    except InputError as error:
        raise UsageExit(str(error)) from None
    made = [r.path for r in results if r.ok and r.path]
    if printer_args["send_to_printer"] and made:
        send_to_printer_paths(made, printer_args["printer"], printer_args["copies"])
    if any(not r.ok for r in results):
        raise SystemExit(1)


@cli.command(epilog=examples("handouts check", "handouts check Blincyto --strict", "handouts check --json --as-of 2026-06-01"))
@workspace_option
@json_option
@build_options("output", "date", "jobs", "force")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar=DATE,
              help="The day freshness is judged on (YYYY-MM-DD) [default: today].")
@click.option("--packet", "packet_arg", is_flag=False, flag_value="", default=None, metavar="[FILE.toml]",
              help="Check the packet a packet file describes, or the packet of the DRUGs named, then its drugs.")
@click.argument("drugs", nargs=-1)
def check(root: Path, as_json: bool, as_of, packet_arg, drugs, **kwargs):
    """Build each handout and measure it against the standards patients need.

    Per drug: one page; urgent block first (in the text and the PDF tags); the
    smallest type; colour contrast; what was shrunk or left out; reading grade
    of the source text and of the templates' own words; source freshness and
    citations; a number to call. Exits 1 when any bar fails (with --strict,
    when any warns).

    With --packet (a packet file, or the DRUGs named), the packet too: the
    combined page's urgent-first order, every urgent sign of every drug on it,
    its type floor, the printable area of every page, the cover's page list,
    and each handout page identical to that drug's own PDF.
    """
    catalog = load_catalog(root)
    print_errors(catalog.errors)
    from ..check import handout_check  # PDF reading and readability: only this command needs them

    day = as_of.date() if as_of else dt.date.today()
    options = options_from(kwargs)
    strict = options.strict
    try:
        if packet_arg is None:
            used_brand, reports = handout_check.check(root, catalog, drugs, options, day)
        else:
            from ..check import packet_check

            spec = packet_check.spec_from(packet_arg, drugs)
            used_brand, reports = packet_check.check_packet(root, catalog, spec, options, day)
    except InputError as error:
        raise UsageExit(str(error)) from None
    except BuildError as error:
        raise click.ClickException(printable(str(error))) from None
    if as_json:
        print_json(handout_check.report_data(used_brand, reports, day, strict))
    else:
        for line in handout_check.report_lines(reports, strict):
            echo(line)
    # An unreadable source fails the check: a broken override could hide a pharmacist's edit.
    if not handout_check.summary(reports, strict)["ok"] or catalog.errors:
        raise SystemExit(1)


def _finite(ctx, param, value: float | None) -> float | None:
    if value is not None and value != value:  # nan passes every range check
        raise click.BadParameter("not a number of seconds")
    return value


@cli.command(epilog=examples("handouts fetch blinatumomab", "handouts fetch --set-id SETID",
                              "handouts fetch --from-sources"))
@workspace_option
@click.argument("drugs", nargs=-1)
@click.option("--set-id", "set_ids", multiple=True, metavar="SETID",
              help="Fetch the label with this DailyMed set id (repeatable).")
@click.option("--from-sources", is_flag=True,
              help="Fetch the label each DailyMed link in sources/ points to (cancer.gov pages have one).")
@click.option("--api-key", envvar="OPENFDA_API_KEY", metavar="KEY",
              help="openFDA API key, for a higher rate limit [env: OPENFDA_API_KEY].")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=3600), metavar="SECONDS", callback=_finite,
              help="Seconds to wait for each whole answer [default: fetch.timeout in handouts.toml, else 30].")
def fetch(root: Path, drugs: tuple[str, ...], set_ids: tuple[str, ...], from_sources: bool,
          api_key: str | None, timeout: float | None):
    """Fetch FDA labels into sources/: for each DRUG (generic or brand name) from openFDA,
    for each --set-id from DailyMed, or for the DailyMed links of the pages in sources/.

    Each label is saved under a name that says what it is, e.g.
    sources/naproxen.openfda-label.json; `handouts list` then shows it. This is
    the only command that uses the network (addresses: [fetch] in handouts.toml).
    Exits 1 when anything could not be fetched; the rest is saved.
    """
    from ..workspace import catalogue, config
    from ..workspace.fetch import Fetcher, FetchError, fetch_one
    from ..workspace.fetch import wanted as wanted_labels
    try:
        settings = config.load(root).fetch
        wanted = wanted_labels(root, drugs, set_ids, from_sources)
    except InputError as error:
        raise UsageExit(str(error)) from None
    failed = False
    with Fetcher(settings, api_key, timeout) as fetcher:
        for asked, kind in wanted:
            try:
                saved = fetch_one(fetcher, root, asked, kind)
            except FetchError as error:
                echo(f"error: {asked}: {error}", err=True, lines=False)
                failed = True
                continue
            echo(f"saved {catalogue.relative_name(saved.path, root)}: {saved.what}", lines=False)
    if failed:
        raise SystemExit(1)


@cli.command(epilog=examples("handouts brands", "handouts brands -w ~/clinic"))
@workspace_option
def brands(root: Path):
    """List the brands this workspace can print with, and any problems they have.

    Brands are folders under styles/brands/ (the workspace's first, then the
    built-in ones). Exits 2 when any brand has an error.
    """
    failed = False
    for report in check_brands(root):
        echo(report.line)
        for warning in report.warnings:
            echo(f"    warning: {warning}", lines=False)
        failed = failed or not report.ok
    if failed:
        raise SystemExit(2)


@cli.command(epilog=examples("handouts init my-clinic", "handouts init ~/clinic --brand riverside"))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--brand", "brand_name", default="my-clinic", show_default=True,
              help="Name of the brand folder to create (a built-in brand of that name is copied).")
def init(folder: Path, brand_name: str):
    """Make a new workspace in FOLDER, ready to build, with a brand folder to fill in.

    Creates sources/ (with an example drug record in sources/examples/, which
    gives way to any document you add about the same drug), styles/brands/BRAND/,
    templates/ and handouts.toml, then prints the next steps.
    """
    from ..workspace import scaffold

    try:
        steps = scaffold.init(folder, brand_name)
    except InputError as error:
        raise UsageExit(str(error)) from None
    for line in steps:
        echo(line)


@cli.command(epilog=examples("handouts serve", "handouts serve --port 8123 -w ~/clinic",
                             "handouts serve --brand northside --paper a4"))
@workspace_option
@build_options("output", "jobs", "force", "strict")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 to listen on (0: any free port).")
def serve(root: Path, port: int, **kwargs):
    """Preview every handout in your browser while you edit, rebuilt as you save.

    Serves http://127.0.0.1:PORT/ (this computer only): every drug with its
    status and problems, each handout as its real PDF and as HTML with each
    item marked with the source it came from. A change to a file in sources/,
    styles/ or templates/ rebuilds the handouts (into out/preview/) and the
    page reloads itself. Ctrl-C stops it.
    """
    from ..serve import counts as serve_counts
    from ..serve import serve as run_server
    def ready(url: str) -> None:
        echo(f"Previewing {root} at {url}  (Ctrl-C to stop)")

    def rebuilt(state) -> None:
        echo(f"{state.built_at} rebuilt: {serve_counts(state)}")

    load_catalog(root)  # no sources/: one line, before anything listens
    try:
        run_server(root, options_from(kwargs), port, ready, rebuilt)
    except InputError as error:
        raise UsageExit(str(error)) from None
    except KeyboardInterrupt:
        echo("stopped")


def main():
    cli(prog_name="handouts")
