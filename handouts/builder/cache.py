"""What a handout is made from, as a fingerprint: unchanged inputs mean the PDF need not be made again.

A drug's fingerprint covers its source documents (the bytes the readers read, not the file
as it is later), every template and style file a build can read (built-in, workspace and
brand), the brand, the options that change the page, and the package version. A small
manifest beside the PDFs keeps each one's fingerprint and the SHA-256 of the PDF written,
so a PDF damaged or replaced in the output folder is made again; a lock on the folder keeps
two builds from writing it at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__, assets
from ..atomic import open_own, read_own, write_atomically
from ..errors import InputError
from ..workspace.brand import Brand
from .options import BuildOptions, made_date

MANIFEST = ".handouts-manifest.json"
LOCK = ".handouts-lock"


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
    # The "made" date printed, not --date alone: without it, SOURCE_DATE_EPOCH's day or today's,
    # and a build on a later day called a PDF printed with an earlier date "unchanged".
    digest.update(repr((brand, options.paper, made_date(options), options.strict, options.lang)).encode())
    # The package's own code too: an editable install changes without a new version number.
    folders = [Path(__file__).parent.parent,  # the whole package: any code change rebuilds
               assets.templates_dir(), assets.styles_dir(), assets.builtin_dir("locale"),
               root / "templates", brand.folder]
    seen: set[Path] = set()
    for folder in folders:
        files = [f for f in _tree(folder) if f.resolve() not in seen]
        seen.update(f.resolve() for f in files)
        _hash_files(digest, files, root)
    return digest.hexdigest()


def fingerprint(shared: str, digests: dict[str, str]) -> str:
    """A drug's fingerprint from the SHA-256 of each source file as it was read (Drug.digests).

    Templates and styles are hashed before the build reads them, so an edit during a build
    only makes the next build redo the work; sources are read long before the build, so
    re-reading them here would fingerprint an edit the PDF never saw."""
    digest = hashlib.sha256(shared.encode())
    for name in sorted(digests):
        digest.update(f"{name}\0{digests[name]}\0".encode())
    return digest.hexdigest()


def digests(root: Path, files: list[str]) -> dict[str, str]:
    """The SHA-256 of each file as it is now (a missing one counts as empty: it changes the print)."""
    return {name: file_digest(root / name) or "" for name in files}


@dataclass(frozen=True)
class Entry:
    """What the manifest knows of one PDF: the fingerprint of its inputs, and either the SHA-256 of
    the PDF made from them or the one-line failure those inputs give; for a PDF, the fit that made
    it (``{"cuts": asdict(Cuts), "scale": ...}``), so the same inputs lay out once, without fitting."""

    inputs: str
    pdf: str | None = None
    failed: str | None = None
    fit: dict | None = None


def file_digest(path: Path, follow: bool = True) -> str | None:
    """The SHA-256 of a regular file, or None when there is none to read (never blocking on a FIFO;
    without ``follow``, a link in its place is none either)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
    except OSError:
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as file:
        try:
            return hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            return None


def read_manifest(output: Path) -> dict[str, Entry]:
    try:
        # A link or a FIFO in its place is no manifest (a FIFO blocked the build for good).
        data = json.loads(read_own(output / MANIFEST) or b"")
    except ValueError:
        return {}  # no manifest, or a damaged one: everything is rebuilt, which is always safe
    if not isinstance(data, dict):
        return {}  # valid JSON that is not an object ("[]", "null") raised AttributeError
    entries = {}
    for name, value in data.items():
        # Anything else (an older manifest's plain strings, a hand edit) is forgotten: a rebuild.
        if isinstance(value, dict) and isinstance(value.get("inputs"), str) and (
            isinstance(value.get("pdf"), str) != isinstance(value.get("failed"), str)
        ):
            fit = value.get("fit") if isinstance(value.get("fit"), dict) else None
            entries[name] = Entry(value["inputs"], value.get("pdf"), value.get("failed"), fit)
    return entries


def write_manifest(output: Path, manifest: dict[str, Entry]) -> None:
    data = {name: {k: v for k, v in asdict(entry).items() if v is not None} for name, entry in manifest.items()}
    write_atomically(json.dumps(data, indent=1, sort_keys=True).encode("utf-8"), output / MANIFEST)


@contextlib.contextmanager
def held(output: Path, on_wait: Callable[[str], None] | None = None):
    """The output folder of a build or a packet, made if missing and held (see ``locked``)."""
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(output, f"cannot make the output folder: {error.strerror or error}") from None
    if not output.is_dir():
        raise InputError(output, "is a file, not a folder for the PDFs")
    with locked(output, on_wait):
        yield


@contextlib.contextmanager
def locked(output: Path, on_wait: Callable[[str], None] | None = None):
    """Hold the output folder for one build: a second build into it waits, and says for whom.

    Two builds writing one folder at once left a manifest describing the other build's PDFs
    (letter PDFs listed as A4). The lock is an flock on a lock file holding who took it; the
    kernel lets go when the process ends, however it ends, so a killed build never leaves the
    folder locked. In a folder that cannot be written the folder itself is locked. A link or a
    FIFO in the lock file's place is replaced, never written through (see atomic.open_own)."""
    try:
        fd = open_own(output / LOCK)
        writable = True
    except OSError:
        fd = os.open(output, os.O_RDONLY | os.O_CLOEXEC)
        writable = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() if writable else ""
            if on_wait is not None:
                on_wait(f"waiting for the other build into {output} to finish ({holder or 'holder unknown'})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        if writable:
            started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"handouts build, process {os.getpid()} on {socket.gethostname()}, since {started}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # and with it the lock
