"""Helpers shared by the test modules: where things are, the CLI run in-process or as a subprocess,
fictional records and brands, and printing through CUPS. Test modules import from here, never
from each other; fixtures for all live in conftest.py."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner

from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.cli import cli
from handouts.pdf import render
from handouts.workspace import catalogue

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("HANDOUTS_SHARED", REPO.parent / "shared"))
PACKETS = FIXTURES / "packets"
URGENT_HEADING = "Call your care team right away"
COMMON_HEADING = "Common side effects"
# Build in this process: worker processes cost seconds each and their WeasyPrint warnings
# would never reach the autouse fixture.
JOBS = ["-j", "1"]
RECORDS = FIXTURES / "records"
NO_SIGNS = "no urgent warning signs: cannot make a handout"
UNKNOWN_FORMAT = ("unknown format: expected a YAML drug record, a drugs.com side-effects page, "
                  "a cancer.gov drug page, a patient drug sheet, a DailyMed SPL label or an openFDA drug label")
# Bullets and numbers with nothing after them: no reader makes an item of one.
EMPTY_BULLETS = ("•", "• ", "-", "- ", "*", "* ", "◦", "   ◦ ", "1.", "1. ", "\u00a0•\u00a0", "––")


# --- where the real documents are --------------------------------------------------------------


def seed(seeds_dir: Path, number: str) -> Path:
    """The seed whose name starts with ``number`` ("000", "001", "002")."""
    matches = sorted(seeds_dir.glob(f"{number}_*"))
    if not matches:
        pytest.skip(f"seed {number} not in {seeds_dir}")
    return matches[0]


def shared_corpus(name: str, what: str) -> Path:
    """../shared/corpus/NAME, or a clean skip where it is absent."""
    path = SHARED / "corpus" / name
    if not path.is_dir():
        pytest.skip(f"no {what} corpus at {path}")
    return path


# --- the command line ----------------------------------------------------------------------------


def invoke(*args, cwd: Path | None = None, env: dict | None = None):
    """Invoke the CLI in-process as `handouts ARGS`; with ``cwd``, from that folder (the default
    workspace). A traceback or an exception other than an exit is a bug, whatever the test."""
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="handouts", env=env)
    finally:
        if cwd is not None:
            os.chdir(old)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def run_handouts(*args: str, cwd: Path, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m handouts ...` in a subprocess: stdout and stderr are pipes, never a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True, text=True,
        timeout=timeout, env=env,
    )


def run_build(root: Path, *args):
    """`handouts build --strict -j 1 -w ROOT ARGS`."""
    return invoke("build", "--strict", *JOBS, "-w", root, *args)


def run_check(root: Path, as_of: str, *args: str):
    """`handouts check --json` as of a fixed day: the result and its JSON (None when there is none)."""
    result = invoke("check", "-w", root, "--as-of", as_of, "--json", *args)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def lines(result) -> list[str]:
    """The non-blank lines a CLI run printed."""
    return [line for line in result.output.splitlines() if line.strip()]


def take_weasyprint_warnings() -> list[str]:
    """The WeasyPrint warnings the autouse fixture has collected so far, taken from it.

    The fixture's yielded list is filled only at teardown (collected_warnings copies its
    handler's messages when the block ends), so clearing that list inside a test does nothing;
    clearing the handler does."""
    taken: list[str] = []
    for handler in logging.getLogger("weasyprint").handlers:
        if isinstance(handler, render._Collect):
            taken += handler.messages
            handler.messages.clear()
    return taken


# --- fictional drugs and brands ------------------------------------------------------------------


def record(name: str, **fields) -> str:
    """A YAML drug record for a fictional drug (no clinical claim about any real medicine)."""
    data = {"generic_name": name, "brands": [f"{name.title()}ra"], **fields}
    data.setdefault("urgent_signs", ["Fictional sign one", "Fictional sign two"])
    # Reviewed today, so never overdue: a build line says when sources are (tested on its own).
    data.setdefault("sources", [{"publisher": "Test Press", "url": "https://example.org/x",
                                 "last_reviewed": dt.date.today().isoformat(), "review_frequency": "annually"}])
    return yaml.safe_dump(data, sort_keys=False)


def fever_record(name: str) -> str:
    """A short YAML record for a fictional drug, with fever as an urgent sign."""
    return yaml.safe_dump({
        "generic_name": name,
        "brands": [f"{name.title()}ra"],
        "urgent_signs": ["Fever or chills", "A made-up sign of trouble"],
        "side_effects": ["Made-up tiredness"],
        "sources": [{"publisher": "Test Press", "url": "https://example.org/x",
                     "last_reviewed": "2025-06-01", "review_frequency": "annually"}],
    }, sort_keys=False)


def build_all(root: Path, *names: str, on_result=None, **options) -> list[runner.Result]:
    """Build through the API, strictly; ``options`` are BuildOptions fields."""
    return runner.build(root, catalogue.load(root), names, BuildOptions(strict=True, **options), on_result=on_result)


def toml(**values) -> str:
    """brand.toml text: a valid brand, changed by ``values`` (None removes a key)."""
    data = {"clinic": "Testing Clinic", "phone_day": "(555) 010-0100",
            "phone_after_hours": "(555) 010-0101", "write_in_phones": False}
    data.update(values)
    # JSON strings, numbers and booleans are valid TOML values.
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in data.items() if value is not None)


def add_brand(root: Path, name: str, text: str, files: dict[str, str | bytes] | None = None) -> Path:
    folder = root / "styles" / "brands" / name
    folder.mkdir(parents=True)
    (folder / "brand.toml").write_text(text, encoding="utf-8")
    for filename, content in (files or {}).items():
        target = folder / filename
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    return folder


# --- process groups ------------------------------------------------------------------------------


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. An exited process that only waits to be reaped
    (a zombie: its parent is gone, and reaping orphans is init's job) does not count."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


def group_ends(pgid: int, timeout: float) -> bool:
    """Whether every process of the group has exited within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not group_alive(pgid)


