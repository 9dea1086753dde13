"""Read one source document, whatever its format, into a Document.

The format is detected from the content, never the file name: pharmacists save
pages under any name. Each reader module has ``KIND``, ``detect(text)`` and
``read(text, path)``; the first whose ``detect`` accepts the text reads it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from ..errors import InputError
from ..record import Document, DrugRecord, limits

# Most specific first: YAML records and front-matter pages announce themselves. Imported when
# first needed, so a workspace of YAML records never compiles the raw-document readers' patterns.
READERS = ("spl", "openfda", "yamlrecord", "cancergov", "drugscom", "sheet")

FORMATS = ("a YAML drug record, a drugs.com side-effects page, a cancer.gov drug page, a patient drug sheet, "
           "a DailyMed SPL label or an openFDA drug label")


def read_text(path: Path, name: str | None = None, data: bytes | None = None) -> str:
    """The document's text, or an InputError for an empty, binary, too large or non-UTF-8 file.

    ``data`` is the file's bytes when the caller has read them already (the workspace reads
    each file once, and fingerprints those very bytes)."""
    name = name or str(path)
    if data is None:
        data = limits.read_file(path, name)
    if not data.strip():
        raise InputError(name, "empty file")
    utf = _utf16_or_32(data)
    if utf:
        raise InputError(name, f"{utf} text: save it as UTF-8")
    if b"\x00" in data:
        raise InputError(name, "binary file, not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(name, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line) from None
    return _capped_spaces(text.replace("\r\n", "\n").replace("\r", "\n"))


# Runs of spaces longer than any page's indentation or gap. Readers' patterns of the form
# ``\s*...`` try every position of a run, so a line of 900,000 spaces took minutes; cut to this,
# a run costs them a bounded amount per character. Line numbers stay as they were.
MAX_SPACES = 80
_LONG_SPACES = re.compile(r"(?<![^\S\n])[^\S\n]{" + str(MAX_SPACES + 1) + ",}")


def _capped_spaces(text: str) -> str:
    return _LONG_SPACES.sub(lambda run: run.group()[:MAX_SPACES], text)


def _utf16_or_32(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" for text saved so (Windows Notepad's "Unicode"), with or without a BOM."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    # Without a BOM: Latin text in UTF-16 has a zero in every second byte, and only there.
    head = data[:400]
    half, high, low = len(head) // 2, head[0::2].count(0), head[1::2].count(0)
    if half >= 2 and ((low >= 0.9 * half and high == 0) or (high >= 0.9 * half and low == 0)):
        return "UTF-16"
    return None


def detect(text: str):
    """The reader module for this text, or None."""
    readers = (importlib.import_module(f"{__name__}.{name}") for name in READERS)
    return next((reader for reader in readers if reader.detect(text)), None)


def read_document(path: Path, name: str | None = None, data: bytes | None = None) -> Document:
    """Read one file (or its bytes, already read) into a Document; ``name`` is how errors and provenance name it."""
    name = name or str(path)
    if _is_zip(path):
        from . import openfda

        document = openfda.read_zip(path, name)
        return _settled(document)
    text = read_text(path, name, data)
    reader = detect(text)
    if reader is None:
        raise InputError(name, f"unknown format: expected {FORMATS}")
    return _settled(reader.read(text, name))


def _is_zip(path: Path) -> bool:
    """A zip that may be an openFDA bulk part, told by its first bytes; office documents (.docx, .odt),
    which are zips too, are left to be reported as binary files."""
    import zipfile

    try:
        with path.open("rb") as stream:
            if stream.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return not names & {"[Content_Types].xml", "mimetype"}


def _settled(document: Document) -> Document:
    if isinstance(document, DrugRecord):
        # The raw readers settle their records themselves; a hand-written YAML record is judged the same
        # way, so a call-now sentence typed among the reminders is never one the fitter may cut.
        from ..rules.urgency import settle

        settle(document)
    return document
