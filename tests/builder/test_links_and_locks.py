"""Nothing is written through a link (issue 27.1), and a packet holds its folder as a build does
(27.11): a workspace from someone else may hold links, FIFOs and folders where handouts writes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from handouts.builder import cache
from handouts.builder.options import BuildOptions
from handouts.serve import PREVIEW, Preview

from ..attacks import namespace_shell, no_traceback, record, run_handouts, snapshot, victims

BUILT = ["built out/alfamab.pdf", "1 built, 0 unchanged, 0 failed"]


@pytest.fixture
def workspace(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab")})
    (root / "out").mkdir()
    return root


@pytest.mark.parametrize("target", ["precious.txt", "new.txt"])
def test_a_link_at_the_lock_is_replaced_never_written_through(workspace, tmp_path, target):
    """The lock was opened through the link and truncated: any file the user can write (or a
    new one, through a link to nowhere) got "handouts build, process ...". """
    outside = tmp_path / "outside"
    before = victims(outside)
    (workspace / "out" / cache.LOCK).symlink_to(outside / target)
    done = run_handouts("build", "--strict", "-j", "1", cwd=workspace)
    no_traceback(done)
    assert (done.returncode, done.stdout.splitlines()) == (0, BUILT), done.stderr
    assert snapshot(outside) == before
    lock = workspace / "out" / cache.LOCK
    assert not lock.is_symlink() and lock.is_file()


def test_serve_replaces_a_link_at_the_preview_lock(workspace, tmp_path):
    outside = tmp_path / "outside"
    before = victims(outside)
    (workspace / PREVIEW).mkdir(parents=True)
    (workspace / PREVIEW / cache.LOCK).symlink_to(outside / "bashrc")
    state = Preview(workspace, BuildOptions(strict=True)).rebuild()
    assert state.problem is None and [e.result.status for e in state.entries.values()] == ["built"]
    assert snapshot(outside) == before
    assert not (workspace / PREVIEW / cache.LOCK).is_symlink()


@pytest.mark.parametrize("name", [cache.LOCK, cache.MANIFEST])
def test_a_fifo_at_the_lock_or_the_manifest_is_replaced_not_opened(workspace, name):
    """A FIFO at the manifest blocked the build for good; one at the lock gave a traceback."""
    os.mkfifo(workspace / "out" / name)
    done = run_handouts("build", "--strict", "-j", "1", cwd=workspace, timeout=90)
    no_traceback(done)
    assert (done.returncode, done.stdout.splitlines()) == (0, BUILT), done.stderr
    assert (workspace / "out" / name).is_file()


def test_a_pdf_or_manifest_linked_elsewhere_is_made_again_in_its_place(workspace, tmp_path):
    """A link to a copy of the very PDF was called "unchanged": the folder's PDF was a file
    elsewhere, which anyone could change. Now it is made again, as a file of its own."""
    outside = tmp_path / "outside"
    victims(outside)
    out = workspace / "out"
    assert run_handouts("build", "--strict", "-j", "1", cwd=workspace).returncode == 0
    (outside / "alfamab.pdf").write_bytes((out / "alfamab.pdf").read_bytes())
    (out / "alfamab.pdf").unlink()
    (out / "alfamab.pdf").symlink_to(outside / "alfamab.pdf")
    manifest = (out / cache.MANIFEST).read_bytes()
    (outside / "manifest.json").write_bytes(manifest)
    (out / cache.MANIFEST).unlink()
    (out / cache.MANIFEST).symlink_to(outside / "manifest.json")
    before = snapshot(outside)
    done = run_handouts("build", "--strict", "-j", "1", cwd=workspace)
    assert (done.returncode, done.stdout.splitlines()) == (0, BUILT), done.stderr
    assert snapshot(outside) == before
    for name in ("alfamab.pdf", cache.MANIFEST):
        assert not (out / name).is_symlink() and (out / name).is_file()


def test_a_folder_named_like_a_temporary_is_left_alone(workspace):
    (workspace / "out" / ".alfamab.pdf.x1y2z3.tmp").mkdir()
    done = run_handouts("build", "--strict", "-j", "1", cwd=workspace)
    no_traceback(done)
    assert (done.returncode, done.stdout.splitlines()) == (0, BUILT), done.stderr


def test_a_packet_replaces_a_link_in_its_place(workspace, tmp_path):
    outside = tmp_path / "outside"
    before = victims(outside)
    (workspace / "out" / "packet-your-medicines.pdf").symlink_to(outside / "precious.txt")
    done = run_handouts("packet", "alfamab", "--strict", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(outside) == before
    assert (workspace / "out" / "packet-your-medicines.pdf").read_bytes().startswith(b"%PDF")


# --- 27.11: a packet holds the folder as a build does ---------------------------------------------


def test_a_packet_waits_for_the_build_holding_its_folder(workspace):
    """A build into the folder removed the packet's temporary (as one a killed build left), and
    the packet died with a traceback. Now the packet waits, says for whom, and writes after."""
    out = workspace / "out"
    with cache.locked(out):  # a build holds the folder
        packet = subprocess.Popen([sys.executable, "-m", "handouts", "packet", "alfamab", "--strict"], cwd=workspace,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            waiting = packet.stderr.readline()
            assert waiting.startswith(f"waiting for the other build into out to finish (handouts build, process "
                                      f"{os.getpid()} "), waiting
            time.sleep(0.5)
            assert packet.poll() is None and not list(out.glob("*packet*"))  # nothing written meanwhile
        except BaseException:
            packet.kill()
            raise
    stdout, stderr = packet.communicate(timeout=120)
    assert packet.returncode == 0, stderr
    assert stdout.splitlines()[0] == "packet out/packet-your-medicines.pdf (3 pages)"


def test_a_read_only_or_full_folder_is_one_line_for_a_packet(workspace):
    py = f"{sys.executable} -m handouts packet alfamab --strict"
    done = namespace_shell(
        f"mount --bind out out && mount -o remount,ro,bind out out && {py}; echo rc=$?; umount out; "
        f"mount -t tmpfs -o size=8k none out && {py}; echo rc=$?", workspace)
    no_traceback(done)
    assert done.stdout.splitlines() == ["rc=1", "rc=1"], done.stdout + done.stderr
    assert done.stderr.splitlines() == [
        "Error: cannot write out/packet-your-medicines.pdf: Read-only file system",
        "Error: cannot write out/packet-your-medicines.pdf: No space left on device",
    ]
