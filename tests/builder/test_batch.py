"""Building many handouts at once: failures that stop nothing, parallel builds, incremental
rebuilds, progress lines, a build killed midway, and printing through CUPS."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from handouts.builder import cache, runner
from handouts.builder.options import BuildOptions
from handouts.workspace import catalogue

from .. import pdfread
from ..helpers import (
    QUEUE,
    group_alive,
    group_ends,
    invoke,
    printed_pages,
    record,
    require_lp,
    require_printer,
    run_handouts,
)
from ..helpers import build_all as build_any

HUGE_URGENT = [f"A very long made-up urgent sign number {n} that takes up a lot of room on the page" for n in range(150)]
BAD_YAML = "generic_name: badamab\nurgent_signs: [one, two\nbrands: Badra\n"


def build_all(root: Path, *names: str, **options) -> list[runner.Result]:
    """Built in one process unless a test asks for more."""
    return build_any(root, *names, **{"jobs": 1, **options})


def three_drugs(make_workspace) -> Path:
    return make_workspace({f"{name}.yaml": record(name) for name in ("alfamab", "betamab", "gammamab")})


def snapshot(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file in the output folder, hidden ones too: (inode, mtime in ns, bytes); but the lock
    file, which each build rewrites with who holds it."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.iterdir()) if p.name != cache.LOCK}


def statuses(results: list[runner.Result]) -> dict[str, str]:
    return {r.drug: r.status for r in results}


# --- one bad drug or file never stops the others -------------------------------------------------


@pytest.fixture
def broken_workspace(make_workspace) -> Path:
    return make_workspace({
        "alfamab.yaml": record("alfamab"),
        "hugamab.yaml": record("hugamab", urgent_signs=HUGE_URGENT),  # urgent content cannot fit
        "nonamab.yaml": record("nonamab", urgent_signs=[]),  # nothing urgent: no handout
        "bad.yaml": BAD_YAML,  # not even YAML
        "zetamab.yaml": record("zetamab"),
    })


def test_broken_records_fail_alone_and_exit_1_naming_them(broken_workspace):
    result = invoke("build", "--strict", "--jobs", "1", "-w", str(broken_workspace))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    out = broken_workspace / "out"
    lines = result.stdout.splitlines()
    assert lines == [
        f"built {out / 'alfamab.pdf'}",
        f"FAILED hugamab: {lines[1].split(': ', 1)[1]}",
        "FAILED nonamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in sources/nonamab.yaml",
        f"built {out / 'zetamab.pdf'}",
        "2 built, 0 unchanged, 2 failed:",  # one line per reason, in the order of the reasons
        "  nonamab: no urgent warning signs: cannot make a handout",
        f"  hugamab: {lines[1].split(': ', 1)[1].split('; next:')[0]}",  # the summary names the reason only
    ]
    assert re.fullmatch(r"FAILED hugamab: the urgent warnings alone do not fit on one page at the smallest "
                        r"type; they overflow by \d+ mm \(\d+ pt\) \(\d+ serious warnings with \d+ signs, \d+ urgent "
                        r"signs, \d+ emergency signs\); next: .*shorten serious_warnings and urgent_signs in \S+", lines[1])
    assert result.stderr.startswith("error: sources/bad.yaml:3: YAML syntax error")
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in out.glob("*.pdf")) == ["alfamab.pdf", "zetamab.pdf"]
    assert not list(out.glob(".*.tmp"))


def test_a_bad_yaml_file_alone_still_exits_1(make_workspace):
    root = make_workspace({"alfamab.yaml": record("alfamab"), "bad.yaml": BAD_YAML})
    result = invoke("build", "--strict", "-w", str(root))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 built, 0 unchanged, 0 failed"
    assert "sources/bad.yaml:3" in result.stderr
    assert (root / "out" / "alfamab.pdf").is_file()


def test_broken_records_through_the_api(broken_workspace):
    catalog = catalogue.load(broken_workspace)
    assert [(e.path, e.line) for e in catalog.errors] == [("sources/bad.yaml", 3)]
    heard = []
    results = runner.build(broken_workspace, catalog, (), BuildOptions(strict=True, jobs=2), on_result=heard.append)
    assert [(r.drug, r.status) for r in results] == [
        ("alfamab", "built"), ("hugamab", "failed"), ("nonamab", "failed"), ("zetamab", "built"),
    ]
    assert sorted(r.drug for r in heard) == ["alfamab", "hugamab", "nonamab", "zetamab"]
    by_name = {r.drug: r for r in results}
    assert "overflow by" in by_name["hugamab"].message and by_name["hugamab"].path is None
    assert by_name["nonamab"].message.startswith("no urgent warning signs: cannot make a handout; next: ")
    for name in ("alfamab", "zetamab"):
        assert pdfread.pages(by_name[name].path) == 1
    # Failed drugs have no fingerprint, so the next build tries them again (and only them).
    manifest = cache.read_manifest(broken_workspace / "out")
    assert sorted(manifest) == ["alfamab.pdf", "hugamab.pdf", "nonamab.pdf", "zetamab.pdf"]
    # Failures are remembered with their inputs, so an unchanged rebuild reports them without a layout.
    assert manifest["nonamab.pdf"].failed == by_name["nonamab"].message
    assert manifest["nonamab.pdf"].pdf is None and manifest["alfamab.pdf"].failed is None
    again = runner.build(broken_workspace, catalogue.load(broken_workspace), (), BuildOptions(strict=True, jobs=1))
    assert [r.status for r in again] == ["unchanged", "failed", "failed", "unchanged"]


# --- parallel builds ------------------------------------------------------------------------------


def test_jobs_2_gives_the_same_bytes_as_jobs_1_in_selection_order(make_workspace, tmp_path):
    names = ["midamab", "zetamab", "alfamab", "kappamab", "betamab"]
    root = make_workspace({f"{n}.yaml": record(n) for n in names})
    chosen = ["Zetamabra", "alfamab", "MIDAMAB", "kappamab", "betamab"]  # brand, generic, any case
    one = build_all(root, *chosen, output=tmp_path / "one", jobs=1)
    two = build_all(root, *chosen, output=tmp_path / "two", jobs=2)
    expected = ["zetamab", "alfamab", "midamab", "kappamab", "betamab"]
    assert [r.drug for r in one] == expected
    assert [r.drug for r in two] == expected
    assert [r.status for r in two] == ["built"] * 5
    for a, b in zip(one, two):
        assert a.path.name == b.path.name and a.path.parent == tmp_path / "one" and b.path.parent == tmp_path / "two"
        assert a.path.read_bytes() == b.path.read_bytes(), a.drug
    # The manifests agree too: the fingerprints do not depend on how the PDFs were made.
    assert cache.read_manifest(tmp_path / "one") == cache.read_manifest(tmp_path / "two")


def test_jobs_2_from_the_command_line_in_a_subprocess(make_workspace):
    """stderr is a pipe, not a terminal: plain lines, one per handout, on stdout, then the summary."""
    root = make_workspace({f"{n}.yaml": record(n) for n in ("alfamab", "betamab", "gammamab", "deltamab")})
    done = run_handouts("build", "--strict", "--jobs", "2", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert sorted(lines[:-1]) == [f"built out/{n}.pdf" for n in ("alfamab", "betamab", "deltamab", "gammamab")]
    assert lines[-1] == "4 built, 0 unchanged, 0 failed"
    again = run_handouts("build", "--strict", "--jobs", "2", cwd=root)
    assert again.stdout.splitlines() == [f"unchanged out/{n}.pdf" for n in ("alfamab", "betamab", "deltamab", "gammamab")] + [
        "0 built, 4 unchanged, 0 failed"]


# --- incremental builds ---------------------------------------------------------------------------


def test_second_build_is_unchanged_and_writes_nothing(make_workspace):
    root = three_drugs(make_workspace)
    out = root / "out"
    first = invoke("build", "--strict", "--jobs", "1", "-w", str(root))
    assert first.exit_code == 0 and first.stdout.splitlines()[-1] == "3 built, 0 unchanged, 0 failed"
    before = snapshot(out)
    assert sorted(before) == [cache.MANIFEST, "alfamab.pdf", "betamab.pdf", "gammamab.pdf"]
    time.sleep(0.01)  # so a rewrite would show in the mtimes
    second = invoke("build", "--strict", "--jobs", "1", "-w", str(root))
    assert second.exit_code == 0
    assert second.stdout.splitlines() == [f"unchanged {out / n}.pdf" for n in ("alfamab", "betamab", "gammamab")] + [
        "0 built, 3 unchanged, 0 failed"]
    assert snapshot(out) == before  # same inodes, same mtimes, same bytes, manifest included


def test_changing_one_record_rebuilds_only_that_drug(make_workspace):
    root = three_drugs(make_workspace)
    build_all(root)
    before = snapshot(root / "out")
    (root / "sources" / "betamab.yaml").write_text(
        record("betamab", urgent_signs=["Fictional sign one", "A new fictional sign"]), encoding="utf-8")
    results = build_all(root)
    assert statuses(results) == {"alfamab": "unchanged", "betamab": "built", "gammamab": "unchanged"}
    after = snapshot(root / "out")
    for name in ("alfamab.pdf", "gammamab.pdf"):
        assert after[name] == before[name]
    assert after["betamab.pdf"][2] != before["betamab.pdf"][2]
    assert "A new fictional sign" in pdfread.text(root / "out" / "betamab.pdf")
    assert statuses(build_all(root)) == dict.fromkeys(("alfamab", "betamab", "gammamab"), "unchanged")


def test_a_new_source_file_for_one_drug_rebuilds_only_it(make_workspace):
    root = three_drugs(make_workspace)
    build_all(root)
    # A patient sheet about gammamab (by its brand name) merges into it.
    (root / "sources" / "gammamab-sheet.txt").write_text(
        "gammamab\n\nBrand Name(s)\n\n- United States: Gammamabra\n\n"
        "Call your care team now if you have any of these symptoms at any time:\n\n- A sheet-only fictional sign.\n\n"
        "Last reviewed: 2025-06-01\n", encoding="utf-8")
    catalog = catalogue.load(root)
    assert not catalog.errors, catalog.errors
    assert catalog.find("gammamab").files == ["sources/gammamab-sheet.txt", "sources/gammamab.yaml"]
    assert statuses(build_all(root)) == {"alfamab": "unchanged", "betamab": "unchanged", "gammamab": "built"}


@pytest.mark.parametrize("change", ["template", "brand", "workspace brand", "paper", "force"])
def test_changes_that_touch_every_page_rebuild_all(make_workspace, change):
    root = three_drugs(make_workspace)
    build_all(root)
    before = snapshot(root / "out")
    options = {}
    if change == "template":
        (root / "templates").mkdir()
        (root / "templates" / "handout.html").write_text('{% extends "builtin/handout.html" %}\n', encoding="utf-8")
    elif change == "brand":
        options["brand"] = "northside"
    elif change == "workspace brand":
        (root / "handouts.toml").write_text('brand = "northside"\n', encoding="utf-8")
    elif change == "paper":
        options["paper"] = "a4"
    else:
        options["force"] = True
    results = build_all(root, **options)
    assert [r.status for r in results] == ["built"] * 3
    after = snapshot(root / "out")
    for name in ("alfamab.pdf", "betamab.pdf", "gammamab.pdf"):
        assert after[name][:2] != before[name][:2], name  # written again
    if change == "paper":
        box = pypdf.PdfReader(root / "out" / "alfamab.pdf").pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    if change in ("brand", "workspace brand"):
        assert "Northside Cancer Center" in pdfread.text(root / "out" / "alfamab.pdf")
    if change != "force":
        # and then it is the new normal: nothing to do
        assert [r.status for r in build_all(root, **options)] == ["unchanged"] * 3


def test_editing_a_workspace_template_override_rebuilds_all(make_workspace):
    root = three_drugs(make_workspace)
    (root / "templates").mkdir()
    override = root / "templates" / "handout.html"
    override.write_text('{% extends "builtin/handout.html" %}\n', encoding="utf-8")
    build_all(root)
    assert [r.status for r in build_all(root)] == ["unchanged"] * 3
    override.write_text('{% extends "builtin/handout.html" %}\n{# edited #}\n', encoding="utf-8")
    assert [r.status for r in build_all(root)] == ["built"] * 3


def test_deleting_a_pdf_rebuilds_just_it(make_workspace):
    root = three_drugs(make_workspace)
    build_all(root)
    before = snapshot(root / "out")
    (root / "out" / "betamab.pdf").unlink()
    results = build_all(root)
    assert statuses(results) == {"alfamab": "unchanged", "betamab": "built", "gammamab": "unchanged"}
    after = snapshot(root / "out")
    assert after["betamab.pdf"][2] == before["betamab.pdf"][2]  # same inputs, same bytes
    assert after["alfamab.pdf"] == before["alfamab.pdf"]


@pytest.mark.parametrize("damage", [
    b'{"alfamab.pdf": "0123', b"\xff\xfe\x00\x01 not text", b"", b"[1, 2, 3]", b"null", b'"a string"',
    b'{"alfamab.pdf": 5, "betamab.pdf": ["x"], "7": null}',
    b'{"alfamab.pdf": "not-a-fingerprint", "betamab.pdf": ""}',
], ids=["truncated", "binary", "empty", "list", "null", "string", "wrong-types", "wrong-fingerprints"])
def test_damaged_manifest_rebuilds_everything_safely(make_workspace, damage):
    root = make_workspace({f"{name}.yaml": record(name) for name in ("alfamab", "betamab")})
    build_all(root)
    before = snapshot(root / "out")
    (root / "out" / cache.MANIFEST).write_bytes(damage)
    results = build_all(root)
    assert [r.status for r in results] == ["built"] * 2
    after = snapshot(root / "out")
    for name in ("alfamab.pdf", "betamab.pdf"):
        assert after[name][2] == before[name][2]  # the same PDFs again
    assert after[cache.MANIFEST][2] == before[cache.MANIFEST][2]  # and the manifest repaired
    assert [r.status for r in build_all(root)] == ["unchanged"] * 2


def test_manifest_that_is_a_folder_fails_in_one_line_after_the_summary(make_workspace):
    root = three_drugs(make_workspace)
    (root / "out" / cache.MANIFEST).mkdir(parents=True)
    assert cache.read_manifest(root / "out") == {}
    result = invoke("build", "--strict", "--jobs", "1", "-w", str(root))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout.splitlines()[-1] == "3 built, 0 unchanged, 0 failed"
    assert result.stderr.splitlines() == [
        f"error: {root / 'out' / cache.MANIFEST}: cannot record what was built (Is a directory): "
        "the next build makes these handouts again"
    ]
    for name in ("alfamab", "betamab", "gammamab"):
        assert pdfread.pages(root / "out" / f"{name}.pdf") == 1


def test_a_build_stopped_midway_never_leaves_a_pdf_listed_under_old_inputs(make_workspace, monkeypatch):
    """Ctrl-C during an --paper a4 build, after one a4 PDF was written: going back to letter must
    rebuild that PDF, not call it unchanged."""
    root = three_drugs(make_workspace)
    build_all(root)  # letter
    real = runner.build_drug

    def interrupted_after_one(drug, ctx, known=None):
        real(drug, ctx, known)  # the PDF is written...
        raise KeyboardInterrupt  # ...and then the user stops the build

    monkeypatch.setattr(runner, "build_drug", interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        build_all(root, paper="a4")
    monkeypatch.undo()
    box = pypdf.PdfReader(root / "out" / "alfamab.pdf").pages[0].mediabox
    assert round(float(box.width)) == 595  # alfamab is now a4 on disk
    results = build_all(root)  # letter again
    # The others were never rewritten, but were about to be: rebuilding them too is the safe side.
    assert statuses(results)["alfamab"] == "built"
    for name in ("alfamab", "betamab", "gammamab"):
        box = pypdf.PdfReader(root / "out" / f"{name}.pdf").pages[0].mediabox
        assert round(float(box.width)) == 612, name
    assert [r.status for r in build_all(root)] == ["unchanged"] * 3


# --- progress -------------------------------------------------------------------------------------


def test_progress_lines_and_summary_when_stderr_is_not_a_terminal(make_workspace):
    root = make_workspace({
        "alfamab.yaml": record("alfamab"), "betamab.yaml": record("betamab"),
        "nonamab.yaml": record("nonamab", urgent_signs=[]),
    })
    build_all(root, "alfamab")
    result = invoke("build", "--strict", "--jobs", "1", "-w", str(root))
    out = root / "out"
    assert result.stderr == ""  # no progress bar
    assert result.stdout.splitlines() == [
        f"unchanged {out / 'alfamab.pdf'}",
        f"built {out / 'betamab.pdf'}",
        "FAILED nonamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in "
        "sources/nonamab.yaml",
        "1 built, 1 unchanged, 1 failed:",
        "  nonamab: no urgent warning signs: cannot make a handout",
    ]
    assert result.exit_code == 1


# --- a build killed midway ------------------------------------------------------------------------


def wait_for_a_pdf(process: subprocess.Popen, out: Path, timeout: float = 60) -> None:
    """Until the build has written its first PDF; fails if it ended first."""
    deadline = time.monotonic() + timeout
    while not list(out.glob("*.pdf")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build finished (or died) before it could be stopped"


def test_killed_build_leaves_no_truncated_pdf_and_the_next_build_completes(make_workspace):
    names = [f"killamab{chr(ord('a') + n)}" for n in range(20)]
    root = make_workspace({f"{n}.yaml": record(n) for n in names})
    out = root / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "handouts", "build", "--strict", "--jobs", "2"], cwd=root,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        wait_for_a_pdf(process, out)
        os.kill(process.pid, signal.SIGKILL)  # the build process only, as `kill -9 PID` would
        assert process.wait(10) == -signal.SIGKILL
        # Its worker processes notice and exit by themselves, rather than idling forever.
        assert group_ends(process.pid, 15), "worker processes outlived the killed build"
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    pdfs = sorted(out.glob("*.pdf"))
    assert 1 <= len(pdfs) < len(names), "not killed midway"
    for path in pdfs:
        assert len(pypdf.PdfReader(path, strict=True).pages) == 1, path.name

    # What a kill in the middle of a write leaves: temporaries, never a PDF under its real name.
    (out / f".{names[-1]}.pdf.x1y2z3.tmp").write_bytes(b"%PDF-1.7\n% half a PDF")
    (out / f".{cache.MANIFEST}.q9w8e7.tmp").write_bytes(b'{"killamaba.pdf": "')
    results = build_all(root)
    assert [r.drug for r in results] == names
    assert all(r.status in ("built", "unchanged") for r in results), [r.message for r in results if not r.ok]
    assert sorted(p.name for p in out.iterdir()) == sorted([cache.MANIFEST, cache.LOCK] + [f"{n}.pdf" for n in names])
    for name in names:
        assert pdfread.pages(out / f"{name}.pdf") == 1
    assert sorted(cache.read_manifest(out)) == [f"{n}.pdf" for n in names]


# --- printing -------------------------------------------------------------------------------------


def test_build_print_sends_each_pdf_to_the_queue(make_workspace):
    require_printer()
    root = make_workspace({"alfamab.yaml": record("alfamab"), "betamab.yaml": record("betamab")})
    since = time.time()
    result = invoke("build", "--strict", "--jobs", "1", "-w", str(root), "--print", "--printer", QUEUE)
    assert result.exit_code == 0, result.output
    printing = [line for line in result.stdout.splitlines() if line.startswith("printing: request id is")]
    assert len(printing) == 2
    assert printed_pages(result.stdout, since) == [1, 1]
    assert (root / "out" / "alfamab.pdf").is_file() and (root / "out" / "betamab.pdf").is_file()


def test_build_print_to_an_unknown_queue_fails_clearly_and_keeps_the_pdf(make_workspace):
    require_lp()
    root = make_workspace({"alfamab.yaml": record("alfamab")})
    result = invoke("build", "--strict", "-w", str(root), "--print", "--printer", "no-such-queue-here")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    error = result.stderr.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("Error: printing alfamab.pdf failed: "), result.stderr
    assert pdfread.pages(root / "out" / "alfamab.pdf") == 1


def test_build_print_without_lp_fails_clearly_and_keeps_the_pdf(make_workspace, tmp_path):
    root = make_workspace({"alfamab.yaml": record("alfamab")})
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = invoke("build", "--strict", "--jobs", "1", "-w", str(root), "--print", env={"PATH": str(empty)})
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: cannot print: the CUPS 'lp' command is not installed (Debian: apt-get install cups-client)")
    assert result.stdout.splitlines()[-1] == "1 built, 0 unchanged, 0 failed"
    assert pdfread.pages(root / "out" / "alfamab.pdf") == 1
