"""Helpers for the attack tests: a local HTTP server the test scripts, and a child process whose
peak memory the test measures itself (the child's ru_maxrss, not a guess from wall-clock time).

Never the internet: the server listens on 127.0.0.1 only, on a free port.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .conftest import REPO


class LocalServer:
    """``answer(handler)`` writes each reply itself (status, headers, body, drips and all); the
    paths asked for are kept in ``paths``."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], None]):
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - the standard library's name
                server.paths.append(self.path)
                try:
                    answer(self)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: as it should
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    """A whole reply; header names are given with underscores (Content_Encoding="gzip")."""
    handler.send_response(status)
    headers.setdefault("Content_Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@dataclass
class Finished:
    code: int
    output: str  # stdout then stderr
    peak_mb: float  # the child's largest resident size
    lines: list[str]


# The child's own peak, written as it exits: its VmHWM, of the memory it has after exec. The kernel's
# ru_maxrss of a child also counts the parent's resident pages it held between fork and exec (a
# pytest-xdist worker's 350 MB), which would hide a child's own peak.
_MEASURED = """\
import atexit, os, runpy, sys

def _peak():
    with open("/proc/self/status") as status, open(os.environ["HANDOUTS_TEST_PEAK"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))

atexit.register(_peak)
sys.argv[0] = "handouts"
runpy.run_module("handouts", run_name="__main__", alter_sys=True)
"""


def start_handouts(args: list[str], limits: dict | None = None, env: dict | None = None, **popen) -> subprocess.Popen:
    """``python -m handouts ARGS`` in a child running this worktree's code. ``limits``: resource
    limits for the child ({resource.RLIMIT_FSIZE: bytes}). With HANDOUTS_TEST_PEAK=FILE in ``env``
    the child writes its peak resident size (kB) to FILE as it exits."""

    def limited():
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    command = ["-c", _MEASURED] if "HANDOUTS_TEST_PEAK" in environment else ["-m", "handouts"]
    return subprocess.Popen([sys.executable, *command, *args], env=environment,
                            preexec_fn=limited if limits else None, **popen)


def peak_of(child: subprocess.Popen, ceiling: float, written: Path | None = None) -> float:
    """Wait for the child (killed after ``ceiling`` seconds); its peak resident size in MB: what it
    wrote to ``written`` as it exited, else wait4's ru_maxrss (which counts the parent's pages too)."""
    timer = threading.Timer(ceiling, child.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    if written is not None and written.is_file() and written.read_text().strip().isdigit():
        return int(written.read_text()) / 1024
    return usage.ru_maxrss / 1024


def run_handouts(args: list[str], tmp: Path, ceiling: float = 120, limits: dict | None = None) -> Finished:
    """``python -m handouts ARGS`` run to its end (or killed after ``ceiling`` seconds)."""
    out, err = tmp / "child.out", tmp / "child.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = start_handouts(args, limits, {"HANDOUTS_TEST_PEAK": str(tmp / "child.peak")},
                               stdout=stdout, stderr=stderr)
    peak = peak_of(child, ceiling, tmp / "child.peak")
    output = out.read_text(errors="replace") + err.read_text(errors="replace")
    return Finished(child.returncode, output, peak, output.strip().splitlines())
