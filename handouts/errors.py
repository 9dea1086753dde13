"""The one error type for bad input: it always names the file, and the line where there is one."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A problem with something the user gave us, reported as one line: ``file:line: problem``."""

    def __init__(self, path: str | Path | None, message: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class BuildError(Exception):
    """A drug that cannot be made into a handout (for example its urgent content cannot fit)."""