# --- printing through CUPS -----------------------------------------------------------------------

QUEUE = "handouts-pdf"
SPOOL = Path("/var/spool/handouts-cups-pdf")


def require_printer() -> None:
    """Skip unless the test queue exists; on CI (CI=true) its absence is a failure."""
    problem = None
    if shutil.which("lpstat") is None:
        problem = "lpstat is not installed"
    elif subprocess.run(["lpstat", "-v", QUEUE], capture_output=True, timeout=30).returncode != 0:
        problem = f"no CUPS queue {QUEUE!r} (run: bash .ci/setup test)"
    elif not SPOOL.is_dir():
        problem = f"no cups-pdf output folder {SPOOL}"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test printing for real: {problem}")
        pytest.skip(problem)


def require_lp() -> None:
    """Skip unless CUPS's lp is installed; on CI (CI=true) its absence is a failure."""
    if shutil.which("lp") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test printing for real: lp is not installed")
        pytest.skip("lp is not installed")


def job_ids(output: str) -> list[str]:
    """The job numbers in lp's "request id is handouts-pdf-12 (1 file(s))" lines."""
    return re.findall(rf"request id is {re.escape(QUEUE)}-(\d+) ", output)


def wait_for_printed(job: str, since: float, timeout: float = 60) -> Path:
    """The PDF cups-pdf writes for ``job`` ("<title>-job_<n>.pdf"), once it is whole."""
    pattern = re.compile(rf"job_{job}\.pdf$")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in SPOOL.iterdir():
            try:
                if pattern.search(path.name) and path.stat().st_mtime >= since - 1:
                    pypdf.PdfReader(path, strict=True).pages[0]  # whole: its trailer and pages parse
                    return path
            except (OSError, pypdf.errors.PdfReadError, ValueError, KeyError, IndexError):
                pass  # still being written
        time.sleep(0.25)
    raise AssertionError(f"job {job} did not arrive in {SPOOL} within {timeout:.0f} s")


def printed_pages(output: str, since: float) -> list[int]:
    """The page count of each job lp queued in ``output``, read from the PDFs cups-pdf wrote."""
    jobs = job_ids(output)
    assert jobs, output
    return [len(pypdf.PdfReader(wait_for_printed(job, since)).pages) for job in jobs]


# --- what a reader made of a document -------------------------------------------------------------

# The tiers a reader fills, urgent first, then what is never printed.
TIERS = ("serious_warnings", "urgent_signs", "side_effects", "reminders", "care_team_notes")


def tiers(record) -> dict[str, list[tuple]]:
    """Every item of the record by tier, as (title, text, frequency)."""
    return {name: [(i.title, i.text, i.frequency) for i in getattr(record, name)] for name in TIERS}


def unaccounted(path: Path, record, structure: set[str]) -> list[str]:
    """Lines of the page whose words are in no field of the record and in no ignored block, other than
    the page's structure (headings, lead-ins, boilerplate) that the test names: what was silently dropped."""
    from handouts.readers import drugscom
    from handouts.readers.text import item_key
    from handouts.rules.urgency import sentences

    held = [f"generic name {record.generic_name}", *record.brand_names, *(s.title or "" for s in record.sources)]
    for name in (*TIERS, "emergency_signs", "frequency_data", "uses"):
        held.extend(f"{i.title or ''} {i.text}" for i in getattr(record, name))
    held.extend(f"{i.text}" for i in (record.description, record.how_it_works) if i is not None)
    held.extend(block.text for block in record.ignored)
    everything = " | ".join(item_key(h) for h in held)
    lines = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip() in structure:
            continue
        # A line may be split across items (a call-now sentence moved, a prescriber sentence kept aside).
        if any(item_key(part) not in everything for part in sentences(drugscom._clean(line))):
            lines.append(line.strip())
    return lines
