"""`handouts extract`: the record a raw document yields, as a YAML record to save and edit."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .merge import merge
from .readers import read_document, yamlrecord
from .record import DrugRecord, Regimen


def record_yaml(path: Path) -> str:
    """The YAML record for the drug in ``path``, headed by a comment saying where it came from."""
    document = read_document(path)
    if isinstance(document, Regimen):
        raise InputError(path, f"not a single drug (a combination of {', '.join(document.drugs)})")
    if not isinstance(document, DrugRecord):
        raise InputError(path, f"not a single drug ({document.reason})")
    # merge() of one record puts professional percentages on the plain-words side effects.
    header = f"# extracted from {path}; edit, then save in sources/ as a YAML record\n"
    return header + yamlrecord.dump(merge([document]))


def save_beside(path: Path) -> Path:
    """Write the record as <document>.yaml beside the document; never overwrite an edited record."""
    target = path.with_name(f"{path.stem}.yaml")
    if target.exists():
        raise InputError(target, "already exists: not overwritten (it may hold a pharmacist's edits)")
    text = record_yaml(path)
    target.write_text(text, encoding="utf-8")
    return target
