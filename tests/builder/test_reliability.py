"""Reliability through the command line, as a clumsy user or an attacker would meet it (issue 18):
file names no two drugs share, no stale PDF called current, one build at a time per folder,
failures remembered only when the inputs cause them, links and FIFOs in sources/, read-only and
damaged output folders, Ctrl-C with --jobs, limits on what is read, and odd encodings."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from handouts.builder import cache, runner
from handouts.builder.options import BuildOptions
from handouts.record import DrugRecord, limits
from handouts.record.slug import slug as slug_of
from handouts.workspace import catalogue

from .. import pdfread
from ..helpers import REPO, group_alive, group_ends, invoke, record, run_handouts


def sign_record(name: str, sign: str, **fields) -> str:
    return record(name, urgent_signs=[sign], **fields)


def lines(text: str) -> list[str]:
    return text.splitlines()


def no_traceback(result) -> None:
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    assert "Traceback" not in output and "a bug in handouts" not in output, output
    if hasattr(result, "exception") and result.exception is not None:
        assert isinstance(result.exception, SystemExit), result.exception


# --- 18.2: two drugs, one file name ----------------------------------------------------------------


def test_greek_letters_and_accents_give_each_drug_its_own_pdf(make_workspace):
    root = make_workspace({
        "gamma.yaml": sign_record("interferon γ-1b", "Made-up gamma sign"),
        "beta.yaml": sign_record("interferon β-1b", "Made-up beta sign"),
        "cafe.yaml": sign_record("café", "Made-up cafe sign"),
        "caf.yaml": sign_record("caf", "Made-up caf sign"),
    })
    result = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert result.exit_code == 0, result.output
    out = root / "out"
    expected = {"interferon-g-1b.pdf": "gamma", "interferon-b-1b.pdf": "beta", "cafe.pdf": "cafe", "caf.pdf": "caf"}
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(expected)
    for name, word in expected.items():
        text = pdfread.text(out / name)
        assert f"Made-up {word} sign" in text, name
        others = set(expected.values()) - {word}
        assert not any(f"Made-up {other} sign" in text for other in others), name
    # Editing one drug rebuilds just it, and --force (a KeyError before) rebuilds them all.
    (root / "sources" / "beta.yaml").write_text(sign_record("interferon β-1b", "Edited beta sign"))
    again = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert sorted(lines(again.stdout)[:-1]) == sorted(
        [f"built {out / 'interferon-b-1b.pdf'}"] + [f"unchanged {out / n}" for n in expected if "-b-" not in n])
    assert "Edited beta sign" in pdfread.text(out / "interferon-b-1b.pdf")
    forced = invoke("build", "--strict", "-j", "1", "--force", "-w", str(root))
    no_traceback(forced)
    assert forced.exit_code == 0 and lines(forced.stdout)[-1] == "4 built, 0 unchanged, 0 failed"


def test_names_that_still_clash_are_numbered_and_both_drugs_are_told(make_workspace):
    root = make_workspace({
        "greek.yaml": sign_record("interferon γ-1b", "Made-up greek sign"),
        "latin.yaml": sign_record("interferon g-1b", "Made-up latin sign"),
    })
    result = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert result.exit_code == 0, result.output
    assert lines(result.stderr) == [
        "warning: 'interferon g-1b' (sources/latin.yaml), 'interferon γ-1b' (sources/greek.yaml) both make "
        "interferon-g-1b.pdf: written as interferon-g-1b-1.pdf, interferon-g-1b-2.pdf"
    ]
    out = root / "out"
    assert "Made-up latin sign" in pdfread.text(out / "interferon-g-1b-1.pdf")  # in the order of the names
    assert "Made-up greek sign" in pdfread.text(out / "interferon-g-1b-2.pdf")
    assert not (out / "interferon-g-1b.pdf").exists()
    listed = invoke("list", "-w", str(root))
    assert listed.stdout.count("NOTE: file name: interferon-g-1b.pdf would also be another drug's") == 2


def test_a_name_without_letters_or_digits_fails_naming_its_file(make_workspace):
    root = make_workspace({
        "marks.yaml": sign_record("???", "Made-up sign", brands=[]),
        "emoji.yaml": sign_record("🙂", "Made-up sign", brands=[]),
        "ok.yaml": record("okamab"),
    })
    result = invoke("build", "--strict", "-j", "1", "-w", str(root))
    no_traceback(result)
    assert result.exit_code == 1
    assert "FAILED ???: sources/marks.yaml: the generic name '???' has no letter or digit to name its PDF after" in result.stdout
    assert "FAILED 🙂: sources/emoji.yaml: the generic name '🙂' has no letter or digit" in result.stdout
    assert "1 built, 0 unchanged, 2 failed:" in lines(result.stdout)
    assert sorted(p.name for p in (root / "out").iterdir() if not p.name.startswith(".")) == ["okamab.pdf"]


SAFE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8))
def test_file_names_are_unique_non_empty_and_safe_for_any_drug_names(names):
    drugs = [catalogue.Drug(DrugRecord(generic_name=name), [f"sources/{n}.yaml"]) for n, name in enumerate(names)]
    catalogue._name_files(drugs)
    made = [d.filename for d in drugs if not d.problems]
    assert len(made) == len(set(made))  # no two drugs share a PDF
    for drug in drugs:
        if drug.problems:  # no letter or digit at all: refused, naming the file
            assert slug_of(drug.name) == "" and drug.files[0] in drug.problems[0]
            continue
        stem = drug.filename.removesuffix(".pdf")
        assert SAFE_NAME.fullmatch(stem), drug.filename
        assert len(drug.filename.encode()) <= 100
        assert stem not in {"con", "nul", "aux", "prn"}


def test_packet_file_name_transliterates_its_title(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab")})
    result = invoke("packet", "alfamab", "--title", "Τα φάρμακά σας", "--strict", "-w", str(root))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (root / "out").glob("packet-*.pdf")] == ["packet-ta-pharmaka-sas.pdf"]


# --- 18.4: stale PDFs called current -----------------------------------------------------------------


def test_a_source_edited_after_it_was_read_is_rebuilt_next_time(make_workspace):
    """The window of the race: the build read the file, then the pharmacist saved an edit before
    the build finished. The PDF has the old sign; the next build must not call it current."""
    root = make_workspace({"a.yaml": sign_record("alfamab", "Old made-up sign")})
    catalog = catalogue.load(root)  # the build reads its sources...
    (root / "sources" / "a.yaml").write_text(sign_record("alfamab", "New made-up sign"))  # ...the edit lands...
    (first,) = runner.build(root, catalog, (), BuildOptions(strict=True, jobs=1))  # ...the PDF is made
    assert first.status == "built" and "Old made-up sign" in pdfread.text(first.path)
    result = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert lines(result.stdout)[0] == f"built {root / 'out' / 'alfamab.pdf'}"
    assert "New made-up sign" in pdfread.text(root / "out" / "alfamab.pdf")


@pytest.mark.parametrize("damage", ["truncate", "replace", "edit"])
def test_a_damaged_or_changed_pdf_is_rebuilt_not_called_unchanged(make_workspace, damage):
    root = make_workspace({"a.yaml": record("alfamab"), "b.yaml": record("betamab")})
    assert invoke("build", "--strict", "-j", "1", "-w", str(root)).exit_code == 0
    out = root / "out"
    good = (out / "alfamab.pdf").read_bytes()
    if damage == "truncate":
        (out / "alfamab.pdf").write_bytes(good[: len(good) // 2])
    elif damage == "replace":
        shutil.copy(out / "betamab.pdf", out / "alfamab.pdf")  # betamab's warnings under alfamab's name
    else:
        (out / "alfamab.pdf").write_bytes(good.replace(b"Fictional", b"Fictionul", 1) if b"Fictional" in good
                                          else good + b"\n% edited\n")
    result = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert lines(result.stdout) == [f"unchanged {out / 'betamab.pdf'}", f"built {out / 'alfamab.pdf'}",
                                    "1 built, 1 unchanged, 0 failed"]
    assert (out / "alfamab.pdf").read_bytes() == good


def test_a_second_build_into_the_same_folder_waits_and_says_for_whom(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab")})
    out = root / "out"
    out.mkdir()
    with cache.locked(out):  # a first build holds the folder
        holder = (out / cache.LOCK).read_text()
        assert f"process {os.getpid()}" in holder
        second = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--strict", "-j", "1"], cwd=root,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            waiting = second.stderr.readline()
            assert waiting.startswith("waiting for the other build into out to finish (handouts build, process "
                                      f"{os.getpid()} "), waiting
            with pytest.raises(subprocess.TimeoutExpired):  # it waits: it does not end while the lock is held
                second.wait(timeout=0.5)
            assert not list(out.glob("*.pdf"))  # and wrote nothing meanwhile
        except BaseException:
            second.kill()
            raise
    stdout, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr
    assert lines(stdout) == ["built out/alfamab.pdf", "1 built, 0 unchanged, 0 failed"]


def test_two_builds_at_once_leave_a_manifest_that_tells_the_truth(make_workspace):
    """Letter and A4 builds started together: whichever ran last, what the manifest calls
    current is what is on disk."""
    root = make_workspace({f"{n}.yaml": record(n) for n in ("alfamab", "betamab", "gammamab")})
    builds = [subprocess.Popen([sys.executable, "-m", "handouts", "build", "--strict", "-j", "1", *paper], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for paper in ([], ["--paper", "a4"])]
    for process in builds:
        process.communicate(timeout=120)
        assert process.returncode == 0
    for paper in ("letter", "a4"):
        result = run_handouts("build", "--strict", "-j", "1", "--paper", paper, cwd=root)
        widths = {round(float(pdfread.pypdf.PdfReader(p).pages[0].mediabox.width)) for p in (root / "out").glob("*.pdf")}
        assert widths == {612 if paper == "letter" else 595}, (paper, result.stdout)


# --- 18.5: only failures the inputs cause are remembered ---------------------------------------------


def test_a_folder_in_the_pdfs_place_is_not_remembered_as_the_drugs_failure(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab")})
    (root / "out" / "alfamab.pdf").mkdir(parents=True)
    first = invoke("build", "--strict", "-j", "1", "-w", str(root))
    no_traceback(first)
    assert first.exit_code == 1
    assert lines(first.stdout)[0] == f"FAILED alfamab: cannot write {root / 'out' / 'alfamab.pdf'}: Is a directory"
    (root / "out" / "alfamab.pdf").rmdir()
    second = invoke("build", "--strict", "-j", "1", "-w", str(root))
    assert second.exit_code == 0 and lines(second.stdout)[-1] == "1 built, 0 unchanged, 0 failed"


def _namespace_shell(script: str, root: Path) -> subprocess.CompletedProcess:
    """Run ``script`` in a private mount namespace (as root: mounts seen by nothing else)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a full or read-only output folder")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace: {probe.stderr.decode().strip()}")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], cwd=root,
                          capture_output=True, text=True, timeout=180, env=env)


