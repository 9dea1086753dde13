"""Writing files so no reader ever sees half of one, and never through a link.

Every file handouts creates or rewrites (PDFs, packets, the manifest, the lock, fetched labels,
extracted records) is written here. What stands in a file's place (a symbolic link to a file
elsewhere, a FIFO) is replaced, never followed or opened: a workspace from someone else may hold
``out/.handouts-lock -> ~/.bashrc``. A folder in its place is refused (IsADirectoryError).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

# Opening never follows a link in the file's place, and never blocks on a FIFO there.
_NO_LINK = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(data: bytes, target: Path, private: bool = False) -> None:
    """Write to a temporary file beside the target and rename, so no reader ever sees half a PDF.
    ``private``: a patient's file, owner-only (0600) from its first byte to the rename.

    The temporary is a new file (O_EXCL: never an existing file or a link), and the rename
    replaces whatever stood at the target, a link or a FIFO included, without following it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if not private:
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it private; a handout is not
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_new(data: bytes, target: Path) -> None:
    """Write a file that must not exist yet: anything in its place, a link to nowhere included,
    raises FileExistsError (O_CREAT | O_EXCL never follows a link)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_LINK, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


def open_own(path: Path) -> int:
    """A read-write descriptor of the regular file at ``path``, created if missing (for a lock
    file, which must keep its inode). A link, FIFO or socket in its place is removed and a new
    file made; a folder raises IsADirectoryError."""
    for _ in range(3):  # another process may put something back between the unlink and the open
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NO_LINK, 0o666)
        except OSError as error:
            if error.errno not in (errno.ELOOP, errno.ENXIO):  # ELOOP: a link; ENXIO: a socket
                raise
        else:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fd
            os.close(fd)  # a FIFO
        os.unlink(path)  # the link or FIFO itself, never what a link points to
    raise OSError(errno.ELOOP, "something keeps replacing it with a link", str(path))


def read_own(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path``, or None when there is none: a link or a FIFO in
    its place is not one (never followed, never blocked on)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_LINK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO, or a folder
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read()
    except OSError:
        return None
    finally:
        os.close(fd)
