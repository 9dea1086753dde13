"""How much handouts will read: documented limits (README "Limits") that fail in one line, before any layout.

Real documents are far below every limit (the largest of the 40 cancer.gov pages and the
seeds is 9 KB, with at most 9 items in a section and 635 characters in an item); a file
past one is a mistake or an attack, and without a limit one such file held a build for
minutes and hundreds of megabytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError
from .fields import LIST_FIELDS, PRINTED_FIELDS, SINGLE_FIELDS

# One source document: the largest real one is an openFDA reply for Opdivo of 1,005,793 bytes
# (../shared/corpus/fda/oncology/BLA125554.json); four times that leaves room for the next revisions.
MAX_FILE_BYTES = 4_000_000
MAX_ITEMS = 200  # items in one section (emergency and urgent signs, side effects, reminders, uses, warnings, brands, sources)
# Characters in one item or field: a real "What is X?" of a Medication Guide runs to 10,892 (oncology
# corpus); the label reader splits it, but a label flattened with no list marks keeps it whole.
MAX_ITEM_CHARS = 12_000
MAX_RECORD_CHARS = 50_000  # characters of text in one document's record: ten pages' worth for a one-page handout
MAX_YAML_ALIASES = 100  # "*name" references in one YAML record
MAX_YAML_DEPTH = 20  # collections inside collections in one YAML record (a record needs 4)
MAX_NESTING = MAX_YAML_DEPTH  # the same bar for any reader's nesting


def read_file(path: Path, name: str, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or an InputError naming it.

    Opened without blocking and checked after opening, so a FIFO or a device is refused,
    never read (a FIFO would block the build forever), and the check is of the file read.
    ``follow=False`` refuses a link (the workspace opens paths it has resolved and vetted:
    a file swapped for a link since then is not followed)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(name, f"not a regular file ({kind(info.st_mode)}): not read")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(name, too_big(info.st_size))
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:  # it grew while we read it
        raise InputError(name, too_big(len(data)))
    return data


def too_big(size: int) -> str:
    return f"too large to be a drug document ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})"


def kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a file"


def too_many(count: int, what: str) -> str:
    return f"{what}: {count:,} items, more than the limit of {MAX_ITEMS:,} for one section"


def too_long(length: int, what: str) -> str:
    return f"{what}: {length:,} characters, more than the limit of {MAX_ITEM_CHARS:,} for one item"


def check_record(record, name: str) -> None:
    """Any reader's record against the item limits (YAML records are checked as read, with lines).

    The page holds about 5,000 characters: the fitter lays out, measures and cuts whatever is
    given, so the total is what bounds one drug's build time (README "Limits")."""
    total = 0
    for field in SINGLE_FIELDS:
        item = getattr(record, field, None)
        if item is not None:
            if len(item.text) > MAX_ITEM_CHARS:
                raise InputError(name, too_long(len(item.text), field))
            total += len(item.text)
    # frequency_data (a professional section, often hundreds of lines) and care_team_notes are never
    # laid out: not limited.
    for field in (f for f in LIST_FIELDS if f in PRINTED_FIELDS):
        items = getattr(record, field, None) or []
        if len(items) > MAX_ITEMS:
            raise InputError(name, too_many(len(items), field))
        for item in items:
            length = max(len(item.text), len(item.title or ""))
            if length > MAX_ITEM_CHARS:
                raise InputError(name, too_long(length, field))
            total += len(item.text) + len(item.title or "")
    for field in ("brands", "sources"):
        if len(getattr(record, field, None) or []) > MAX_ITEMS:
            raise InputError(name, too_many(len(getattr(record, field)), field))
    if total > MAX_RECORD_CHARS:
        raise InputError(name, f"{total:,} characters of text, more than the limit of {MAX_RECORD_CHARS:,} for one document")
