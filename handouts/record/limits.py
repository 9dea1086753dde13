"""How much handouts will read: documented limits (README "Limits") that fail in one line, before any layout.

Real documents are far below every limit (the largest of the 40 cancer.gov pages and the
seeds is 9 KB, with at most 9 items in a section and 635 characters in an item); a file
past one is a mistake or an attack, and without a limit one such file held a build for
minutes and hundreds of megabytes.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from ..errors import InputError
from . import review
from .fields import FIELDS, ITEM, ITEMS, LIST_FIELDS, OTHER, PRINTED_FIELDS, SINGLE_FIELDS

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
# Combining marks on one letter: Vietnamese stacks two, Thai and Devanagari three; a run of dozens
# draws over the lines above and below (over the urgent box, off the paper).
MAX_MARKS = 4

# Text that prints as something other than what it says: the bidirectional embeddings, overrides
# and isolates reorder what follows ("\u202e" printed "call at 38.0, not 5 C" from other text);
# control characters print as nothing or as boxes; a lone surrogate is no character at all and
# fails when written out.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    check_texts(record, name)
    check_reviews(record, name)


def text_problem(text: str) -> str | None:
    """What makes ``text`` print as nothing or as something else, or None when it prints as it
    reads. A field's text is held to this by every reader (``check_record``; YAML records as read)."""
    surrogate = _surrogate_problem(text)
    if surrogate:
        return surrogate
    for pattern, what in ((_REORDERING, "a bidirectional control, which reorders the text as printed"),
                          (_CONTROL, "a control character")):
        found = pattern.search(text)
        if found:
            return f"{what} (U+{ord(found.group()):04X})"
    if _too_many_marks(text):
        return f"more than {MAX_MARKS} combining marks on one letter, which draw over the lines around it"
    if not any(_visible(c) for c in text):
        shown = " ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(text))[:60]
        return f"text that prints as nothing (only {shown or 'nothing'})"
    return None


def _too_many_marks(text: str) -> bool:
    run = 0
    for char in text:
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if run > MAX_MARKS:
            return True
    return False


def _visible(char: str) -> bool:
    """A letter, digit, sign or punctuation: not a space, a mark alone, a format or control character."""
    return unicodedata.category(char)[0] in "LNPS"


def check_texts(record, name: str) -> None:
    """Every text of ``record`` against ``text_problem``, naming the field. Fields never printed (a
    label's numbers, the care team's notes) are held only to being text: they are written out."""
    for field, text in _texts(record):
        printed = field.split(".")[0] not in _UNPRINTED
        problem = text_problem(text) if printed else _surrogate_problem(text)
        if problem:
            raise InputError(name, f"{field}: {problem}")


_UNPRINTED = frozenset(f.name for f in FIELDS if f.kind != OTHER and not f.printed)


def _surrogate_problem(text: str) -> str | None:
    found = _SURROGATE.search(text)
    return f"a lone surrogate, which is no character (U+{ord(found.group()):04X})" if found else None


def _texts(record):
    yield "generic_name", record.generic_name
    for field in FIELDS:
        value = getattr(record, field.name, None)
        items = [value] if field.kind == ITEM else value if field.kind == ITEMS else []
        for item in items or []:
            if item is not None:
                yield field.name, item.text
                if getattr(item, "title", None):
                    yield f"{field.name}.title", item.title
    for brand in record.brands or []:
        yield "brands", brand.name
    for source in record.sources or []:
        for part in ("publisher", "title", "url", "review_frequency", "reviewed_by"):
            if getattr(source, part, None):
                yield f"sources.{part}", getattr(source, part)


def review_problem(source) -> str | None:
    """The next review of ``source`` when it falls past the calendar's end (9999-12-01, quarterly)."""
    try:
        review.due_date(source)
    except (ValueError, OverflowError):
        return (f"the next review after {source.last_reviewed.isoformat()} ({source.review_frequency}) "
                "falls after the year 9999: is the date right?")
    return None


def check_reviews(record, name: str) -> None:
    for source in record.sources or []:
        problem = review_problem(source)
        if problem:
            raise InputError(name, f"sources.last_reviewed: {problem}")
