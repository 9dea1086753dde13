"""Where the built-in templates and styles are.

They live at the top of the repository (which is itself a workspace) and are copied into
the package when it is built as a wheel; an editable install finds them beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """The built-in ``templates`` or ``styles`` folder."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    return builtin_dir("templates")


def styles_dir() -> Path:
    return builtin_dir("styles")


def example_source() -> Path:
    """The example drug record `handouts init` puts in a new workspace (a shipped record)."""
    packaged = _PACKAGE / "examples" / "blinatumomab.yaml"
    return packaged if packaged.is_file() else _PACKAGE.parent / "sources" / "blinatumomab.yaml"