def test_a_full_disk_is_not_remembered_as_the_drugs_failure(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab")})
    (root / "out").mkdir()
    py = f"{sys.executable} -m handouts build --strict -j 1"
    done = _namespace_shell(
        f"mount -t tmpfs -o size=8k none out && {py}; echo rc=$?; "
        f"mount -o remount,size=10m out && {py}; echo rc=$?", root)
    output = done.stdout.splitlines()
    assert "Traceback" not in done.stdout + done.stderr
    assert output[0] == "FAILED alfamab: cannot write out/alfamab.pdf: No space left on device", done
    assert output[1:4] == ["0 built, 0 unchanged, 1 failed:",
                           "  alfamab: cannot write out/alfamab.pdf: No space left on device", "rc=1"]
    assert output[4:] == ["built out/alfamab.pdf", "1 built, 0 unchanged, 0 failed", "rc=0"], done


# --- 18.6: links and FIFOs in sources/ ---------------------------------------------------------------


def test_links_leaving_the_workspace_are_refused_and_odd_entries_reported(make_workspace, tmp_path):
    root = make_workspace({"real.yaml": record("realamab")})
    sources = root / "sources"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "outside.yaml").write_text(sign_record("outsidemab", "Made-up outside sign"))
    (root / "shared").mkdir()
    (root / "shared" / "inside.yaml").write_text(record("insidemab"))
    (sources / "passwd").symlink_to("/etc/passwd")
    (sources / "outside.yaml").symlink_to(outside / "outside.yaml")
    (sources / "inside.yaml").symlink_to("../shared/inside.yaml")  # inside the workspace: read
    (sources / "folder").symlink_to("../shared")
    (sources / "dangling.yaml").symlink_to("nowhere.yaml")
    os.mkfifo(sources / "pipe.yaml")  # opening it to read would block the build forever
    result = run_handouts("build", "--strict", "-j", "1", cwd=root, timeout=60)
    assert result.returncode == 1
    assert sorted(lines(result.stderr)) == [
        "error: sources/dangling.yaml: a link to nowhere.yaml, which does not exist: not read",
        "error: sources/folder: a link to the folder ../shared: not followed (move or copy the files into sources/)",
        f"error: sources/outside.yaml: a link to {outside / 'outside.yaml'}, outside the workspace: refused",
        "error: sources/passwd: a link to /etc/passwd, outside the workspace: refused",
        "error: sources/pipe.yaml: not a regular file (a FIFO): not read",
    ]
    assert lines(result.stdout) == ["built out/insidemab.pdf", "built out/realamab.pdf", "2 built, 0 unchanged, 0 failed"]
    listed = run_handouts("list", "--json", cwd=root)
    assert listed.returncode == 2
    assert "root:" not in listed.stdout and "outsidemab" not in listed.stdout


