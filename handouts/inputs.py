"""What a handout is made from, as a fingerprint: unchanged inputs mean the PDF need not be made again.

A drug's fingerprint covers its source documents, every template and style file a
build can read (built-in, workspace and brand), the brand, the options that change the
page, and the package version. The fingerprints of the PDFs in an output folder are
kept in a small manifest beside them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__, assets
from .brand import Brand
from .options import BuildOptions
from .atomic import write_atomically

MANIFEST = ".handouts-manifest.json"


def _hash_files(digest, files: list[Path], root: Path) -> None:
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def _tree(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts
    )


def shared_fingerprint(root: Path, brand: Brand, options: BuildOptions) -> str:
    """The part every handout of a build shares: templates, styles, brand, options, version."""
    digest = hashlib.sha256(f"handouts {__version__}\0".encode())
    digest.update(repr((brand, options.paper, options.date, options.strict)).encode())
    # The package's own code too: an editable install changes without a new version number.
    folders = [Path(__file__).parent, assets.templates_dir(), assets.styles_dir(), root / "templates", brand.folder]
    seen: set[Path] = set()
    for folder in folders:
        files = [f for f in _tree(folder) if f.resolve() not in seen]
        seen.update(f.resolve() for f in files)
        _hash_files(digest, files, root)
    return digest.hexdigest()


def fingerprint(shared: str, root: Path, files: list[str]) -> str:
    digest = hashlib.sha256(shared.encode())
    _hash_files(digest, sorted(root / f for f in files), root)
    return digest.hexdigest()


def read_manifest(output: Path) -> dict[str, str]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no manifest, or a damaged one: everything is rebuilt, which is always safe
    if not isinstance(data, dict):
        return {}  # valid JSON that is not an object ("[]", "null") raised AttributeError
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def write_manifest(output: Path, manifest: dict[str, str]) -> None:
    write_atomically(json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"), output / MANIFEST)
