"""Send finished PDFs to a printer through CUPS (`lp`), with errors a clinic can act on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import BuildError


def send(paths: list[Path], printer: str | None = None, copies: int = 1) -> list[str]:
    """Print each PDF; returns lp's job lines ("request id is Q-12 (1 file(s))").

    Raises BuildError when lp is missing, the queue is unknown or a job is refused; the PDFs
    stay on disk either way.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise BuildError("cannot print: the CUPS 'lp' command is not installed (Debian: apt-get install cups-client)")
    command = [lp, "-n", str(copies)] + (["-d", printer] if printer else [])
    jobs = []
    for path in paths:
        # "--": a file named "-dother-queue.pdf" is a file, never one of lp's options.
        done = subprocess.run([*command, "--", str(path)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise BuildError(f"printing {path.name} failed: {reason[-1] if reason else f'lp exit {done.returncode}'}")
        jobs.append(done.stdout.strip())
    return jobs
