"""Helpers for the attack tests (issue 27): a fictional drug record, the command line in a
subprocess, and a folder outside the workspace whose files must come through untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import record  # noqa: F401 (the attack tests import it from here)


def run_handouts(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m handouts ...` in a subprocess (stdout and stderr are pipes, never a terminal)."""
    return subprocess.run([sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr


def victims(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Files outside the workspace an attack points at, made here: {name: (bytes, mtime in ns)}."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("precious.txt", "bashrc"):
        (folder / name).write_text(f"the user's own {name}, not to be touched\n")
    return snapshot(folder)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` (the names, bytes and modification times): what must not change."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def namespace_shell(script: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``script`` in a private mount namespace (as root: mounts no other process sees), for a
    read-only or full folder; a clean skip where that cannot be made."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a full or read-only folder")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace: {probe.stderr.decode().strip()}")
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