# --- 18.7: read-only and damaged output folders --------------------------------------------------------


def test_a_read_only_output_folder_gives_one_line_per_drug_and_the_summary(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab"), "b.yaml": record("betamab")})
    assert run_handouts("build", "--strict", "-j", "1", cwd=root).returncode == 0
    # A drug whose failure is worth remembering: the manifest must be written, and cannot be.
    (root / "sources" / "n.yaml").write_text(record("nonamab", urgent_signs=[]))
    for name in ("a.yaml", "b.yaml"):  # edit both, so both must be written again
        path = root / "sources" / name
        path.write_text(path.read_text() + "# edited\n")
    done = _namespace_shell(
        f"mount --bind out out && mount -o remount,ro,bind out out && {sys.executable} -m handouts build --strict -j 1",
        root)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert lines(done.stdout) == [
        "FAILED alfamab: cannot write out/alfamab.pdf: Read-only file system",
        "FAILED betamab: cannot write out/betamab.pdf: Read-only file system",
        "FAILED nonamab: no urgent warning signs: cannot make a handout; next: fill in urgent_signs in "
        "sources/n.yaml",
        "0 built, 0 unchanged, 3 failed:",
        "  alfamab: cannot write out/alfamab.pdf: Read-only file system",
        "  betamab: cannot write out/betamab.pdf: Read-only file system",
        "  nonamab: no urgent warning signs: cannot make a handout",
    ]
    assert lines(done.stderr) == [f"error: out/{cache.MANIFEST}: cannot record what was built "
                                  "(Read-only file system): the next build makes these handouts again"]


# --- 18.8: Ctrl-C with --jobs ---------------------------------------------------------------------------


def _first_line(pipe) -> str:
    """A line from an unbuffered pipe, a byte at a time (to its end, if it ends first)."""
    line = b""
    while not line.endswith(b"\n"):
        byte = pipe.read(1)
        if not byte:
            break
        line += byte
    return line.decode()


def test_ctrl_c_with_two_jobs_stops_the_workers_and_reports_what_was_finished(make_workspace):
    names = [f"stopamab{n:02d}" for n in range(40)]
    root = make_workspace({f"{n}.yaml": record(n) for n in names})
    out = root / "out"
    # Unbuffered, and the first line read a byte at a time: communicate() reads the pipe itself,
    # so a second line already in a reader's buffer would be lost to the test, not to the user.
    process = subprocess.Popen([sys.executable, "-m", "handouts", "build", "--strict", "-j", "2"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, start_new_session=True,
                               env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        first = _first_line(process.stdout)  # the first handout is made and told...
        assert first.startswith("built out/"), first
        process.send_signal(signal.SIGINT)  # ...then Ctrl-C, to the build process only, as `kill -INT PID`
        rest, stderr = (out.decode() for out in process.communicate(timeout=30))
        stdout = first + rest
        assert process.returncode == 130, stderr
        assert group_ends(process.pid, 10), "workers went on after Ctrl-C"
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    assert "Traceback" not in stderr and "Aborted!" not in stderr
    told = [line.removeprefix("built out/").removesuffix(".pdf") for line in lines(stdout)[:-1]]
    assert told and all(line.startswith("built out/") for line in lines(stdout)[:-1])
    assert lines(stdout)[-1] == f"{len(told)} built, 0 unchanged, 0 failed"
    left = len(names) - len(told)
    first_left = ", ".join([n for n in names if n not in told][:5])
    assert lines(stderr) == [f"interrupted: {left} not made ({first_left} and {left - 5} more); "
                             "run the build again to make them"]
    assert left > 10  # stopped early, not after the queue was built
    time.sleep(1)  # nothing more is written once the build has exited
    on_disk = {p.stem for p in out.glob("*.pdf")}
    assert set(told) <= on_disk and len(on_disk) <= len(told) + 2  # at most the two being written
    assert sorted(cache.read_manifest(out)) == sorted(f"{n}.pdf" for n in told)
    again = run_handouts("build", "--strict", "-j", "2", cwd=root, timeout=180)
    assert again.returncode == 0
    assert lines(again.stdout)[-1] == f"{left} built, {len(told)} unchanged, 0 failed"


# --- 18.10: limits --------------------------------------------------------------------------------------


def _yaml_with(**fields) -> str:
    return yaml.safe_dump({"generic_name": "bigamab", "urgent_signs": ["Made-up sign"], **fields})


LIMIT_CASES = {
    "file size": ("big.yaml", lambda: "generic_name: bigamab\nurgent_signs: [Made-up sign]\nhow_it_works: "
                  + "word " * (limits.MAX_FILE_BYTES // 5) + "\n",
                  "sources/big.yaml: too large to be a drug document ("),
    "aliases": ("big.yaml", lambda: "generic_name: bigamab\nurgent_signs: [&a Made-up sign]\nreminders: ["
                + ", ".join(["*a"] * 100_000) + "]\n",
                f"sources/big.yaml:3: more than {limits.MAX_YAML_ALIASES} YAML aliases (*name)"),
    "nesting": ("big.yaml", lambda: "generic_name: bigamab\nreminders: " + "[" * 100_000 + "]" * 100_000 + "\n",
                f"sources/big.yaml:2: nested more than {limits.MAX_YAML_DEPTH} levels deep"),
    "items": ("big.yaml", lambda: _yaml_with(reminders=[f"Made-up reminder {n}" for n in range(8000)]),
              f"sources/big.yaml:3: reminders: 8,000 items, more than the limit of {limits.MAX_ITEMS}"),
    "item length": ("big.yaml", lambda: _yaml_with(how_it_works="word " * 10_000),
                    f"sources/big.yaml:2: how_it_works: 50,000 characters, more than the limit of "
                    f"{limits.MAX_ITEM_CHARS:,} for one item"),
    "total": ("big.yaml", lambda: _yaml_with(reminders=[("safe " * 400)[:1900] for _ in range(40)]),
              f"sources/big.yaml: 75,972 characters of text, more than the limit of {limits.MAX_RECORD_CHARS:,}"),
    "raw page items": ("big.txt", lambda: _drugscom_with("".join(f"  • Made-up sign number {n}.\n" for n in range(30_000))),
                       "sources/big.txt: urgent_signs: 30,"),
}


def _drugscom_with(bullets: str) -> str:
    return ("Zorbamab Side Effects\n\nGeneric Name: zorbamab\n\nFor the Consumer\n\n"
            "What are some side effects that I need to call my doctor about right away?\n\n" + bullets
            + "\nWhat are some other side effects of this drug?\n\n  • Made-up headache.\n")


@pytest.mark.parametrize("case", LIMIT_CASES)
def test_inputs_past_a_limit_fail_in_one_line_before_any_layout(make_workspace, case):
    filename, make, expected = LIMIT_CASES[case]
    root = make_workspace({filename: make(), "ok.yaml": record("okamab")})
    result = run_handouts("build", "--strict", "-j", "1", cwd=root, timeout=60)
    assert result.returncode == 1
    assert len(lines(result.stderr)) == 1 and lines(result.stderr)[0].startswith(f"error: {expected}"), result.stderr
    assert lines(result.stdout) == ["built out/okamab.pdf", "1 built, 0 unchanged, 0 failed"]  # the others still built


# --- 18.11: encodings and nesting ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_named_as_such(make_workspace, encoding):
    root = make_workspace({"wide.yaml": record("widamab").encode(encoding)})
    result = invoke("list", "-w", str(root))
    assert result.exit_code == 2
    assert lines(result.stderr) == ["error: sources/wide.yaml: UTF-16 text: save it as UTF-8"]


def test_deep_nesting_in_a_cancer_gov_page_is_one_line_not_a_bug(make_workspace):
    page = "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n\n# Zorbamab\n\nText.\n"
    root = make_workspace({"deep.md": page})
    result = invoke("list", "-w", str(root))
    assert result.exit_code == 2
    (line,) = lines(result.stderr)
    assert line.startswith("error: sources/deep.md") and "bug" not in line, line
