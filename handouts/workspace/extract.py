"""`handouts extract`: the record a raw document yields, as a YAML record to save and edit.

Every section of the record format is written, the empty ones as slots with a line saying what goes
there, and a source entry for the clinic's own words: what the pharmacist adds is credited to the
clinic, never to the document it did not come from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from ..atomic import write_new
from ..errors import InputError
from ..readers import read_document, yamlrecord
from ..record import DrugRecord, Regimen, Source
from ..record.fields import FIELDS
from ..record.merge import merge
from . import config
from .brand import DEFAULT as DEFAULT_BRAND
from .brand import load as load_brand

# What goes in each section, one line each: the comment above an empty slot.
SLOTS = {f.name: f.slot for f in FIELDS if f.slot}


def record_yaml(path: Path, clinic: str, today: dt.date) -> str:
    """The YAML record for the drug in ``path``, headed by a comment saying where it came from."""
    document = read_document(path)
    if isinstance(document, Regimen):
        raise InputError(path, f"not a single drug (a combination of {', '.join(document.drugs)})")
    if not isinstance(document, DrugRecord):
        raise InputError(path, f"not a single drug ({document.reason})")
    # merge() of one record puts professional percentages on the plain-words side effects.
    record = merge([document])
    record.sources.append(clinic_source(clinic, today))
    header = f"# extracted from {path}; edit, then save in sources/ as a YAML record\n"
    summary = "".join(f"# {line}\n" for line in summary_lines(document))
    credit = f"# Items without 'source:' are credited to {clinic} (the 'clinic' source at the end).\n"
    return header + summary + credit + sections(yamlrecord.to_yaml_data(record))


def clinic_source(clinic: str, today: dt.date) -> Source:
    return Source(key="#clinic", file="", kind=yamlrecord.CLINIC, publisher=clinic, last_reviewed=today)


def sections(data: dict) -> str:
    """Each section of the record format in order; an empty one as a slot to fill in."""
    out = []
    # A field with no slot is still written: an extract must never lose what a source said.
    order = ("generic_name", *(k for k in data if k not in SLOTS and k != "sources"), *SLOTS, "sources")
    for name in dict.fromkeys(order):
        if name in data:
            out.append(_dump({name: data[name]}))
        else:
            out.append(f"# {name}: {SLOTS[name]}\n{name}:\n")
    text = "".join(out)
    # The clinic entry's reviewer is the pharmacist's to write in.
    return text + "  reviewed_by:   # your name: who checked the items credited to the clinic\n"


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def clinic_name(root: Path) -> str:
    """The clinic of the workspace's brand, as the clinic source names it."""
    try:
        brand = load_brand(root, config.load(root).brand)
    except InputError:
        brand = DEFAULT_BRAND
    return brand.clinic or "Our clinic"


def workspace_of(path: Path) -> Path:
    """The workspace a document sits in: the folder above its sources/, else the current folder."""
    for parent in path.absolute().parents:
        if parent.name == "sources":
            return parent.parent
    return Path(".")


def summary_lines(record: DrugRecord) -> list[str]:
    """What a pharmacist checks a new page against: its kind, the items per tier, and what was left out."""
    kind = record.sources[0].kind if record.sources else "unknown"
    counts = ", ".join(f"{name} {n}" for name, n in record.tier_counts().items())
    lines = [f"kind: {kind}; items: {counts} (care_team_notes are never printed)"]
    lines.extend(f"ignored: {block.describe()}" for block in record.ignored)
    if not record.ignored:
        lines.append("ignored: nothing")
    return lines


def save_beside(path: Path, clinic: str, today: dt.date) -> Path:
    """Write the record as <document>.yaml beside the document; never overwrite an edited record."""
    target = path.with_name(f"{path.stem}.yaml")
    exists = InputError(target, "already exists: not overwritten (it may hold a pharmacist's edits)")
    if target.exists() or target.is_symlink():
        raise exists
    text = record_yaml(path, clinic, today)
    try:
        write_new(text.encode("utf-8"), target)  # never through a link, not even one to nowhere
    except FileExistsError:
        raise exists from None
    except OSError as error:
        raise InputError(target, f"cannot write: {error.strerror or error}") from None
    return target


def saved_summary(target: Path) -> list[str]:
    """The summary comment lines at the head of a record ``save_beside`` wrote, without their "# "."""
    lines = target.read_text(encoding="utf-8").split("\n")[1:]
    return [line[2:] for line in lines if line.startswith(("# kind: ", "# ignored: "))]
