"""Writing files so no reader ever sees half of one: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(data: bytes, target: Path, private: bool = False) -> None:
    """Write to a temporary file beside the target and rename, so no reader ever sees half a PDF.
    ``private``: a patient's file, owner-only (0600) from its first byte to the rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if not private:
            os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; a handout is not
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
