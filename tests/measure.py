"""Run the tool in a child process and measure it there: its time, and its peak memory as the
kernel counted it (``ru_maxrss`` from ``wait4``), so bounds are asserted on the real process and
not on wall-clock sleeps. On Linux a child's peak starts at its parent's size when it was forked, so
the figure is an upper bound: keep the test process small (make big inputs in a child too)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass


@dataclass
class Measured:
    returncode: int  # negative: killed by that signal (-9: past the timeout)
    output: str  # stdout and stderr together
    seconds: float
    peak_mb: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip()]


def run_handouts(*args, timeout: float = 120) -> Measured:
    """``python -m handouts ARGS`` in a child, killed past ``timeout`` seconds."""
    return run_python("-m", "handouts", *args, timeout=timeout)


def run_python(*args, timeout: float = 120) -> Measured:
    """Python ARGS in a child. Its peak comes from GNU time, which forks it from a small process: a
    child forked straight from a pytest-xdist worker starts with the worker's 350 MB in ru_maxrss."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        started = time.monotonic()
        child = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name, sys.executable, *map(str, args)],
                                 stdout=out, stderr=subprocess.STDOUT,
                                 env={**os.environ, "COLUMNS": "200"})
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)  # reaped here, so its own usage is ours to read
        finally:
            timer.cancel()
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        told = peak.read().strip().splitlines()
        kb = int(told[-1]) if told and told[-1].isdigit() else usage.ru_maxrss
        return Measured(child.returncode, out.read(), seconds, kb / 1024)
