"""A file name starting with "-" is a file to lp, never one of its options (issue 27.15)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from ..attacks import no_traceback, record, run_handouts

QUEUE = "handouts-pdf"  # the cups-pdf test queue (.ci/setup test)


def require_queue() -> None:
    """Skip unless the test queue exists; on CI (CI=true) its absence is a failure."""
    if shutil.which("lp") and subprocess.run(["lpstat", "-v", QUEUE], capture_output=True, timeout=30).returncode == 0:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must test printing for real: no CUPS queue {QUEUE!r}")
    pytest.skip(f"no CUPS queue {QUEUE!r} (run: bash .ci/setup test)")


def test_an_output_named_like_an_option_is_printed_as_a_file(make_workspace):
    """`-o -n.pdf --print` ran `lp -n 1 -d QUEUE -n.pdf`: "copies must be 1 or more"."""
    require_queue()
    root = make_workspace({"a.yaml": record("alfamab")})
    done = run_handouts("build", "--strict", "-j", "1", "--output=-n.pdf", "--print", "--printer", QUEUE, cwd=root)
    no_traceback(done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "built -n.pdf"
    assert re.fullmatch(rf"printing: request id is {QUEUE}-\d+ \(1 file\(s\)\)", done.stdout.splitlines()[-1]), done.stdout
